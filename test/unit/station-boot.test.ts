import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Station } from '../../src/station/station';
import { StationState, TimerKind } from '../../src/station/station-timers';
import { MAX_TIMER_MS } from '../../src/station/timer-slots';
import { FakeContext, fakeGroup } from '../helpers/fake-transport';

/**
 * The link's boot states (OCPP 1.6 §4.2 / 2.0.1 B01–B03) on a whole station whose transport gets
 * a fake socket from the context: Accepted, Pending, Rejected, the intervals they set and the
 * clamp of intervals beyond Node's timer limit.
 */
function connected(): { s: Station; ctx: FakeContext } {
  const ctx = new FakeContext();
  const s = new Station(0, 'CP-BOOT', fakeGroup(), ctx, 3);
  s.start(1_000);
  s.onTimer(TimerKind.Connect, 1_000);
  ctx.socket.accept();
  return { s, ctx };
}

/** The id of the last CALL the station wrote, checking its action. */
function lastCall(ctx: FakeContext, action: string): string {
  const frame = JSON.parse(ctx.socket.sent[ctx.socket.sent.length - 1] ?? 'null') as [number, string, string];
  assert.equal(frame[2], action, JSON.stringify(frame));
  return frame[1];
}

function answerBoot(ctx: FakeContext, status: string, interval: number): void {
  const id = lastCall(ctx, 'BootNotification');
  ctx.socket.receive(JSON.stringify([3, id, { status, currentTime: new Date().toISOString(), interval }]));
}

function dueOf(ctx: FakeContext, kind: number): number | undefined {
  return ctx.due.get(kind);
}

describe('the link: boot states', () => {
  it('Accepted: booted, the heartbeat every interval the CSMS said, and the statuses reported', () => {
    const { s, ctx } = connected();
    answerBoot(ctx, 'Accepted', 300);
    assert.equal(s.booted, true);
    assert.equal(s.state, StationState.Accepted);
    assert.equal(s.link.heartbeatIntervalMs, 300_000);
    assert.equal(dueOf(ctx, TimerKind.Heartbeat), ctx.clock + 300_000);
    // Connector 0 and connector 1: one StatusNotification outstanding, the other queued.
    lastCall(ctx, 'StatusNotification');
  });

  it('Pending: not booted, nothing but a new BootNotification after the interval, counted as a retry', () => {
    const { s, ctx } = connected();
    answerBoot(ctx, 'Pending', 20);
    assert.equal(s.booted, false);
    assert.equal(s.state, StationState.Pending);
    assert.equal(ctx.counts.get('bootPending'), 1);
    assert.equal(s.slots.isSet(TimerKind.Heartbeat), false);
    const at = dueOf(ctx, TimerKind.Boot) ?? NaN;
    assert.equal(at, ctx.clock + 20_000);
    ctx.clock = at;
    s.onTimer(TimerKind.Boot, at);
    lastCall(ctx, 'BootNotification');
    assert.equal(ctx.counts.get('bootRetries'), 1);
    assert.equal(ctx.socket.sent.length, 2, 'nothing else went out while Pending');
  });

  it('Rejected with interval 0: an error, and the station chooses when to boot again within its reconnect bounds', () => {
    const { s, ctx } = connected();
    answerBoot(ctx, 'Rejected', 0);
    assert.equal(s.state, StationState.Rejected);
    assert.deepEqual(ctx.errors, ['bootRejected']);
    // fakeGroup: reconnect 1 s..8 s, so 30 s is capped at 8 s.
    assert.equal(dueOf(ctx, TimerKind.Boot), ctx.clock + 8_000);
  });

  it('an interval of 2^31 s is clamped to Node’s timer limit, not fired at once (Accepted and Pending)', () => {
    const accepted = connected();
    answerBoot(accepted.ctx, 'Accepted', 2 ** 31);
    assert.equal(accepted.s.link.heartbeatIntervalMs, MAX_TIMER_MS);
    assert.equal(dueOf(accepted.ctx, TimerKind.Heartbeat), accepted.ctx.clock + MAX_TIMER_MS);
    const pending = connected();
    answerBoot(pending.ctx, 'Pending', 2 ** 31);
    assert.equal(dueOf(pending.ctx, TimerKind.Boot), pending.ctx.clock + MAX_TIMER_MS);
  });

  it('a heartbeat interval set by the CSMS (ChangeConfiguration) beyond the limit is clamped too', () => {
    const { s, ctx } = connected();
    answerBoot(ctx, 'Accepted', 60);
    s.link.setHeartbeatInterval(2 ** 40);
    assert.equal(s.link.heartbeatIntervalMs, MAX_TIMER_MS);
    assert.equal(dueOf(ctx, TimerKind.Heartbeat), ctx.clock + MAX_TIMER_MS);
  });

  it('the connection drops: no longer booted, no heartbeat, and the next connection boots again', () => {
    const { s, ctx } = connected();
    answerBoot(ctx, 'Accepted', 60);
    ctx.socket.drop();
    assert.equal(s.booted, false);
    assert.equal(s.slots.isSet(TimerKind.Heartbeat), false);
    assert.deepEqual(ctx.errors, ['connectionLost']);
    const at = dueOf(ctx, TimerKind.Connect) ?? NaN;
    ctx.clock = at;
    s.onTimer(TimerKind.Connect, at);
    ctx.socket.accept();
    lastCall(ctx, 'BootNotification');
  });
});
