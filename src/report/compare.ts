/**
 * Comparing a candidate run with a baseline: per action, `(connect)` and `(boot)`, the p50, p99
 * and max response time and the error rate; per group the time until all its stations were booted.
 *
 * A figure is a regression when three things hold:
 * 1. Its change exceeds the tolerance (relative, default 10%; error rates in percentage points).
 * 2. Its change exceeds the floor of its metric, in ms (DEFAULT_FLOORS_MS), raised to a multiple of
 *    the generator's own delay in the two runs (compare-floors.ts): the tests below compare a
 *    run's values with one another, and cannot see that a whole run was slowed by the machine,
 *    which moves every value of it together. When a run's generator was saturated, only p1 is
 *    judged: the others are "inconclusive" if they moved beyond their floor.
 * 3. It stands out from the runs' own noise (compare-tests.ts says which test on which data),
 *    after Holm's correction over every test of the comparison: the chance of flagging anything
 *    in two runs that differ only by chance stays at most α (default 0.01) however many figures
 *    there are. Holm rather than Benjamini-Hochberg: compare answers one yes-or-no question (exit
 *    1 or 0), so the error to bound is a false "yes" at all, the family-wise rate, not the share
 *    of false ones among many flags; Holm bounds it under any dependence between the tests, and
 *    figures of one run are dependent (p50 and p99 of one action; every action shares the load).
 * A change beyond tolerance and floor that cannot be tested is "inconclusive" and not flagged.
 * Without any histograms (summary.json files alone) tolerance and floor decide, as the header says.
 */
import type { PerSecond } from './compare-hlog';
import { infoChanges, type InfoChange } from './compare-info';
import { GENERATOR_SATURATED_MS, generatorDelays, generatorFloor, isStorm, type GeneratorDelays } from './compare-floors';
import { holm, quantile } from './compare-stats';
import { bootTimeTest, errorTest, latencyTest, type FigureTest, type TestBasis } from './compare-tests';
import type { WholeRun } from './compare-totals';
import type { Summary } from './summary';

export type LatencyMetric = 'p1' | 'p50' | 'p99' | 'max';
/** `time`: a group's time until all its stations were booted. */
export type ComparedMetric = LatencyMetric | 'errors' | 'time';
export type FloorMetric = LatencyMetric | 'time';
export const COMPARED_METRICS: readonly ComparedMetric[] = ['p1', 'p50', 'p99', 'max', 'errors', 'time'];
export const FLOOR_METRICS: readonly FloorMetric[] = ['p1', 'p50', 'p99', 'max', 'time'];

export interface CompareOptions {
  /** Per metric: relative change for times (0.1 = 10%), percentage points for errors. */
  readonly tolerance: Readonly<Record<ComparedMetric, number>>;
  /** Per metric: changes smaller than this (ms) are never a regression. */
  readonly minChangeMs: Readonly<Record<FloorMetric, number>>;
  /** Family-wise significance level of the noise tests (Holm). */
  readonly alpha: number;
  /** Raise each floor to a multiple of the generator's own delay in the runs (compare-floors.ts; default true). */
  readonly generatorFloor: boolean;
}

/** What `compare()` takes, each option optional; a single floor applies to every metric. */
export interface CompareSettings {
  readonly tolerance?: Partial<Readonly<Record<ComparedMetric, number>>>;
  readonly minChangeMs?: number | Partial<Readonly<Record<FloorMetric, number>>>;
  readonly alpha?: number;
  readonly generatorFloor?: boolean;
}

export const DEFAULT_FLOORS_MS: Readonly<Record<FloorMetric, number>> = Object.freeze({ p1: 2, p50: 2, p99: 25, max: 100, time: 500 });

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = Object.freeze({
  tolerance: Object.freeze({ p1: 0.1, p50: 0.1, p99: 0.1, max: 0.1, errors: 0.1, time: 0.1 }),
  minChangeMs: DEFAULT_FLOORS_MS,
  alpha: 0.01,
  generatorFloor: true,
});

export function resolveCompareOptions(s: CompareSettings = {}): CompareOptions {
  const floors = typeof s.minChangeMs === 'number' ? Object.fromEntries(FLOOR_METRICS.map((m) => [m, s.minChangeMs])) : (s.minChangeMs ?? {});
  return {
    tolerance: { ...DEFAULT_COMPARE_OPTIONS.tolerance, ...s.tolerance },
    minChangeMs: { ...DEFAULT_FLOORS_MS, ...floors },
    alpha: s.alpha ?? DEFAULT_COMPARE_OPTIONS.alpha,
    generatorFloor: s.generatorFloor ?? true,
  };
}

export interface RunData {
  /** Where it was read from, as given. */
  readonly label: string;
  readonly summary: Summary;
  /** Per-second values from histograms.hlog; undefined when the run has none. */
  readonly perSecond: PerSecond | undefined;
  /** Whole-run distributions from histograms-total.hlog; undefined when the run has none. */
  readonly wholeRun?: WholeRun | undefined;
}

export type RowVerdict = 'ok' | 'regression' | 'improved' | 'noise' | 'inconclusive' | 'only baseline' | 'only candidate' | 'no samples';

export interface ComparisonRow {
  /** An action, `(connect)`, `(boot)`, or `(all booted: <group>)`. */
  action: string;
  metric: ComparedMetric;
  unit: 'ms' | '%';
  baseline: number | null;
  candidate: number | null;
  /** Relative change (0.25 = +25%) for ms; percentage points for %. Null when a side is missing. */
  change: number | null;
  verdict: RowVerdict;
  /** Set on an `ok` that is ok only because the change is under this floor (ms). */
  belowFloorMs?: number;
  /** Whether that floor is the generator's own delay × GENERATOR_FACTOR (else the metric's floor). */
  floorFromGenerator?: boolean;
  /** One-sided p-value of the noise test in the direction of the change, when one was made. */
  p?: number;
  /** The same after Holm's correction over the comparison's tests: what is compared with α. */
  pAdjusted?: number;
  /** What the test rested on: per-second values, every call of the run, every boot. */
  basis?: TestBasis;
  /** Seconds, calls or boots each side's test rested on. */
  samples?: [number, number];
  /** The quantile test's pooled p1 or p99 and how many values of each run were in its tail. */
  tail?: { threshold: number; inTail: [number, number] };
  /** Why no test was made (an inconclusive row says it). */
  reason?: string;
}

export interface Comparison {
  baseline: { label: string; scenario: string; startedAt: string };
  candidate: { label: string; scenario: string; startedAt: string };
  /** Whether the noise tests could run (both runs have histograms.hlog or histograms-total.hlog). */
  noiseTested: boolean;
  options: CompareOptions;
  /** How many tests Holm's correction was over. */
  tests: number;
  /** Each run's generator delay (scheduler lag or event-loop delay p99, ms; null when not recorded) and whether one was saturated. */
  generator: GeneratorDelays;
  rows: ComparisonRow[];
  regressions: number;
  notes: string[];
  /** Figures that changed and are reported without a verdict (compare-info.ts). */
  changes: InfoChange[];
}

interface Side {
  latency: Record<LatencyMetric, number> | undefined;
  /** Calls the stations made: those that went on the wire and those that never did. */
  sent: number;
  /** Of which did not complete ok (a call never sent failed too; older summaries have no neverSent). */
  failed: number;
  /** Its tag in the histogram logs. */
  tag: string;
  errors: boolean;
}

/**
 * The compared figures of each action (and connect, boot) of a run, by row name. p1 is not in
 * summary.json: it comes from the whole-run histograms, when the run has them.
 */
function sides(run: RunData): Map<string, Side> {
  const s = run.summary;
  const out = new Map<string, Side>();
  const latency = (tag: string, l: Omit<Record<LatencyMetric, number>, 'p1'>): Record<LatencyMetric, number> => {
    const whole = run.wholeRun?.get(tag);
    return { p1: whole === undefined ? Number.NaN : quantile(whole, 0.01), p50: l.p50, p99: l.p99, max: l.max };
  };
  for (const [action, a] of Object.entries(s.actions)) {
    const neverSent = a.neverSent ?? 0;
    out.set(action, { latency: a.ok > 0 ? latency(action, a.latencyMs) : undefined, sent: a.sent + neverSent, failed: a.sent - a.ok + neverSent, tag: action, errors: true });
  }
  const c = s.connect;
  if (c.attempts > 0) out.set('(connect)', { latency: c.ok > 0 ? latency('connect', c.latencyMs) : undefined, sent: c.attempts, failed: c.errors, tag: 'connect', errors: true });
  const b = s.boot;
  if (b !== undefined && b.accepted > 0) out.set('(boot)', { latency: latency('boot', b.timeToAcceptedMs), sent: b.accepted, failed: 0, tag: 'boot', errors: false });
  return out;
}

interface Pending {
  row: ComparisonRow;
  test: FigureTest;
}

export function compareRuns(base: RunData, cand: RunData, options: CompareOptions = DEFAULT_COMPARE_OPTIONS): Comparison {
  const noiseTested = (base.perSecond !== undefined || base.wholeRun !== undefined) && (cand.perSecond !== undefined || cand.wholeRun !== undefined);
  const b = sides(base);
  const c = sides(cand);
  const hasP1 = base.wholeRun !== undefined || cand.wholeRun !== undefined;
  const names = [...new Set([...b.keys(), ...c.keys()])].sort((x, y) => order(x) - order(y) || (x < y ? -1 : x > y ? 1 : 0));
  const pending: Pending[] = [];
  for (const name of names) {
    const old = b.get(name);
    const now = c.get(name);
    for (const metric of ['p1', 'p50', 'p99', 'max'] as const) {
      if (metric === 'p1' && !hasP1) continue;
      const row = latencyRow(name, metric, old, now);
      const tag = (old ?? now)?.tag as string;
      pending.push({ row, test: row.change === null ? {} : latencyTest(metric, tag, base, cand) });
    }
    if ((old ?? now)?.errors) {
      const row = errorRow(name, old, now);
      pending.push({ row, test: row.change === null ? {} : errorTest(old as Side, now as Side) });
    }
  }
  for (const row of bootTimeRows(base.summary, cand.summary)) pending.push({ row, test: row.change === null ? {} : bootTimeTest(base, cand) });
  const tested = pending.filter((p) => p.test.result !== undefined);
  const worse = holm(tested.map((p) => p.test.result?.pGreater as number));
  const better = holm(tested.map((p) => p.test.result?.pLess as number));
  tested.forEach((p, i) => {
    const up = (p.row.change as number) >= 0;
    p.row.p = up ? p.test.result?.pGreater : p.test.result?.pLess;
    p.row.pAdjusted = up ? worse[i] : better[i];
  });
  const generator = generatorDelays(base.summary, cand.summary);
  for (const p of pending) judge(p, options, noiseTested, generator);
  const rows = pending.map((p) => p.row);
  return {
    baseline: { label: base.label, scenario: base.summary.scenario, startedAt: base.summary.startedAt },
    candidate: { label: cand.label, scenario: cand.summary.scenario, startedAt: cand.summary.startedAt },
    noiseTested,
    options,
    tests: tested.length,
    generator,
    rows,
    regressions: rows.filter((r) => r.verdict === 'regression').length,
    notes: settingNotes(base.summary, cand.summary),
    changes: infoChanges(base.summary, cand.summary),
  };
}

/** Tolerance, then floor, then the corrected test: the verdict of a row with both sides. */
function judge({ row, test }: Pending, options: CompareOptions, noiseTested: boolean, generator: GeneratorDelays): void {
  if (row.change === null) return;
  if (test.basis !== undefined) row.basis = test.basis;
  if (test.samples !== undefined) row.samples = test.samples;
  if (test.tail !== undefined) row.tail = test.tail;
  const change = row.change;
  if (Math.abs(change) <= options.tolerance[row.metric]) return;
  if (row.metric !== 'errors') {
    const own = options.minChangeMs[row.metric];
    const burst = test.burst === true;
    const fromGenerator = options.generatorFloor ? generatorFloor(row, generator, burst) : 0;
    const floor = Math.max(own, fromGenerator);
    if (Math.abs((row.candidate as number) - (row.baseline as number)) < floor) {
      row.belowFloorMs = floor;
      if (fromGenerator > own) row.floorFromGenerator = true;
      return;
    }
    if (generator.saturated !== null && (row.metric !== 'p1' || isStorm(row, burst)) && options.generatorFloor) {
      const which = generator.saturated === 'both' ? 'both runs\' generators were' : `the ${generator.saturated}'s generator was`;
      row.verdict = 'inconclusive';
      const what = row.metric === 'p1' ? 'in a storm even the fastest calls wait on it' : 'latencies above p1 include that delay';
      row.reason = `${which} saturated (own delay p99 above ${GENERATOR_SATURATED_MS} ms): ${what}`;
      return;
    }
  }
  const direction = change > 0 ? 'regression' : 'improved';
  if (test.result === undefined) {
    // No histograms at all: tolerance and floor alone decide. Histograms, but no test possible: unknown.
    if (noiseTested) {
      row.verdict = 'inconclusive';
      row.reason = test.reason;
    } else row.verdict = direction;
    return;
  }
  row.verdict = (row.pAdjusted as number) < options.alpha ? direction : 'noise';
}

/** Actions first in name order, then `(boot)`, `(connect)`, then the groups' boot times. */
function order(name: string): number {
  return name.startsWith('(all') ? 2 : name.startsWith('(') ? 1 : 0;
}

function latencyRow(action: string, metric: LatencyMetric, old: Side | undefined, now: Side | undefined): ComparisonRow {
  // NaN: a p1 the run's histograms did not give.
  const known = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);
  const baseline = known(old?.latency?.[metric]);
  const candidate = known(now?.latency?.[metric]);
  const row: ComparisonRow = { action, metric, unit: 'ms', baseline, candidate, change: null, verdict: 'ok' };
  if (baseline === null || candidate === null) {
    row.verdict = old === undefined ? 'only candidate' : now === undefined ? 'only baseline' : 'no samples';
    return row;
  }
  row.change = relative(baseline, candidate);
  return row;
}

function relative(baseline: number, candidate: number): number {
  return baseline > 0 ? (candidate - baseline) / baseline : candidate > 0 ? Number.POSITIVE_INFINITY : 0;
}

function errorRow(action: string, old: Side | undefined, now: Side | undefined): ComparisonRow {
  const rate = (s: Side | undefined): number | null => (s === undefined || s.sent === 0 ? null : (s.failed / s.sent) * 100);
  const baseline = rate(old);
  const candidate = rate(now);
  const row: ComparisonRow = { action, metric: 'errors', unit: '%', baseline, candidate, change: null, verdict: 'ok' };
  if (baseline === null || candidate === null) {
    row.verdict = old === undefined ? 'only candidate' : now === undefined ? 'only baseline' : 'no samples';
    return row;
  }
  row.change = candidate - baseline;
  return row;
}

/**
 * Per group present in both runs: `timeToAllBootedMs`. A group whose stations were all booted in
 * the baseline and not in the candidate is a regression: the baseline shows it can be done.
 */
function bootTimeRows(b: Summary, c: Summary): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const group of Object.keys(b.groups ?? {}).sort()) {
    const gc = c.groups?.[group];
    if (gc === undefined) continue;
    const baseline = b.groups[group]?.fleet?.timeToAllBootedMs ?? null;
    const candidate = gc.fleet?.timeToAllBootedMs ?? null;
    if (baseline === null && candidate === null) continue;
    const row: ComparisonRow = { action: `(all booted: ${group})`, metric: 'time', unit: 'ms', baseline, candidate, change: null, verdict: 'ok' };
    if (baseline === null) row.verdict = 'no samples';
    else if (candidate === null) {
      row.verdict = 'regression';
      row.reason = 'the candidate never had all its stations booted';
    } else row.change = relative(baseline, candidate);
    rows.push(row);
  }
  return rows;
}

/** Differences in how the runs were set up that make a comparison doubtful, said up front. */
function settingNotes(b: Summary, c: Summary): string[] {
  const notes: string[] = [];
  if (b.scenario !== c.scenario) notes.push(`the runs are of different scenarios (${b.scenario}, ${c.scenario})`);
  if (b.fleet.planned !== c.fleet.planned) notes.push(`the fleets differ in size (${b.fleet.planned}, ${c.fleet.planned} charge points)`);
  const ratio = c.durationMs / Math.max(1, b.durationMs);
  if (ratio < 0.8 || ratio > 1.25) notes.push(`the runs differ in length (${(b.durationMs / 1000).toFixed(1)} s, ${(c.durationMs / 1000).toFixed(1)} s)`);
  if (b.partial || c.partial) notes.push('a run was stopped before its planned end (partial)');
  return notes;
}
