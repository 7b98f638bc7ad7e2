import type { StopReason } from './types';

/**
 * A session script: what happens on a connector from the vehicle's arrival, step by step. Steps
 * are plain data (they cross to the workers) and are read by index, so a station runs a script
 * with a step counter per connector and the connector's one timer slot: no closure per step.
 * Times are in ms: scenario time as loaded, real time once `scaleScript` has divided them.
 */
export type ScriptStep =
  /** The vehicle plugs in: status Preparing (1.6) / Occupied (2.0.1). */
  | { readonly kind: 'plugIn' }
  /** Authorize with the session's tag; the script waits for the answer, a refusal ends it. */
  | { readonly kind: 'authorize' }
  /** StartTransaction (1.6) / TransactionEvent Started (2.0.1). */
  | { readonly kind: 'start' }
  | { readonly kind: 'wait'; readonly ms: number }
  /**
   * Periodic meter values, the first one interval after the step begins: `count` of them, or,
   * with count undefined, until the session's planned end. Interval undefined: the group's.
   */
  | { readonly kind: 'meterValues'; readonly count: number | undefined; readonly intervalMs: number | undefined }
  /** Charging pauses (no power): SuspendedEV / SuspendedEVSE. */
  | { readonly kind: 'suspend'; readonly by: 'EV' | 'EVSE' }
  | { readonly kind: 'resume' }
  /** Stop the transaction; reason undefined: the session's planned reason. */
  | { readonly kind: 'stop'; readonly reason: StopReason | undefined }
  /** The vehicle leaves: status Available (a running transaction is stopped first, EVDisconnected). */
  | { readonly kind: 'unplug' }
  /** Any station-to-CSMS action, its payload checked against the official schema when loaded. */
  | { readonly kind: 'send'; readonly action: string; readonly payload: { readonly [key: string]: unknown } }
  /** A frame sent as is; `id` is its message id when it reads as a CALL, so its answer is recognised. */
  | { readonly kind: 'raw'; readonly frame: string; readonly id: string | undefined }
  /** Close the socket; the station reconnects after its backoff (as after a drop). */
  | { readonly kind: 'disconnect' }
  /** Close the socket and connect again at once (a new BootNotification). */
  | { readonly kind: 'reconnect' }
  /** Reboot as after a Reset: every transaction of the station stops (Reboot), then it boots again. */
  | { readonly kind: 'reboot' }
  /**
   * OCPP 2.1: open a periodic event stream of the connector's power (OpenPeriodicEventStream),
   * then, once accepted, a NotifyPeriodicEventStream SEND every `intervalMs` carrying `values`
   * readings, until the session's transaction ends (ClosePeriodicEventStream).
   */
  | { readonly kind: 'stream'; readonly intervalMs: number; readonly values: number }
  /**
   * OCPP 2.1 V2X: the EV gives `powerW` back to the grid (the CSMS's central setpoint) until
   * `resume` or the stop: the export register rises, the import register stands still.
   */
  | { readonly kind: 'discharge'; readonly powerW: number };

export type ScriptStepKind = ScriptStep['kind'];

/** The name of a script written in the group itself rather than under `scripts:`. */
export const INLINE_SCRIPT = '(inline)';

/** A script as a group uses it: its name (INLINE_SCRIPT when written in the group) and its steps. */
export interface ScriptSpec {
  readonly name: string;
  readonly steps: readonly ScriptStep[];
}

/**
 * The session every station runs unless its group names a script: the one interpreter runs it
 * like any other. `scenarios/scripted-sessions.yaml` spells it out, and a test keeps the two equal.
 */
export const DEFAULT_SCRIPT: readonly ScriptStep[] = Object.freeze([
  { kind: 'plugIn' },
  { kind: 'authorize' },
  { kind: 'start' },
  { kind: 'meterValues', count: undefined, intervalMs: undefined },
  { kind: 'stop', reason: undefined },
  { kind: 'unplug' },
] as const);

/**
 * A session the CSMS starts (RemoteStartTransaction, RequestStartTransaction): no Authorize (the
 * stations report AuthorizeRemoteTxRequests / AuthorizeRemoteStart false), the typical duration.
 */
export const REMOTE_SCRIPT: readonly ScriptStep[] = Object.freeze([
  { kind: 'plugIn' },
  { kind: 'start' },
  { kind: 'meterValues', count: undefined, intervalMs: undefined },
  { kind: 'stop', reason: undefined },
  { kind: 'unplug' },
] as const);

/** The steps with their times divided by `timeScale` (scenario time → real time). */
export function scaleScript(steps: readonly ScriptStep[], timeScale: number): readonly ScriptStep[] {
  if (timeScale === 1) return steps;
  return steps.map((s): ScriptStep => {
    if (s.kind === 'wait') return { kind: 'wait', ms: s.ms / timeScale };
    if (s.kind === 'meterValues' && s.intervalMs !== undefined) return { ...s, intervalMs: s.intervalMs / timeScale };
    if (s.kind === 'stream') return { ...s, intervalMs: s.intervalMs / timeScale };
    return s;
  });
}
