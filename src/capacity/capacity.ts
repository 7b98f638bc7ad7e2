/**
 * capacity(): the largest fleet a CSMS carries within its SLOs, found inside one live run. For
 * each size the search asks for: resize, wait out the ramp and the warm-up (discarded), hold,
 * judge the hold's own window; then finish the run (its results folder as for any run) and write
 * capacity.json and capacity.html into that folder. Nothing is printed: each step comes through
 * `onStep`, the run's notices and progress through the run's hooks.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { count } from '../report/health';
import type { ExitCode } from '../run/exit-codes';
import type { RunResult } from '../run/results';
import { judgeWindow } from './judge';
import { startLiveRun, type LiveRun, type StartLiveRun } from './live';
import { resolveCapacityConfig, type CapacityConfig, type CapacityOptions } from './options';
import { writeCapacityPage } from './page';
import { buildCapacityReport, type CapacityOutcome, type CapacityReport, type SearchEnd } from './report';
import { nextStep, type Phase, type SearchStep } from './search';
import { stepRecord, type CapacityStep } from './steps';

export const CAPACITY_FILE = 'capacity.json';

export interface CapacityResult {
  readonly outcome: CapacityOutcome;
  /** The command's exit code for this outcome (README, "Capacity search"). */
  readonly exitCode: ExitCode;
  /** What capacity.json holds. */
  readonly report: CapacityReport;
  /** The live run's results folder, absolute: capacity.json and capacity.html are in it. */
  readonly dir: string;
  /** The live run's own result (summary.json of the whole run). */
  readonly run: RunResult;
}

/** Options checked up front (RunOptionError, UsageError, ScenarioError before anything starts), then the search. */
export async function capacity(options: CapacityOptions): Promise<CapacityResult> {
  const config = resolveCapacityConfig(options);
  return searchCapacity(config, startLiveRun);
}

/** The search over a live run started by `start`: the seam the tests drive with a model of a CSMS. */
export async function searchCapacity(config: CapacityConfig, start: StartLiveRun, clock: () => Date = () => new Date()): Promise<CapacityResult> {
  const startedAt = clock();
  const live = await start(config.live);
  const steps: CapacityStep[] = [];
  const history: SearchStep[] = [];
  let end: SearchEnd | undefined;
  let failure: unknown;
  try {
    while (end === undefined) {
      const next = nextStep(config.search, history);
      if (next.kind === 'done') {
        end = next.outcome;
        break;
      }
      const step = await holdStep(live, config, next.stations, next.phase, steps.length + 1);
      if (step === undefined) {
        end = { kind: 'ended', endedBy: live.endedBy ?? (config.signal?.aborted ? 'interrupted' : 'the run ended') };
        break;
      }
      steps.push(step);
      history.push({ stations: step.stations, phase: step.phase, verdict: step.verdict });
      config.onStep?.(step);
      end = cutShort(live, step);
    }
  } catch (err) {
    failure = err;
  }
  // Whatever happened, the run is finished: its results folder is written and nothing is left running.
  const run = await live.finish();
  if (failure !== undefined) throw failure;
  const report = buildCapacityReport({
    end: end as SearchEnd,
    steps,
    settings: {
      ...config.search,
      holdMs: config.holdMs,
      warmupMs: config.warmupMs,
      rampPerSecond: config.rampPerSecond,
      slos: config.slos.map((s) => s.text),
      generatorLimits: config.generatorLimits,
      workers: config.run.workers,
    },
    scenario: config.run.scenario.name,
    seed: config.run.seed,
    target: run.summary.target,
    startedAt,
    endedAt: clock(),
  });
  await writeFile(join(run.dir, CAPACITY_FILE), `${JSON.stringify(report, null, 2)}\n`);
  await writeCapacityPage(run.dir, report);
  return { outcome: report.outcome, exitCode: report.exitCode, report, dir: run.dir, run };
}

/**
 * The search cannot go on after this step: the run ended by itself, or not one station could
 * connect at the first size (a target that is not there, with fail fast turned off).
 */
function cutShort(live: LiveRun, step: CapacityStep): SearchEnd | undefined {
  if (live.endedBy !== undefined) return { kind: 'ended', endedBy: live.endedBy };
  if (step.index === 1 && step.fleet.active > 0 && step.fleet.connected === 0) {
    return { kind: 'ended', endedBy: `unreachable: not one of ${count(step.fleet.active)} stations connected at the first step` };
  }
  return undefined;
}

/** One step: resize, ramp, warm-up, hold, judge; undefined when the run ended before the hold did. */
async function holdStep(live: LiveRun, config: CapacityConfig, stations: number, phase: Phase, index: number): Promise<CapacityStep | undefined> {
  const startMs = live.now();
  const rampMs = Math.ceil((Math.abs(stations - live.active) / config.rampPerSecond) * 1000);
  live.resize(stations, rampMs);
  const windowFromMs = startMs + rampMs + config.warmupMs;
  const windowToMs = windowFromMs + config.holdMs;
  if (!(await reach(live, windowFromMs, config.signal)) || !(await reach(live, windowToMs, config.signal))) return undefined;
  const window = live.window(windowFromMs, windowToMs);
  const judged = judgeWindow(window, config.slos, config.generatorLimits);
  return stepRecord(index, phase, stations, window, judged, { startMs, rampMs, windowFromMs, windowToMs });
}

/**
 * Waits for run time `ms`; false when the run ended first or the caller's signal stopped the
 * search (the run winds down through the same signal; finish() then writes its results). An
 * until() that resolves early, the run still going, breaks the contract: an error, not an end.
 */
async function reach(live: LiveRun, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = (): void => resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([live.until(ms), aborted]);
  } catch (err) {
    // until() rejects when the run ended: that is an end, not an error.
    if (live.endedBy === undefined) throw err;
    return false;
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted === true || live.endedBy !== undefined) return false;
  // The window read next must lie in the past (the contract's toMs <= now()).
  const now = live.now();
  if (now < ms) throw new Error(`the live run's until(${ms}) resolved at run time ${now} ms, before its time`);
  return true;
}
