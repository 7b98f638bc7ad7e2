/**
 * The report's run health: the built-in checks with value, limit, verdict and detail, shown beside
 * the thresholds, and the verdict badges of the header.
 */
import { formatHealthLimit, formatHealthValue } from '../run-text';
import type { HealthResult, Summary } from '../summary';
import { cell, table } from './tables';

export function healthTable(health: readonly HealthResult[] | undefined): string {
  if (health === undefined) return '<p class="empty">This run has no health checks (written by an older version).</p>';
  if (health.length === 0) return '<p class="empty">Every health check was turned off for this run.</p>';
  const rows = health.map(
    (h) =>
      `<tr>${cell(h.check, 'name')}${cell(formatHealthValue(h.check, h.value), 'num')}${cell(formatHealthLimit(h), 'num')}` +
      `${cell(h.passed ? 'pass' : 'fail', h.passed ? 'good' : 'bad')}${cell(h.detail)}</tr>`,
  );
  return table('health', ['check', 'value', 'limit', 'verdict', 'detail'], rows, 1);
}

/** The header's badges: health, thresholds, and a run stopped early. */
export function verdictBadges(summary: Summary): string {
  const health = summary.health;
  const badges: string[] = [];
  if (health !== undefined && health.length > 0) {
    const failed = health.filter((h) => !h.passed).length;
    badges.push(failed === 0 ? '<span class="badge good">health checks passed</span>' : `<span class="badge bad">${failed} health check${failed === 1 ? '' : 's'} failed</span>`);
  }
  const thresholdsFailed = summary.thresholds.some((t) => typeof t === 'object' && t !== null && (t as { verdict?: unknown }).verdict !== 'pass');
  badges.push(
    summary.thresholds.length === 0
      ? '<span class="badge neutral">no thresholds</span>'
      : thresholdsFailed || (!summary.passed && health === undefined)
      ? '<span class="badge bad">thresholds failed</span>'
      : '<span class="badge good">thresholds passed</span>',
  );
  if (summary.partial) badges.push('<span class="badge warn">partial run (stopped early)</span>');
  return badges.join(' ');
}
