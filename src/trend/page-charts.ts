/**
 * trend.html's charts as plain data, computed here from the TrendReport alone (the page only
 * draws): one chart per action (its percentiles over the runs, ms on a log scale), connect, the
 * time to all booted, the error rate and the generator's cost, each change point a vertical mark
 * at the run its new level starts (red: worse, green: better). Same report, same JSON.
 */
import type { ChartMark, MarkedChart } from '../report/html/chart-script';
import { formatChangePercent } from './text';
import type { TrendReport, TrendSeriesResult } from './trend';

export interface TrendChartSeries {
  readonly label: string;
  readonly color: string;
  readonly dash: boolean;
  readonly values: readonly (number | null)[];
}

/**
 * x: run numbers, 1 for the oldest run looked at; a mark's x is the run a change starts at.
 */
export interface TrendChart extends MarkedChart<TrendChartSeries> {
  /** The y axis' label. */
  readonly yLabel: string;
  readonly yLog: boolean;
  /** Each run's start (UTC, `2026-12-07 04:41`), for the cursor's legend. */
  readonly xLabels: readonly string[];
}

export const WORSE_COLOR = '#c62828';
export const BETTER_COLOR = '#2e7d32';
/** p50 blue, p90 teal, p99 orange, max grey: the same percentile, the same colour in every chart. */
const COLORS: Readonly<Record<string, string>> = { p50: '#4e79a7', p90: '#76b7b2', p99: '#f28e2b', max: '#9c755f' };
const OTHER_COLOR = '#4e79a7';

const TITLES: Readonly<Record<string, [string, string]>> = {
  connect: ['Connect time', 'ms (log scale): TCP + TLS + WebSocket upgrade, percentiles over each run.'],
  boot: ['Time to all booted', 'ms (log scale) from the run\'s start until every planned station had been accepted once.'],
  errors: ['Error rate', '% of the calls made that did not complete ok (CALLERRORs, invalid answers, timeouts, lost connections, never sent).'],
  'generator.cpu': ['Generator CPU', 's of CPU (user + system) the load generator used: the tool\'s own cost, marked but never failing a night.'],
  'generator.memory': ['Generator peak memory', 'MB of peak resident memory of the load generator: the tool\'s own cost, marked but never failing a night.'],
};

function chartOf(id: string, metrics: readonly TrendSeriesResult[], report: TrendReport): TrendChart {
  const unit = metrics[0]?.unit ?? 'ms';
  const [title, note] = TITLES[id] ?? [`${id}: response time`, 'ms (log scale) from the moment each call was due, percentiles over each run.'];
  // Several metrics of a chart are its percentiles: named by their suffix (p50, p99), coloured alike in every chart.
  const series = metrics.map((m): TrendChartSeries => {
    const suffix = /\.(p50|p90|p99|max)$/.exec(m.name)?.[1];
    return { label: suffix ?? m.name, color: suffix === undefined ? OTHER_COLOR : (COLORS[suffix] as string), dash: suffix === 'p50', values: m.values };
  });
  const marks = metrics.flatMap((m) => m.changes.map((c): ChartMark => ({
    x: c.run,
    label: `${c.direction === 'worse' ? '▲' : '▼'} ${/\.(p50|p90|p99|max)$/.exec(m.name)?.[1] ?? m.name} ${formatChangePercent(c)}`,
    color: c.direction === 'worse' ? WORSE_COLOR : BETTER_COLOR,
  })));
  return {
    id: `trend-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    title,
    note,
    yLabel: unit === 'ms' ? 'ms (log scale)' : unit === '%' ? '% of calls' : unit,
    yLog: unit === 'ms',
    x: report.runs.map((r) => r.number),
    xLabels: report.runs.map((r) => `${r.startedAt.slice(0, 10)} ${r.startedAt.slice(11, 16)}`),
    series,
    marks,
  };
}

export function trendCharts(report: TrendReport): TrendChart[] {
  const byChart = new Map<string, TrendSeriesResult[]>();
  for (const m of report.metrics) byChart.set(m.chart, [...(byChart.get(m.chart) ?? []), m]);
  return [...byChart].map(([id, metrics]) => chartOf(id, metrics, report));
}
