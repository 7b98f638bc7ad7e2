/**
 * The charts of the report as plain data: what the page's script hands to uPlot. Everything is
 * computed here, in Node, from the results files; the page only draws. Same input, same JSON.
 */
import type { Summary } from '../summary';
import { groupIntervalTag } from '../../metrics/seconds';
import { percentileDistribution, readHlogSeries } from './hlog-series';
import type { Timeseries, TimeseriesColumn } from './timeseries-csv';

export interface SeriesSpec {
  label: string;
  /** A CSS colour: the same action has the same colour in every chart. */
  color: string;
  dash: boolean;
  values: (number | null)[];
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: what is drawn, in which unit. */
  note: string;
  /** `seconds`: seconds since the run started, linear. `percentile`: 1/(1−p), log 10. */
  xKind: 'seconds' | 'percentile';
  /** How the y values read: `ms` (latency) or `count`. */
  yUnit: 'ms' | 'count';
  yLog: boolean;
  x: number[];
  series: SeriesSpec[];
}

/** Tableau's 10 colours then 6 more: distinct on white, and for the common colour-blindnesses. */
const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#bab0ac', '#1f3b73', '#8c564b', '#17becf', '#bcbd22', '#7f3c8d', '#3d8f5f',
];
const ALL_ACTIONS_COLOR = '#222222';

/** Colour of the i-th action; past the palette the colours come round again, dashed. */
function actionStyle(index: number): { color: string; dash: boolean } {
  return { color: PALETTE[index % PALETTE.length] as string, dash: index >= PALETTE.length };
}

/** Latencies on a log axis cannot be 0: a 0 µs sample (a clock tick) is drawn at 1 µs. */
const LOG_FLOOR_MS = 0.001;

/** The OCPP version series a group's intervals are added into (a group of an identities file may mix them). */
function versionKey(ocpp: string): string {
  return `OCPP ${ocpp}`;
}

export function buildCharts(summary: Summary, timeseries: Timeseries, hlogText: string): ChartSpec[] {
  const actions = Object.keys(summary.actions);
  const groupTags = new Map(Object.entries(summary.groups ?? {}).map(([name, g]) => [groupIntervalTag(name), { name, ocpp: g.ocpp }]));
  const kept = new Set([...actions, ...groupTags.keys()]);
  const epochMs = Date.parse(summary.startedAt);
  const hlog = readHlogSeries(hlogText, epochMs, (tag) => kept.has(tag), (tag) => {
    const ocpp = groupTags.get(tag)?.ocpp;
    return ocpp === undefined ? undefined : versionKey(ocpp);
  });
  const x = timeseries.second;
  const rowOf = new Map<number, number>();
  x.forEach((s, row) => rowOf.set(s, row));
  const column = (name: TimeseriesColumn): (number | null)[] => timeseries.columns[name];

  const perSecond = (which: 'p50' | 'p99'): SeriesSpec[] => {
    const series = actions.map((action, i): SeriesSpec => {
      const values: (number | null)[] = x.map(() => null);
      for (const [second, p] of hlog.perSecond.get(action) ?? []) {
        const row = rowOf.get(second);
        if (row !== undefined) values[row] = p[which];
      }
      return { label: action, ...actionStyle(i), values };
    });
    const all = column(which === 'p50' ? 'p50_ms' : 'p99_ms');
    series.push({ label: 'all actions', color: ALL_ACTIONS_COLOR, dash: true, values: all });
    return series;
  };

  /** A p99 series per key that has per-second figures: none when the run wrote no such intervals (older results). */
  const p99Of = (keys: readonly { key: string; label: string }[]): SeriesSpec[] =>
    keys
      .filter(({ key }) => hlog.perSecond.has(key))
      .map(({ key, label }, i): SeriesSpec => {
        const values: (number | null)[] = x.map(() => null);
        for (const [second, p] of hlog.perSecond.get(key) ?? []) {
          const row = rowOf.get(second);
          if (row !== undefined) values[row] = p.p99;
        }
        return { label, ...actionStyle(i), values };
      });
  const groupSeries = p99Of([...groupTags].map(([key, g]) => ({ key, label: g.ocpp === undefined ? g.name : `${g.name} (${g.ocpp})` })));
  const versions = [...new Set([...groupTags.values()].flatMap((g) => (g.ocpp === undefined ? [] : [g.ocpp])))].sort();
  const versionSeries = p99Of(versions.map((v) => ({ key: versionKey(v), label: versionKey(v) })));
  // A breakdown of one is the all-actions line again.
  const breakdowns: ChartSpec[] = [];
  if (groupSeries.length > 1) {
    breakdowns.push({
      id: 'p99-by-group',
      title: 'Response time p99 per second, by group',
      note: 'ms, from the moment each call was due; the p99 of every action of the group answered in that second.',
      xKind: 'seconds', yUnit: 'ms', yLog: false, x, series: groupSeries,
    });
  }
  if (versionSeries.length > 1) {
    breakdowns.push({
      id: 'p99-by-version',
      title: 'Response time p99 per second, by OCPP version',
      note: 'ms, from the moment each call was due; the p99 of every call of the stations speaking that version answered in that second (their groups\' histograms added, not their p99s averaged).',
      xKind: 'seconds', yUnit: 'ms', yLog: false, x, series: versionSeries,
    });
  }

  // Actions only: a group's histogram holds several actions' calls, and would stretch the x axis with its larger count.
  const distribution = percentileDistribution(new Map([...hlog.merged].filter(([tag]) => !groupTags.has(tag))));
  const distributionSeries = actions.map((action, i): SeriesSpec => ({
    label: action,
    ...actionStyle(i),
    values: (distribution.series.get(action) ?? distribution.x.map(() => null))
      .map((v) => (v === null ? null : Math.max(v, LOG_FLOOR_MS))),
  }));

  return [
    {
      id: 'p99-over-time',
      title: 'Response time p99 per second, by action',
      note: 'ms, from the moment each call was due; the p99 of the calls answered in that second (dashed: all actions together).',
      xKind: 'seconds', yUnit: 'ms', yLog: false, x, series: perSecond('p99'),
    },
    {
      id: 'p50-over-time',
      title: 'Response time p50 per second, by action',
      note: 'ms, from the moment each call was due; the median of the calls answered in that second (dashed: all actions together).',
      xKind: 'seconds', yUnit: 'ms', yLog: false, x, series: perSecond('p50'),
    },
    ...breakdowns,
    {
      id: 'calls-per-second',
      title: 'Calls per second',
      note: 'calls finished in each second, whatever their outcome, and those answered ok.',
      xKind: 'seconds', yUnit: 'count', yLog: false, x,
      series: [
        { label: 'calls', color: '#4e79a7', dash: false, values: column('calls') },
        { label: 'ok', color: '#59a14f', dash: true, values: column('ok') },
      ],
    },
    {
      id: 'fleet-over-time',
      title: 'Charge points',
      note: 'sampled once a second: connected, booted (BootNotification accepted), charging (a transaction running).',
      xKind: 'seconds', yUnit: 'count', yLog: false, x,
      series: [
        { label: 'connected', color: '#4e79a7', dash: false, values: column('connected') },
        // Dashed: booted often equals connected, and a solid line would hide it.
        { label: 'booted', color: '#59a14f', dash: true, values: column('booted') },
        { label: 'charging', color: '#f28e2b', dash: false, values: column('charging') },
      ],
    },
    {
      id: 'errors-over-time',
      title: 'Errors and timeouts per second',
      note: 'errors counted in each second, of every kind under Errors by kind but timeouts (CALLERRORs, invalid answers, lost connections, failed connects, calls never sent), and calls unanswered within the call timeout (timeouts).',
      xKind: 'seconds', yUnit: 'count', yLog: false, x,
      series: [
        { label: 'errors', color: '#e15759', dash: false, values: column('errors') },
        { label: 'timeouts', color: '#b07aa1', dash: false, values: column('timeouts') },
      ],
    },
    {
      id: 'latency-distribution',
      title: 'Latency distribution by action',
      note: 'response time (ms, log scale) at each percentile over the whole run; x is 1/(1−p) on a log scale, so 90%, 99%, 99.9% are evenly spaced. A line ends where its samples run out, at its max.',
      xKind: 'percentile', yUnit: 'ms', yLog: true, x: distribution.x, series: distributionSeries,
    },
  ];
}
