import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clock, StatusLine, statusText, type StatusStream } from '../../src/cli/status-line';
import type { RunProgress } from '../../src/run/options';

/** The live line (issue 14): what it says, how it fits a terminal, how it ends. */
function progress(change: Partial<RunProgress> = {}, errors: Record<string, number> = {}): RunProgress {
  return {
    second: 12,
    planned: 2000,
    durationMs: 30_000,
    phase: 'steady',
    live: { callsPerSec: 1234, p99Ms: 12.34, calls: 20_000, errors: 0, timeouts: 0 },
    gauges: { total: { connected: 2000, booted: 1998, charging: 366 }, groups: [] },
    errors: new Map(Object.entries(errors)),
    ...change,
  };
}

class Terminal implements StatusStream {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

// eslint-style guard: what a terminal shows of a line, colour codes and erase-to-end taken out.
const shown = (s: string): string => s.replace(/\x1b\[[0-9;]*[mK]/g, '');

describe('the live status line', () => {
  test('everything at full width: elapsed/planned, phase, connected and booted, sessions charging, calls/s, p99, errors by kind', () => {
    const text = statusText(progress({}, { timeout: 3, connectionLost: 1 }));
    assert.equal(text, '0:12/0:30  steady  connected 2,000/2,000  booted 1,998  366 charging  1,234 calls/s  p99 12.3 ms  errors 4: timeout 3, connectionLost 1');
    assert.equal(statusText(progress({ phase: 'ramp', second: 3725, durationMs: 7_200_000 })).split('  ').slice(0, 2).join(' '), '1:02:05/2:00:00 ramping');
    assert.equal(clock(59_999), '0:59');
  });

  test('never wider than the terminal: sessions charging go first, then the errors\' breakdown, calls/s and p99, then the rest', () => {
    const p = progress({}, { timeout: 3, connectionLost: 1, protocolError: 1, callError: 1 });
    for (const width of [200, 120, 100, 79, 60, 40, 20, 10]) {
      const text = statusText(p, width);
      assert.ok(text.length <= width, `${width}: ${text.length}: ${text}`);
    }
    assert.equal(statusText(p, 79), '0:12/0:30  steady  connected 2,000/2,000  booted 1,998  p99 12.3 ms  errors 6');
    assert.equal(statusText(p, 110), '0:12/0:30  steady  connected 2,000/2,000  booted 1,998  1,234 calls/s  p99 12.3 ms  errors 6: timeout 3, …');
    assert.equal(statusText(p, 140), '0:12/0:30  steady  connected 2,000/2,000  booted 1,998  1,234 calls/s  p99 12.3 ms  errors 6: timeout 3, callError 1, connectionLost 1, …');
    assert.equal(statusText(p, 60), '0:12/0:30  steady  connected 2,000/2,000  booted 1,998');
    assert.equal(statusText(p, 10), '0:12/0:30');
    assert.equal(statusText(p, 5), '0:12…');
  });

  test('on a terminal: redrawn in place with colour, never a new line, and left saying how the run ended', () => {
    const tty = new Terminal(true, 120);
    const line = new StatusLine(tty, 5, {});
    for (const second of [0, 1, 2]) line.update(progress({ second }, second === 2 ? { timeout: 2 } : {}));
    assert.equal(tty.text.includes('\n'), false);
    assert.equal(tty.text.split('\r').length - 1, 3, 'three redraws');
    assert.match(tty.text, /\x1b\[32msteady\x1b\[39m/);
    assert.match(tty.text, /\x1b\[31merrors 2: timeout 2\x1b\[39m/);
    for (const drawn of tty.text.split('\r').slice(1)) assert.ok(shown(drawn).length < 120, shown(drawn));
    // The wind-down disconnects everyone: the last line keeps the most that were connected.
    line.update(progress({ second: 31, phase: 'stopping', gauges: { total: { connected: 0, booted: 0, charging: 0 }, groups: [] } }));
    line.finish('FAILED: booted 1,998 of 2,000 stations (timeout ×2)');
    const last = tty.text.split('\r').at(-1) as string;
    assert.equal(shown(last), '0:31/0:30  done  connected 2,000/2,000 at peak  booted 1,998  FAILED: booted 1,998 of 2,000 stations (timeout ×2)\n');
    const narrow = new Terminal(true, 80);
    const cut = new StatusLine(narrow, 5, {});
    cut.update(progress());
    cut.finish('FAILED: booted 1,998 of 2,000 stations (timeout ×2)');
    assert.equal(shown(narrow.text.split('\r').at(-1) as string), '0:12/0:30  done  connected 2,000/2,000 at peak  booted 1,998  FAILED: booted 1…\n');
    assert.match(last, /\x1b\[31mFAILED/);
  });

  test('a notice printed meanwhile (end()) does not keep the line from saying how the run ended', () => {
    const tty = new Terminal(true, 160);
    const line = new StatusLine(tty, 5, {});
    line.update(progress());
    line.end();
    tty.write('stopping: finishing running transactions\n');
    line.finish('STOPPED before its planned end, nothing failed so far: 2,000 stations');
    assert.match(shown(tty.text), /\nstopping: finishing running transactions\n\r0:12\/0:30  done  connected 2,000\/2,000 at peak  booted 1,998  STOPPED before its planned end, nothing failed so far: 2,000 stations\n$/);
    // Not on a terminal, nothing is redrawn at the end.
    const log = new Terminal(false);
    const plain = new StatusLine(log, 5, {});
    plain.update(progress({ second: 3 }));
    plain.finish('PASSED');
    assert.equal(log.text, '', 'no plain line before second 5, and none at the end');
  });

  test('NO_COLOR on a terminal: no colour codes, still redrawn in place', () => {
    const tty = new Terminal(true, 100);
    const line = new StatusLine(tty, 5, { NO_COLOR: '1' });
    line.update(progress({}, { timeout: 1 }));
    line.finish('PASSED: 2,000 stations');
    assert.doesNotMatch(tty.text, /\x1b\[[0-9;]*m/);
    assert.match(tty.text, /^\r0:12\/0:30  steady/);
    assert.match(tty.text, /PASSED: 2,000 stations\x1b\[K\n$/);
  });

  test('not a terminal (a CI log): a plain line every five seconds, full width, no colour, nothing redrawn', () => {
    const log = new Terminal(false);
    const line = new StatusLine(log, 5, {});
    for (let second = 0; second <= 11; second++) line.update(progress({ second }));
    line.finish('PASSED: 2,000 stations');
    const lines = log.text.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.slice(0, 9)), ['0:05/0:30', '0:10/0:30']);
    assert.doesNotMatch(log.text, /\r|\x1b/);
    assert.match(lines[0] as string, /p99 12\.3 ms  errors 0$/);
  });
});
