/**
 * The report's charts while a run goes (the live dashboard): the same charts as report.html
 * (chartsFrom), from the aggregator the pump fills rather than from the results files. Only
 * closed seconds are drawn, whose figures are final; the histogram log's intervals are decoded
 * once each, as their seconds close, so a refresh costs the new seconds and not the run's length.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { Aggregator } from '../../metrics/aggregator';
import { hlogText } from '../hlog';
import { usToMs } from '../format';
import { chartsFrom, chartTags, versionOfGroupTag, type ChartInputs, type ChartSpec } from './charts';
import { readHlogSeries, type SecondPercentiles } from './hlog-series';
import type { Timeseries, TimeseriesColumn } from './timeseries-csv';

export interface LiveChartsUpdate {
  /** The first second drawn in the seconds charts, and the first not yet closed. */
  readonly from: number;
  readonly to: number;
  /** Seconds charts hold seconds from..to − 1; the distribution is the whole run so far. */
  readonly charts: ChartSpec[];
}

function msOrNull(us: number): number | null {
  return Number.isNaN(us) ? null : usToMs(us);
}

function countOrNull(n: number): number | null {
  return Number.isNaN(n) ? null : n;
}

export class LiveCharts {
  private readonly perSecond = new Map<string, Map<number, SecondPercentiles>>();
  private decoded = 0;
  private readonly combine: (tag: string) => string | undefined;

  constructor(
    private readonly aggregator: Aggregator,
    private readonly groups: ChartInputs['groups'],
    private readonly startedAt: Date,
  ) {
    this.combine = versionOfGroupTag(groups);
  }

  /** The charts of seconds `from` on (from 0: everything so far), up to the last closed second. */
  update(from: number): LiveChartsUpdate {
    const seconds = this.aggregator.seconds;
    const to = seconds.closed;
    const start = Math.max(0, Math.min(from, to));
    const actionStats = this.aggregator.actions();
    const actions = [...actionStats.keys()];
    this.decodeThrough(to, actions);
    const merged = new Map<string, Histogram>([...actionStats].map(([action, stats]) => [action, stats.response]));
    return { from: start, to, charts: chartsFrom({ actions, groups: this.groups, timeseries: this.timeseries(start, to), perSecond: this.perSecond, merged }) };
  }

  /** Decodes the intervals of the seconds closed since the last call. */
  private decodeThrough(to: number, actions: readonly string[]): void {
    if (to <= this.decoded) return;
    const tags = chartTags(actions, this.groups);
    const lines = this.aggregator.intervals.linesBetween(this.decoded, to - 1, tags);
    this.decoded = to;
    if (lines.length === 0) return;
    const text = hlogText(lines, { startedAt: this.startedAt, version: '', scenario: '' });
    const read = readHlogSeries(text, this.startedAt.getTime(), (tag) => tags.has(tag), this.combine);
    for (const [tag, bySecond] of read.perSecond) {
      let into = this.perSecond.get(tag);
      if (into === undefined) this.perSecond.set(tag, (into = new Map()));
      for (const [second, p] of bySecond) into.set(second, p);
    }
  }

  private timeseries(from: number, to: number): Timeseries {
    const seconds = this.aggregator.seconds;
    const second: number[] = [];
    const columns: Record<TimeseriesColumn, (number | null)[]> = {
      second: [], connected: [], booted: [], charging: [], calls: [], ok: [], errors: [], timeouts: [], p50_ms: [], p99_ms: [], max_ms: [],
    };
    for (let s = from; s < to && s < seconds.length; s++) {
      const r = seconds.row(s);
      second.push(s);
      columns.second.push(s);
      columns.connected.push(countOrNull(r.connected));
      columns.booted.push(countOrNull(r.booted));
      columns.charging.push(countOrNull(r.charging));
      columns.calls.push(r.calls);
      columns.ok.push(r.ok);
      columns.errors.push(r.errors);
      columns.timeouts.push(r.timeouts);
      columns.p50_ms.push(msOrNull(r.p50Us));
      columns.p99_ms.push(msOrNull(r.p99Us));
      columns.max_ms.push(msOrNull(r.maxUs));
    }
    return { second, columns };
  }
}
