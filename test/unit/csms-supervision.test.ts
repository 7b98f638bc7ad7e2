import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deathMessage } from '../../src/run/csms-supervision';
import { LAST_LINES_KEPT, LineRing } from '../../src/csms/line-ring';
import { csmsEntries } from '../../src/report/html/run-tables';

test('the line ring keeps the last 20 lines however the chunks split them, and returns the lines each chunk completed', () => {
  const ring = new LineRing();
  assert.deepEqual(ring.push('CSMS listen'), []);
  assert.deepEqual(ring.last(), ['CSMS listen'], 'the line being written counts');
  assert.deepEqual(ring.push('ing on ws://127.0.0.1:9000\r\nline 2\n\n   \nline'), ['CSMS listening on ws://127.0.0.1:9000', 'line 2', '', '   ']);
  assert.deepEqual(ring.last(), ['CSMS listening on ws://127.0.0.1:9000', 'line 2', 'line'], 'blank lines are left out');
  for (let i = 3; i <= 100; i++) ring.push(` ${i}\nline`);
  const last = ring.last();
  assert.equal(last.length, LAST_LINES_KEPT);
  assert.equal(LAST_LINES_KEPT, 20);
  assert.equal(last[0], 'line 82');
  assert.equal(last[18], 'line 100');
  assert.equal(last[19], 'line', 'the unfinished line is the last');
});

test('the line ring cuts a runaway line and refuses a capacity below one', () => {
  const ring = new LineRing(2);
  ring.push(`${'x'.repeat(5000)}\n`);
  const [line] = ring.last();
  assert.equal(line?.length, 1001);
  assert.ok(line?.endsWith('…'));
  assert.throws(() => new LineRing(0), /capacity must be an integer >= 1/);
});

test('the death message names when, how and the last lines', () => {
  const epoch = 1_000_000;
  const killed = deathMessage({ code: null, signal: 'SIGKILL', atWallMs: epoch + 8_140, lastLines: ['CSMS listening on ws://127.0.0.1:9000', 'x'], requested: false }, epoch);
  assert.equal(
    killed,
    'error: the embedded CSMS died 8.1 s into the run (killed by SIGKILL); its last lines:\n' +
      '  CSMS listening on ws://127.0.0.1:9000\n  x\nstopping the run at once: the results will be partial',
  );
  const crashed = deathMessage({ code: 7, signal: null, atWallMs: 5, lastLines: [], requested: false }, undefined);
  assert.match(crashed, /^error: the embedded CSMS died as the run was starting \(exit code 7\); it wrote nothing on stderr\n/);
});

test('report.html\'s CSMS table says whether it lived, and how a dead one died', () => {
  assert.deepEqual(csmsEntries({ alive: true, signedMeterValues: { verified: 3, failed: 1 } }), [
    ['alive to the end', 'yes'],
    ['signed meter values verified', 3],
    ['signed meter values failed', 1],
  ]);
  const dead = csmsEntries({ alive: false, exit: { code: null, signal: 'SIGKILL', atMs: 8140, lastLines: ['CSMS listening on ws://127.0.0.1:9000', 'x'] } });
  assert.deepEqual(dead, [
    ['alive to the end', 'no: died 8.1 s into the run (killed by SIGKILL)'],
    ['its last lines', 'CSMS listening on ws://127.0.0.1:9000 ⏎ x'],
  ]);
});
