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
import { firstStepOf, restartChoice, restartFleet, type FirstStep } from './restart';
import { settleStep } from './settle';
import { stepRecord, type AfterBreach, type CapacityStep } from './steps';
import { reach, wholeSecondAfter } from './wait';

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
  let retired = live.retired;
  let first: FirstStep | undefined;
  try {
    while (end === undefined) {
      const next = nextStep(config.search, history);
      if (next.kind === 'done') {
        end = next.outcome;
        break;
      }
      const last = steps.at(-1);
      const lastPass = [...steps].reverse().find((x) => x.passed);
      let afterBreach: AfterBreach | undefined;
      if (last?.verdict === 'breach' && lastPass !== undefined && first !== undefined && live.active > 0) {
        const choice = restartChoice(last, lastPass, first);
        let restartMs = 0;
        if (choice.restarted) {
          const restarted = await restartFleet(live, config, retired);
          if (restarted === undefined) {
            end = endedBy(live, config.signal);
            break;
          }
          retired = restarted.retired;
          restartMs = restarted.ms;
        }
        afterBreach = { ...choice, restartMs };
      }
      // Every station removed so far retires: each step begins long after the stops of the one before.
      retired += Math.max(0, live.active - next.stations);
      const step = await holdStep(live, config, { stations: next.stations, phase: next.phase, index: steps.length + 1, retired, afterBreach });
      if (step === undefined) {
        end = endedBy(live, config.signal);
        break;
      }
      steps.push(step);
      // The first step began from no station: what a fleet costs to start (restart.ts).
      if (step.index === 1) first = firstStepOf(step, live.window(0, step.timing.windowToMs));
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
      settleMs: config.settleMs,
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
  if (live.endedBy !== undefined) return endedBy(live, undefined);
  if (step.index === 1 && step.fleet.active > 0 && step.fleet.connected === 0) {
    return { kind: 'ended', endedBy: 'unreachable', why: `unreachable: not one of ${count(step.fleet.active)} stations connected at the first step` };
  }
  return undefined;
}

/** Why the run ended: as the live run says, or the caller's signal. */
function endedBy(live: LiveRun, signal: AbortSignal | undefined): SearchEnd {
  if (live.endedBy !== undefined) return { kind: 'ended', endedBy: live.endedBy, why: live.endMessage ?? live.endedBy };
  return { kind: 'ended', endedBy: 'interrupted', why: signal?.aborted === true ? 'the search was interrupted (signal)' : 'the run ended' };
}

/** What holdStep is asked: the size, and what the search knows before it. */
interface StepAsk {
  readonly stations: number;
  readonly phase: Phase;
  readonly index: number;
  /** `live.retired` once every station removed so far has retired. */
  readonly retired: number;
  /** Right after a breach: whether the fleet was restarted, why, and how long it took (restart.ts). */
  readonly afterBreach: AfterBreach | undefined;
}

/**
 * One step: resize, ramp, warm-up, settle, hold, judge; undefined when the run ended (or the
 * signal stopped the search) before the hold did. Windows are whole seconds of the run's clock,
 * so the warm-up ends on one and the hold is whole seconds long. A step that got worse every
 * second of its settle is judged on those seconds instead (settle.ts, "worsening").
 */
async function holdStep(live: LiveRun, config: CapacityConfig, ask: StepAsk): Promise<CapacityStep | undefined> {
  const { stations } = ask;
  const startMs = live.now();
  const rampMs = Math.ceil((Math.abs(stations - live.active) / config.rampPerSecond) * 1000);
  live.resize(stations, rampMs);
  // The second judged first by the settle lies wholly after the ramp.
  const warmedMs = Math.max(wholeSecondAfter(startMs + rampMs + config.warmupMs), wholeSecondAfter(startMs + rampMs) + 1000);
  const settled = await settleStep(live, { slos: config.slos, fromMs: warmedMs, maxMs: config.settleMs, retired: ask.retired, signal: config.signal });
  if (settled === undefined) return undefined;
  const timing = {
    startMs: Math.round(startMs),
    ...(ask.afterBreach === undefined ? {} : { afterBreach: ask.afterBreach }),
    rampMs,
    settleMs: settled.atMs - warmedMs,
    settled: settled.state === 'settled',
  };
  if (settled.state === 'worsening') {
    const window = live.window(settled.judgedFromMs, settled.atMs);
    const judged = judgeWindow(window, config.slos, config.generatorLimits);
    if (!judged.passed) {
      return stepRecord(ask.index, ask.phase, stations, window, judged, { ...timing, early: true, windowFromMs: window.fromMs, windowToMs: window.toMs });
    }
  }
  const windowFromMs = settled.atMs;
  const windowToMs = windowFromMs + Math.ceil(config.holdMs / 1000) * 1000;
  if (!(await reach(live, windowToMs, config.signal))) return undefined;
  const window = live.window(windowFromMs, windowToMs);
  const judged = judgeWindow(window, config.slos, config.generatorLimits);
  return stepRecord(ask.index, ask.phase, stations, window, judged, { ...timing, early: false, windowFromMs, windowToMs });
}
