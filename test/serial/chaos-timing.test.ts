import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertBooksBalance, assertErrors, assertHealthyUntouched, groupSum, runAgainstChaos, type ChaosGroup, assertFailedVerdict } from '../chaos/fleet-vs-chaos';

/**
 * A CSMS that is silent, late, hangs up in the middle of a call, or stops reading: the run ends by
 * itself, every call has one outcome, and what happened is counted under its kind. (callTimeout is
 * 1 s in these runs.) The run's length and the reconnect gaps are bounded above, which holds only
 * on a machine not busy with other test files: test/serial/, one file at a time, ahead of the other (niced) test files.
 * The four runs go side by side: each is eight stations, light beside what the bounds allow.
 */
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

function chaosGroups(prefix: string, b16: ChaosGroup['behaviour'], b201 = b16): ChaosGroup[] {
  return [
    { name: 'chaos16', ocpp: '1.6', count: 2, prefix: `${prefix}16`, behaviour: b16 },
    { name: 'chaos201', ocpp: '2.0.1', count: 2, prefix: `${prefix}201`, behaviour: b201 },
  ];
}

const CHAOS = ['chaos16', 'chaos201'] as const;

describe('chaos CSMS: silence, lateness, hang-ups', { timeout: 120_000, concurrency: true }, () => {
  it('a CSMS that accepts the boot and then never answers: timeouts, the link stays up (it still answers pings), and the run ends on time', async () => {
    const run = await runAgainstChaos('silent', { groups: chaosGroups('SI', 'silent'), callTimeout: '1s' }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const timeouts = groupSum(s, CHAOS, 'timeouts');
    assert.ok(timeouts >= 4 * 2, `timeouts: ${timeouts}`);
    // A silent CSMS is not a dead link: the pings the timeouts prompted were answered.
    assertErrors(s, { timeout: timeouts });
    assert.ok(csms.logsOf('silent').every((l) => l.pings >= 1 && l.connections === 1), 'pinged, and never reconnected');
    assert.equal(groupSum(s, CHAOS, 'ok'), 4, 'the boots only');
    // Whatever was still waiting at the end is aborted, not lost: every call the CSMS received is counted.
    assert.equal(groupSum(s, CHAOS, 'sent'), csms.logsOf('silent').reduce((t, l) => t + [...l.calls.values()].reduce((u, n) => u + n, 0), 0));
    assert.ok(groupSum(s, CHAOS, 'aborted') <= 4);
    // Timeouts are timed from when the call was due: at least the timeout, never far beyond the run.
    assert.ok(s.durationMs < 12_000, `${s.durationMs} ms`);
  });

  it('answers that arrive after the timeout, even after a later call timed out too, are counted as lateResponse, not unknownMessageId', async () => {
    // 2.5 × the timeout: the answer to call n arrives while call n+2 is outstanding.
    const run = await runAgainstChaos('late', { groups: chaosGroups('LT', 'late'), csms: { lateMs: 2500 }, callTimeout: '1s', duration: '5s' }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const lateSent = csms.total('late', 'lateSent');
    assert.ok(lateSent >= 4 * 2, `late answers sent: ${lateSent}`);
    const timeouts = groupSum(s, CHAOS, 'timeouts');
    // A late answer in flight when the run closed the socket is not received: at most one per station.
    assertErrors(s, { timeout: timeouts, lateResponse: (n) => n <= lateSent && n >= lateSent - 4 });
    assert.equal(s.errors.unknownMessageId, undefined);
    assert.ok(timeouts >= (s.errors.lateResponse ?? 0));
    assert.equal(groupSum(s, CHAOS, 'ok'), 4, 'no late answer counted as an answer');
  });

  it('a CSMS that closes (1011) or drops the connection in the middle of a call: the call is aborted, connectionLost, the station reconnects and goes on', async () => {
    const run = await runAgainstChaos('hangup', { groups: chaosGroups('HU', 'closeMidCall', 'dropMidCall') }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    assertErrors(s, { connectionLost: 4 });
    assert.equal(s.counters.reconnects, 4);
    // The call cut off is each station's first StatusNotification after the boot.
    for (const g of CHAOS) {
      const status = s.groups[g]?.actions.StatusNotification;
      assert.equal(status?.aborted, 2, `${g}: ${JSON.stringify(status)}`);
      assert.equal(s.groups[g]?.actions.BootNotification?.ok, 4, `${g}: booted twice each`);
      assert.ok((s.groups[g]?.actions.Heartbeat?.ok ?? 0) >= 4, `${g}: heartbeats after the reconnect`);
    }
    assert.equal(groupSum(s, CHAOS, 'aborted'), 4);
    assert.equal(groupSum(s, CHAOS, 'sent'), groupSum(s, CHAOS, 'ok') + 4);
    for (const l of csms.logsOf('closeMidCall')) assert.deepEqual([l.connections, l.closeCodes[0]], [2, 1011], l.identity);
    for (const l of csms.logsOf('dropMidCall')) assert.deepEqual([l.connections, l.closeCodes[0]], [2, 1006], l.identity);
  });

  it('a CSMS that stops reading (half-open): the ping a timeout prompts gets no pong, the station ends the link as pingTimeout and reconnects', async () => {
    const run = await runAgainstChaos('halfopen', { groups: chaosGroups('HO', 'halfOpen'), callTimeout: '1s', duration: '5s' }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const timeouts = groupSum(s, CHAOS, 'timeouts');
    assertErrors(s, { pingTimeout: 4, timeout: timeouts });
    assert.ok(timeouts >= 4, 'the first call after the boot timed out');
    assert.equal(s.counters.reconnects, 4);
    for (const l of csms.logsOf('halfOpen')) {
      assert.equal(l.connections, 2, l.identity);
      // Detected within callTimeout (1 s) + pingTimeout (= callTimeout) of the boot, plus the
      // reconnect backoff (0.15–0.3 s) and scheduling.
      const gap = (l.connectedAt[1] as number) - (l.connectedAt[0] as number);
      assert.ok(gap > 1900 && gap < 3500, `${l.identity}: reconnected ${gap.toFixed(0)} ms after the first connection`);
    }
    for (const g of CHAOS) assert.ok((s.groups[g]?.actions.Heartbeat?.ok ?? 0) >= 2, `${g}: measured again after the reconnect`);
  });
});
