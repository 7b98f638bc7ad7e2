import assert from 'node:assert/strict';
import { NO_SESSIONS, runChaosFleet, type ChaosFleetRun } from './chaos-fleet';

/** A group of a hostile run: `count` stations `<prefix>-1…`, no charging sessions (boot, status, heartbeats only). */
export interface HostileGroup {
  readonly name: string;
  readonly ocpp: '1.6' | '2.0.1';
  readonly count: number;
  readonly prefix: string;
}

export type HostileRun = ChaosFleetRun;

export interface HostileRunOptions {
  readonly groups: readonly HostileGroup[];
  /** The targets: stations spread over them and fail over. */
  readonly urls: readonly string[];
  readonly duration?: string;
  /** Also the WebSocket handshake timeout. Default 2 s. */
  readonly callTimeout?: string;
  /** Environment variables for the run, e.g. the one `passwordEnv` names. */
  readonly env?: Readonly<Record<string, string>>;
  readonly passwordEnv?: string;
}

/** Run one worker against `urls` through run() in this process. */
export function runHostile(name: string, options: HostileRunOptions): Promise<HostileRun> {
  return runChaosFleet(`hostile-${name}`, {
    groups: options.groups.map((g) => ({ name: g.name, ocpp: g.ocpp, count: g.count, identity: `${g.prefix}-{index}`, sessions: NO_SESSIONS })),
    seed: 11,
    duration: options.duration ?? '3s',
    callTimeout: options.callTimeout ?? '2s',
    url: options.urls,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.passwordEnv === undefined ? {} : { passwordEnv: options.passwordEnv }),
  });
}

/**
 * The run ended by itself, as a run and not as a crash (run() resolved: no exception, no hang past
 * the bound): a verdict of the documented set (not judged here), every record aggregated.
 */
export function assertEndedCleanly(run: HostileRun): void {
  assert.ok([0, 1, 3].includes(run.fleet.exitCode), `exit ${run.fleet.exitCode} (${run.fleet.result.reason})`);
  // A sample is there to explain a count: none for a kind the summary does not count.
  const uncounted = Object.keys(run.summary.errorSamples ?? {}).filter((k) => (run.summary.errors[k] ?? 0) === 0);
  assert.deepEqual(uncounted, [], `samples of kinds not counted: ${JSON.stringify(run.summary.errorSamples)}`);
  assert.equal(run.summary.pump.recordsWritten, run.summary.pump.recordsAggregated, 'every record aggregated');
  assert.equal(run.summary.connect.attempts, run.summary.connect.ok + run.summary.connect.errors);
}
