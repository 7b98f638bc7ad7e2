import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run, type RunNotice, type RunOptions, type RunResult, type Summary } from '../../src/index';
import { tempDir } from './fleet-cli';

/**
 * A fleet run in the test's own process through `run()`, the library under the CLI: no process to
 * spawn and no CLI to load per run, and the verdict read from the result rather than an exit code
 * and stderr. For tests about what a run does; the CLI's flags, printing, exit codes, signals and
 * process groups stay with the CLI tests (test/helpers/fleet-cli.ts).
 */
export interface FleetResult {
  readonly summary: Summary;
  readonly exitCode: number;
  readonly result: RunResult;
  /** What the CLI would have printed on stderr as it happened (fail fast, abortOnFail, ...). */
  readonly notices: readonly RunNotice[];
}

export interface FleetOptions extends Omit<RunOptions, 'signal' | 'hardStop'> {
  /** The run is stopped at once after this long and the promise rejects (the CLI helper's kill). */
  readonly timeoutMs?: number;
  /**
   * Keep the generator's own health checks (eventLoopDelay, schedulerLag) as the scenario sets
   * them. Off by default: they judge the machine the fleet runs on, and a test runner that runs
   * several files at a time starves the generator now and then (a true verdict, seen on
   * evening-peak: scheduler lag p99 393 ms), which is not what a test of a run's behaviour is
   * about. Tests about those checks (run-health) turn them back on.
   */
  readonly generatorChecks?: boolean;
  /** Aborting it stops the run at once, as the timeout does: for a test that failed while its run goes on. */
  readonly stop?: AbortSignal;
  /**
   * Called once the run ended, before the leak check: a server of the test's own, in this
   * process, lets go of what it still holds for the stations (a late answer's timer, a socket
   * left half open), which is the server's and not the run's.
   */
  readonly afterRun?: () => Promise<void>;
}

/** The `health` entries that turn the generator's own checks off (the CLI's `--health check=off`). */
export const GENERATOR_CHECKS_OFF: readonly string[] = ['eventLoopDelay=off', 'schedulerLag=off'];

/**
 * Node's handles that outlive a run would keep the test file from exiting by itself (the runner
 * then waits forever): worker threads, the embedded CSMS's child, sockets, the metrics server.
 */
const HANDLE_KINDS = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap', 'ProcessWrap', 'PipeWrap', 'MessagePort', 'Worker'];

export function handles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) if (HANDLE_KINDS.includes(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Runs going on in this process now, and the handles open before the first of them began. Tests
 * of a file may run concurrently (`describe(..., { concurrency: true })`): the check then compares
 * against what was open before any of them, and is made once the last one ended.
 */
let inFlight = 0;
let baseline = new Map<string, number>();

/** `body`, then a check that it left no handle open that was not open before it. */
async function withoutLeaks<T>(body: () => Promise<T>): Promise<T> {
  if (inFlight++ === 0) baseline = handles();
  let value: T;
  try {
    value = await body();
  } finally {
    inFlight--;
  }
  // Sockets and children report closed a turn or two after the run's promise settles.
  await new Promise((r) => setTimeout(r, 50));
  // Another run began or goes on: its handles are not a leak of this one, and the last one checks.
  if (inFlight > 0) return value;
  const after = handles();
  const leaked = [...after].filter(([kind, n]) => n > (baseline.get(kind) ?? 0)).map(([kind, n]) => `${kind} ×${n - (baseline.get(kind) ?? 0)}`);
  assert.deepEqual(leaked, [], 'run() left handles open (the test file would not exit by itself)');
  return value;
}

/** One run, without the leak check. */
async function runOnce(options: FleetOptions): Promise<FleetResult> {
  const { timeoutMs = 90_000, generatorChecks = false, stop: stopWhen, afterRun, ...rest } = options;
  const notices: RunNotice[] = [];
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, timeoutMs);
  const stopNow = (): void => stop.abort();
  stopWhen?.addEventListener('abort', stopNow);
  let result: RunResult;
  try {
    result = await run({
      out: join(tempDir('run'), 'results'),
      ...rest,
      health: generatorChecks ? rest.health : [...GENERATOR_CHECKS_OFF, ...(rest.health ?? [])],
      signal: stop.signal,
      hardStop: true,
      onNotice: (n) => {
        notices.push(n);
        rest.onNotice?.(n);
      },
    });
  } finally {
    clearTimeout(timer);
    stopWhen?.removeEventListener('abort', stopNow);
  }
  if (timedOut) throw new Error(`the run did not finish within ${timeoutMs} ms (stopped: ${result.reason})`);
  await afterRun?.();
  return { summary: result.summary, exitCode: result.exitCode, result, notices };
}

/** `out` defaults to a fresh temporary folder, so that no test writes into the checkout's results/. */
export function runFleet(options: FleetOptions): Promise<FleetResult> {
  return withoutLeaks(() => runOnce(options));
}

/**
 * Several runs at the same time in this process, so that they share whatever else the machine is
 * doing (two shards of one fleet, a baseline and a candidate); the leak check comes after the last.
 */
export function runFleets(list: readonly FleetOptions[]): Promise<FleetResult[]> {
  return withoutLeaks(() => Promise.all(list.map((options) => runOnce(options))));
}

/** What the CLI prints on stderr after the run (the notices as they came, then the result's message). */
export function stderrOf(r: FleetResult): string {
  return [...r.notices.map((n) => n.message), ...(r.result.message === undefined ? [] : [r.result.message])].join('\n');
}

/**
 * Poll `check` while `run` goes on and return its first value. The run's own length bounds the
 * wait, not a guess at how fast a loaded machine starts one: the run ending first is the failure.
 */
export async function duringRun<T>(run: Promise<unknown>, what: string, check: () => Promise<T | undefined> | T | undefined, everyMs = 100): Promise<T> {
  let ended = false;
  run.then(
    () => (ended = true),
    () => (ended = true),
  );
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (ended) throw new Error(`the run ended before ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
