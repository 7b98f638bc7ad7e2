/**
 * Thresholds over a trailing window: `TransactionEvent.p99[last 10m] < 500ms` judges the run's
 * last ten minutes alone, from the per-second interval histograms the run keeps (the ones
 * histograms.hlog is written from), never from a percentile of percentiles. A slow leak that shows
 * late in a soak fails it while the whole-run p99 still passes.
 *
 * The window is whole seconds: from the second the run ended in, back `last` seconds (clipped at
 * the run's start), the graceful stop included. What it can judge is what the run keeps per second:
 * the time statistics of an action's response and service times and of connect (their interval
 * histograms), calls (count, rate) and timeouts (count). Judged once, at the end of the run.
 */
import type { Aggregator } from '../metrics/aggregator';
import { mergeIntervalLog, type Histogram } from '../metrics/intervals';
import { MAX_TIMER_MS, MAX_TIMER_WORDS, parseDuration } from '../scenario/units';
import { ThresholdError, type MetricRef, type Statistic } from './thresholds-names';

export interface TrailingWindow {
  /** The window's length, whole seconds in ms. */
  readonly lastMs: number;
  /** As written inside the brackets, normalised: `last 10m`. */
  readonly text: string;
}

/** `Heartbeat.p99[last 10m]` → the metric and its window; a metric without brackets has none. */
export function splitWindow(left: string): { name: string; window?: TrailingWindow } {
  const open = left.indexOf('[');
  if (open < 0) {
    if (left.includes(']')) throw new ThresholdError(`unexpected "]" in "${left}": a window is written METRIC.AGGREGATION[last 10m]`);
    return { name: left };
  }
  const close = left.indexOf(']', open);
  if (close < 0) throw new ThresholdError(`"${left}" opens a window with "[" and never closes it: write METRIC.AGGREGATION[last 10m]`);
  if (left.slice(close + 1).trim() !== '') {
    throw new ThresholdError(`unexpected "${left.slice(close + 1).trim()}" after the window "${left.slice(open, close + 1)}": the window ends the metric, as in Heartbeat.p99[last 10m]`);
  }
  const name = left.slice(0, open).trim();
  const inside = left.slice(open + 1, close).trim();
  const m = /^last(?:\s+(.*))?$/.exec(inside);
  if (m === null) throw new ThresholdError(`unknown window "[${inside}]": a window is the run's last stretch, written [last 10m] (or [last 30s], [last 1h])`);
  const written = (m[1] ?? '').trim();
  if (written === '') throw new ThresholdError('the window "[last]" needs a length: [last 10m], [last 30s], [last 1h]');
  // A bare number would be seconds to the scenario's parser and ms to a threshold's limit: a unit says which.
  const ms = /[a-z]$/i.test(written) ? parseDuration(written) : undefined;
  if (ms === undefined) throw new ThresholdError(`the window "[last ${written}]" needs a duration with its unit, such as 10m, 30s or 1h`);
  if (ms < 1000 || ms % 1000 !== 0) {
    throw new ThresholdError(`the window "[last ${written}]" must be whole seconds, at least 1s: the run keeps one histogram per second`);
  }
  if (ms > MAX_TIMER_MS) throw new ThresholdError(`the window "[last ${written}]" is longer than any run (at most ${MAX_TIMER_WORDS})`);
  return { name, window: { lastMs: ms, text: `last ${written}` } };
}

/** Why `ref.stat` cannot be judged over a window, or undefined when it can. */
export function windowProblem(metric: string, ref: MetricRef, stat: Statistic): string | undefined {
  const timed = stat.kind === 'percentile' || stat.kind === 'mean' || stat.kind === 'min' || stat.kind === 'max';
  const fits =
    (ref.family === 'latency' && ref.group === undefined && timed) ||
    (ref.family === 'connect' && timed) ||
    (ref.family === 'calls' && ref.action === undefined && ref.group === undefined &&
      ((ref.outcome === 'all' && (stat.kind === 'count' || stat.kind === 'rate')) || (ref.outcome === 'timeouts' && stat.kind === 'count')));
  if (fits) return undefined;
  if ('group' in ref && ref.group !== undefined) return `${metric} has no window: the run keeps its per-second histograms per action, not per group`;
  return `${metric} has no window: a window judges what the run keeps per second, the time statistics (pNN, mean, min, max) of an action (Heartbeat.p99), its service time (Heartbeat.service.p99) and connect, and calls.count, calls.rate, timeouts.count`;
}

/** What the run kept of the seconds in a window. */
export interface WindowData {
  readonly fromSecond: number;
  readonly toSecond: number;
  /** ms from the window's first second to the run's end: what a rate is over. */
  readonly coveredMs: number;
  /** Interval histograms added per tag (`<Action>`, `<Action>.service`, `connect`), µs. */
  readonly histograms: ReadonlyMap<string, Histogram>;
  readonly calls: number;
  readonly timeouts: number;
}

/** The histogram-log tag a windowed time statistic reads. */
export function windowTag(ref: MetricRef): string | undefined {
  if (ref.family === 'latency') return ref.series === 'response' ? ref.action : `${ref.action}.service`;
  return ref.family === 'connect' ? 'connect' : undefined;
}

/**
 * The window of the last `lastMs` before `elapsedMs` (the run's end), with the histograms of
 * `tags` only: decoding a histogram costs ~0.2 ms, and a 10-minute window of every tag would be
 * thousands of them. Call after aggregator.finish(), which closes the last seconds.
 */
export function readWindow(aggregator: Aggregator, elapsedMs: number, lastMs: number, tags: ReadonlySet<string>): WindowData {
  const toSecond = Math.max(0, Math.ceil(elapsedMs / 1000) - 1);
  const fromSecond = Math.max(0, toSecond - lastMs / 1000 + 1);
  let calls = 0;
  let timeouts = 0;
  for (let s = fromSecond; s <= toSecond; s++) {
    calls += aggregator.seconds.value('calls', s);
    timeouts += aggregator.seconds.value('timeouts', s);
  }
  const lines = aggregator.intervals.linesBetween(fromSecond, toSecond, tags);
  return {
    fromSecond,
    toSecond,
    coveredMs: Math.max(1, elapsedMs - fromSecond * 1000),
    histograms: mergeIntervalLog(lines.join('')),
    calls,
    timeouts,
  };
}
