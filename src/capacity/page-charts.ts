/**
 * The knee plots of capacity.html as plain data, computed here from capacity.json alone (the page
 * only draws): p50 and p99 of every action against the stations held and against the calls
 * answered per second, each SLO on a time as a horizontal line, the capacity and the first
 * failure as vertical marks. Same report, same JSON.
 */
import { count } from '../report/health';
import type { ChartMark, MarkedChart } from '../report/html/chart-script';
import type { CapacityReport } from './report';
import type { CapacityStep } from './steps';
import { callRate } from './text';

export interface KneeSeries {
  readonly label: string;
  readonly color: string;
  /** Line width in CSS pixels; p50 and the SLOs thinner than p99. */
  readonly width: number;
  /** Canvas dash pattern, or null for a solid line. */
  readonly dash: readonly number[] | null;
  /** A point per step: measured figures have them, an SLO's limit is a plain line. */
  readonly points: boolean;
  readonly values: readonly (number | null)[];
}

export type KneeMark = ChartMark;

export interface KneeChart extends MarkedChart<KneeSeries> {
  readonly xLabel: string;
}

/** Tableau's 10 colours: distinct on white and for the common colour-blindnesses. */
const PALETTE = ['#4e79a7', '#f28e2b', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f3b73', '#17becf'];
/** Colours kept for the lines that judge: none is in the palette. */
export const SLO_COLOR = '#c62828';
export const CAPACITY_COLOR = '#2e7d32';
export const BREACH_COLOR = '#d81b60';
export const GENERATOR_COLOR = '#6a1b9a';
const DASH = [6, 4];
/** Latencies go on a log axis, which has no 0: a 0 ms figure is drawn at 1 µs. */
const LOG_FLOOR_MS = 0.001;

function floor(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.max(v, LOG_FLOOR_MS);
}

function marksAt(report: CapacityReport, xOf: (step: CapacityStep) => number, unit: (x: number) => string): KneeMark[] {
  const marks: KneeMark[] = [];
  const stepAt = (stations: number, passed: boolean): CapacityStep | undefined => [...report.steps].reverse().find((s) => s.stations === stations && s.passed === passed);
  if (report.capacity !== null) {
    const at = stepAt(report.capacity.stations, true);
    if (at !== undefined) marks.push({ x: xOf(at), label: `capacity ${report.outcome === 'atLeastMax' ? '≥ ' : ''}${unit(xOf(at))}`, color: CAPACITY_COLOR });
  }
  const limit = report.limitedBy;
  if (limit !== null) {
    const at = [...report.steps].reverse().find((s) => s.stations === limit.stations && s.verdict !== 'pass');
    const generator = 'generator' in limit;
    if (at !== undefined) marks.push({ x: xOf(at), label: `${generator ? 'generator saturated' : 'first failure'} ${unit(xOf(at))}`, color: generator ? GENERATOR_COLOR : BREACH_COLOR });
  }
  return marks;
}

function chart(report: CapacityReport, id: string, title: string, xLabel: string, xOf: (step: CapacityStep) => number, unit: (x: number) => string): KneeChart {
  // uPlot wants x ascending; steps at the same x keep the order they were held in.
  const steps = [...report.steps].sort((a, b) => xOf(a) - xOf(b) || a.index - b.index);
  const actions = [...new Set(steps.flatMap((s) => Object.keys(s.actions)))].sort();
  const series: KneeSeries[] = [];
  actions.forEach((action, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    series.push({ label: `${action} p99`, color, width: 2, dash: null, points: true, values: steps.map((s) => floor(s.actions[action]?.p99)) });
    series.push({ label: `${action} p50`, color, width: 1.5, dash: DASH, points: true, values: steps.map((s) => floor(s.actions[action]?.p50)) });
  });
  // Only SLOs on a time share the latency axis; the others are in the steps table.
  const timed = report.steps[0]?.slos.filter((s) => s.unit === 'ms') ?? [];
  for (const slo of timed) series.push({ label: `SLO ${slo.expr}`, color: SLO_COLOR, width: 1.5, dash: DASH, points: false, values: steps.map(() => floor(slo.limit)) });
  return {
    id,
    title,
    note: `p99 (solid) and p50 (dashed) response time of each action in each step's window, ms on a log scale; SLOs on a time in red. ${report.steps.length} steps.`,
    xLabel,
    x: steps.map(xOf),
    series,
    marks: marksAt(report, xOf, unit),
  };
}

export function kneeCharts(report: CapacityReport): KneeChart[] {
  if (report.steps.length === 0) return [];
  return [
    chart(report, 'latency-vs-stations', 'Latency against stations', 'stations', (s) => s.stations, (x) => `${count(x)} stations`),
    chart(report, 'latency-vs-calls', 'Latency against calls per second', 'calls answered per second', (s) => s.callsPerSecond, (x) => `${callRate(x)} calls/s`),
  ];
}
