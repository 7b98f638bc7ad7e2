import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertBooksBalance, assertErrors, assertHealthyUntouched, groupSum, runAgainstChaos, type ChaosGroup, assertFailedVerdict } from '../chaos/fleet-vs-chaos';

/**
 * A CSMS that refuses the upgrade, negotiates the wrong subprotocol, or sends a frame far too big:
 * the stations concerned are counted under the documented kinds, keep retrying with backoff (or
 * recover), and the healthy stations beside them are measured as usual.
 */
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

describe('chaos CSMS: upgrades and frame size', { timeout: 120_000 }, () => {
  it('upgrades refused with 401, 404 and 500 are handshakeRejected; another subprotocol, or none, is subprotocolMismatch; the rest of the fleet runs, and the verdict fails on connected (exit 1)', async () => {
    const groups: ChaosGroup[] = [
      { name: 'r401', ocpp: '1.6', count: 1, prefix: 'R401', behaviour: 'reject401' },
      { name: 'r404', ocpp: '2.0.1', count: 1, prefix: 'R404', behaviour: 'reject404' },
      { name: 'r500', ocpp: '1.6', count: 1, prefix: 'R500', behaviour: 'reject500' },
      { name: 'wrong', ocpp: '2.0.1', count: 1, prefix: 'WP', behaviour: 'wrongSubprotocol' },
      { name: 'none', ocpp: '1.6', count: 1, prefix: 'NP', behaviour: 'noSubprotocol' },
    ];
    const run = await runAgainstChaos('upgrade', { groups }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['connected', 'booted']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const refused = csms.total('reject401', 'upgradesRefused') + csms.total('reject404', 'upgradesRefused') + csms.total('reject500', 'upgradesRefused');
    const mismatched = csms.total('wrongSubprotocol', 'connections') + csms.total('noSubprotocol', 'connections');
    // Backoff 0.3 s doubling to 0.6 s over a 4 s run: several attempts each. An attempt the end of
    // the run cut short is not counted as the target's failure: at most one per station.
    assert.ok(refused >= 3 * 3 && mismatched >= 2 * 3, `refused ${refused}, mismatched ${mismatched}`);
    assertErrors(s, {
      handshakeRejected: (n) => n <= refused && n >= refused - 3,
      subprotocolMismatch: (n) => n <= mismatched && n >= mismatched - 2,
    });
    assert.equal(s.connect.errors, (s.errors.handshakeRejected ?? 0) + (s.errors.subprotocolMismatch ?? 0));
    assert.equal(s.connect.ok, 4, 'the healthy stations connected once each');
    assert.equal(s.fleet.connected, 4);
    assert.equal(s.fleet.failedToConnect, 5);
    for (const g of groups) {
      // A group that never sent a call has no entry under groups (the report lists groups with calls).
      assert.equal(s.groups[g.name]?.fleet?.connected ?? 0, 0, g.name);
      assert.equal(Object.keys(s.groups[g.name]?.actions ?? {}).length, 0, `${g.name}: no call was ever sent`);
    }
  });

  it('a fleet none of whose stations is let in ends by itself with exit code 3', async () => {
    const groups: ChaosGroup[] = [
      { name: 'a', ocpp: '1.6', count: 1, prefix: 'A', behaviour: 'reject500' },
      { name: 'b', ocpp: '2.0.1', count: 1, prefix: 'B', behaviour: 'noSubprotocol' },
    ];
    const run = await runAgainstChaos('nobody', { groups, healthy: false, duration: '2s' }, closers);
    assert.equal(run.fleet.exitCode, 3, run.fleet.result.reason);
    assert.match(run.fleet.result.message ?? '', /handshakeRejected ×\d+/);
    assert.match(run.fleet.result.message ?? '', /subprotocolMismatch ×\d+/);
    assertBooksBalance(run.summary);
    assert.equal(run.summary.fleet.connected, 0);
  });

  it('a 10 MB frame is refused at the station cap (1 MiB) and counted as frameTooLarge; the station reconnects and goes on', async () => {
    const run = await runAgainstChaos(
      'huge',
      {
        groups: [
          { name: 'chaos16', ocpp: '1.6', count: 2, prefix: 'HF16', behaviour: 'hugeFrame' },
          { name: 'chaos201', ocpp: '2.0.1', count: 2, prefix: 'HF201', behaviour: 'hugeFrame' },
        ],
      },
      closers,
    );
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    assertErrors(s, { frameTooLarge: 4 });
    assert.equal(s.counters.reconnects, 4);
    for (const l of csms.logsOf('hugeFrame')) {
      assert.equal(l.connections, 2, l.identity);
      // The station writes close 1009 and drops the socket at once rather than read the rest of
      // the frame to complete the closing handshake: the CSMS sees 1009 or, more often, 1006.
      assert.ok(l.closeCodes[0] === 1009 || l.closeCodes[0] === 1006, `${l.identity}: closed with ${l.closeCodes[0]}`);
      assert.equal(l.replies.length, 0, `${l.identity}: the oversized CALL was never handled`);
    }
    // The first StatusNotification, outstanding when the frame came, is aborted; nothing else failed.
    assert.equal(groupSum(s, ['chaos16', 'chaos201'], 'aborted'), 4);
    assert.equal(groupSum(s, ['chaos16', 'chaos201'], 'sent'), groupSum(s, ['chaos16', 'chaos201'], 'ok') + 4);
    for (const g of ['chaos16', 'chaos201']) assert.ok((s.groups[g]?.actions.Heartbeat?.ok ?? 0) >= 4, `${g}: heartbeats after the reconnect`);
  });
});
