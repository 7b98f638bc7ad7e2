/**
 * Synthetic runs for compare's statistics: latencies drawn from a seeded lognormal, recorded in
 * HDR histograms per second and for the whole run as a run records them, and turned into the
 * RunData compare reads (summary percentiles, per-second values, whole-run groups). With `viaLogs`
 * the histograms go through the real log text and readers (histograms.hlog, histograms-total.hlog).
 */
import { latencyMs } from '../../src/report/format';
import { newHistogram } from '../../src/metrics/histograms';
import { HistogramLogWriter, IntervalLog, type Histogram } from '../../src/metrics/intervals';
import type { RunData } from '../../src/report/compare';
import { MIN_SAMPLES_PER_SECOND, perSecondFromLog, type PerSecond, type SecondValues } from '../../src/report/compare-hlog';
import { histogramGroups, wholeRunFromLog, type WholeRun } from '../../src/report/compare-totals';
import { formatHlog } from '../../src/report/hlog';
import type { ActionSummary, Summary } from '../../src/report/summary';
import { RandomStream } from '../../src/scenario/random';

export interface SyntheticAction {
  /** Calls per second, or with `burst` all of them in the run's first `burst` seconds. */
  readonly calls: number;
  readonly burst?: number;
  readonly medianMs: number;
  /** Lognormal spread (0.5: p99 ≈ 3.2 × the median). */
  readonly sigma: number;
  /** The candidate's change: every value × scale + shiftMs. */
  readonly shiftMs?: number;
  readonly scale?: number;
}

export interface SyntheticRun {
  readonly seed: number;
  readonly seconds: number;
  readonly actions: Readonly<Record<string, SyntheticAction>>;
  /** The generator's own delay p99 (ms) the summary records; none when absent. */
  readonly generatorMs?: number;
  readonly viaLogs?: boolean;
}

function ms(h: Histogram, p: number): number {
  return Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000;
}

export function syntheticRun(label: string, spec: SyntheticRun): RunData {
  const random = new RandomStream(spec.seed);
  const perSecond: PerSecond = new Map();
  const totals = new Map<string, Histogram>();
  const log = new IntervalLog();
  const second = newHistogram();
  for (let s = 0; s < spec.seconds; s++) {
    for (const [tag, a] of Object.entries(spec.actions)) {
      const n = a.burst === undefined ? a.calls : s < a.burst ? Math.round(a.calls / a.burst) : 0;
      if (n === 0) continue;
      second.reset();
      let total = totals.get(tag);
      if (total === undefined) totals.set(tag, (total = newHistogram()));
      for (let i = 0; i < n; i++) {
        const v = a.medianMs * Math.exp(a.sigma * random.normal()) * (a.scale ?? 1) + (a.shiftMs ?? 0);
        const us = Math.max(1, Math.round(v * 1000));
        second.recordValue(us);
        total.recordValue(us);
      }
      if (spec.viaLogs) log.add(tag, s, second);
      else {
        let values = perSecond.get(tag) as { -readonly [K in keyof SecondValues]-?: number[] } | undefined;
        if (values === undefined) perSecond.set(tag, (values = { p1: [], p50: [], p99: [], max: [], counts: [] }));
        // Every second with a value counts towards how spread they are; thin ones give no percentiles.
        values.counts.push(n);
        if (n < MIN_SAMPLES_PER_SECOND) continue;
        values.p1.push(ms(second, 1));
        values.p50.push(ms(second, 50));
        values.p99.push(ms(second, 99));
        values.max.push(second.maxValue / 1000);
      }
    }
  }
  const actions: Record<string, ActionSummary> = {};
  for (const [tag, h] of totals) {
    const l = latencyMs(h);
    actions[tag] = { sent: h.totalCount, ok: h.totalCount, callErrors: 0, timeouts: 0, invalid: 0, aborted: 0, latencyMs: l, serviceTimeMs: l, dispatchDelayMs: { p50: 0, p99: 0, max: 0 } };
  }
  const summary = syntheticSummary(actions, spec.generatorMs, spec.seconds);
  if (!spec.viaLogs) {
    const wholeRun: WholeRun = new Map([...totals].map(([tag, h]) => [tag, histogramGroups(h, 1000)]));
    return { label, summary, perSecond, wholeRun };
  }
  const started = new Date('2026-11-23T22:17:00Z');
  const hlog = formatHlog(log, { startedAt: started, version: '0.1.0', scenario: 'synthetic' });
  const chunks: string[] = [];
  const writer = new HistogramLogWriter((chunk) => chunks.push(chunk));
  writer.outputLogFormatVersion();
  writer.outputStartTime(started.getTime());
  writer.outputLegend();
  for (const [tag, h] of totals) {
    h.tag = tag;
    writer.outputIntervalHistogram(h, 0, spec.seconds, 1000);
  }
  return { label, summary, perSecond: perSecondFromLog(hlog), wholeRun: wholeRunFromLog(chunks.join('')) };
}

function syntheticSummary(actions: Record<string, ActionSummary>, generatorMs: number | undefined, seconds: number): Summary {
  const none = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return {
    tool: 'ocpp-fleet', version: '0.1.0', scenario: 'synthetic', seed: 1, target: 't', startedAt: '2026-11-23T22:17:00.000Z',
    endedAt: '2026-11-23T22:18:00.000Z', durationMs: seconds * 1000, partial: false, fleet: { planned: 10, connected: 10, booted: 10, failedToConnect: 0 },
    actions, incoming: {}, connect: { attempts: 0, ok: 0, errors: 0, latencyMs: none }, boot: { accepted: 0, timeToAcceptedMs: none },
    errors: {}, counters: {}, groups: {}, thresholds: [], passed: true, pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {},
    ...(generatorMs === undefined ? {} : { generator: syntheticGenerator(generatorMs) }),
  };
}

function syntheticGenerator(p99: number): NonNullable<Summary['generator']> {
  return { timeToAllBootedMs: 0, rssStartMb: 0, rssPeakMb: 0, rssPerStationKb: 0, cpuUserS: 0, cpuSystemS: 0, eventLoopDelayMs: { p99: p99 / 2, max: p99 }, schedulerLagMs: { p99, max: p99 * 2 } };
}
