/**
 * The charts of the report as plain data: what the page's script hands to uPlot. Everything is
 * computed here, in Node, from the results files; the page only draws. Same input, same JSON.
 */
import type { Summary } from '../summary';
import { groupIntervalTag } from '../../metrics/seconds';
import type { Histogram } from 'hdr-histogram-js';
import { percentileDistribution, readHlogSeries, type SecondPercentiles } from './hlog-series';
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

/** What the charts are drawn from: a finished run's files (buildCharts) or a running fleet (live-charts.ts). */
export interface ChartInputs {
  readonly actions: readonly string[];
  /** The fleet's groups with their OCPP versions, for the breakdowns. */
  readonly groups: readonly { readonly name: string; readonly ocpp?: string }[];
  readonly timeseries: Timeseries;
  /** Per tag (an action, `group=<name>`, `OCPP <version>`), each second's percentiles. */
  readonly perSecond: ReadonlyMap<string, ReadonlyMap<number, SecondPercentiles>>;
  /** The whole run's (or so far) response-time histogram per action. */
  readonly merged: ReadonlyMap<string, Histogram>;
}

/** The OCPP version series a group's intervals are added into, by group tag (a group of an identities file may mix versions). */
export function versionOfGroupTag(groups: ChartInputs['groups']): (tag: string) => string | undefined {
  const byTag = new Map(groups.map((g) => [groupIntervalTag(g.name), g.ocpp]));
  return (tag) => {
    const ocpp = byTag.get(tag);
    return ocpp === undefined ? undefined : versionKey(ocpp);
  };
}

/** The tags of the histogram log the charts read: the actions' and the groups'. */
export function chartTags(actions: readonly string[], groups: ChartInputs['groups']): Set<string> {
  return new Set([...actions, ...groups.map((g) => groupIntervalTag(g.name))]);
}

/** The charts of a finished run, from its summary, time series and histogram log. */
export function buildCharts(summary: Summary, timeseries: Timeseries, hlogText: string): ChartSpec[] {
  const actions = Object.keys(summary.actions);
  const groups = Object.entries(summary.groups ?? {}).map(([name, g]) => ({ name, ...(g.ocpp === undefined ? {} : { ocpp: g.ocpp }) }));
  const kept = chartTags(actions, groups);
  const hlog = readHlogSeries(hlogText, Date.parse(summary.startedAt), (tag) => kept.has(tag), versionOfGroupTag(groups));
  // Actions only: a group's histogram holds several actions' calls.
  const merged = new Map([...hlog.merged].filter(([tag]) => actions.includes(tag)));
  return chartsFrom({ actions, groups, timeseries, perSecond: hlog.perSecond, merged });
}

/** The charts, drawn by the page's script as they are. */
export function chartsFrom(inputs: ChartInputs): ChartSpec[] {
  const { actions, groups, timeseries, merged } = inputs;
  const groupTags = new Map(groups.map((g) => [groupIntervalTag(g.name), g]));
  const x = timeseries.second;
  const rowOf = new Map<number, number>();
  x.forEach((s, row) => rowOf.set(s, row));
  const column = (name: TimeseriesColumn): (number | null)[] => timeseries.columns[name];
  /** One tag's percentile per second, on the time series' rows (null where the tag had no call). */
  const valuesOf = (tag: string, which: 'p50' | 'p99'): (number | null)[] => {
    const values: (number | null)[] = x.map(() => null);
    for (const [second, p] of inputs.perSecond.get(tag) ?? []) {
      const row = rowOf.get(second);
      if (row !== undefined) values[row] = p[which];
    }
    return values;
  };

  const perSecond = (which: 'p50' | 'p99'): SeriesSpec[] => {
    const series = actions.map((action, i): SeriesSpec => ({ label: action, ...actionStyle(i), values: valuesOf(action, which) }));
    const all = column(which === 'p50' ? 'p50_ms' : 'p99_ms');
    series.push({ label: 'all actions', color: ALL_ACTIONS_COLOR, dash: true, values: all });
    return series;
  };

  /** A p99 series per key that has per-second figures: none when the run wrote no such intervals (older results). */
  const p99Of = (keys: readonly { key: string; label: string }[]): SeriesSpec[] =>
    keys.filter(({ key }) => inputs.perSecond.has(key)).map(({ key, label }, i): SeriesSpec => ({ label, ...actionStyle(i), values: valuesOf(key, 'p99') }));
  const groupSeries = p99Of([...groupTags].map(([key, g]) => ({ key, label: g.ocpp === undefined ? g.name : `${g.name} (${g.ocpp})` })));
  const versions = [...new Set([...groupTags.values()].flatMap((g) => (g.ocpp === undefined ? [] : [g.ocpp])))].sort();
  const versionSeries = p99Of(versions.map((v) => ({ key: versionKey(v), label: versionKey(v) })));
  // A breakdown of one is the all-actions line again: drawn only for two or more.
  const breakdown = (id: string, title: string, note: string, series: SeriesSpec[]): ChartSpec[] =>
    series.length > 1 ? [{ id, title, note, xKind: 'seconds', yUnit: 'ms', yLog: false, x, series }] : [];
  const breakdowns = [
    ...breakdown('p99-by-group', 'Response time p99 per second, by group', 'ms, from the moment each call was due; the p99 of every action of the group answered in that second.', groupSeries),
    ...breakdown(
      'p99-by-version',
      'Response time p99 per second, by OCPP version',
      'ms, from the moment each call was due; the p99 of every call of the stations speaking that version answered in that second (their groups\' histograms added, not their p99s averaged).',
      versionSeries,
    ),
  ];

  const distribution = percentileDistribution(merged);
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
