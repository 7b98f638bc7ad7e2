/**
 * The end-of-run table the CLI prints. Built from a Summary rather than from the aggregator, so
 * `ocpp-fleet report` can print the same table from a summary.json read back later.
 */
import type { LatencyMs } from './format';
import type { Summary } from './summary';

const HEADERS = ['action', 'count', 'ok', 'errors', 'timeouts', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms'];

function ms(value: number): string {
  return value.toFixed(3);
}

function latencyCells(l: LatencyMs): string[] {
  return [ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max)];
}

/** Left-aligns the first column and right-aligns the numbers, two spaces between columns. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows.map((row) =>
    row
      .map((text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * One row per charge-point-initiated action (errors = CALLERROR + invalid + aborted), then
 * connect (count = attempts) and boot (count = accepted; times from the first connect attempt).
 */
export function formatTable(summary: Summary): string {
  const rows: string[][] = [HEADERS];
  for (const [name, a] of Object.entries(summary.actions)) {
    rows.push([
      name,
      String(a.sent),
      String(a.ok),
      String(a.callErrors + a.invalid + a.aborted),
      String(a.timeouts),
      ...latencyCells(a.latencyMs),
    ]);
  }
  const c = summary.connect;
  rows.push(['(connect)', String(c.attempts), String(c.ok), String(c.errors), '-', ...latencyCells(c.latencyMs)]);
  if (c.tlsHandshakeMs !== undefined) rows.push(['(tls)', String(c.ok), String(c.ok), '-', '-', ...latencyCells(c.tlsHandshakeMs)]);
  const b = summary.boot;
  rows.push(['(boot)', String(b.accepted), String(b.accepted), '-', '-', ...latencyCells(b.timeToAcceptedMs)]);
  return `${alignColumns(rows).join('\n')}\n`;
}
