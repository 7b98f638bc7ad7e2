/**
 * Comparing a candidate run with a baseline: per action, p50 / p99 / max of the response time and
 * the error rate, old, new, change, and a verdict.
 *
 * How a change becomes a regression:
 * 1. It must exceed the tolerance: a relative change (default 10%) for latencies, with an absolute
 *    floor (default 1 ms: loopback latencies under a millisecond move by more than 10% from one run
 *    to the next and nobody cares); percentage points (default 0.1) for error rates.
 * 2. It must stand out from run-to-run noise, when both runs have a histograms.hlog. Each run's
 *    seconds give a sample of per-second values (the p50, p99 or max of each second); a one-sided
 *    Mann-Whitney U test asks whether the candidate's seconds are worse than the baseline's. The
 *    spread of a run's own seconds is its noise: a whole-run p99 that moved because of one slow
 *    second moves the test by one rank, not the verdict. Error rates use a two-proportion z-test
 *    on the failure counts. The significance level (default 0.01) is shared by every comparison
 *    tested (Bonferroni), so a long table does not make false alarms likely.
 *    A latency change whose runs have fewer than five qualifying seconds each cannot be told from
 *    noise: it is "inconclusive" and not flagged. Without histograms (summary.json files alone),
 *    the tolerance decides on its own, and the report says so.
 */
import type { PerSecond } from './compare-hlog';
import { infoChanges, type InfoChange } from './compare-info';
import { mannWhitney, twoProportions } from './compare-stats';
import type { Summary } from './summary';

export type ComparedMetric = 'p50' | 'p99' | 'max' | 'errors';
export const COMPARED_METRICS: readonly ComparedMetric[] = ['p50', 'p99', 'max', 'errors'];

/** Seconds each run needs for a latency change to be tested against noise. */
export const MIN_SECONDS = 5;

export interface CompareOptions {
  /** Per metric: relative change for latencies (0.1 = 10%), percentage points for errors. */
  readonly tolerance: Readonly<Record<ComparedMetric, number>>;
  /** Latency changes smaller than this (ms) are never a regression. */
  readonly minChangeMs: number;
  /** Family-wise significance level of the noise tests. */
  readonly alpha: number;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = Object.freeze({
  tolerance: Object.freeze({ p50: 0.1, p99: 0.1, max: 0.1, errors: 0.1 }),
  minChangeMs: 1,
  alpha: 0.01,
});

export interface RunData {
  /** Where it was read from, as given. */
  readonly label: string;
  readonly summary: Summary;
  /** Per-second values from histograms.hlog; undefined when the run has none. */
  readonly perSecond: PerSecond | undefined;
}

export type RowVerdict = 'ok' | 'regression' | 'improved' | 'noise' | 'inconclusive' | 'only baseline' | 'only candidate' | 'no samples';

export interface ComparisonRow {
  /** An action, or `(connect)`. */
  action: string;
  metric: ComparedMetric;
  unit: 'ms' | '%';
  baseline: number | null;
  candidate: number | null;
  /** Relative change (0.25 = +25%) for ms; percentage points for %. Null when a side is missing. */
  change: number | null;
  verdict: RowVerdict;
  /** One-sided p-value of the noise test, when one was run. */
  p?: number;
  /** Seconds (latency) or calls (errors) each side's test rested on. */
  samples?: [number, number];
}

export interface Comparison {
  baseline: { label: string; scenario: string; startedAt: string };
  candidate: { label: string; scenario: string; startedAt: string };
  /** Whether the noise tests could run (both runs have histograms.hlog). */
  noiseTested: boolean;
  options: CompareOptions;
  /** Significance level each test used: alpha shared over the tests run. */
  alphaPerTest: number;
  rows: ComparisonRow[];
  regressions: number;
  notes: string[];
  /** Figures that changed and are reported without a verdict (compare-info.ts). */
  changes: InfoChange[];
}

interface Side {
  latency: Record<'p50' | 'p99' | 'max', number> | undefined;
  /** Calls the stations made: those that went on the wire and those that never did. */
  sent: number;
  /** Of which did not complete ok (a call never sent failed too; older summaries have no neverSent). */
  failed: number;
  tag: string;
}

/** The compared figures of each action (and connect) of a summary, by row name. */
function sides(s: Summary): Map<string, Side> {
  const out = new Map<string, Side>();
  for (const [action, a] of Object.entries(s.actions)) {
    const neverSent = a.neverSent ?? 0;
    out.set(action, { latency: a.ok > 0 ? a.latencyMs : undefined, sent: a.sent + neverSent, failed: a.sent - a.ok + neverSent, tag: action });
  }
  const c = s.connect;
  if (c.attempts > 0) out.set('(connect)', { latency: c.ok > 0 ? c.latencyMs : undefined, sent: c.attempts, failed: c.errors, tag: 'connect' });
  return out;
}

export function compareRuns(base: RunData, cand: RunData, options: CompareOptions = DEFAULT_COMPARE_OPTIONS): Comparison {
  const noiseTested = base.perSecond !== undefined && cand.perSecond !== undefined;
  const b = sides(base.summary);
  const c = sides(cand.summary);
  const names = [...new Set([...b.keys(), ...c.keys()])].sort((x, y) => order(x) - order(y) || (x < y ? -1 : x > y ? 1 : 0));
  const rows: ComparisonRow[] = [];
  // First pass: values, changes and which rows exceed their tolerance (those get tested).
  const pending: Array<{ row: ComparisonRow; test: () => { pGreater: number; pLess: number } | undefined }> = [];
  for (const name of names) {
    const old = b.get(name);
    const now = c.get(name);
    for (const metric of COMPARED_METRICS) {
      const row = metric === 'errors' ? errorRow(name, old, now) : latencyRow(name, metric, old, now);
      rows.push(row);
      if (row.change === null || !beyondTolerance(row, options)) continue;
      pending.push({ row, test: () => noiseTest(row, old as Side, now as Side, base.perSecond, cand.perSecond) });
    }
  }
  // The noise tests share alpha (Bonferroni over the tests that actually run).
  const tests = pending.map((p) => ({ ...p, result: noiseTested || p.row.metric === 'errors' ? p.test() : undefined }));
  const run = tests.filter((t) => t.result !== undefined).length;
  const alphaPerTest = options.alpha / Math.max(1, run);
  for (const { row, result } of tests) {
    const worse = (row.change as number) > 0;
    if (result === undefined) {
      // No histograms at all: the tolerance alone decides. Histograms but too few seconds: unknown.
      row.verdict = noiseTested ? 'inconclusive' : worse ? 'regression' : 'improved';
      continue;
    }
    row.p = worse ? result.pGreater : result.pLess;
    row.verdict = row.p < alphaPerTest ? (worse ? 'regression' : 'improved') : 'noise';
  }
  return {
    baseline: { label: base.label, scenario: base.summary.scenario, startedAt: base.summary.startedAt },
    candidate: { label: cand.label, scenario: cand.summary.scenario, startedAt: cand.summary.startedAt },
    noiseTested,
    options,
    alphaPerTest,
    rows,
    regressions: rows.filter((r) => r.verdict === 'regression').length,
    notes: settingNotes(base.summary, cand.summary),
    changes: infoChanges(base.summary, cand.summary),
  };
}

/** Actions first in name order, connect last (as in the end-of-run table). */
function order(name: string): number {
  return name.startsWith('(') ? 1 : 0;
}

function latencyRow(action: string, metric: 'p50' | 'p99' | 'max', old: Side | undefined, now: Side | undefined): ComparisonRow {
  const baseline = old?.latency?.[metric] ?? null;
  const candidate = now?.latency?.[metric] ?? null;
  const row: ComparisonRow = { action, metric, unit: 'ms', baseline, candidate, change: null, verdict: 'ok' };
  if (baseline === null || candidate === null) {
    row.verdict = old === undefined ? 'only candidate' : now === undefined ? 'only baseline' : 'no samples';
    return row;
  }
  row.change = baseline > 0 ? (candidate - baseline) / baseline : candidate > 0 ? Number.POSITIVE_INFINITY : 0;
  return row;
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

function beyondTolerance(row: ComparisonRow, options: CompareOptions): boolean {
  const change = row.change as number;
  const tolerance = options.tolerance[row.metric];
  if (row.metric === 'errors') return Math.abs(change) > tolerance;
  const absolute = Math.abs((row.candidate as number) - (row.baseline as number));
  return Math.abs(change) > tolerance && absolute >= options.minChangeMs;
}

function noiseTest(row: ComparisonRow, old: Side, now: Side, base: PerSecond | undefined, cand: PerSecond | undefined): { pGreater: number; pLess: number } | undefined {
  if (row.metric === 'errors') {
    row.samples = [old.sent, now.sent];
    return twoProportions(old.failed, old.sent, now.failed, now.sent);
  }
  const b = base?.get(old.tag)?.[row.metric] ?? [];
  const c = cand?.get(now.tag)?.[row.metric] ?? [];
  row.samples = [b.length, c.length];
  if (b.length < MIN_SECONDS || c.length < MIN_SECONDS) return undefined;
  return mannWhitney(c, b);
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
