/**
 * Thresholds: pass/fail criteria on a run's metrics, in k6's vocabulary.
 *
 *   [group:NAME.]METRIC.AGGREGATION[[last DURATION]]  OPERATOR  LIMIT[UNIT]  [abortOnFail[(GRACE)]]
 *
 * e.g. `BootNotification.p99 < 800ms`, `errors.rate < 0.1%`, `calls.rate > 2000/s`,
 * `group:acquired.BootNotification.p99 < 1s`, `timeouts.count == 0 abortOnFail(30s)`,
 * `TransactionEvent.p99[last 10m] < 500ms` (the run's last ten minutes: thresholds-window.ts).
 *
 * A threshold is parsed once, at the edge (flag or scenario file), into a typed `Threshold`; the
 * evaluator never looks at text again. Every way a threshold can be wrong before the run (syntax,
 * a metric or aggregation that cannot exist, a unit that does not fit) is a ThresholdError whose
 * message the caller prefixes with where the threshold was written.
 */
import { parseDuration } from '../scenario/units';
import { resolveMetric, ThresholdError, type MetricNames, type MetricRef, type Statistic, type Unit } from './thresholds-names';
import { splitWindow, windowProblem, type TrailingWindow } from './thresholds-window';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type ThresholdVerdict = 'pass' | 'fail' | 'no samples';

export interface Threshold {
  /** As written (trimmed): what reports and JUnit show. */
  readonly text: string;
  /** Where it was written: `file:line` or `--threshold`. */
  readonly source: string;
  /** Canonical metric and aggregation, e.g. `group:acquired.BootNotification.p99`, `Heartbeat.p99[last 10m]`. */
  readonly metric: string;
  /** `[last …]`: judged on the run's last seconds alone, at its end. */
  readonly window?: TrailingWindow;
  readonly ref: MetricRef;
  readonly stat: Statistic;
  readonly unit: Unit;
  readonly operator: Operator;
  /** The limit in `unit` (ms, percent, per second, or a plain number). */
  readonly limit: number;
  readonly abortOnFail: boolean;
  /** With abortOnFail: the run is not aborted by this threshold before this many ms. */
  readonly abortGracePeriodMs: number;
}

/** One threshold's outcome, as summary.json lists it. */
export interface ThresholdResult {
  threshold: string;
  source: string;
  metric: string;
  operator: Operator;
  limit: number;
  /** The measured value in `unit`; null when there was nothing to measure. */
  value: number | null;
  unit: Unit;
  /** How many measurements the value comes from (calls, samples, connection attempts, events). */
  samples: number;
  verdict: ThresholdVerdict;
  abortOnFail: boolean;
  /** Present and true on the threshold that stopped the run early. */
  abortedRun?: boolean;
  /** A threshold over a trailing window: the stretch judged, ms since the run's start (whole seconds to the run's end). */
  window?: { fromMs: number; toMs: number };
}

export interface ThresholdOptions {
  source: string;
  /** From a scenario's mapping form; the text's own `abortOnFail` suffix also sets it. */
  abortOnFail?: boolean;
  abortGracePeriodMs?: number;
}

const OPERATOR = /<=|>=|==|!=|<|>|=/;
const LIMIT = /^(\d+(?:\.\d*)?|\.\d+)\s*(ms|us|µs|s|%|\/s|\/m|\/h)?(?=\s|$)\s*(.*)$/;
const ABORT = /^abortOnFail(?:\s*\(\s*([^)]*?)\s*\))?$/;

export function parseThreshold(input: string, names: MetricNames, options: ThresholdOptions): Threshold {
  const text = input.trim();
  const op = OPERATOR.exec(text);
  if (op === null) throw new ThresholdError('expected METRIC OPERATOR LIMIT, such as "BootNotification.p99 < 800ms"; no operator (<, <=, >, >=, ==, !=) found');
  if (op[0] === '=') throw new ThresholdError('"=" is not an operator: write "==" to compare');
  const left = text.slice(0, op.index).trim();
  const right = text.slice(op.index + op[0].length).trim();
  if (left === '') throw new ThresholdError(`expected a metric before "${op[0]}", such as "BootNotification.p99"`);
  const { name, window } = splitWindow(left);
  if (/\s/.test(name)) throw new ThresholdError(`expected one metric name before "${op[0]}" (no spaces), got "${name}"`);
  const resolved = resolveMetric(name, names);
  const { ref, stat, unit } = resolved;
  const metric = window === undefined ? resolved.metric : `${resolved.metric}[${window.text}]`;
  const problem = window === undefined ? undefined : windowProblem(resolved.metric, ref, stat);
  if (problem !== undefined) throw new ThresholdError(problem);

  const m = LIMIT.exec(right);
  if (m === null) throw new ThresholdError(`expected a number after "${op[0]}" (such as 800ms, 0.1%, 2000/s or 0), got "${right}"`);
  const limit = convertLimit(Number(m[1]), m[2], metric, unit);
  const rest = (m[3] ?? '').trim();
  let abortOnFail = options.abortOnFail === true;
  let grace = options.abortGracePeriodMs;
  if (rest !== '') {
    const a = ABORT.exec(rest);
    if (a === null) {
      throw new ThresholdError(`unexpected "${rest}" after the limit: units are ms, s, %, /s, /m, and only "abortOnFail" or "abortOnFail(30s)" may follow`);
    }
    abortOnFail = true;
    if (a[1] !== undefined) {
      const ms = parseDuration(a[1]);
      if (ms === undefined) throw new ThresholdError(`abortOnFail(...) takes a grace period such as "30s", got "${a[1]}"`);
      if (grace !== undefined && grace !== ms) throw new ThresholdError('the grace period is given twice, with different values');
      grace = ms;
    }
  }
  if (abortOnFail && window !== undefined) {
    throw new ThresholdError(`abortOnFail cannot go with the window [${window.text}]: abortOnFail judges the run so far, once a second, and a window is judged once, on the run's last seconds, at its end`);
  }
  return Object.freeze({
    text,
    source: options.source,
    metric,
    ...(window === undefined ? {} : { window }),
    ref,
    stat,
    unit,
    operator: op[0] as Operator,
    limit,
    abortOnFail,
    abortGracePeriodMs: grace ?? 0,
  });
}

/** The limit in the metric's unit, refusing a unit that does not fit the metric. */
function convertLimit(n: number, written: string | undefined, metric: string, unit: Unit): number {
  switch (unit) {
    case 'ms':
      if (written === undefined || written === 'ms') return n;
      if (written === 's') return n * 1000;
      if (written === 'us' || written === 'µs') return n / 1000;
      throw new ThresholdError(`${metric} is a time: give the limit in ms or s (a bare number is ms), got "${n}${written}"`);
    case '%':
      if (written === '%') {
        if (n > 100) throw new ThresholdError(`${metric} is a share of at most 100%, got ${n}%`);
        return n;
      }
      if (written === undefined) {
        if (n > 1) throw new ThresholdError(`${metric} is a share: write a percentage such as 0.1% or a fraction from 0 to 1, got ${n}`);
        return n * 100;
      }
      throw new ThresholdError(`${metric} is a share of calls: give the limit in % (or as a fraction from 0 to 1), got "${n}${written}"`);
    case '/s':
      if (written === undefined || written === '/s') return n;
      if (written === '/m') return n / 60;
      if (written === '/h') return n / 3600;
      throw new ThresholdError(`${metric} is a rate per second: give the limit as 2000/s (or /m, /h), got "${n}${written}"`);
    case 'count':
      if (written === undefined) return n;
      throw new ThresholdError(`${metric} is a number of events: write the limit without a unit, got "${n}${written}"`);
  }
}

export function satisfies(value: number, operator: Operator, limit: number): boolean {
  switch (operator) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}
