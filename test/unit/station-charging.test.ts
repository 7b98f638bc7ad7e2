import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../src/ocpp';
import { Phase, type Connector, type Transaction } from '../../src/station/connector';
import type { StationGroup } from '../../src/station/group';
import type { Station } from '../../src/station/station';
import { StationState, TimerKind } from '../../src/station/station-timers';
import { FakeContext, fakeGroup } from '../helpers/fake-transport';
import { Recorder, recordingStation, type Sent } from '../helpers/recording-version';

/**
 * The charging part of a station (charging.ts), without sockets: the context's clock and scheduler
 * are the test's (a timer "fires" when the test moves the clock to its slot's due time and calls
 * the station's `onTimer`), the connection is a fake socket the test answers as a CSMS would, and
 * what the version object says is recorded where it leaves (its outlet).
 */
const METER_MS = 20_000;
const DURATION_MS = 60_000;
const POWER_W = 11_000;

function group(version: '1.6' | '2.0.1', connectors = 1): StationGroup {
  return fakeGroup({
    version,
    connectors,
    // One vehicle every 10 minutes per connector, each staying a minute: the default script.
    sessions: { meanIdleMs: 600_000, durationMs: DURATION_MS, meterIntervalMs: METER_MS, powerW: POWER_W, invalidTagShare: 0, arrival: { kind: 'fixed', everyMs: 600_000 } },
  });
}

function setUp(version: '1.6' | '2.0.1', connectors = 1): { s: Station; ctx: FakeContext; rec: Recorder } {
  const ctx = new FakeContext();
  const rec = new Recorder();
  const s = recordingStation(0, `CP-CHARGING-${version}`, group(version, connectors), ctx, 11, rec);
  s.start(ctx.clock);
  return { s, ctx, rec };
}

/** The live due time of slot `kind`, or undefined. */
function dueOf(s: Station, ctx: FakeContext, kind: number): number | undefined {
  return s.slots.isSet(kind) ? ctx.due.get(kind) : undefined;
}

/** Move the clock to slot `kind`'s due time and let the station's timer table run it. */
function fire(s: Station, ctx: FakeContext, kind: number): number {
  const at = dueOf(s, ctx, kind);
  assert.ok(at !== undefined, `timer ${kind} is not set`);
  ctx.clock = at;
  s.onTimer(kind, at);
  return at;
}

const connectorTimer = (id: number): number => TimerKind.ConnectorBase + id - 1;

function actions(sent: readonly Sent[]): string[] {
  return sent.map((m) => {
    const p = m.payload;
    const detail = p.status ?? p.connectorStatus ?? p.eventType;
    return detail === undefined ? m.action : `${m.action} ${String(detail)}`;
  });
}

function energyOf(sent: Sent): number {
  const values = (sent.payload.meterValue as { sampledValue: { measurand: string; value: string }[] }[])[0]?.sampledValue ?? [];
  return Number(values.find((v) => v.measurand === 'Energy.Active.Import.Register')?.value);
}

/** The CALLs on the fake socket, as [action, payload]. */
function calls(ctx: FakeContext): [string, JsonObject][] {
  return ctx.socket.sent.map((f) => JSON.parse(f) as unknown[]).filter((f) => f[0] === 2).map((f) => [f[2] as string, f[3] as JsonObject]);
}

/**
 * Answer, as a CSMS, each CALL the station has outstanding on the fake socket until none is left
 * (one CALL at a time: each answer lets the next one out). 1.6 transactions get id 7, 8, …
 */
function answerAll(ctx: FakeContext, version: '1.6' | '2.0.1'): void {
  const answered = new Set<string>();
  let txId = 7;
  for (;;) {
    const frame = JSON.parse(ctx.socket.sent[ctx.socket.sent.length - 1] ?? 'null') as [number, string, string, JsonObject] | null;
    if (frame === null || frame[0] !== 2 || answered.has(frame[1])) return;
    answered.add(frame[1]);
    ctx.socket.receive(JSON.stringify([3, frame[1], answerTo(frame[2], version, () => txId++)]));
  }
}

function answerTo(action: string, version: '1.6' | '2.0.1', nextTx: () => number): JsonObject {
  const currentTime = new Date(0).toISOString();
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime, interval: 300 };
    case 'Heartbeat':
      return { currentTime };
    case 'Authorize':
      return version === '1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
    case 'StartTransaction':
      return { transactionId: nextTx(), idTagInfo: { status: 'Accepted' } };
    default:
      return {};
  }
}

/** Connected through a fake socket and booted Accepted by the test's CSMS. */
function online(version: '1.6' | '2.0.1', connectors = 1): { s: Station; ctx: FakeContext; rec: Recorder } {
  const set = setUp(version, connectors);
  fire(set.s, set.ctx, TimerKind.Connect);
  set.ctx.socket.accept();
  answerAll(set.ctx, version);
  assert.equal(set.s.state, StationState.Accepted);
  set.rec.sent.length = 0;
  return set;
}

/** A CSMS CALL over the socket (the station answers it, then runs what it asks for). */
function csmsCall(ctx: FakeContext, id: string, action: string, payload: JsonObject): JsonObject {
  ctx.socket.receive(JSON.stringify([2, id, action, payload]));
  const answer = ctx.socket.sent.map((f) => JSON.parse(f) as unknown[]).find((f) => f[0] === 3 && f[1] === id);
  assert.ok(answer, `${action} was not answered`);
  return answer[2] as JsonObject;
}

describe('charging sessions: a planned session, arrival to release', () => {
  it('1.6: plug-in, Authorize, StartTransaction, MeterValues every interval, StopTransaction at the planned end with its energy, Finishing, Available; the next vehicle armed', () => {
    const { s, ctx, rec } = setUp('1.6');
    // Booted, not connected: what it says waits in the session's queue.
    s.link.onResult('BootNotification', { status: 'Accepted', interval: 300, currentTime: '2024-05-01T00:00:00Z' }, null);
    assert.deepEqual(actions(rec.sent), ['StatusNotification Available', 'StatusNotification Available'], 'connector 0 and 1 after the boot');
    rec.sent.length = 0;
    const c = s.charging.connectors[0] as Connector;
    const arrival = fire(s, ctx, connectorTimer(1));
    assert.equal(c.phase, Phase.Authorizing);
    assert.equal(c.awaitingAuth, true);
    assert.deepEqual(actions(rec.sent), ['StatusNotification Preparing', 'Authorize']);

    // The session's answer, as the OCPP session hands it over.
    s.link.onResult('Authorize', { idTagInfo: { status: 'Accepted' } }, c);
    assert.equal(c.phase, Phase.Charging);
    const tx = c.tx as Transaction;
    assert.equal(tx.endsAt, arrival + DURATION_MS, 'a planned session ends when its plan says');
    assert.equal(ctx.counts.get('transactionsStarted'), 1);
    assert.equal(dueOf(s, ctx, connectorTimer(1)), arrival + METER_MS);

    assert.equal(fire(s, ctx, connectorTimer(1)), arrival + METER_MS);
    assert.equal(fire(s, ctx, connectorTimer(1)), arrival + 2 * METER_MS);
    // The third tick is the planned end: no MeterValues then, the stop reads the meter.
    assert.equal(fire(s, ctx, connectorTimer(1)), arrival + DURATION_MS);
    assert.deepEqual(actions(rec.sent), [
      'StatusNotification Preparing',
      'Authorize',
      'StartTransaction',
      'StatusNotification Charging',
      'MeterValues',
      'MeterValues',
      'StopTransaction',
      'StatusNotification Finishing',
      'StatusNotification Available',
    ]);
    assert.deepEqual(rec.of('queue').map((m) => m.action), ['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
    // 11 kW for 20 s is 61.1 Wh; for the whole minute 183.3 Wh (the register reads whole Wh).
    const meters = rec.sent.filter((m) => m.action === 'MeterValues');
    assert.deepEqual(meters.map(energyOf), [61, 122]);
    const stop = rec.sent.find((m) => m.action === 'StopTransaction') as Sent;
    assert.equal(stop.payload.meterStop, Math.floor((POWER_W * DURATION_MS) / 3_600_000));
    assert.equal(stop.payload.reason, 'Local');
    assert.equal(tx.ended, true);
    assert.equal(c.phase, Phase.Idle);
    assert.equal(c.step, -1, 'the script is over');
    assert.equal(ctx.counts.get('transactionsStopped'), 1);
    const next = dueOf(s, ctx, connectorTimer(1));
    assert.ok(next !== undefined && next > ctx.clock, 'the next vehicle is armed');
    assert.equal(s.charging.hasOpenTransactions, false);
  });
});

describe('charging sessions: a remote start', () => {
  it('2.0.1 RequestStartTransaction: no Authorize, a Started event RemoteStart with its remoteStartId, the typical duration, then Ended and Available', () => {
    const { s, ctx, rec } = online('2.0.1');
    const answer = csmsCall(ctx, 'r1', 'RequestStartTransaction', { idToken: { idToken: 'TAG-R', type: 'ISO14443' }, remoteStartId: 77, evseId: 1 });
    assert.equal(answer.status, 'Accepted');
    const c = s.charging.connectors[0] as Connector;
    assert.equal(c.phase, Phase.Charging);
    const tx = c.tx as Transaction;
    assert.equal(tx.endsAt, ctx.clock + DURATION_MS, 'a remote session lasts the typical duration');
    const started = rec.sent.find((m) => m.payload.eventType === 'Started') as Sent;
    assert.equal(started.payload.triggerReason, 'RemoteStart');
    assert.equal((started.payload.transactionInfo as JsonObject).remoteStartId, 77);
    assert.equal(rec.sent.some((m) => m.action === 'Authorize'), false);
    answerAll(ctx, '2.0.1');

    while (!tx.ended) fire(s, ctx, connectorTimer(1));
    answerAll(ctx, '2.0.1');
    assert.deepEqual(actions(rec.sent), [
      'StatusNotification Occupied',
      'TransactionEvent Started',
      'TransactionEvent Updated',
      'TransactionEvent Updated',
      'TransactionEvent Ended',
      'StatusNotification Available',
    ]);
    const ended = rec.sent.find((m) => m.payload.eventType === 'Ended') as Sent;
    assert.equal((ended.payload.transactionInfo as JsonObject).stoppedReason, 'Local');
    assert.deepEqual(rec.sent.filter((m) => m.action === 'TransactionEvent').map((m) => m.payload.seqNo), [0, 1, 2, 3]);
    assert.equal(ctx.counts.get('remoteStarts'), 1);
    assert.equal(ctx.counts.get('stopsAcknowledged'), 1, 'the CSMS answered the Ended event');
    assert.equal(s.link.idle, true, 'everything said was answered');
  });
});

describe('charging sessions: reboots', () => {
  it('1.6 soft reboot: the running session stops (SoftReset), its StopTransaction waits in the queue and goes out first after the next boot, with the CSMS transaction id', () => {
    const { s, ctx, rec } = online('1.6');
    assert.equal(csmsCall(ctx, 'r1', 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG-S' }).status, 'Accepted');
    answerAll(ctx, '1.6');
    const c = s.charging.connectors[0] as Connector;
    const tx = c.tx as Transaction;
    assert.equal(tx.csmsId, 7);
    rec.sent.length = 0;

    s.softReboot('SoftReset', 'RemoteReset');
    assert.equal(tx.ended, true);
    assert.equal(c.phase, Phase.Idle);
    assert.equal(s.state, StationState.Closing);
    assert.equal(ctx.socket.closedWith, 1000, 'a clean close');
    assert.equal(s.booted, false);
    // Offline from the moment it began closing: the stop is queued, the statuses are not.
    assert.deepEqual(actions(rec.sent), ['StopTransaction', 'StatusNotification Finishing', 'StatusNotification Available']);
    assert.deepEqual(rec.of('queue').map((m) => m.payload.reason), ['SoftReset']);
    assert.equal(s.link.session.queued, 1);
    assert.equal(ctx.counts.get('queuedOffline'), 1);
    assert.equal(ctx.counts.get('transactionsStopped'), 1);
    assert.equal(dueOf(s, ctx, connectorTimer(1)), undefined, 'nothing arrives while it is down');

    const first = ctx.socket;
    first.drop(undefined, 1000);
    assert.equal(s.link.session.queued, 1, 'the stop survived the close');
    assert.equal(dueOf(s, ctx, TimerKind.Connect), ctx.clock + 1_000, 'a reboot reconnects shortly');
    fire(s, ctx, TimerKind.Connect);
    assert.notEqual(ctx.socket, first);
    ctx.socket.accept();
    answerAll(ctx, '1.6');
    const after = calls(ctx).map(([action, p]) => (action === 'StopTransaction' ? `${action} ${String(p.transactionId)} ${String(p.reason)}` : action));
    assert.deepEqual(after.slice(0, 2), ['BootNotification', 'StopTransaction 7 SoftReset']);
    assert.ok(after.slice(2).every((a) => a === 'StatusNotification'), after.join(', '));
    assert.equal(ctx.counts.get('stopsAcknowledged'), 1);
    assert.equal(s.link.idle, true);
    assert.ok(dueOf(s, ctx, connectorTimer(1)) !== undefined, 'the plan goes on after the boot');
  });

  it('2.0.1 cold boot (PowerLoss): the connection is cut with no close, both sessions end PowerLoss offline, and go out after a boot whose reason is PowerUp', () => {
    const { s, ctx, rec } = online('2.0.1', 2);
    for (const evseId of [1, 2]) {
      const payload = { idToken: { idToken: `TAG-${evseId}`, type: 'ISO14443' }, remoteStartId: evseId, evseId };
      assert.equal(csmsCall(ctx, `r${evseId}`, 'RequestStartTransaction', payload).status, 'Accepted');
      answerAll(ctx, '2.0.1');
    }
    assert.equal(s.charging.running, 2);
    rec.sent.length = 0;

    const reconnectAt = ctx.clock + 5_000;
    assert.equal(s.coldBoot('PowerLoss', reconnectAt), 2, 'it tells how many transactions it stopped');
    assert.equal(ctx.sockets[0]?.terminated, true, 'cut, not closed');
    assert.equal(ctx.sockets[0]?.closedWith, -1);
    assert.equal(s.connected, false);
    assert.equal(s.charging.running, 0);
    assert.equal(s.charging.hasOpenTransactions, false);
    const ended = rec.of('queue');
    assert.deepEqual(ended.map((m) => [m.connector, m.payload.eventType, (m.payload.transactionInfo as JsonObject).stoppedReason, m.payload.offline]), [
      [1, 'Ended', 'PowerLoss', true],
      [2, 'Ended', 'PowerLoss', true],
    ]);
    assert.equal(s.link.session.queued, 2);
    assert.equal(dueOf(s, ctx, TimerKind.Connect), reconnectAt);

    fire(s, ctx, TimerKind.Connect);
    ctx.socket.accept();
    const boot = JSON.parse(ctx.socket.sent[0] ?? 'null') as [number, string, string, JsonObject];
    assert.equal(boot[2], 'BootNotification');
    assert.equal(boot[3].reason, 'PowerUp');
    answerAll(ctx, '2.0.1');
    assert.deepEqual(calls(ctx).slice(0, 3).map(([action, p]) => `${action} ${String(p.eventType ?? '')}`.trim()), [
      'BootNotification',
      'TransactionEvent Ended',
      'TransactionEvent Ended',
    ]);
    assert.equal(ctx.counts.get('stopsAcknowledged'), 2);
  });

  it('a reboot of a stopped station, or of one whose run is stopping, does nothing', () => {
    const stopping = online('1.6');
    assert.equal(csmsCall(stopping.ctx, 'r1', 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG-X' }).status, 'Accepted');
    stopping.ctx.stopping = true;
    assert.equal(stopping.s.coldBoot('Reboot', stopping.ctx.clock + 1_000), 0);
    stopping.s.softReboot('SoftReset', 'RemoteReset');
    assert.equal(stopping.s.connected, true);
    assert.equal(stopping.s.charging.running, 1, "the session is the wind-down's to stop");

    const stopped = online('2.0.1');
    stopped.s.shutdown();
    assert.equal(stopped.s.state, StationState.Stopped);
    assert.equal(stopped.s.coldBoot('PowerLoss', stopped.ctx.clock + 1_000), 0);
    stopped.s.softReboot('ImmediateReset', 'RemoteReset');
    assert.equal(dueOf(stopped.s, stopped.ctx, TimerKind.Connect), undefined, 'no reconnect');
  });
});
