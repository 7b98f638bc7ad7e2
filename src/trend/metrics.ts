/**
 * The figures a trend follows from run to run, read from history entries: each a name, a unit, how
 * its change is judged, and its value in one run (null when the run has none: an action it never
 * completed, a fleet that never booted whole). Every figure here is one where higher is worse.
 */
import type { HistoryEntry, HistoryLatency } from '../report/history-entry';

export type TrendUnit = 'ms' | '%' | 's' | 'MB';

export interface TrendMetric {
  /** As `--metric` names it: `BootNotification.p99`, `connect.p50`, `errors.rate`, `timeToAllBootedMs`, `generator.cpuS`. */
  readonly name: string;
  readonly unit: TrendUnit;
  /** Where the page draws it: one chart per action, connect, boot, errors, generator.cpu, generator.memory. */
  readonly chart: string;
  /**
   * Whether a change for the worse fails `--fail-on-regression`. The generator's own cost is drawn
   * and its changes marked, but it says how the tool fared, not the CSMS: it never fails a night.
   */
  readonly judged: boolean;
  /** Latencies change by factors: judged on their logarithms (change-points.ts). */
  readonly logScale: boolean;
  /** The step the figure is measured in (0: continuous enough), for the change-point test. */
  readonly resolution: number;
  readonly value: (entry: HistoryEntry) => number | null;
}

export const PERCENTILES = ['p50', 'p90', 'p99', 'max'] as const;
type Percentile = (typeof PERCENTILES)[number];
/** What a trend shows unless `--metric` says otherwise. */
const DEFAULT_PERCENTILES: readonly Percentile[] = ['p50', 'p99'];

/** Latencies of 0 ms (an empty bucket) cannot be judged on a log scale: 1 µs, the histograms' unit. */
const FLOOR_MS = 0.001;
/** timeToAllBootedMs is read at the coordinator's gauge tick (src/coordinator/run-fleet.ts), every 200 ms. */
const BOOT_TICK_MS = 200;
/** summary.json's generator figures are rounded to a tenth (of a second, of a MB). */
const GENERATOR_STEP = 0.1;

function latency(l: HistoryLatency | null | undefined, p: Percentile): number | null {
  return l === null || l === undefined ? null : Math.max(l[p], FLOOR_MS);
}

function latencyMetric(name: string, chart: string, p: Percentile, of: (e: HistoryEntry) => HistoryLatency | null | undefined): TrendMetric {
  return { name: `${name}.${p}`, unit: 'ms', chart, judged: true, logScale: true, resolution: 0, value: (e) => latency(of(e), p) };
}

/** Every metric the entries offer, in a stable order: actions (by name), connect, errors, boots, the generator. */
export function availableMetrics(entries: readonly HistoryEntry[]): TrendMetric[] {
  const actions = [...new Set(entries.flatMap((e) => Object.keys(e.actions)))].sort();
  const metrics: TrendMetric[] = [];
  for (const action of actions) {
    for (const p of PERCENTILES) metrics.push(latencyMetric(action, action, p, (e) => e.actions[action]?.latencyMs));
  }
  for (const p of PERCENTILES) metrics.push(latencyMetric('connect', 'connect', p, (e) => e.connect.latencyMs));
  metrics.push({
    name: 'errors.rate',
    unit: '%',
    chart: 'errors',
    judged: true,
    logScale: false,
    resolution: 0,
    // As compare's: a call that never went on the wire failed too, among the calls made.
    value: (e) => {
      const made = e.calls.sent + e.calls.neverSent;
      return made === 0 ? null : (e.calls.failed / made) * 100;
    },
  });
  metrics.push({ name: 'timeToAllBootedMs', unit: 'ms', chart: 'boot', judged: true, logScale: true, resolution: BOOT_TICK_MS, value: (e) => (e.timeToAllBootedMs === null ? null : Math.max(e.timeToAllBootedMs, FLOOR_MS)) });
  metrics.push({ name: 'generator.cpuS', unit: 's', chart: 'generator.cpu', judged: false, logScale: false, resolution: GENERATOR_STEP, value: (e) => e.generator?.cpuS ?? null });
  metrics.push({ name: 'generator.rssPeakMb', unit: 'MB', chart: 'generator.memory', judged: false, logScale: false, resolution: GENERATOR_STEP, value: (e) => e.generator?.rssPeakMb ?? null });
  return metrics;
}

function isDefault(m: TrendMetric): boolean {
  const p = /\.(p50|p90|p99|max)$/.exec(m.name)?.[1] as Percentile | undefined;
  return p === undefined || DEFAULT_PERCENTILES.includes(p);
}

/** A `--metric` pattern: a name, or a name with `*` standing for any characters (`*.p99`, `Boot*`). */
function matcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (name) => re.test(name);
}

/**
 * The metrics asked for (every pattern must match one, else the message lists what there is), or
 * the default set: p50 and p99 of every action and of connect, errors.rate, timeToAllBootedMs and
 * the generator's CPU and peak memory.
 */
export function selectMetrics(available: readonly TrendMetric[], patterns: readonly string[]): TrendMetric[] | string {
  if (patterns.length === 0) return available.filter(isDefault);
  const chosen = new Set<TrendMetric>();
  for (const pattern of patterns) {
    const matches = available.filter((m) => matcher(pattern.trim())(m.name));
    if (matches.length === 0) return `--metric "${pattern}" matches no metric of these runs; they have ${available.map((m) => m.name).join(', ')}`;
    for (const m of matches) chosen.add(m);
  }
  return available.filter((m) => chosen.has(m));
}
