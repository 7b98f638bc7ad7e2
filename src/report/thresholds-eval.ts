/**
 * Evaluating thresholds against the aggregator: at the end of the run, and once a second during it
 * for those with abortOnFail.
 *
 * Values come from the HDR histograms and the exact counts, never from summary.json's rounded
 * figures: a percentile is the histogram's (three significant digits, capped at the largest value
 * recorded, as in the summary), a mean the histogram's mean, a share the exact ratio of counts.
 */
import type { Aggregator } from '../metrics/aggregator';
import { addCallCounts, CallStats } from '../metrics/histograms';
import { meanOf } from '../metrics/histogram-scan';
import type { Histogram } from '../metrics/intervals';
import { satisfies, type Threshold, type ThresholdResult } from './thresholds';
import type { MetricRef, Statistic, Unit } from './thresholds-names';
import { readWindow, windowTag, type WindowData } from './thresholds-window';

/** What a threshold reads: the aggregator's state, and how long the run has lasted (for rates). */
export interface MetricSource {
  readonly aggregator: Aggregator;
  readonly elapsedMs: number;
}

interface Measured {
  value: number | null;
  samples: number;
}

/**
 * Evaluates every threshold. Call statistics merged over groups are computed once per call of
 * this function and only for the actions thresholds name, so evaluating once a second stays cheap.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], source: MetricSource): ThresholdResult[] {
  const merged = new Map<string, CallStats>();
  const statsOf = (action: string | undefined, group: string | undefined): CallStats => {
    const key = `${group ?? ''}\u0000${action ?? ''}`;
    let stats = merged.get(key);
    if (stats === undefined) {
      stats = new CallStats();
      for (const [name, actions] of source.aggregator.groups()) {
        if (group !== undefined && name !== group) continue;
        for (const [a, s] of actions) if (action === undefined || a === action) addCounts(stats, s, action !== undefined);
      }
      merged.set(key, stats);
    }
    return stats;
  };
  const windowOf = windowsOf(thresholds, source);
  return thresholds.map((t) => {
    const w = t.window === undefined ? undefined : windowOf(t.window.lastMs);
    const m = w === undefined ? measure(t.ref, t.stat, source, statsOf) : measureWindow(t.ref, t.stat, w);
    const verdict = m.value === null ? 'no samples' : satisfies(m.value, t.operator, t.limit) ? 'pass' : 'fail';
    return {
      threshold: t.text,
      source: t.source,
      metric: t.metric,
      operator: t.operator,
      limit: roundValue(t.limit, t.unit),
      value: m.value === null ? null : roundValue(m.value, t.unit),
      unit: t.unit,
      samples: m.samples,
      verdict,
      abortOnFail: t.abortOnFail,
      ...(w === undefined ? {} : { window: { fromMs: w.fromSecond * 1000, toMs: source.elapsedMs } }),
    };
  });
}

/**
 * The trailing windows the thresholds name, each read once (with every tag any of them needs), so
 * `p99[last 10m]` and `max[last 10m]` of one action decode its histograms once.
 */
function windowsOf(thresholds: readonly Threshold[], source: MetricSource): (lastMs: number) => WindowData {
  const tags = new Set<string>();
  for (const t of thresholds) {
    const tag = t.window === undefined ? undefined : windowTag(t.ref);
    if (tag !== undefined) tags.add(tag);
  }
  const read = new Map<number, WindowData>();
  return (lastMs) => {
    let w = read.get(lastMs);
    if (w === undefined) {
      w = readWindow(source.aggregator, source.elapsedMs, lastMs, tags);
      read.set(lastMs, w);
    }
    return w;
  };
}

/** A statistic over a window (windowProblem has let only these through). */
function measureWindow(ref: MetricRef, stat: Statistic, w: WindowData): Measured {
  const tag = windowTag(ref);
  if (tag !== undefined) {
    const h = w.histograms.get(tag);
    return h === undefined ? { value: null, samples: 0 } : timeStat(h, stat);
  }
  if (ref.family === 'calls' && ref.outcome === 'timeouts') return { value: w.timeouts, samples: w.calls };
  return { value: stat.kind === 'rate' ? perSecond(w.calls, w.coveredMs) : w.calls, samples: w.calls };
}

/**
 * The first abortOnFail threshold that fails now, past its grace period, with its result (marked
 * abortedRun). A metric with no samples yet does not abort: early in a run that is the normal
 * state, not a failure.
 */
export function abortingThreshold(thresholds: readonly Threshold[], source: MetricSource): { index: number; result: ThresholdResult } | undefined {
  const candidates = thresholds.map((t, index) => ({ t, index })).filter(({ t }) => t.abortOnFail && source.elapsedMs >= t.abortGracePeriodMs);
  if (candidates.length === 0) return undefined;
  const results = evaluateThresholds(candidates.map((c) => c.t), source);
  const failed = results.findIndex((r) => r.verdict === 'fail');
  if (failed < 0) return undefined;
  return { index: (candidates[failed] as { index: number }).index, result: { ...(results[failed] as ThresholdResult), abortedRun: true } };
}

/** Counts always; histograms only when the statistics are of one action (an all-action p99 is not offered). */
function addCounts(into: CallStats, from: CallStats, withHistograms: boolean): void {
  if (withHistograms) {
    into.add(from);
    return;
  }
  addCallCounts(into, from);
}

function measure(
  ref: MetricRef,
  stat: Statistic,
  source: MetricSource,
  statsOf: (action: string | undefined, group: string | undefined) => CallStats,
): Measured {
  const agg = source.aggregator;
  switch (ref.family) {
    case 'latency': {
      const s = statsOf(ref.action, ref.group);
      return timeStat(ref.series === 'response' ? s.response : s.service, stat);
    }
    case 'calls': {
      const s = statsOf(ref.action, ref.group);
      // A call that never went on the wire failed too: it counts among the calls a share is of.
      const failed = s.callErrors + s.invalid + s.aborted + s.timeouts + s.neverSent;
      const n = ref.outcome === 'all' ? s.sent : ref.outcome === 'errors' ? failed : s.timeouts;
      if (stat.kind === 'count') return { value: n, samples: s.sent };
      if (ref.outcome === 'all') return { value: perSecond(n, source.elapsedMs), samples: s.sent };
      return share(n, s.sent + s.neverSent);
    }
    case 'connect':
      return stat.kind === 'count' ? { value: agg.connect.attempts, samples: agg.connect.attempts } : timeStat(agg.connect.latency, stat);
    case 'connectErrors':
      return stat.kind === 'count' ? { value: agg.connect.errors, samples: agg.connect.attempts } : share(agg.connect.errors, agg.connect.attempts);
    case 'boot':
      return stat.kind === 'count' ? { value: agg.boot.accepted, samples: agg.boot.accepted } : timeStat(agg.boot.timeToAccepted, stat);
    case 'errorKind': {
      const n = agg.errors().get(ref.kind) ?? 0;
      return { value: n, samples: n };
    }
    case 'counter': {
      const n = agg.counters().get(ref.name) ?? 0;
      return { value: n, samples: n };
    }
  }
}

/** A time statistic in ms from a µs histogram; no samples when the histogram is empty. */
function timeStat(h: Histogram, stat: Statistic): Measured {
  const n = h.totalCount;
  if (n === 0) return { value: null, samples: 0 };
  let us: number;
  switch (stat.kind) {
    case 'percentile':
      // Percentile 0 is the lowest value; HDR's bucket top can exceed the max, so it is capped.
      us = Math.min(h.getValueAtPercentile(stat.p), h.maxValue);
      break;
    case 'mean':
      us = meanOf(h);
      break;
    case 'min':
      us = Math.min(h.getValueAtPercentile(0), h.maxValue);
      break;
    case 'max':
      us = h.maxValue;
      break;
    default:
      // The parser offers count and rate only where they are counted, not timed.
      throw new TypeError(`no ${stat.kind} of a time`);
  }
  return { value: us / 1000, samples: n };
}

function share(n: number, of: number): Measured {
  return of === 0 ? { value: null, samples: 0 } : { value: (n / of) * 100, samples: of };
}

function perSecond(n: number, elapsedMs: number): number {
  return elapsedMs > 0 ? n / (elapsedMs / 1000) : 0;
}

/**
 * For summary.json only (verdicts use the exact value): times to the µs the histograms hold,
 * rates to a thousandth, shares to six significant digits, never float noise (0.30000000000000004).
 */
function roundValue(x: number, unit: Unit): number {
  if (unit === 'count') return x;
  if (unit === '%') return Number(x.toPrecision(6));
  return Math.round(x * 1000) / 1000;
}
