import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { actionCode } from '../../src/ocpp/actions';
import { NeverSent } from '../../src/ocpp/never-sent';
import { CallOutcome } from '../../src/ocpp/session';
import { Harness } from '../helpers/ocpp-session-harness';

/**
 * What the session does when its connection closes: nothing goes out on a closing socket, a frame
 * that could not be written is never counted as sent, and transaction messages keep their order
 * through the close. Named after what broke: against a CSMS that sent Reset during sessions, 1.6
 * StopTransactions were lost (an answer arriving while the station closed sent the next queued
 * call, the send failed, the call was counted as sent and aborted, and nothing queued it again).
 */

const T = '2024-05-01T12:00:00Z';
const HB_ANSWER = `{"currentTime":"${T}"}`;
const STATUS = { connectorId: 1, errorCode: 'NoError', status: 'Finishing' };
const STOP = (id: number): Record<string, unknown> => ({ transactionId: id, meterStop: 100, timestamp: T });
const STOP_JSON = (id: number): string => `{"transactionId":${id},"meterStop":100,"timestamp":"${T}"}`;
const SN = actionCode('StatusNotification');
const HB = actionCode('Heartbeat');
const STOP_CODE = actionCode('StopTransaction');

/** A 1.6 station's session that keeps its stop messages on close, as the station does. */
function station(): Harness {
  const h = new Harness({ version: '1.6' });
  h.keepOnClose = (action) => action === 'StopTransaction';
  h.now = 1000;
  h.session.attach();
  h.session.openGate(1000);
  return h;
}

describe('OcppSession: a close the station makes (hold, then detach)', () => {
  it('regression: an answer that arrives while the station closes sends nothing; the stops go out in order after the reconnect', () => {
    const h = station();
    h.session.call('StopTransaction', STOP(1), 'tx1', 1000);
    h.session.call('StatusNotification', STATUS, 'sn1', 1000);
    h.session.call('StopTransaction', STOP(2), 'tx2', 1000);
    assert.deepEqual(h.take(), [`[2,"1","StopTransaction",${STOP_JSON(1)}]`]);
    // Reset: the station holds its calls and closes; the first stop's answer still comes.
    h.session.hold();
    h.now = 1010;
    h.session.receive('[3,"1",{}]');
    assert.deepEqual(h.take(), [], 'nothing is written into the closing socket');
    assert.deepEqual(h.calls.map((c) => c.outcome), [CallOutcome.Ok], 'the answered stop is ok, once');
    // The close completes: the status is stale (never sent), the second stop waits.
    h.session.detach();
    assert.deepEqual(h.notSent, [{ action: SN, reason: NeverSent.ConnectionClosed }]);
    assert.equal(h.session.queued, 1);
    h.session.attach();
    h.session.openGate(5000);
    assert.deepEqual(h.take(), [`[2,"2","StopTransaction",${STOP_JSON(2)}]`]);
    h.session.receive('[3,"2",{}]');
    assert.deepEqual(h.calls.map((c) => [c.action, c.outcome]), [[STOP_CODE, CallOutcome.Ok], [STOP_CODE, CallOutcome.Ok]]);
  });

  it('while held, CSMS calls are still answered and the outstanding CALL may still time out', () => {
    const h = station();
    h.onIncoming = () => ({ status: 'Accepted' });
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.take();
    h.session.hold();
    h.session.receive('[2,"c-1","ChangeAvailability",{"connectorId":1,"type":"Inoperative"}]');
    assert.deepEqual(h.take(), ['[3,"c-1",{"status":"Accepted"}]']);
    h.session.receive('[2,"c-2","NoSuchAction",{}]');
    assert.equal(JSON.parse(h.take()[0] as string)[2], 'NotImplemented', 'a CALLERROR goes out too');
    h.session.call('Heartbeat', {}, 'later', 1000);
    h.session.checkTimeout(1000 + 30_000);
    assert.deepEqual(h.calls.map((c) => c.outcome), [CallOutcome.Timeout]);
    assert.deepEqual(h.take(), [], 'the queued call waits: the socket is closing');
    assert.equal(h.session.queued, 1);
  });

  it('detach: the outstanding CALL is aborted (it was sent) and, a transaction message, goes first next time', () => {
    const h = station();
    h.session.call('StopTransaction', STOP(1), 'tx1', 1000);
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StopTransaction', STOP(2), 'tx2', 1000);
    h.take();
    h.session.detach();
    assert.deepEqual(h.calls.map((c) => [c.action, c.outcome]), [[STOP_CODE, CallOutcome.Aborted]]);
    assert.deepEqual(h.notSent, [{ action: HB, reason: NeverSent.ConnectionClosed }]);
    h.session.attach();
    h.session.openGate(2000);
    // Sent again with a new id (the CSMS may have seen the first one: OCPP-J allows the repeat).
    assert.deepEqual(h.take(), [`[2,"2","StopTransaction",${STOP_JSON(1)}]`]);
    h.session.receive('[3,"2",{}]');
    assert.deepEqual(h.take(), [`[2,"3","StopTransaction",${STOP_JSON(2)}]`]);
  });

  it('detach with a reason: what is dropped is recorded with it (runEnded at the end of the run)', () => {
    const h = station();
    h.session.call('Heartbeat', {}, 'hb1', 1000);
    h.session.call('Heartbeat', {}, 'hb2', 1000);
    h.session.detach(NeverSent.RunEnded);
    assert.deepEqual(h.notSent, [{ action: HB, reason: NeverSent.RunEnded }]);
  });

  it('abandon: every queued CALL is recorded as never sent; it returns how many were kept kinds', () => {
    const h = station();
    h.session.detach();
    h.session.call('StopTransaction', STOP(1), 'tx1', 1000);
    h.session.call('StopTransaction', STOP(2), 'tx2', 1000);
    h.session.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }, 'boot', 1000, true);
    assert.equal(h.session.abandon(NeverSent.RunEnded), 2);
    assert.equal(h.session.queued, 0);
    assert.deepEqual(h.notSent.map((n) => n.reason), [NeverSent.RunEnded, NeverSent.RunEnded, NeverSent.RunEnded]);
    assert.deepEqual(h.calls, [], 'none of them was sent');
  });

  it('a host without keepOnClose (the CSMS side) keeps its queue through detach', () => {
    const h = new Harness({ version: '1.6' });
    h.session.attach();
    h.session.openGate(0);
    h.session.call('Heartbeat', {}, 'a', 0);
    h.session.call('Heartbeat', {}, 'b', 0);
    h.session.detach();
    assert.equal(h.session.queued, 1);
    assert.deepEqual(h.notSent, []);
  });
});

describe('OcppSession: a frame the transport refuses (the peer is closing the socket)', () => {
  it('a transaction message goes back to the front, in order, and the queue is not drained into failures', () => {
    const h = station();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StopTransaction', STOP(1), 'tx1', 1000);
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    h.session.call('StopTransaction', STOP(2), 'tx2', 1000);
    h.take();
    // The CSMS's close frame came: ws is CLOSING, its 'close' event not yet.
    h.writable = false;
    h.session.receive(`[3,"1",${HB_ANSWER}]`);
    assert.deepEqual(h.failures, [], 'nothing failed: the stop was not written, and waits');
    assert.deepEqual(h.notSent, []);
    assert.equal(h.session.queued, 3, 'the stop is back at the front; nothing else was tried');
    assert.equal(h.session.hasPending, false);
    assert.deepEqual(h.calls.map((c) => c.action), [HB], 'the unwritten stop is not a call record (not sent, not aborted)');
    h.session.detach();
    assert.deepEqual(h.notSent, [{ action: SN, reason: NeverSent.ConnectionClosed }]);
    h.writable = true;
    h.session.attach();
    h.session.openGate(3000);
    // (Id 2 went to the stop that could not be written: ids are never reused.)
    assert.deepEqual(h.take(), [`[2,"3","StopTransaction",${STOP_JSON(1)}]`]);
    h.session.receive('[3,"3",{}]');
    assert.deepEqual(h.take(), [`[2,"4","StopTransaction",${STOP_JSON(2)}]`]);
  });

  it('any other CALL is recorded as never sent (connectionClosed) and its host told', () => {
    const h = station();
    h.writable = false;
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    h.session.call('Heartbeat', {}, 'hb', 1000);
    assert.deepEqual(h.failures.map((f) => [f.action, f.outcome]), [['StatusNotification', CallOutcome.NotSent]]);
    assert.deepEqual(h.notSent, [{ action: SN, reason: NeverSent.ConnectionClosed }]);
    assert.equal(h.session.queued, 1, 'the heartbeat waits for the close (detach), not written into a dead socket');
    assert.deepEqual(h.events.filter((e) => e.startsWith('send')).length, 1);
  });

  it('a payload that fails its schema is never sent (invalidPayload), besides invalidOutgoingPayload', () => {
    const h = station();
    h.session.call('StatusNotification', { connectorId: 1 }, 'bad', 1000);
    assert.deepEqual(h.notSent, [{ action: SN, reason: NeverSent.InvalidPayload }]);
    assert.deepEqual(h.errors, ['invalidOutgoingPayload']);
    assert.deepEqual(h.failures.map((f) => f.outcome), [CallOutcome.NotSent]);
  });
});
