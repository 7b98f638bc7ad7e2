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

/** The columns a narrow terminal gives up first, in this order: p50 and p99 stay. */
const SHED = ['p99.9 ms', 'max ms', 'p90 ms', 'timeouts'];

/** `rows` without the columns named, header row first. */
function without(rows: readonly (readonly string[])[], dropped: readonly string[]): string[][] {
  const keep = (rows[0] ?? []).map((h, c) => (dropped.includes(h) ? -1 : c)).filter((c) => c >= 0);
  return rows.map((row) => keep.map((c) => row[c] ?? ''));
}

/**
 * One row per charge-point-initiated action (errors = CALLERROR + invalid + aborted), then
 * connect (count = attempts) and boot (count = accepted; times from the first connect attempt).
 * `width`: a terminal's columns; a table wider gives up columns (SHED) rather than wrap, and
 * says which, since a wrapped table cannot be read.
 */
export function formatTable(summary: Summary, width = Infinity): string {
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
  const fits = (lines: readonly string[]): boolean => lines.every((line) => line.length <= width);
  let lines = alignColumns(rows);
  const dropped: string[] = [];
  for (const column of SHED) {
    if (fits(lines)) break;
    dropped.push(column);
    lines = alignColumns(without(rows, dropped));
  }
  const note = dropped.length === 0 ? '' : `(${dropped.map((c) => c.replace(' ms', '')).join(', ')}: not shown at this width; in summary.json)\n`;
  return `${lines.join('\n')}\n${note}`;
}
