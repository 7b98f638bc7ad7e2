import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';
import { SCALED } from '../helpers/sessions-scaled';

/**
 * timeScale against the embedded CSMS, through run() in-process: calls per station per second
 * bounded above and below. A rate over wall seconds holds only on a machine not busy with other
 * test files, so this runs in test/serial/, one file at a time, ahead of the other (niced) test files.
 */
let csms: EmbeddedCsms;
let dir: string;

before(async () => {
  csms = await startEmbeddedCsms({});
  dir = tempDir('sessions-scaled');
});

after(async () => {
  await csms?.stop();
});

test('timeScale 60: a 1 min meter interval gives about one meter value a second, heartbeats too', async () => {
  const file = writeScenario(dir, 'sessions-scaled', SCALED);
  const out = join(dir, 'scaled');
  const { exitCode, result } = await runFleet({ scenario: file, url: csms.url, workers: 2, out });
  assert.equal(exitCode, 0, result.reason);
  const summary = readSummary(out);
  assert.equal(summary.settings.timeScale, 60);
  assert.deepEqual(summary.errors, {}, 'every payload passed the official schemas both ways');
  const seconds = 8;
  // Each connector charges from its first second to the end (a 2 h session is 2 min here).
  const meter16 = (summary.actions.MeterValues?.ok ?? 0) / (10 * seconds);
  assert.ok(meter16 > 0.8 && meter16 < 1.15, `${meter16} MeterValues per station per second`);
  // 2.0.1 sessions send Started, one Updated a second, and Ended at the graceful stop.
  const sessions201 = (summary.counters.sessionsStarted ?? 0) - (summary.actions.StartTransaction?.ok ?? 0);
  assert.equal(sessions201, 10, 'one long session per 2.0.1 connector');
  const updated201 = ((summary.actions.TransactionEvent?.ok ?? 0) - 2 * sessions201) / (10 * seconds);
  assert.ok(updated201 > 0.8 && updated201 < 1.15, `${updated201} TransactionEvent Updated per station per second`);
  const heartbeats = (summary.actions.Heartbeat?.ok ?? 0) / (20 * seconds);
  assert.ok(heartbeats > 0.8 && heartbeats < 1.1, `${heartbeats} Heartbeats per station per second`);
});

