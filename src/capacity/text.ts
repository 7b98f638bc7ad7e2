/**
 * What a person reads of a search: one line per step while it runs, and the answer in one line
 * at the end, e.g. `capacity: 7,400 stations (3,950 calls/s); at 8,000 TransactionEvent p99 612 ms > 500 ms`.
 */
import { count } from '../report/health';
import { formatValue } from '../report/thresholds-format';
import type { Unit } from '../report/thresholds-names';
import type { LimitHit } from './judge';
import type { CapacityStep } from './steps';

/** `3,950` from 100 calls/s up, `42.5` below: as many digits as the figure deserves. */
export function callRate(x: number): string {
  return x >= 100 ? count(Math.round(x)) : String(Math.round(x * 10) / 10);
}

/** A measured value in its unit, to three significant digits at most past 100 (capacity.json keeps the exact one). */
function valueText(value: number, unit: Unit): string {
  const a = Math.abs(value);
  return formatValue(a >= 100 ? Math.round(value) : a >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100, unit);
}

/** `TransactionEvent.p99` → `TransactionEvent p99`. */
function metricWords(metric: string): string {
  const m = /^(.*)\.(p[\d.]+|mean|min|max|count|rate)$/.exec(metric);
  return m === null ? metric : `${m[1]} ${m[2]}`;
}

const GENERATOR_WORDS: Readonly<Record<string, string>> = {
  eventLoopDelayP99Ms: 'event-loop delay p99',
  schedulerLagP99Ms: 'scheduler lag p99',
  eventLoopDelay: 'event-loop delay check',
  schedulerLag: 'scheduler lag check',
};

/** One thing that broke, as the last line says it: `TransactionEvent p99 612 ms > 500 ms`. */
export function describeHit(hit: LimitHit): string {
  if ('slo' in hit) {
    const what = metricWords(hit.metric);
    if (hit.value === null) return `${what}: no samples (expected ${hit.operator} ${valueText(hit.limit, hit.unit)})`;
    const relation = hit.value > hit.limit ? '>' : hit.value < hit.limit ? '<' : '=';
    return `${what} ${valueText(hit.value, hit.unit)} ${relation} ${valueText(hit.limit, hit.unit)}`;
  }
  if ('check' in hit) return `check ${hit.check} failed: ${hit.detail}`;
  if (hit.generator === 'cpuPerWorker') {
    const worker = hit.worker === undefined ? 'a worker' : `worker ${hit.worker + 1}`;
    return `${worker} at ${Math.round((hit.value ?? 0) * 100)}% of a core > ${Math.round((hit.limit ?? 0) * 100)}%`;
  }
  return `${GENERATOR_WORDS[hit.generator] ?? hit.generator} ${hit.value === null ? '?' : valueText(hit.value, 'ms')} > ${hit.limit === null ? '?' : valueText(hit.limit, 'ms')}`;
}

/**
 * `step 4 (narrow) 5,500 stations: 2,921 calls/s (offered 2,930/s); TransactionEvent.p99 < 500ms: 212 ms ✓; passed`
 */
export function stepLine(step: CapacityStep): string {
  const slos = step.slos.map((s) => `${s.expr}: ${s.value === null ? 'no samples' : valueText(s.value, s.unit)} ${s.passed ? '✓' : '✗'}`).join(', ');
  const verdict = step.verdict === 'pass' ? 'passed' : step.verdict === 'generator' ? `generator saturated: ${step.breaches.filter((b) => 'generator' in b).map(describeHit).join(', ')}` : `FAILED: ${describeHit(step.breaches[0] as LimitHit)}`;
  return `step ${step.index} (${step.phase}) ${count(step.stations)} stations: ${callRate(step.callsPerSecond)} calls/s (offered ${callRate(step.offeredCallsPerSecond)}/s); ${slos}; ${verdict}`;
}
