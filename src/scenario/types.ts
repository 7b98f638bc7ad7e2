import type { OcppVersionName } from './version-name';

/** A scenario as the rest of the program sees it: validated, units resolved, frozen. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Where it came from (a file path), for messages and the report. */
  readonly source: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly callTimeoutMs: number;
  /** After the duration: time for running transactions to stop cleanly before sockets close. */
  readonly gracefulStopMs: number;
  readonly groups: readonly GroupSpec[];
  /**
   * Pass/fail criteria as written; their grammar and metric names are checked by the run command.
   * The loader always sets it; optional so that scenarios built in code (benchmarks) need not.
   */
  readonly thresholds?: readonly ThresholdSpec[];
}

/** A threshold as the scenario file gives it, located so that a bad one is reported at its line. */
export interface ThresholdSpec {
  /** The text, e.g. `BootNotification.p99 < 800ms` (it may end with `abortOnFail` itself). */
  readonly text: string;
  /** Stop the run as soon as the threshold fails (mapping form `abortOnFail: true`). */
  readonly abortOnFail: boolean;
  /** With abortOnFail: not evaluated for aborting before this much of the run has passed. */
  readonly abortGracePeriodMs: number | undefined;
  /** `thresholds[i]`, and the line of the file it is on. */
  readonly field: string;
  readonly line: number;
}

export interface ReconnectSpec {
  readonly minMs: number;
  readonly maxMs: number;
  /** Share of each delay drawn at random (0 = every station retries in lockstep). */
  readonly jitter: number;
}

export interface SessionSpec {
  /** Mean idle time between sessions on a connector; arrivals are a Poisson process. */
  readonly meanIdleMs: number;
  readonly durationMs: number;
  readonly meterIntervalMs: number;
  readonly powerW: number;
  /** Share of sessions presented with an id tag the CSMS should refuse. */
  readonly invalidTagShare: number;
}

export interface GroupSpec {
  readonly name: string;
  readonly count: number;
  readonly ocpp: OcppVersionName;
  readonly connectors: number;
  /** Identity pattern, e.g. `ACME-{index:05}` (index from 1). */
  readonly identity: string;
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly startAtMs: number;
  /** Connections opened per second; Infinity opens them all at once. */
  readonly rampPerSec: number;
  /** Overrides the interval the CSMS returns in BootNotification; undefined follows the CSMS. */
  readonly heartbeatIntervalMs: number | undefined;
  /** WebSocket ping every this long (0: none); undefined: the station's default (30 s). */
  readonly pingIntervalMs: number | undefined;
  /** A ping without a pong for this long closes the connection; undefined: the call timeout. */
  readonly pingTimeoutMs: number | undefined;
  /** Largest frame a station accepts, bytes; undefined: 1 MiB. */
  readonly maxFrameBytes: number | undefined;
  readonly reconnect: ReconnectSpec;
  readonly sessions: SessionSpec;
}
