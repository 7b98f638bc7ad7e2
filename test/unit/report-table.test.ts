import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LatencyMs } from '../../src/report/format';
import type { Summary } from '../../src/report/summary';
import { formatTable } from '../../src/report/table';

/** The end-of-run table at a terminal's width: it gives up columns rather than wrap (a wrapped table cannot be read). */
const slow: LatencyMs = { min: 1.5, mean: 120.25, p50: 101.125, p90: 2345.5, p99: 12345.678, p999: 23456.789, max: 34567.891 };

function summary(): Summary {
  const action = { sent: 123456, ok: 123400, callErrors: 50, timeouts: 6, invalid: 0, aborted: 0, latencyMs: slow, serviceTimeMs: slow, dispatchDelayMs: { p50: 0, p99: 0, max: 0 } };
  return {
    actions: { StatusNotification: action, TransactionEvent: action },
    connect: { attempts: 2000, ok: 2000, errors: 0, latencyMs: slow },
    boot: { accepted: 2000, timeToAcceptedMs: slow },
  } as unknown as Summary;
}

const widthOf = (text: string): number => Math.max(...text.trimEnd().split('\n').map((l) => l.length));

test('a table that fits is left whole; a narrower terminal first loses p99.9, then max, p90 and timeouts, and is told so', () => {
  const wide = formatTable(summary());
  assert.equal(formatTable(summary(), widthOf(wide)), wide);
  assert.equal(formatTable(summary()), formatTable(summary(), Infinity));
  let previous = widthOf(wide);
  for (const width of [widthOf(wide) - 1, 80, 70, 66]) {
    const text = formatTable(summary(), width);
    const lines = text.trimEnd().split('\n');
    const note = lines.at(-1) as string;
    assert.match(note, /^\(p99\.9(, max)?(, p90)?(, timeouts)?: not shown at this width; in summary\.json\)$/, `${width}: ${note}`);
    const table = lines.slice(0, -1);
    assert.ok(table.every((l) => l.length <= width), `${width}: ${table.find((l) => l.length > width)}`);
    assert.match(table[0] as string, /^action\s+count\s+ok\s+errors.*p50 ms.*p99 ms/);
    assert.ok(widthOf(table.join('\n')) <= previous);
    previous = widthOf(table.join('\n'));
  }
  // Too narrow for even the kept columns: all four given up, and what is left is printed, not cut.
  const tight = formatTable(summary(), 20).trimEnd().split('\n');
  assert.equal(tight.at(-1), '(p99.9, max, p90, timeouts: not shown at this width; in summary.json)');
  assert.match(tight[1] as string, /^StatusNotification\s+123456\s+123400\s+50\s+101\.125\s+12345\.678$/);
});
