import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { duringRun, runFleet } from '../helpers/run-fleet';

/**
 * An outage of the CSMS in the middle of charging sessions: the stations lose their connection,
 * keep charging, queue their transaction messages, reconnect with backoff once the CSMS is back,
 * and deliver the queue in order. (OCPP 1.6 §4.x offline behaviour; 2.0.1 E.04 / E.05 offline
 * transactions.) The run goes through run() in this process while the test stops and restarts the CSMS.
 */
const SCENARIO = `
name: e2e-outage
duration: 14s
seed: 5
callTimeout: 3s
gracefulStop: 4s
groups:
  - name: old
    count: 1
    ocpp: "1.6"
    identity: "OUT16-{index}"
    heartbeatInterval: 5s
    reconnect: { min: 500ms, max: 1s, jitter: 0.2 }
    sessions: { idle: 100ms, duration: 8s, meterInterval: 250ms }
  - name: new
    count: 1
    ocpp: "2.0.1"
    identity: "OUT201-{index}"
    heartbeatInterval: 5s
    reconnect: { min: 500ms, max: 1s, jitter: 0.2 }
    sessions: { idle: 100ms, duration: 8s, meterInterval: 250ms }
`;

const started: EmbeddedCsms[] = [];
after(async () => {
  for (const c of started) await c.stop();
});

test('after a CSMS outage, stations reconnect and replay their queued transaction messages in order', async () => {
  const first = await startEmbeddedCsms({});
  started.push(first);
  const dir = tempDir('outage');
  const out = join(dir, 'out');
  const done = runFleet({ scenario: writeScenario(dir, 'outage', SCENARIO), url: first.url, workers: 1, out, timeoutMs: 60_000 });

  // Both stations charging at the first CSMS.
  await duringRun(done, 'two transactions at the first CSMS', async () => {
    const s = await first.stats();
    return s.transactions.started >= 2 && (s.incoming.MeterValues?.received ?? 0) >= 1 ? s : undefined;
  });
  await first.stop();
  // Offline for ~2 s: at a 250 ms meter interval each station queues several messages.
  await new Promise((r) => setTimeout(r, 2000));
  const second = await startEmbeddedCsms({ port: first.port });
  started.push(second);

  const result = await done;
  assert.equal(result.exitCode, 0, result.result.reason);
  const summary = readSummary(out);
  const stats = await second.stats();

  assert.equal(summary.errors.connectionLost, 2, 'each station lost its connection once');
  assert.ok((summary.errors.connectRefused ?? 0) >= 2, 'reconnect attempts failed while the CSMS was down');
  assert.ok((summary.counters.reconnects ?? 0) >= 2, 'both reconnected');
  assert.ok((summary.counters.queuedOffline ?? 0) >= 6, `queued offline: ${summary.counters.queuedOffline}`);
  assert.ok((summary.counters.replayed ?? 0) >= summary.counters.queuedOffline! - 2, `replayed: ${summary.counters.replayed}`);
  assert.equal(summary.counters.undelivered, undefined, 'nothing left undelivered');
  assert.equal(summary.fleet.booted, 2);
  assert.equal(stats.boots.accepted, 2, 'both booted again at the second CSMS');

  // The 2.0.1 station's offline events arrive at the second CSMS in order: no gap, no duplicate,
  // ending with the transaction's Ended event; the 1.6 station's StopTransaction arrives too.
  assert.equal(stats.transactions.seqNoGaps, 0);
  assert.equal(stats.transactions.duplicates, 0);
  assert.ok((stats.incoming.TransactionEvent?.received ?? 0) >= 4);
  assert.ok((stats.incoming.MeterValues?.received ?? 0) >= 3);
  assert.ok((stats.incoming.StopTransaction?.received ?? 0) >= 1);

  // Every call the fleet sent is accounted for, the outage included.
  for (const [action, a] of Object.entries(summary.actions)) {
    assert.equal(a.sent, a.ok + a.callErrors + a.timeouts + a.invalid + a.aborted, action);
    assert.equal(a.callErrors + a.timeouts + a.invalid, 0, action);
  }
  assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten);
});
