import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { FaultTally } from '../../src/station/fault-state';
import type { StationGroup } from '../../src/station/group';
import { AfterClose, StationState, TimerKind } from '../../src/station/station-timers';
import { homeTarget, TargetList } from '../../src/station/targets';
import { TimerSlots } from '../../src/station/timer-slots';
import { Transport, type TransportHost } from '../../src/station/transport';
import { FakeContext, fakeGroup, refused } from '../helpers/fake-transport';

/**
 * The transport alone: no socket, no Node timer. The context's connect function hands out fake
 * sockets, its clock and scheduler are the test's; a timer "fires" when the test moves the clock
 * to the slot's due time and calls what the station's timer table would.
 */
class Host implements TransportHost {
  opened = 0;
  closed = 0;
  /** Each close's `byFault`, in order. */
  readonly byFault: boolean[] = [];
  readonly frames: string[] = [];
  mustDeliver = false;
  callOutstanding = false;
  transportOpened(): void {
    this.opened++;
  }
  transportClosed(byFault: boolean): void {
    this.closed++;
    this.byFault.push(byFault);
  }
  transportFrame(text: string): void {
    this.frames.push(text);
  }
}

function setUp(over: Partial<StationGroup> = {}, identity = 'CP-1'): { t: Transport; ctx: FakeContext; host: Host; slots: TimerSlots } {
  const ctx = new FakeContext();
  const host = new Host();
  const group = fakeGroup(over);
  const slots = new TimerSlots(0, ctx, group.connectors);
  return { t: new Transport(host, slots, ctx, group, identity, 0, 7), ctx, host, slots };
}

/** The live due time of slot `kind`, or undefined. */
function dueOf(ctx: FakeContext, slots: TimerSlots, kind: number): number | undefined {
  return slots.isSet(kind) ? ctx.due.get(kind) : undefined;
}

/** Move the clock to slot `kind`'s due time and run it (as the station's timer table does). */
function fire(t: Transport, ctx: FakeContext, slots: TimerSlots, kind: TimerKind): void {
  const at = dueOf(ctx, slots, kind);
  assert.ok(at !== undefined, `timer ${kind} is not set`);
  ctx.clock = at;
  assert.ok(slots.take(kind, at));
  if (kind === TimerKind.Connect) t.connect();
  else if (kind === TimerKind.Ping) t.onPingTimer(at);
  else if (kind === TimerKind.CloseDeadline) t.closeDeadline();
  else t.faults?.onTimer(kind, at);
}

describe('transport: reconnect with backoff', () => {
  it('doubles the delay after each failed attempt from minMs, caps it at maxMs, and starts again from minMs after a boot', () => {
    const { t, ctx, slots } = setUp({ reconnect: { minMs: 1_000, maxMs: 8_000, jitter: 0 } });
    slots.set(TimerKind.Connect, 1_000);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      fire(t, ctx, slots, TimerKind.Connect);
      assert.equal(t.state, StationState.Connecting);
      ctx.socket.drop(refused());
      delays.push((dueOf(ctx, slots, TimerKind.Connect) ?? NaN) - ctx.clock);
    }
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    assert.equal(ctx.connects.length, 6);
    assert.ok(ctx.connects.every((c) => !c.ok && c.kind === 'connectRefused'), JSON.stringify(ctx.connects));
    // Connected and booted: the next drop waits minMs again.
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    t.resetBackoff();
    ctx.socket.drop();
    assert.equal((dueOf(ctx, slots, TimerKind.Connect) ?? NaN) - ctx.clock, 1_000);
    assert.deepEqual(ctx.errors, ['closedBeforeBoot']);
  });

  it('draws the jittered share of each delay from the station stream: within [base·(1−jitter), base], not all alike', () => {
    const { t, ctx, slots } = setUp({ reconnect: { minMs: 1_000, maxMs: 1_000, jitter: 0.5 } });
    slots.set(TimerKind.Connect, 1_000);
    const delays = new Set<number>();
    for (let i = 0; i < 20; i++) {
      fire(t, ctx, slots, TimerKind.Connect);
      ctx.socket.drop(refused());
      const d = (dueOf(ctx, slots, TimerKind.Connect) ?? NaN) - ctx.clock;
      assert.ok(d >= 500 && d <= 1_000, `delay ${d}`);
      delays.add(d);
    }
    assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
  });

  it('does not reconnect once the run is stopping, unless messages still wait to be delivered', () => {
    const { t, ctx, host, slots } = setUp();
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    ctx.stopping = true;
    ctx.socket.drop();
    assert.equal(dueOf(ctx, slots, TimerKind.Connect), undefined);
    host.mustDeliver = true;
    slots.set(TimerKind.Connect, ctx.clock + 10);
    fire(t, ctx, slots, TimerKind.Connect);
    assert.equal(ctx.sockets.length, 2, 'queued transaction messages still get a connection');
  });

  it('an attempt the end of the run cuts short is neither counted nor sampled; a refused one is both', () => {
    const { t, ctx, slots } = setUp();
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    t.shutdown();
    ctx.socket.drop(new Error('WebSocket was closed before the connection was established'));
    assert.deepEqual([ctx.connects, [...ctx.samples.keys()]], [[], []]);
    const other = setUp();
    other.slots.set(TimerKind.Connect, 1_000);
    fire(other.t, other.ctx, other.slots, TimerKind.Connect);
    other.ctx.socket.drop(refused());
    assert.deepEqual(other.ctx.connects, [{ ok: false, kind: 'connectRefused' }]);
    assert.match(other.ctx.samples.get('connectRefused') ?? '', /^connect ECONNREFUSED 127\.0\.0\.1:1/);
  });

  it('a purposeful close is no error: reboot reconnects after 1 s, stop does not reconnect', () => {
    const { t, ctx, host, slots } = setUp();
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    assert.equal(host.opened, 1);
    t.close(AfterClose.Reboot);
    assert.equal(ctx.socket.closedWith, 1000);
    assert.equal(dueOf(ctx, slots, TimerKind.CloseDeadline), ctx.clock + 2_000, 'a peer that never completes the close is not waited for');
    ctx.socket.drop(undefined, 1000);
    assert.equal(host.closed, 1);
    assert.deepEqual(host.byFault, [false], 'the station closed it, no fault');
    assert.deepEqual(ctx.errors, []);
    assert.equal(dueOf(ctx, slots, TimerKind.Connect), ctx.clock + 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    t.close(AfterClose.Stop);
    fire(t, ctx, slots, TimerKind.CloseDeadline);
    assert.equal(ctx.socket.terminated, true);
    ctx.socket.drop();
    assert.equal(t.state, StationState.Stopped);
    assert.equal(dueOf(ctx, slots, TimerKind.Connect), undefined);
    assert.deepEqual(ctx.errors, []);
  });

  it('a server answering without our subprotocol is a failed attempt (subprotocolMismatch), not a connection', () => {
    const { t, ctx, host, slots } = setUp();
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    assert.equal(ctx.socket.offered, 'ocpp1.6');
    ctx.socket.accept('');
    assert.equal(ctx.socket.terminated, true);
    ctx.socket.drop();
    assert.equal(host.opened, 0);
    assert.deepEqual(ctx.connects, [{ ok: false, kind: 'subprotocolMismatch' }]);
    assert.equal(t.connected, false);
  });
});

describe('transport: failover between targets', () => {
  it('starts at the home target of its identity, moves to the next one after each failure, in order, and counts each move', () => {
    const urls = ['ws://a.test', 'ws://b.test', 'ws://c.test'];
    const { t, ctx, slots } = setUp({}, 'CP-FAILOVER');
    ctx.targets = new TargetList(urls);
    const home = homeTarget('CP-FAILOVER', 3);
    slots.set(TimerKind.Connect, 1_000);
    const visited: string[] = [];
    for (let i = 0; i < 4; i++) {
      fire(t, ctx, slots, TimerKind.Connect);
      visited.push(ctx.socket.url);
      ctx.socket.drop(refused());
    }
    const expected = [0, 1, 2, 3].map((i) => `${urls[(home + i) % 3]}/CP-FAILOVER`);
    assert.deepEqual(visited, expected);
    assert.equal(ctx.counts.get('failovers'), 3);
  });

  it('stays on a target that works, and skips a target that is lost for now', () => {
    const urls = ['ws://a.test', 'ws://b.test', 'ws://c.test'];
    const { t, ctx, slots } = setUp({}, 'CP-STAY');
    const list = new TargetList(urls);
    ctx.targets = list;
    const home = homeTarget('CP-STAY', 3);
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    // The next target is lost: losing the home one fails over past it.
    list.loseUntil((home + 1) % 3, ctx.clock + 60_000);
    t.loseTarget(home);
    assert.equal(ctx.socket.terminated, true);
    ctx.socket.drop();
    fire(t, ctx, slots, TimerKind.Connect);
    assert.equal(ctx.socket.url, `${urls[(home + 2) % 3]}/CP-STAY`);
    assert.equal(t.targetIndex, (home + 2) % 3);
    // An attempt that succeeds keeps the target: a later drop starts from there.
    ctx.socket.accept();
    assert.equal(ctx.counts.get('failovers'), 1);
  });
});

describe('transport: keep-alive and half-open detection', () => {
  it('pings every pingIntervalMs; a pong puts the next ping an interval later; a ping unanswered within pingTimeoutMs ends the connection as pingTimeout', () => {
    const { t, ctx, host, slots } = setUp({ pingIntervalMs: 100, pingTimeoutMs: 50 });
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    const ws = ctx.socket;
    assert.equal(dueOf(ctx, slots, TimerKind.Ping), 1_100);
    fire(t, ctx, slots, TimerKind.Ping);
    assert.equal(ws.pings, 1);
    assert.equal(dueOf(ctx, slots, TimerKind.Ping), 1_150, 'the slot holds the pong deadline');
    ctx.clock = 1_120;
    ws.events.socketPong(ws);
    assert.equal(dueOf(ctx, slots, TimerKind.Ping), 1_220);
    fire(t, ctx, slots, TimerKind.Ping);
    assert.equal(ws.pings, 2);
    // No pong this time.
    fire(t, ctx, slots, TimerKind.Ping);
    assert.equal(ws.terminated, true);
    ws.drop();
    assert.deepEqual(ctx.errors, ['pingTimeout']);
    assert.equal(host.closed, 1);
  });

  it('a call that timed out sends a ping at once (probe), unless one is out', () => {
    const { t, ctx, slots } = setUp({ pingIntervalMs: 0, pingTimeoutMs: 500 });
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    assert.equal(dueOf(ctx, slots, TimerKind.Ping), undefined, 'pingIntervalMs 0: no periodic ping');
    t.probe();
    t.probe();
    assert.equal(ctx.socket.pings, 1);
    assert.equal(dueOf(ctx, slots, TimerKind.Ping), ctx.clock + 500);
  });

  it('a half-open pause sends nothing (frames and pings go nowhere) and the ping timeout ends it at once, counted detectedByPing', () => {
    const { t, ctx, host, slots } = setUp({ pingIntervalMs: 100, pingTimeoutMs: 50 });
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    const ws = ctx.socket;
    const tally = new FaultTally();
    assert.equal(t.faultState().pauseReading(ctx.clock + 10_000, tally), true);
    assert.equal(ws.paused, true);
    assert.equal(t.send('[2,"1","Heartbeat",{}]'), true, 'a half-open link swallows frames');
    assert.deepEqual(ws.sent, []);
    fire(t, ctx, slots, TimerKind.Ping);
    assert.equal(ws.pings, 0, 'the ping went nowhere');
    fire(t, ctx, slots, TimerKind.Ping);
    // Handled now: a paused socket may never report its close.
    assert.equal(ws.terminated, true);
    assert.equal(host.closed, 1);
    assert.deepEqual(ctx.errors, ['pingTimeout']);
    assert.deepEqual(tally.effects, { detectedByPing: 1 });
    assert.equal(t.silenced, false);
  });

  it('a fault cut is neither an error nor a purposeful close: it reconnects with the backoff, or at the time given', () => {
    const { t, ctx, host, slots } = setUp();
    slots.set(TimerKind.Connect, 1_000);
    fire(t, ctx, slots, TimerKind.Connect);
    ctx.socket.accept();
    assert.equal(t.cut(5_000), true);
    // What was queued then is never sent as faultCut, not held against the CSMS.
    assert.deepEqual(host.byFault, [true]);
    assert.deepEqual(ctx.errors, []);
    assert.equal(dueOf(ctx, slots, TimerKind.Connect), 5_000);
    // Offline: the attempt at 5 s finds the link still down and waits for it, plus the backoff.
    t.faultState().offlineUntil = 9_000;
    fire(t, ctx, slots, TimerKind.Connect);
    assert.equal(ctx.sockets.length, 1);
    assert.equal(dueOf(ctx, slots, TimerKind.Connect), 10_000);
  });
});
