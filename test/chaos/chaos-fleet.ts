import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Summary } from '../../src/report/summary';
import { tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet, type FleetOptions, type FleetResult } from '../helpers/run-fleet';

/**
 * A small fleet against a CSMS that misbehaves on purpose (the chaos CSMS, the hostile one), shared
 * by fleet-vs-chaos.ts and hostile-run.ts: groups heartbeating every second that reconnect fast,
 * one worker, through run() in this process (the run's verdict is the result's, not an exit code
 * and stderr).
 */
export interface ChaosFleetGroup {
  readonly name: string;
  readonly ocpp: '1.6' | '2.0.1';
  readonly count: number;
  readonly identity: string;
  /** The group's `sessions` block. */
  readonly sessions: string;
}

/** Boot, status and heartbeats only, so that what a group sends stays exactly countable. */
export const NO_SESSIONS = '{ idle: 1h }';

export interface ChaosFleetRun {
  readonly fleet: FleetResult;
  readonly summary: Summary;
  /** The results folder. */
  readonly out: string;
}

export interface ChaosFleetOptions extends Omit<FleetOptions, 'scenario' | 'out' | 'workers'> {
  readonly groups: readonly ChaosFleetGroup[];
  readonly seed: number;
  readonly duration: string;
  /** Also the WebSocket handshake timeout. */
  readonly callTimeout: string;
  /** Environment variables set for the run (passwordEnv, secretEnv) and removed after it. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The run must be over well within this, whatever the CSMS does: it neither hangs nor crashes. */
export const RUN_BOUND_MS = 45_000;

function groupYaml(g: ChaosFleetGroup): string {
  return `
  - name: ${g.name}
    count: ${g.count}
    ocpp: "${g.ocpp}"
    identity: "${g.identity}"
    heartbeatInterval: 1s
    reconnect: { min: 300ms, max: 600ms, jitter: 0.5 }
    sessions: ${g.sessions}`;
}

export async function runChaosFleet(name: string, options: ChaosFleetOptions): Promise<ChaosFleetRun> {
  const { groups, seed, duration, callTimeout, env = {}, ...fleet } = options;
  const yaml = `
name: ${name}
duration: ${duration}
seed: ${seed}
callTimeout: ${callTimeout}
gracefulStop: 2s
groups:${groups.map(groupYaml).join('')}
`;
  const dir = tempDir(name);
  const out = join(dir, 'out');
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
  try {
    const result = await runFleet({ timeoutMs: RUN_BOUND_MS, ...fleet, scenario: writeScenario(dir, name, yaml), workers: 1, out });
    return { fleet: result, summary: result.summary, out };
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

/**
 * The verdict says the CSMS failed the run: the exit code (1 a failed check, 3 unreachable),
 * `passed: false`, and each of `checks` among the failed health checks (issue 10: such a run is
 * never green).
 */
export function assertVerdict(run: ChaosFleetRun, code: 1 | 3, checks: readonly string[]): void {
  assert.equal(run.fleet.exitCode, code, run.fleet.result.reason);
  assert.equal(run.summary.passed, false);
  const failed = (run.summary.health ?? []).filter((h) => !h.passed).map((h) => h.check);
  for (const c of checks) assert.ok(failed.includes(c), `health check ${c} failed: ${JSON.stringify(run.summary.health)}`);
}
