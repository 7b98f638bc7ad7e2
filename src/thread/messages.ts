import type { MessagePort } from 'node:worker_threads';
import type { FaultSpec } from '../scenario/faults';
import type { SessionConfig } from '../scenario/session-config';

/**
 * Everything that crosses between the coordinator and a worker, in one place. Measurements do not
 * travel here: they go through the shared-memory pump. These messages are few (start, stop, end).
 */

/** A fleet group as a worker needs it: plain data that survives structured cloning. */
export interface GroupConfig {
  readonly index: number;
  readonly name: string;
  readonly version: '1.6' | '2.0.1' | '2.1';
  readonly connectors: number;
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly heartbeatIntervalMs: number | undefined;
  readonly callTimeoutMs: number;
  /**
   * WebSocket ping every this many ms on an open connection (0: no periodic ping). Undefined:
   * DEFAULT_PING_INTERVAL_MS (station/defaults.ts). A call timeout also sends a ping at once, unless one is out.
   */
  readonly pingIntervalMs?: number;
  /** A ping unanswered by a pong this long closes the connection (pingTimeout). Undefined: callTimeoutMs. */
  readonly pingTimeoutMs?: number;
  /** Largest frame a station accepts; a larger one closes the connection (frameTooLarge). Undefined: DEFAULT_MAX_FRAME_BYTES (station/defaults.ts). */
  readonly maxFrameBytes?: number;
  /** Offer permessage-deflate on every connection; undefined: no compression. */
  readonly compression?: 'permessage-deflate';
  readonly reconnect: { readonly minMs: number; readonly maxMs: number; readonly jitter: number };
  /** Real-time session settings (timeScale applied); see SessionConfig for what is optional. */
  readonly sessions: SessionConfig;
  /** OCMF-signed energy readings, with the share sent tampered; undefined: unsigned. */
  readonly signedMeterValues?: { readonly format: 'ocmf'; readonly tamperShare: number };
}

/**
 * How stations secure their connections (OCPP security profiles): TLS trust, client
 * certificates. Passwords travel per station (StationAssignment.password), never in a group.
 */
export interface StationSecurity {
  /** PEM of CAs to trust in addition to the system's (--ca). */
  readonly extraCa?: string;
  /** Verify the CSMS's certificate (off only with --insecure). */
  readonly verifyTls: boolean;
  /** One client certificate and key (PEM) for every station (profile 3). */
  readonly clientCert?: { readonly cert: string; readonly key: string };
  /** A folder of `<identity>.pem` / `<identity>.key`, one pair per station (profile 3). */
  readonly clientCertDir?: string;
}

export interface StationAssignment {
  readonly identity: string;
  /** HTTP Basic auth password (security profiles 1 and 2); the user is the identity. */
  readonly password?: string;
  readonly group: number;
  /** ms after the run's epoch. */
  readonly connectAtMs: number;
  readonly seed: number;
  /**
   * Its own version and connectors (a row of the group's identities file), when they differ from
   * the group's: the worker builds that version's station, still counted under its group.
   */
  readonly ocpp?: '1.6' | '2.0.1' | '2.1';
  readonly connectors?: number;
}

export interface WorkerTask {
  readonly workerIndex: number;
  readonly baseUrl: string;
  /** Several CSMS endpoints (the first is `baseUrl`): stations spread over them and fail over. */
  readonly targetUrls?: readonly string[];
  readonly security: StationSecurity;
  /** Source addresses to spread connections over (--local-address); undefined: the system's choice. */
  readonly localAddresses?: readonly string[];
  /** This worker's share of --max-rate, CALLs per second; undefined: no limit. */
  readonly maxCallsPerSec?: number;
  readonly groups: readonly GroupConfig[];
  readonly stations: readonly StationAssignment[];
  readonly gracefulStopMs: number;
  /** This worker's share of the fleet's pace of end-of-run transaction stops, per second (src/worker/wind-down.ts). */
  readonly windDownStopsPerSec: number;
  /** The scenario's faults timeline; each worker applies it to its own stations. Undefined: none. */
  readonly faults?: readonly FaultSpec[];
  readonly ring: SharedArrayBuffer;
  readonly gauges: SharedArrayBuffer;
  /** Coordinator → worker: CoordinatorMessage; worker → coordinator: WorkerMessage. */
  readonly port: MessagePort;
  /**
   * A live run (src/run/live-run.ts): the stations are created but only those a `resize` asks
   * for are started, and the worker sends its own saturation through the pump once a second.
   */
  readonly live?: boolean;
}

export type CoordinatorMessage =
  /**
   * Every worker is ready: go. The epoch (wall-clock ms) is the run's zero, from which the
   * stations' schedule and every record's time count; sent only once all workers have paid their
   * start-up cost, so no station starts late.
   */
  | { readonly type: 'start'; readonly epochWallMs: number }
  /** Wind down: stop sessions cleanly, then close (`immediate`: close now). */
  | { readonly type: 'stop'; readonly immediate: boolean }
  /** Target `target` (index in targetUrls) is lost for `forMs`: drop connections to it, skip it. */
  | { readonly type: 'loseTarget'; readonly target: number; readonly forMs: number }
  /**
   * A live run changes size: `active[g]` of this worker's stations of group g are to run, the
   * first ones in plan order. New ones start spread evenly over `rampMs` from `atMs` (ms after
   * the epoch); the others stop their sessions, spread the same way, and disconnect once settled.
   */
  | { readonly type: 'resize'; readonly active: readonly number[]; readonly rampMs: number; readonly atMs: number };

export type WorkerMessage =
  /** Stations created and scheduled (start-up cost paid, schemas compiled). */
  | { readonly type: 'ready'; readonly stations: number }
  /** All sockets closed; the final records are in the ring. */
  | { readonly type: 'closed' };

export interface GroupOutcome {
  planned: number;
  /** Stations that tried to connect at least once. */
  attempted: number;
  /** Stations that connected at least once. */
  connected: number;
  /** Stations whose boot was accepted at least once. */
  booted: number;
}

export interface WorkerResult {
  readonly workerIndex: number;
  readonly groups: GroupOutcome[];
  readonly recordsWritten: number;
  /** Transaction messages still queued when the run ended. */
  readonly undelivered: number;
  /** With targetUrls: per target, the stations on it at the end and how many of them were connected. */
  readonly targets?: readonly TargetCount[];
  /** One per fault of the timeline, in its order (absent without faults). */
  readonly faults?: FaultOutcome[];
  /** The first redacted message of each error kind the worker met (summary.json `errorSamples`). */
  readonly errorSamples?: Readonly<Record<string, string>>;
  /** The worker's own saturation during the load (the eventLoopDelay and schedulerLag health checks). */
  readonly saturation?: WorkerSaturation;
  /** A live run's stations, per group: starts, and retirements (those cut off by the grace period among them). */
  readonly live?: LiveOutcome;
}

export interface LiveOutcome {
  readonly activations: number[];
  readonly retired: number[];
  /** Retired stations that had not settled within the graceful stop: their last calls were cut off. */
  readonly forced: number[];
}

/**
 * How far behind its own schedule a worker fell, ms: the delay of its event loop (any work that
 * holds the thread) and how late its scheduler fired due entries (connects, calls, timers). High
 * values mean the generator, not the CSMS, set the pace: its latency figures include its own delay.
 */
export interface WorkerSaturation {
  /** `count`: the monitor's samples (one per 10 ms tick or late wake-up); for the scheduler, entries fired. */
  readonly eventLoopDelayMs: { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly schedulerLagMs: { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number };
}

export interface TargetCount {
  stations: number;
  connected: number;
}

/** What a fault did, by effect name: a count, or counts by key (bad frames by kind, CALLERRORs by code). */
export type FaultEffects = Record<string, number | Record<string, number>>;

/** A worker's share of what one fault of the timeline did; the coordinator adds them up. */
export interface FaultOutcome {
  /** Stations it hit when it fired (malformed: the stations that sent at least one bad frame). */
  stations: number;
  effects: FaultEffects;
}
