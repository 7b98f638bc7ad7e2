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
  readonly reconnect: ReconnectSpec;
  readonly sessions: SessionSpec;
}
