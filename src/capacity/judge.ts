/**
 * One step's verdict from its window (pure): every SLO evaluated on the window's own metrics, the
 * window's health checks, and the generator's own saturation. A step passes only when every SLO
 * passes (an SLO with no samples in the window fails) and every health check passes; a saturated
 * generator makes the step the generator's, whatever the SLOs say.
 */
import type { Histogram } from '../metrics/intervals';
import type { HealthResult } from '../report/summary';
import type { Operator, Threshold } from '../report/thresholds';
import { evaluateThresholds } from '../report/thresholds-eval';
import type { Unit } from '../report/thresholds-names';
import type { StepWindow } from './live';
import type { StepVerdict } from './search';

/**
 * When the generator counts as saturated in a step. Fixed, and written into capacity.json:
 * - event-loop delay p99 and scheduler lag p99 above 50 ms: an unsaturated worker's own p99 is a
 *   few ms (bench: 8.3 ms at 5,000 calls/s), so 50 ms means work queued in the generator, and it
 *   is already a tenth of a typical 500 ms SLO: past it the latencies judged are partly ours.
 *   (The run's own health checks allow 200 ms; a capacity answer needs the stricter bound.)
 * - CPU of a worker above 90 % of a core: a worker thread cannot use more than one core, and with
 *   less than a tenth of its time idle its queues grow without bound (an M/M/1 queue waits 9×
 *   its service time at 90 % load) even before the delays show it.
 */
export interface GeneratorLimits {
  readonly eventLoopDelayP99Ms: number;
  readonly schedulerLagP99Ms: number;
  readonly cpuPerWorker: number;
}

export const GENERATOR_LIMITS: GeneratorLimits = Object.freeze({ eventLoopDelayP99Ms: 50, schedulerLagP99Ms: 50, cpuPerWorker: 0.9 });

/** The run's health checks that measure the generator, not the CSMS: a failure of theirs is the generator's. */
const GENERATOR_CHECKS: readonly string[] = ['eventLoopDelay', 'schedulerLag'];

/** What broke: an SLO, a health check, or the generator's own saturation. */
export type LimitHit =
  | { readonly slo: string; readonly metric: string; readonly operator: Operator; readonly value: number | null; readonly limit: number; readonly unit: Unit }
  | { readonly check: string; readonly value: number | null; readonly limit: number | null; readonly detail: string }
  | { readonly generator: string; readonly value: number | null; readonly limit: number | null; readonly worker?: number };

export interface SloResult {
  /** As given to --slo. */
  readonly expr: string;
  readonly metric: string;
  readonly operator: Operator;
  /** In `unit`; null when the window had no samples (a failure). */
  readonly value: number | null;
  readonly limit: number;
  readonly unit: Unit;
  readonly samples: number;
  readonly passed: boolean;
}

/** As the window gives them; null where not measured (no worker reported in the window). */
export interface GeneratorFigures {
  readonly eventLoopDelayP99Ms: number | null;
  readonly schedulerLagP99Ms: number | null;
  /** Share of one core per worker (0..1). */
  readonly cpuPerWorker: readonly (number | null)[];
  readonly saturated: boolean;
}

function measured(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Response times (from due) of one action in the window, ms; null without samples. */
export interface ActionFigures {
  readonly calls: number;
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface StepJudgement {
  /** pass, breach (an SLO or a check failed) or generator (it saturated: the step judges nothing of the CSMS). */
  readonly verdict: StepVerdict;
  readonly passed: boolean;
  readonly slos: readonly SloResult[];
  readonly checks: readonly HealthResult[];
  readonly generator: GeneratorFigures;
  /** What failed in the step, the one furthest past its limit first (SLOs, then checks); the generator's first when it saturated. */
  readonly breaches: readonly LimitHit[];
  readonly actions: Readonly<Record<string, ActionFigures>>;
}

export function judgeWindow(window: StepWindow, slos: readonly Threshold[], limits: GeneratorLimits = GENERATOR_LIMITS): StepJudgement {
  const sloResults = evaluateThresholds(slos, window.source).map(
    (r, i): SloResult => ({
      expr: (slos[i] as Threshold).text,
      metric: r.metric,
      operator: r.operator,
      value: r.value,
      limit: r.limit,
      unit: r.unit,
      samples: r.samples,
      passed: r.verdict === 'pass',
    }),
  );
  const sloHits = sloResults
    .filter((s) => !s.passed)
    .map((s) => ({ hit: { slo: s.expr, metric: s.metric, operator: s.operator, value: s.value, limit: s.limit, unit: s.unit } as LimitHit, over: overBy(s) }))
    .sort((a, b) => b.over - a.over)
    .map((x) => x.hit);
  const checkHits: LimitHit[] = window.health
    .filter((h) => !h.passed && !GENERATOR_CHECKS.includes(h.check))
    .map((h) => ({ check: h.check, value: h.value, limit: h.limit, detail: h.detail }));
  const generatorHits = saturation(window, limits);
  const saturated = generatorHits.length > 0;
  const csmsHits = [...sloHits, ...checkHits];
  const verdict: StepVerdict = saturated ? 'generator' : csmsHits.length > 0 ? 'breach' : 'pass';
  const g = window.generator;
  return {
    verdict,
    passed: verdict === 'pass',
    slos: sloResults,
    checks: window.health,
    generator: { eventLoopDelayP99Ms: measured(g.eventLoopDelayP99Ms), schedulerLagP99Ms: measured(g.schedulerLagP99Ms), cpuPerWorker: g.cpuPerWorker.map(measured), saturated },
    breaches: [...generatorHits, ...csmsHits],
    actions: actionFigures(window),
  };
}

/**
 * How far the window is from passing its SLOs: 0 when every SLO with samples passes, else the
 * ratio of the one furthest past its limit (at least 1); NaN when no SLO has a sample. SLOs
 * without samples are left out: a second without a TransactionEvent says nothing of a backlog
 * (settle.ts).
 */
export function sloPressure(window: StepWindow, slos: readonly Threshold[]): number {
  let worst = 0;
  let sampled = false;
  for (const r of evaluateThresholds(slos, window.source)) {
    if (r.verdict === 'no samples') continue;
    sampled = true;
    if (r.verdict === 'fail') worst = Math.max(worst, 1, overBy(r));
  }
  return sampled ? worst : Number.NaN;
}

/** How far past its limit a failed SLO is, as a ratio (no samples: the furthest). */
function overBy(s: { readonly operator: Operator; readonly value: number | null; readonly limit: number }): number {
  if (s.value === null) return Infinity;
  switch (s.operator) {
    case '<':
    case '<=':
      return s.limit > 0 ? s.value / s.limit : Infinity;
    case '>':
    case '>=':
      return s.value > 0 ? s.limit / s.value : Infinity;
    default:
      return Infinity;
  }
}

/** The generator's limits exceeded in the window; a figure that is not a finite number was not measured. */
function saturation(window: StepWindow, limits: GeneratorLimits): LimitHit[] {
  const g = window.generator;
  const hits: LimitHit[] = [];
  if (Number.isFinite(g.eventLoopDelayP99Ms) && g.eventLoopDelayP99Ms > limits.eventLoopDelayP99Ms) {
    hits.push({ generator: 'eventLoopDelayP99Ms', value: g.eventLoopDelayP99Ms, limit: limits.eventLoopDelayP99Ms });
  }
  if (Number.isFinite(g.schedulerLagP99Ms) && g.schedulerLagP99Ms > limits.schedulerLagP99Ms) {
    hits.push({ generator: 'schedulerLagP99Ms', value: g.schedulerLagP99Ms, limit: limits.schedulerLagP99Ms });
  }
  let worker = -1;
  g.cpuPerWorker.forEach((cpu, i) => {
    if (Number.isFinite(cpu) && cpu > limits.cpuPerWorker && (worker < 0 || cpu > (g.cpuPerWorker[worker] as number))) worker = i;
  });
  if (worker >= 0) hits.push({ generator: 'cpuPerWorker', value: g.cpuPerWorker[worker] as number, limit: limits.cpuPerWorker, worker });
  for (const h of window.health) {
    if (!h.passed && GENERATOR_CHECKS.includes(h.check)) hits.push({ generator: h.check, value: h.value, limit: h.limit });
  }
  return hits;
}

function actionFigures(window: StepWindow): Record<string, ActionFigures> {
  const out: Record<string, ActionFigures> = {};
  for (const [action, stats] of window.source.aggregator.actions()) {
    out[action] = { calls: stats.sent, p50: percentileMs(stats.response, 50), p99: percentileMs(stats.response, 99) };
  }
  return out;
}

/** As thresholds read it: HDR's value at the percentile, capped at the largest recorded, to the µs. */
function percentileMs(h: Histogram, p: number): number | null {
  if (h.totalCount === 0) return null;
  return Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000;
}
