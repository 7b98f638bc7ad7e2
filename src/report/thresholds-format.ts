/**
 * Thresholds as people read them: one line each, first in the end-of-run output (k6 puts its
 * thresholds above the metrics, so the verdict is the first thing seen).
 */
import type { ThresholdResult } from './thresholds';
import type { Unit } from './thresholds-names';

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${value} ms`;
    case '%':
      return `${value}%`;
    case '/s':
      return `${value}/s`;
    case 'count':
      return String(value);
  }
}

/** `BootNotification.p99 = 912.345 ms (limit < 800 ms, 1204 samples)`, or why there is no value. */
export function describeResult(r: ThresholdResult): string {
  const limit = `${r.operator} ${formatValue(r.limit, r.unit)}`;
  if (r.value === null) return `${r.metric}: no samples (${r.window === undefined ? 'nothing was measured' : `nothing in the window, ${windowText(r.window)}`}), expected ${limit}`;
  // A count is its own sample size; for the others, how much the value rests on matters.
  const samples = r.unit === 'count' ? '' : ` (${r.samples} samples)`;
  const window = r.window === undefined ? '' : `, over ${windowText(r.window)}`;
  return `${r.metric} = ${formatValue(r.value, r.unit)}, expected ${limit}${samples}${window}`;
}

/** `seconds 50–60.3 of the run`: the stretch a trailing window judged. */
function windowText(w: { fromMs: number; toMs: number }): string {
  return `seconds ${w.fromMs / 1000}–${Math.round(w.toMs / 100) / 10} of the run`;
}

const MARK: Readonly<Record<ThresholdResult['verdict'], string>> = { pass: '✓', fail: '✗', 'no samples': '✗' };

/** The thresholds block printed before the latency table; empty when there are none. */
export function formatThresholds(results: readonly ThresholdResult[]): string {
  if (results.length === 0) return '';
  const failed = results.filter((r) => r.verdict !== 'pass').length;
  const width = Math.max(...results.map((r) => r.threshold.length));
  const lines = [`thresholds: ${failed === 0 ? 'all passed' : `${failed} of ${results.length} failed`}`];
  for (const r of results) {
    const value = r.value === null ? 'no samples' : formatValue(r.value, r.unit);
    const abort = r.abortedRun ? '  (aborted the run)' : '';
    lines.push(`  ${MARK[r.verdict]} ${r.threshold.padEnd(width)}  ${value}${r.verdict === 'pass' ? '' : `  ${r.verdict.toUpperCase()}`}${abort}`);
  }
  return `${lines.join('\n')}\n`;
}
