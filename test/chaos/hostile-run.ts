import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Summary } from '../../src/report/summary';
import { readSummary, runCli, tempDir, writeScenario, type CliResult } from '../helpers/fleet-cli';

/** A group of a hostile run: `count` stations `<prefix>-1…`, no charging sessions (boot, status, heartbeats only). */
export interface HostileGroup {
  readonly name: string;
  readonly ocpp: '1.6' | '2.0.1';
  readonly count: number;
  readonly prefix: string;
}

export interface HostileRun {
  readonly result: CliResult;
  readonly summary: Summary;
  /** Wall-clock ms the CLI took, start to exit. */
  readonly tookMs: number;
  /** The results folder. */
  readonly out: string;
}

export interface HostileRunOptions {
  readonly groups: readonly HostileGroup[];
  /** `--url`, repeated for several targets. */
  readonly urls: readonly string[];
  readonly duration?: string;
  /** Also the WebSocket handshake timeout. Default 2 s. */
  readonly callTimeout?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly extraArgs?: readonly string[];
  /** Without --quiet, the end-of-run text is on stdout (its first line is the verdict). Default true. */
  readonly quiet?: boolean;
}

/** The CLI must be done well within this, whatever the CSMS does: it neither hangs nor crashes. */
export const RUN_BOUND_MS = 45_000;

/** Run the real CLI (one worker) against `urls` and read its summary.json. */
export async function runHostile(name: string, options: HostileRunOptions): Promise<HostileRun> {
  let groups = '';
  for (const g of options.groups) {
    groups += `
  - name: ${g.name}
    count: ${g.count}
    ocpp: "${g.ocpp}"
    identity: "${g.prefix}-{index}"
    heartbeatInterval: 1s
    reconnect: { min: 300ms, max: 600ms, jitter: 0.5 }
    sessions: { idle: 1h }`;
  }
  const yaml = `
name: hostile-${name}
duration: ${options.duration ?? '3s'}
seed: 11
callTimeout: ${options.callTimeout ?? '2s'}
gracefulStop: 2s
groups:${groups}
`;
  const dir = tempDir(`hostile-${name}`);
  const out = join(dir, 'out');
  const urls = options.urls.flatMap((u) => ['--url', u]);
  const started = Date.now();
  const result = await runCli(['run', writeScenario(dir, name, yaml), ...urls, '--workers', '1', '--out', out, ...(options.quiet === false ? [] : ['--quiet']), ...(options.extraArgs ?? [])], RUN_BOUND_MS, options.env);
  const tookMs = Date.now() - started;
  let summary: Summary;
  try {
    summary = readSummary(out);
  } catch {
    throw new Error(`no summary.json (exit ${result.code}):\n${result.stderr}`);
  }
  return { result, summary, tookMs, out };
}

/**
 * The run ended by itself, as a run and not as a crash: an exit code of the documented set (the
 * verdict itself is not judged here), no stack trace, every record aggregated.
 */
export function assertEndedCleanly(run: HostileRun): void {
  assert.equal(run.result.signal, null, 'not killed');
  assert.ok(run.result.code === 0 || run.result.code === 1 || run.result.code === 3, `exit ${run.result.code}\n${run.result.stderr}`);
  assert.doesNotMatch(run.result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `no stack trace on stderr:\n${run.result.stderr}`);
  // A sample is there to explain a count: none for a kind the summary does not count.
  const uncounted = Object.keys(run.summary.errorSamples ?? {}).filter((k) => (run.summary.errors[k] ?? 0) === 0);
  assert.deepEqual(uncounted, [], `samples of kinds not counted: ${JSON.stringify(run.summary.errorSamples)}`);
  assert.equal(run.summary.pump.recordsWritten, run.summary.pump.recordsAggregated, 'every record aggregated');
  assert.equal(run.summary.connect.attempts, run.summary.connect.ok + run.summary.connect.errors);
}

/**
 * The verdict says the CSMS failed the run: the exit code (1 a failed check, 3 unreachable),
 * `passed: false`, and each of `checks` among the failed health checks.
 */
export function assertVerdict(run: HostileRun, code: 1 | 3, checks: readonly string[]): void {
  assert.equal(run.result.code, code, run.result.stderr);
  assert.equal(run.summary.passed, false);
  const failed = (run.summary.health ?? []).filter((h) => !h.passed).map((h) => h.check);
  for (const c of checks) assert.ok(failed.includes(c), `health check ${c} failed: ${JSON.stringify(run.summary.health)}`);
}
