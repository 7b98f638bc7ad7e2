import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { CsmsStats } from '../../src/csms/stats';
import { endOfRunText } from '../../src/report/run-text';
import type { Summary } from '../../src/report/summary';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * A whole run over real sockets: run() in the test's process, the embedded CSMS in another. What
 * the fleet says it sent must be what the CSMS says it received, action by action.
 */
const SCENARIO = `
name: e2e-run
duration: 8s
seed: 3
callTimeout: 5s
gracefulStop: 5s
groups:
  - name: old
    count: 10
    ocpp: "1.6"
    connectors: 2
    identity: "E2E16-{index:03}"
    ramp: 50/s
    heartbeatInterval: 2s
    sessions: { idle: 1s, duration: 2s, meterInterval: 500ms, powerKw: 11 }
  - name: new
    count: 10
    ocpp: "2.0.1"
    connectors: 2
    identity: "E2E201-{index:03}"
    ramp: 50/s
    heartbeatInterval: 2s
    sessions: { idle: 1s, duration: 2s, meterInterval: 500ms, powerKw: 22 }
`;

describe('a fleet run against the embedded CSMS', () => {
  let csms: EmbeddedCsms;
  let summary: Summary;
  let stats: CsmsStats;
  let out: string;
  let stdout: string;

  before(async () => {
    csms = await startEmbeddedCsms({});
    const dir = tempDir('run');
    out = join(dir, 'out');
    const file = writeScenario(dir, 'e2e-run', SCENARIO);
    const { result, exitCode } = await runFleet({ scenario: file, url: csms.url, workers: 2, out });
    assert.equal(exitCode, 0, result.reason);
    // What `ocpp-fleet run` prints at the end of this run (the CLI tests check that it does).
    stdout = endOfRunText(result.summary, result.thresholds, result.dir);
    summary = readSummary(out);
    assert.deepEqual(result.summary, summary, 'the result\'s summary is summary.json as written');
    stats = await csms.stats();
  });

  after(async () => {
    await csms?.stop();
  });

  test('writes the three results files', () => {
    for (const f of ['summary.json', 'histograms.hlog', 'timeseries.csv']) assert.ok(existsSync(join(out, f)), f);
    const rows = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
    // One row a second over ~8 s of load plus the graceful stop (a header, and no second twice).
    assert.ok(rows.length >= 9 && rows.length <= Math.ceil(summary.durationMs / 1000) + 2, `${rows.length} rows over ${summary.durationMs} ms`);
  });

  test('the whole fleet connected and booted, with no error of any kind', () => {
    assert.deepEqual(summary.fleet, { planned: 20, connected: 20, booted: 20, failedToConnect: 0, notStarted: 0 });
    assert.deepEqual(summary.errors, {});
    assert.equal(summary.partial, false);
    assert.equal(summary.boot.accepted, 20);
    assert.equal(summary.connect.ok, 20);
  });

  test('every record written by the workers was aggregated (the pump loses nothing)', () => {
    assert.ok(summary.pump.recordsWritten > 500, `${summary.pump.recordsWritten} records`);
    assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten);
  });

  test('each action sent is accounted for: answered, errored, timed out or aborted', () => {
    for (const [action, a] of Object.entries(summary.actions)) {
      assert.equal(a.sent, a.ok + a.callErrors + a.timeouts + a.invalid + a.aborted, action);
      assert.equal(a.ok, a.sent, `${action}: all answered`);
    }
  });

  test('the counts match what the CSMS received, action by action', () => {
    for (const [action, a] of Object.entries(summary.actions)) {
      assert.equal(stats.incoming[action]?.received, a.sent, action);
    }
    const csmsActions = Object.keys(stats.incoming).filter((k) => (stats.incoming[k]?.received ?? 0) > 0);
    assert.deepEqual(csmsActions.sort(), Object.keys(summary.actions).sort());
    assert.equal(stats.boots.accepted, 20);
  });

  test('charging sessions ran on both versions and every one was stopped', () => {
    const started16 = summary.actions.StartTransaction?.ok ?? 0;
    assert.ok(started16 >= 10, `${started16} 1.6 transactions`);
    assert.equal(summary.actions.StopTransaction?.ok, started16);
    assert.ok((summary.actions.MeterValues?.ok ?? 0) >= started16, 'meter values during 1.6 sessions');
    assert.ok((summary.actions.TransactionEvent?.ok ?? 0) >= 30, 'Started, Updated and Ended events');
    assert.equal(summary.counters.sessionsStarted, summary.counters.sessionsCompleted);
    // The CSMS saw each transaction start and end: none is left open.
    assert.equal(stats.transactions.active, 0);
    assert.equal(stats.transactions.started, stats.transactions.stopped);
    assert.equal(stats.transactions.seqNoGaps, 0);
    assert.equal(stats.transactions.duplicates, 0);
  });

  test('latencies are plausible magnitudes (ms, not µs or s)', () => {
    // Above what a loopback round trip can take, and under the 5 s callTimeout that bounds every
    // answered call and the handshake; that they are well under a second on loopback is a bound on
    // time: test/serial/run-magnitudes.
    const hb = summary.actions.Heartbeat;
    assert.ok(hb && hb.ok > 0);
    assert.ok(hb.latencyMs.p50 > 0.02 && hb.latencyMs.p50 < 5000, `Heartbeat p50 ${hb.latencyMs.p50} ms`);
    assert.ok(hb.serviceTimeMs.p50 <= hb.latencyMs.p50 + 0.001, 'service time ≤ response time');
    assert.ok(hb.latencyMs.max >= hb.latencyMs.p99);
    assert.ok(summary.connect.latencyMs.p50 > 0.05 && summary.connect.latencyMs.p50 < 5000, `connect p50 ${summary.connect.latencyMs.p50} ms`);
  });

  test('per-group results add up to the totals', () => {
    assert.deepEqual(Object.keys(summary.groups).sort(), ['new', 'old']);
    assert.equal(summary.groups.old?.actions.StartTransaction?.sent, summary.actions.StartTransaction?.sent);
    assert.equal(summary.groups.new?.actions.TransactionEvent?.sent, summary.actions.TransactionEvent?.sent);
    assert.equal(summary.groups.old?.actions.TransactionEvent, undefined);
  });

  test('prints the table with a row per action', () => {
    for (const action of ['BootNotification', 'Heartbeat', 'StartTransaction', 'TransactionEvent']) {
      assert.match(stdout, new RegExp(`^${action}\\s+\\d+`, 'm'));
    }
    assert.match(stdout, /p99\.9 ms/);
  });
});
