import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { readSummary, REPO_ROOT, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * Session scripts over real sockets against the embedded CSMS (run() in-process): a script's steps are what reaches
 * the CSMS, counted exactly (one session per connector: its vehicle stays an hour in the plan, so
 * no second one comes, and the script ends long before the run does).
 */
const EXACT = `
name: scripts-exact
duration: 6s
seed: 3
callTimeout: 5s
gracefulStop: 2s
scripts:
  exact:
    - plugIn
    - wait: 200ms
    - authorize
    - start
    - meterValues: {count: 3, interval: 300ms}
    - suspend: {by: EV}
    - wait: 200ms
    - resume
    - meterValues: {count: 1, interval: 200ms}
    - stop: {reason: EVDisconnected}
    - unplug
    - send: {action: DataTransfer, payload: {vendorId: acme, messageId: report}}
    - raw: '[2,"raw-hb","Heartbeat",{}]'
groups:
  - name: old
    count: 10
    ocpp: "1.6"
    ramp: all
    heartbeatInterval: 1h
    sessions: {idle: 10ms, duration: 1h, script: exact}
  - name: new
    count: 10
    ocpp: "2.0.1"
    ramp: all
    heartbeatInterval: 1h
    sessions: {idle: 10ms, duration: 1h, script: exact}
`;

/** Disconnect (backoff), reconnect (at once) and reboot, with meter values queued while offline. */
// 12 s for a script of about 5: on a machine running eight files, 8 s left three stations
// short of their reboot's reconnect (27 of 30 in CI).
const LINK = `
name: scripts-link
duration: 12s
seed: 4
callTimeout: 3s
gracefulStop: 2s
health:
  # The script's disconnect and reboot cut the calls in flight on purpose (up to ~7% of them).
  incompleteCalls: 20
groups:
  - name: flaky
    count: 10
    ocpp: "2.0.1"
    ramp: all
    heartbeatInterval: 1h
    reconnect: {min: 300ms, max: 600ms}
    sessions:
      idle: 10ms
      duration: 1h
      script:
        - plugIn
        - authorize
        - start
        - disconnect
        - meterValues: {count: 2, interval: 100ms}
        - wait: 1500ms
        - stop
        - unplug
        - reconnect
        - wait: 1s
        - reboot
`;

describe('session scripts against the embedded CSMS', () => {
  let csms: EmbeddedCsms;
  let dir: string;

  before(async () => {
    csms = await startEmbeddedCsms({});
    dir = tempDir('scripts');
  });

  after(async () => {
    await csms?.stop();
  });

  test('exact counts: 3 + 1 meter values per session, suspend and resume, send and raw frames', async () => {
    const before = await csms.stats();
    const out = join(dir, 'exact');
    const r = await runFleet({ scenario: writeScenario(dir, 'exact', EXACT), url: csms.url, workers: 2, out });
    assert.equal(r.exitCode, 0, r.result.reason);
    const s = readSummary(out);
    assert.deepEqual(s.errors, {}, 'no unknownMessageId: the answers to raw frames are the scripts\'');
    assert.equal(s.counters.sessionsStarted, 20);
    assert.equal(s.counters.sessionsCompleted, 20);
    const old = s.groups.old?.actions;
    const neu = s.groups.new?.actions;
    // 1.6: boot statuses (connector 0 and 1), then Preparing, Charging, SuspendedEV, Charging, Finishing, Available.
    assert.equal(old?.MeterValues?.ok, 10 * 4);
    assert.equal(old?.StatusNotification?.ok, 10 * (2 + 6));
    assert.equal(old?.StopTransaction?.ok, 10);
    // 2.0.1: Started, 3 + 1 Updated, suspend and resume Updated, Ended; statuses: boot, Occupied, Available.
    assert.equal(neu?.TransactionEvent?.ok, 10 * 8);
    assert.equal(neu?.StatusNotification?.ok, 10 * 3);
    assert.equal(s.actions.DataTransfer?.ok, 20);
    assert.equal(s.actions.Heartbeat, undefined, 'the raw Heartbeat is not one of the session\'s calls');
    assert.equal(s.counters.rawFramesSent, 20);
    assert.equal(s.counters.rawFramesAnswered, 20);
    const after = await csms.stats();
    const received = (action: string): number => (after.incoming[action]?.received ?? 0) - (before.incoming[action]?.received ?? 0);
    assert.equal(received('DataTransfer'), 20);
    assert.equal(received('Heartbeat'), 20, 'the raw frames reached the CSMS');
    assert.equal(received('MeterValues'), 40);
    assert.equal(received('TransactionEvent'), 80);
    assert.equal(after.transactions.seqNoGaps, before.transactions.seqNoGaps);
  });

  test('disconnect, reconnect and reboot: three new connections per station, the offline meter values replayed', async () => {
    const out = join(dir, 'link');
    const r = await runFleet({ scenario: writeScenario(dir, 'link', LINK), url: csms.url, workers: 1, out });
    assert.equal(r.exitCode, 0, r.result.reason);
    const s = readSummary(out);
    assert.equal(s.errors.connectionLost, undefined, 'a script\'s disconnect is not a lost connection');
    assert.equal(s.counters.reconnects, 30);
    assert.equal(s.actions.BootNotification?.ok, 40);
    assert.equal(s.counters.sessionsCompleted, 10);
    // Started, 2 Updated (queued while offline, then replayed), Ended: none lost.
    assert.equal(s.actions.TransactionEvent?.ok, 40);
    assert.ok((s.counters.queuedOffline ?? 0) >= 10, JSON.stringify(s.counters));
    assert.ok((s.counters.replayed ?? 0) >= 10, JSON.stringify(s.counters));
  });

  test('the shipped scripted-sessions scenario runs, its three scripts, every payload valid both ways', async () => {
    const out = join(dir, 'shipped');
    const file = join(REPO_ROOT, 'scenarios', 'scripted-sessions.yaml');
    const r = await runFleet({ scenario: file, url: csms.url, duration: '12s', workers: 2, out });
    assert.equal(r.exitCode, 0, r.result.reason);
    const s = readSummary(out);
    assert.deepEqual(s.errors, {});
    assert.equal(s.fleet.booted, 50);
    // The default script: every session authorized, started and metered every 2 s until its end.
    const plain = s.groups.plain?.actions;
    assert.ok((plain?.StartTransaction?.ok ?? 0) >= 15, JSON.stringify(plain));
    assert.equal(plain?.Authorize?.ok, plain?.StartTransaction?.ok);
    assert.ok((plain?.MeterValues?.ok ?? 0) >= 2 * (plain?.StopTransaction?.ok ?? 0));
    // slow-authorize: Started, two Updated a second apart, then the suspension (cut short by the end of this run).
    const fumbling = s.groups.fumbling?.actions;
    assert.ok((fumbling?.TransactionEvent?.ok ?? 0) >= 4 * (fumbling?.Authorize?.ok ?? 0) * 0.5, JSON.stringify(fumbling));
    assert.ok((fumbling?.Authorize?.ok ?? 0) >= 10, JSON.stringify(fumbling));
    // v2x-session (2.1): each session streams a SEND a second and discharges, its events valid at the CSMS.
    const bidirectional = s.groups.bidirectional;
    assert.equal(bidirectional?.ocpp, '2.1');
    assert.ok((bidirectional?.actions.OpenPeriodicEventStream?.ok ?? 0) >= 10, JSON.stringify(bidirectional?.actions));
    assert.ok((bidirectional?.sends?.NotifyPeriodicEventStream?.sent ?? 0) >= 30, JSON.stringify(bidirectional?.sends));
    assert.equal(bidirectional?.sends?.NotifyPeriodicEventStream?.dropped, 0);
  });
});
