import type { FaultSpec } from './faults';
import type { HealthOverrides } from './health';
import type { IdentitiesSpec } from './identities';
import type { ScriptSpec } from './script';
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
  /**
   * Scenario time per real time: session timing, heartbeats and meter intervals run this many
   * times faster (a day in 24 minutes at 60). Optional for scenarios built in code: 1.
   */
  readonly timeScale?: number;
  /** Time of day (ms after midnight) at the run's start, for daily arrival curves. Optional: 0. */
  readonly startTimeOfDayMs?: number;
  readonly groups: readonly GroupSpec[];
  /**
   * Pass/fail criteria as written; their grammar and metric names are checked by the run command.
   * The loader always sets it; optional so that scenarios built in code (benchmarks) need not.
   */
  readonly thresholds?: readonly ThresholdSpec[];
  /** The `health:` block: limits of the built-in checks changed or turned off (src/scenario/health.ts). */
  readonly health?: HealthOverrides;
  /**
   * CSMS base URLs to spread the stations over (failing over between them); `--url` overrides.
   * Undefined: the embedded CSMS (or `--url`).
   */
  readonly targets?: readonly string[];
  /** Settings of the embedded CSMS, when the run starts it: `nodes` listeners sharing one state. */
  readonly csms?: CsmsSettings;
  /** The faults timeline, in order of the file (optional for scenarios built in code: none). */
  readonly faults?: readonly FaultSpec[];
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

/**
 * How a group opens its connections: at a constant rate, all at once, a rate changing linearly,
 * or rates by steps (each from its `atMs` after the group's start until the next).
 */
export type RampSpec =
  | { readonly kind: 'rate'; readonly perSec: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'linear'; readonly fromPerSec: number; readonly toPerSec: number; readonly overMs: number }
  | { readonly kind: 'steps'; readonly steps: readonly { readonly atMs: number; readonly perSec: number }[] };

/** A distribution of positive numbers (durations in ms, state of charge in %). */
export type Distribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** Truncated: draws at or below 0 are drawn again. */
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number }
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number };

/** When vehicles arrive at a free connector (times in ms; scenario time in a SessionSpec). */
export type ArrivalSpec =
  /** Poisson: idle times between sessions are exponential with this mean. */
  | { readonly kind: 'poisson'; readonly meanIdleMs: number }
  /** On a grid `every` apart, at a phase drawn from the connector's identity; busy points are skipped. */
  | { readonly kind: 'fixed'; readonly everyMs: number }
  /**
   * Poisson with a rate following the time of day: `points` are (ms after midnight, level), joined
   * linearly and around midnight; the highest level arrives at `peakPerHour` (scenario hours).
   */
  | { readonly kind: 'dailyCurve'; readonly points: readonly (readonly [number, number])[]; readonly peakPerHour: number };

/** Stop reasons a scenario may draw (OCPP 1.6 Reason; 2.0.1 ReasonEnumType has them all too). */
export const STOP_REASONS = ['Local', 'EVDisconnected', 'EmergencyStop', 'PowerLoss', 'Reboot', 'Other'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** Measurands a station can report; valid in both versions' MeasurandEnumType. */
export const MEASURANDS = ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Voltage', 'SoC'] as const;
export type Measurand = (typeof MEASURANDS)[number];

export const TAG_POOLS = ['unique', 'shared', 'hot'] as const;
export type TagPool = (typeof TAG_POOLS)[number];

export interface IdTagSpec {
  /** unique: one per connector of each charge point; shared: a fleet-wide pool; hot: a few, skewed. */
  readonly pool: TagPool;
  /** Tags in a shared or hot pool. */
  readonly size: number;
  /** Share of sessions presented with a tag the CSMS should refuse (`INVALID…`). */
  readonly invalidShare: number;
}

export interface EvSpec {
  readonly capacityWh: number;
  /** State of charge on arrival, %. */
  readonly startSocPercent: Distribution;
}

/** Charging sessions of a group, in scenario time (the run divides by the scenario's timeScale). */
export interface SessionSpec {
  readonly arrival: ArrivalSpec;
  /** Plug-in to stop, ms; shortened when the EV gets full. */
  readonly duration: Distribution;
  readonly meterIntervalMs: number;
  readonly powerW: number;
  /** Power rises linearly from 0 over this long at the start of a transaction. */
  readonly rampUpMs: number;
  /** Undefined: the EV never gets full. */
  readonly ev: EvSpec | undefined;
  readonly idTags: IdTagSpec;
  /** Weights of the stop reasons of sessions that end as planned, in STOP_REASONS order. */
  readonly stopReasons: readonly (readonly [StopReason, number])[];
  readonly measurands: readonly Measurand[];
  /** The steps of every session (`sessions.script`); absent: DEFAULT_SCRIPT (src/scenario/script.ts). */
  readonly script?: ScriptSpec;
}

export interface GroupSpec {
  readonly name: string;
  readonly count: number;
  readonly ocpp: OcppVersionName;
  readonly connectors: number;
  /** Identity pattern, e.g. `ACME-{index:05}` (index from 1). */
  readonly identity: string;
  /**
   * The line of the scenario file where the pattern is written (its `identity:`, or its `name:`
   * for the default pattern), for messages; absent for groups built in code.
   */
  readonly identityLine?: number;
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly startAtMs: number;
  readonly ramp: RampSpec;
  /** Overrides the interval the CSMS returns in BootNotification; undefined follows the CSMS. */
  readonly heartbeatIntervalMs: number | undefined;
  /** WebSocket ping every this long (0: none); undefined: the station's default (30 s). */
  readonly pingIntervalMs: number | undefined;
  /** A ping without a pong for this long closes the connection; undefined: the call timeout. */
  readonly pingTimeoutMs: number | undefined;
  /** Largest frame a station accepts, bytes; undefined: 1 MiB. */
  readonly maxFrameBytes: number | undefined;
  /** WebSocket compression the stations offer: permessage-deflate (RFC 7692), or none (the default). */
  readonly compression: 'none' | 'permessage-deflate';
  readonly reconnect: ReconnectSpec;
  readonly sessions: SessionSpec;
  /** Signed meter values (OCMF) of the energy register; absent: unsigned. */
  readonly signedMeterValues?: SignedMeterValuesSpec;
  /**
   * The stations listed in a CSV file (`identities:`), in place of the identity pattern: the
   * first `count` rows. A row may give its own password, version and connectors.
   */
  readonly identities?: IdentitiesSpec;
}

export interface SignedMeterValuesSpec {
  readonly format: 'ocmf';
  /** Share of signed values sent with a reading changed after signing (a CSMS must reject them). */
  readonly tamperShare: number;
}

/**
 * How the embedded CSMS answers, when the run starts it (no --url, no targets): a scenario such as
 * cold-boot needs a CSMS that admits stations gradually. Absent fields keep the CSMS's defaults.
 */
export interface CsmsSettings {
  /** Listeners sharing one state; the fleet spreads over them as over targets. */
  readonly nodes: number;
  readonly heartbeatIntervalMs?: number;
  /** The first N BootNotifications of each station are answered Pending. */
  readonly pendingBoots?: number;
  /** `interval` of Pending and Rejected boot answers. */
  readonly bootRetryIntervalMs?: number;
  /** Added before every answer, ± jitter. */
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** The actions delay and jitter apply to; absent: every action. */
  readonly delayActions?: readonly string[];
  readonly invalidTagShare?: number;
  /**
   * A CSMS of known capacity: every station CALL is answered through `servers` servers taking
   * exactly this long each (capacity servers × 1000 / serviceTimeMs calls per second).
   */
  readonly serviceTimeMs?: number;
  readonly servers?: number;
  /** Processes sharing the port, each holding the stations whose identity hashes to it (for more connections than one process holds). */
  readonly processes?: number;
}
