/**
 * `trend`: a history's runs of one series, each metric over them, its change points, and whether
 * the newest run stands in a regression. Plain data (TrendReport), which the terminal text, the
 * JSON and trend.html are made from.
 *
 * A regression at the newest run: a judged metric whose last change point is for the worse, the
 * newest run on its far side. A run that starts a slowdown is one (the change point is that run);
 * so is every later run until the metric changes back or the change leaves the runs looked at
 * (`--last`). Partial runs (interrupted, the CSMS died) are not compared: they are counted apart.
 */
import { HistoryError, readHistory } from '../report/history-store';
import type { HistoryEntry, HistorySettings } from '../report/history-entry';
import { CHANGE_POINT_DEFAULTS, findChangePoints } from './change-points';
import { availableMetrics, selectMetrics, type TrendMetric, type TrendUnit } from './metrics';

/** Bad usage or a history that cannot be trended: exit 2, the message says what and where. */
export class TrendError extends Error {
  override name = 'TrendError';
}

export interface TrendOptions {
  /** The history folder (`run --history DIR`). */
  readonly dir: string;
  /** `--metric` patterns; none: the default set (metrics.ts). */
  readonly metrics?: readonly string[];
  /** Only the newest N complete runs of the series. */
  readonly last?: number;
  /** The series to look at (its id, or the start of it); default: the newest run's. */
  readonly series?: string;
  /** The newest series of the scenario of this name (several scenarios sharing one history folder). */
  readonly scenario?: string;
  /** False-alarm budget per metric (change-points.ts); default 0.01. */
  readonly alpha?: number;
  readonly minMagnitude?: number;
  /** Smallest change of a latency (ms) that counts (default 1). */
  readonly minChangeMs?: number;
}

/** A latency change below this is never a change point, whatever its significance (default). */
export const DEFAULT_MIN_CHANGE_MS = 1;
/** An error rate must move by this many percentage points (as compare's default tolerance). */
export const MIN_CHANGE_PERCENT_POINTS = 0.1;

export interface TrendRun {
  /** 1 for the oldest run looked at. */
  readonly number: number;
  readonly id: string;
  readonly startedAt: string;
  readonly passed: boolean;
  readonly reason: string;
  readonly version: string;
  readonly resultsDir: string;
}

export interface TrendChange {
  readonly metric: string;
  readonly unit: TrendUnit;
  /** The run the change starts at (TrendRun.number). */
  readonly run: number;
  readonly before: number;
  readonly after: number;
  readonly relativeChange: number;
  readonly pValue: number;
  readonly direction: 'worse' | 'better';
}

export interface TrendSeriesResult {
  readonly name: string;
  readonly unit: TrendUnit;
  readonly chart: string;
  readonly judged: boolean;
  /** One value per run (null: the run has none). */
  readonly values: readonly (number | null)[];
  readonly changes: readonly TrendChange[];
}

export interface OtherSeries {
  readonly series: string;
  readonly scenario: string;
  readonly runs: number;
  readonly newest: string;
}

export interface TrendReport {
  readonly tool: 'ocpp-fleet';
  readonly kind: 'trend';
  readonly history: string;
  readonly series: string;
  readonly settings: HistorySettings;
  readonly runs: readonly TrendRun[];
  /** Runs of the series left out: partial ones, and those older than `--last`. */
  readonly left: { readonly partial: number; readonly older: number };
  /** Files in the history that are no entry this version reads. */
  readonly unreadable: readonly { readonly file: string; readonly problem: string }[];
  /** Runs of other scenarios or settings in the same folder: never compared with these. */
  readonly otherSeries: readonly OtherSeries[];
  /** How change points were found: alpha per metric (p ≤ alpha / (runs − 1) for a split), the smallest changes that count. */
  readonly method: { readonly alpha: number; readonly minMagnitude: number; readonly minChangeMs: number; readonly minChangePercentPoints: number };
  readonly metrics: readonly TrendSeriesResult[];
  /** Judged metrics whose last change point is for the worse: the newest run stands in a regression. */
  readonly regressions: readonly TrendChange[];
}

/** The series asked for: by id (or its start), by scenario (its newest series), else the newest run's. */
function pickSeries(entries: readonly HistoryEntry[], options: TrendOptions): string {
  const all = [...new Set(entries.map((e) => e.series))];
  const list = (): string => all.map((s) => `${s} (${entries.find((e) => e.series === s)?.settings.scenario})`).join(', ');
  if (options.series !== undefined && options.scenario !== undefined) throw new TrendError('--series and --scenario both choose the series: give one');
  if (options.scenario !== undefined) {
    const newest = entries.filter((e) => e.settings.scenario === options.scenario).pop();
    if (newest === undefined) throw new TrendError(`--scenario ${options.scenario}: no run of that scenario in ${options.dir}; it has ${list()}`);
    return newest.series;
  }
  const wanted = options.series;
  if (wanted === undefined) return (entries[entries.length - 1] as HistoryEntry).series;
  const matching = all.filter((s) => s.startsWith(wanted));
  if (matching.length === 1) return matching[0] as string;
  throw new TrendError(`--series ${wanted} ${matching.length === 0 ? 'matches no series' : 'matches several series'} of ${options.dir}; it has ${list()}`);
}

function otherSeries(entries: readonly HistoryEntry[], series: string): OtherSeries[] {
  const bySeries = new Map<string, HistoryEntry[]>();
  for (const e of entries) if (e.series !== series) bySeries.set(e.series, [...(bySeries.get(e.series) ?? []), e]);
  return [...bySeries].map(([s, list]) => ({ series: s, scenario: list[0]?.settings.scenario ?? '?', runs: list.length, newest: list[list.length - 1]?.startedAt ?? '' }));
}

function minChangeOf(metric: TrendMetric, minChangeMs: number): number {
  if (metric.unit === 'ms') return minChangeMs;
  return metric.unit === '%' ? MIN_CHANGE_PERCENT_POINTS : 0;
}

/** One metric over the runs and its change points, numbered as the runs are. */
function analyse(metric: TrendMetric, runs: readonly HistoryEntry[], method: TrendReport['method']): TrendSeriesResult {
  const values = runs.map(metric.value);
  const present = values.flatMap((v, i) => (v === null ? [] : [{ v, run: i + 1 }]));
  const points = findChangePoints(present.map((p) => p.v), {
    alpha: method.alpha,
    minMagnitude: method.minMagnitude,
    minChange: minChangeOf(metric, method.minChangeMs),
    logScale: metric.logScale,
    resolution: metric.resolution,
  });
  const changes = points.map((cp): TrendChange => ({
    metric: metric.name,
    unit: metric.unit,
    run: (present[cp.index] as { run: number }).run,
    before: cp.before,
    after: cp.after,
    relativeChange: cp.relativeChange,
    pValue: cp.pValue,
    direction: cp.after > cp.before ? 'worse' : 'better',
  }));
  return { name: metric.name, unit: metric.unit, chart: metric.chart, judged: metric.judged, values, changes };
}

export async function trend(options: TrendOptions): Promise<TrendReport> {
  let read;
  try {
    read = await readHistory(options.dir);
  } catch (err) {
    throw err instanceof HistoryError ? new TrendError(err.message) : err;
  }
  if (read.entries.length === 0) {
    const unreadable = read.skipped.length === 0 ? '' : ` (${read.skipped.length} file(s) there are no entries this version reads: ${read.skipped[0]?.file}: ${read.skipped[0]?.problem})`;
    throw new TrendError(`the history ${options.dir} holds no runs yet${unreadable}: append runs with ocpp-fleet run … --history ${options.dir}`);
  }
  const series = pickSeries(read.entries, options);
  const ofSeries = read.entries.filter((e) => e.series === series);
  const complete = ofSeries.filter((e) => !e.partial);
  const looked = options.last === undefined ? complete : complete.slice(-options.last);
  const method = {
    alpha: options.alpha ?? CHANGE_POINT_DEFAULTS.alpha,
    minMagnitude: options.minMagnitude ?? CHANGE_POINT_DEFAULTS.minMagnitude,
    minChangeMs: options.minChangeMs ?? DEFAULT_MIN_CHANGE_MS,
    minChangePercentPoints: MIN_CHANGE_PERCENT_POINTS,
  };
  const selected = selectMetrics(availableMetrics(looked), options.metrics ?? []);
  if (typeof selected === 'string') throw new TrendError(selected);
  const metrics = selected.map((m) => analyse(m, looked, method));
  const newest = looked.length;
  const regressions = metrics.flatMap((m) => {
    const last = m.changes[m.changes.length - 1];
    return m.judged && last !== undefined && last.direction === 'worse' && m.values[newest - 1] !== null ? [last] : [];
  });
  return {
    tool: 'ocpp-fleet',
    kind: 'trend',
    history: options.dir,
    series,
    settings: (ofSeries[ofSeries.length - 1] as HistoryEntry).settings,
    runs: looked.map((e, i) => ({ number: i + 1, id: e.id, startedAt: e.startedAt, passed: e.passed, reason: e.reason, version: e.version, resultsDir: e.resultsDir })),
    left: { partial: ofSeries.length - complete.length, older: complete.length - looked.length },
    unreadable: read.skipped,
    otherSeries: otherSeries(read.entries, series),
    method,
    metrics,
    regressions,
  };
}
