/**
 * How far a figure must move before compare may call it a change: the metric's own floor, raised
 * to a multiple of the generator's own delay in the two runs. The generator's delay (its scheduler
 * lag or event-loop delay) is in every latency it measures and moves from run to run with the
 * machine's load; the tests compare a run's values with one another and cannot see a whole run
 * slowed by the machine. The multiples are what same-settings pairs on a loaded 2-core machine
 * needed (README, "Calibration on this machine": 16 pairs at load averages 5.6–18.6).
 */
import type { ComparisonRow, FloorMetric } from './compare';
import type { Summary } from './summary';

/**
 * × the larger run's delay p99, about twice the largest ratio of change to delay seen in the
 * same-settings pairs for actions that run all along (p50 0.23, p99 1.76, max 2.56 with the 100 ms
 * floor). p1, the fast path, is left alone: a delay of one event in a hundred does not reach it
 * (Heartbeat p1 stayed within 0.2–0.9 ms in every pair, while its p50 moved by up to 14 ms).
 */
export const GENERATOR_FACTOR: Readonly<Record<FloorMetric, number>> = Object.freeze({ p1: 0, p50: 0.5, p99: 3, max: 3, time: 3 });

/**
 * Boots and connects come in a run's first seconds, while the generator and the embedded CSMS
 * start (JIT, a connect storm), and the CSMS's own start shows in no figure of the generator's:
 * there even the fastest calls wait on the machine (same settings: boot p50 from 3.8 to 576 ms,
 * BootNotification p1 from 0.4 to 119 ms, time to all booted 1,001 to 2,908 ms). Their floor,
 * every metric but p1 (STORM_P1_FACTOR), is STARTUP_FACTOR × the larger run's largest delay (max,
 * not p99): the largest ratio seen was 1.5 for boot p50 (358 ms against 240) and 2.4 for time to
 * all booted (201 ms against 83, under its 500 ms floor). Any figure tested on the whole run is
 * judged alike when its values came in a burst (isStorm).
 */
export const STARTUP_FIGURES: ReadonlySet<string> = new Set(['BootNotification', '(connect)', '(boot)']);
export const STARTUP_FACTOR = 3;

/**
 * The fast path of a storm: an action whose values came in a burst (tested on the whole run, half
 * of them or more in the busiest quarter of the run's seconds: boots, the status notifications
 * after them, a reconnect storm's replay; compare-tests.ts) keeps its p1 for a slower CSMS,
 * floored at this × the larger run's delay p99 (at least the p1 floor). In boot storms of 600 stations at 200/s (bench/scenarios/boot-storm-600.yaml,
 * README "Boot storms"), same-settings pairs moved BootNotification's and StatusNotification's p1
 * by at most 0.11 × the generator's delay p99 (20 ms at 180 ms), while a CSMS 5 ms slower at boots
 * alone moved BootNotification p1 by 4.3–4.4 ms on a quiet machine: 0.25 is about twice the largest
 * ratio seen, as GENERATOR_FACTOR's are. A saturated generator leaves it inconclusive (compare.ts).
 */
export const STORM_P1_FACTOR = 0.25;

/**
 * Whether a row is judged as a storm: a startup figure, or one whose values came in a burst
 * (`burst`: its test took the whole run because they fell in fewer than half the run's seconds;
 * compare-tests.ts). An action spread over a run too short for the per-second test is not one.
 */
export function isStorm(row: Pick<ComparisonRow, 'action' | 'metric'>, burst: boolean): boolean {
  return isStartup(row) || burst;
}

/** A generator whose own delay p99 is above this (the run health checks' limit) measured itself: only p1 is judged. */
export const GENERATOR_SATURATED_MS = 200;

export interface GeneratorDelays {
  /** Each run's delay p99 and largest delay (ms), null when its summary does not record them. */
  baselineMs: number | null;
  candidateMs: number | null;
  baselineMaxMs: number | null;
  candidateMaxMs: number | null;
  saturated: 'baseline' | 'candidate' | 'both' | null;
}

/** The generator's own delay in a run: scheduler lag or event-loop delay (ms), whichever is larger. */
function delay(s: Summary, which: 'p99' | 'max'): number | null {
  const g = s.generator;
  const values = [g?.schedulerLagMs?.[which], g?.eventLoopDelayMs?.[which]].filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? null : Math.max(...values);
}

export function generatorDelays(b: Summary, c: Summary): GeneratorDelays {
  const baselineMs = delay(b, 'p99');
  const candidateMs = delay(c, 'p99');
  const bs = (baselineMs ?? 0) > GENERATOR_SATURATED_MS;
  const cs = (candidateMs ?? 0) > GENERATOR_SATURATED_MS;
  const saturated = bs && cs ? 'both' : bs ? 'baseline' : cs ? 'candidate' : null;
  return { baselineMs, candidateMs, baselineMaxMs: delay(b, 'max'), candidateMaxMs: delay(c, 'max'), saturated };
}

export function isStartup(row: Pick<ComparisonRow, 'action' | 'metric'>): boolean {
  return row.metric === 'time' || STARTUP_FIGURES.has(row.action);
}

/** The floor of a row's metric from the generator's delays (0 without them). */
export function generatorFloor(row: ComparisonRow, g: GeneratorDelays, burst = false): number {
  const larger = (x: number | null, y: number | null): number => Math.max(x ?? 0, y ?? 0);
  const storm = isStorm(row, burst);
  // `(boot)` and `(connect)` hold the generator's own connection work: no fast path there (same
  // settings moved boot p1 by 61 ms at a delay p99 of 180 ms).
  const floor =
    storm && row.metric === 'p1' && !row.action.startsWith('(')
      ? STORM_P1_FACTOR * larger(g.baselineMs, g.candidateMs)
      : storm
        ? STARTUP_FACTOR * larger(g.baselineMaxMs, g.candidateMaxMs)
        : GENERATOR_FACTOR[row.metric as FloorMetric] * larger(g.baselineMs, g.candidateMs);
  return Number(floor.toPrecision(3));
}
