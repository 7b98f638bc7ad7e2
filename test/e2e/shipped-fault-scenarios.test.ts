import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runShort, type ShortForm } from '../helpers/short-form';

/**
 * The shipped scenarios built on the faults timeline, in a short form against the embedded CSMS
 * (the others are in shipped-scenarios.test.ts; two files so that they run side by side).
 */
describe('shipped fault scenarios run in a short form', { concurrency: false }, () => {
  test('cold-boot: every first boot is Pending and retried after the interval, then the fleet restarts', async () => {
    const form: ShortForm = {
      duration: '11s',
      faultsDiv: 10,
      patch: (doc) => {
        (doc.csms as Record<string, unknown>).bootRetryInterval = '2s';
      },
    };
    const { summary, code, out } = await runShort('cold-boot', form, 30);
    assert.equal(code, 0, out);
    assert.equal(summary.fleet.booted, 30);
    assert.ok((summary.counters.bootPending ?? 0) >= 30, `bootPending ${summary.counters.bootPending}`);
    assert.ok((summary.counters.bootRetries ?? 0) >= 30, `bootRetries ${summary.counters.bootRetries}`);
    // Pending honoured: nobody was accepted before the 2 s retry interval had passed (that the retry
    // comes exactly the interval later is test/unit/station-boot's, on an injected clock).
    const allBooted = summary.generator?.timeToAllBootedMs ?? 0;
    assert.ok(allBooted >= 1900 && allBooted < summary.durationMs, `all booted after ${allBooted} ms`);
    const restart = summary.faults?.[0];
    assert.equal(restart?.kind, 'restart');
    assert.equal(restart?.stations, 30);
    assert.equal(restart?.effects.rebooted, 30);
  });

  test('reconnect-storm: after the outage everyone reconnects and replays the queued transaction messages', async () => {
    const { summary, code, out } = await runShort('reconnect-storm', { duration: '13s', faultsDiv: 10, timeScaleMul: 20 }, 40);
    assert.equal(code, 0, out);
    const outage = summary.faults?.[0];
    assert.equal(outage?.kind, 'offline');
    assert.equal(outage?.stations, 40);
    assert.equal(outage?.effects.rebooted, 40);
    const queued = summary.counters.queuedOffline ?? 0;
    assert.ok(queued > 0, 'transaction messages were queued during the outage');
    assert.ok((summary.counters.replayed ?? 0) >= queued, `replayed ${summary.counters.replayed} of ${queued}`);
    assert.equal(summary.counters.undelivered ?? 0, 0);
    assert.ok((summary.counters.reconnects ?? 0) >= 40);
    assert.equal(summary.passed, true);
  });
});
