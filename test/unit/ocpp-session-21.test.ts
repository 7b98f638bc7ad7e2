import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionCode } from '../../src/ocpp/actions';
import { CallOutcome, SendOutcome } from '../../src/ocpp/session';
import type { OcppVersion } from '../../src/ocpp/version';
import { Harness } from '../helpers/ocpp-session-harness';

/**
 * OCPP 2.1's two unanswered frames in the session, without sockets: SEND (type 6) goes out at
 * once whatever CALL is outstanding, is dropped (and counted so) when it cannot, is never
 * answered when it comes in; CALLRESULTERROR (type 5) answers a CALLRESULT that failed its
 * schema, and one received is counted. To 1.6 and 2.0.1 both are unknown message types.
 */
function session(version: OcppVersion, role: 'station' | 'csms' = 'station'): Harness {
  const h = new Harness({ version, role });
  h.now = 1000;
  h.session.attach();
  h.session.openGate(1000);
  return h;
}

const STREAM = { id: 1, pending: 0, basetime: '2026-12-07T10:00:00Z', data: [{ t: 0, v: '7400' }] };
const NOTIFY = actionCode('NotifyPeriodicEventStream');

describe('SEND, ours', () => {
  it('goes out while a CALL is outstanding and queued ones wait, and is counted sent with its bytes', () => {
    const h = session('2.1');
    h.session.call('Heartbeat', {}, 't1', 1000);
    h.session.call('Heartbeat', {}, 't2', 1000);
    assert.equal(h.take().length, 1, 'one CALL out, one queued');
    assert.equal(h.session.sendUnconfirmed('NotifyPeriodicEventStream', STREAM), true);
    const [frame] = h.take();
    assert.equal(frame, `[6,"s1","NotifyPeriodicEventStream",${JSON.stringify(STREAM)}]`);
    assert.deepEqual(h.sends, [{ action: NOTIFY, outcome: SendOutcome.Sent, bytes: Buffer.byteLength(frame as string) }]);
    assert.equal(h.session.hasPending, true, 'the CALL is still the outstanding one');
    assert.equal(h.session.queued, 1);
    // Its answer then frees the queue as if no SEND had gone.
    h.session.receive('[3,"1",{"currentTime":"2026-12-07T10:00:00Z"}]');
    assert.deepEqual(h.take().map((f) => f.slice(0, 5)), ['[2,"2']);
  });

  it('is dropped, never queued, before the boot is accepted, once the connection is gone, or when its payload fails its schema', () => {
    const h = new Harness({ version: '2.1' });
    h.session.attach();
    assert.equal(h.session.sendUnconfirmed('NotifyPeriodicEventStream', STREAM), false, 'gate closed: not booted');
    h.session.openGate(0);
    h.session.detach();
    assert.equal(h.session.sendUnconfirmed('NotifyPeriodicEventStream', STREAM), false, 'detached');
    h.session.attach();
    h.session.openGate(0);
    assert.equal(h.session.sendUnconfirmed('NotifyPeriodicEventStream', { id: 1 }), false, 'no data, no basetime');
    assert.deepEqual(h.sends.map((s) => s.outcome), [SendOutcome.Dropped, SendOutcome.Dropped, SendOutcome.Dropped]);
    assert.deepEqual(h.errors, ['invalidOutgoingPayload']);
    assert.deepEqual(h.sent, []);
    assert.equal(h.session.queued, 0);
  });

  it('only 2.1 has it: on 2.0.1 nothing goes out, and a CALL action is not a SEND', () => {
    const old = session('2.0.1');
    assert.equal(old.session.sendUnconfirmed('NotifyPeriodicEventStream', STREAM), false);
    assert.deepEqual(old.sent, []);
    const h = session('2.1');
    assert.equal(h.session.sendUnconfirmed('Heartbeat', {}), false);
    assert.deepEqual(h.errors, ['invalidOutgoingPayload']);
    assert.deepEqual(h.sent, []);
  });
});

describe('SEND, the peer\'s', () => {
  it('a valid one reaches the host and is counted received, and nothing answers it', () => {
    const h = session('2.1', 'csms');
    const text = `[6,"s9","NotifyPeriodicEventStream",${JSON.stringify(STREAM)}]`;
    h.session.receive(text);
    assert.deepEqual(h.sendsIn, [{ action: 'NotifyPeriodicEventStream', payload: STREAM }]);
    assert.deepEqual(h.sends, [{ action: NOTIFY, outcome: SendOutcome.Received, bytes: Buffer.byteLength(text) }]);
    assert.deepEqual(h.sent, []);
  });

  it('one that fails its schema, names no SEND or is malformed is counted, and still not answered', () => {
    const h = session('2.1', 'csms');
    h.session.receive('[6,"s1","NotifyPeriodicEventStream",{"id":1}]');
    h.session.receive('[6,"s2","Heartbeat",{}]');
    h.session.receive('[6,"s3","NotifyPeriodicEventStream"]');
    assert.deepEqual(h.errors, ['invalidSend', 'invalidSend', 'malformedFrame']);
    assert.match(h.samples.get('invalidSend') ?? '', /^NotifyPeriodicEventStream: /);
    assert.deepEqual(h.sent, []);
    assert.deepEqual(h.sendsIn, []);
    // A station never receives one: the CSMS has no SEND in 2.1.
    const station = session('2.1');
    station.session.receive(`[6,"s1","NotifyPeriodicEventStream",${JSON.stringify(STREAM)}]`);
    assert.deepEqual(station.errors, ['invalidSend']);
    assert.deepEqual(station.sent, []);
  });

  it('a broken SEND whose id is that of our outstanding CALL leaves the CALL alone', () => {
    const h = session('2.1');
    h.session.call('Heartbeat', {}, 't1', 1000);
    h.session.receive('[6,"1",42,{}]');
    assert.equal(h.session.hasPending, true);
    assert.deepEqual(h.calls, []);
  });

  it('to 1.6 and 2.0.1 type 6 is an unknown type, answered as those versions prescribe', () => {
    const v201 = session('2.0.1', 'csms');
    v201.session.receive(`[6,"s1","NotifyPeriodicEventStream",${JSON.stringify(STREAM)}]`);
    assert.match(v201.take()[0] ?? '', /^\[4,"s1","MessageTypeNotSupported","unknown message type id 6",\{\}\]$/);
    const v16 = session('1.6');
    v16.session.receive('[5,"s1","FormatViolation","x",{}]');
    assert.match(v16.take()[0] ?? '', /^\[4,"s1","NotSupported","unknown message type id 5",\{\}\]$/);
  });
});

describe('CALLRESULTERROR', () => {
  it('2.1: a CALLRESULT that fails its schema is answered with one, and the call counted invalid', () => {
    const h = session('2.1');
    h.session.call('Heartbeat', {}, 't1', 1000);
    h.take();
    h.session.receive('[3,"1",{"currentTime":42}]');
    const [frame] = h.take();
    assert.match(frame ?? '', /^\[5,"1","TypeConstraintViolation","Heartbeat answer: [^"]+",\{\}\]$/);
    assert.deepEqual(h.calls.map((c) => c.outcome), [CallOutcome.Invalid]);
    assert.deepEqual(h.errors, ['invalidResponse']);
  });

  it('2.0.1 has no such frame: the call is counted invalid, nothing is written', () => {
    const h = session('2.0.1');
    h.session.call('Heartbeat', {}, 't1', 1000);
    h.take();
    h.session.receive('[3,"1",{"currentTime":42}]');
    assert.deepEqual(h.take(), []);
    assert.deepEqual(h.calls.map((c) => c.outcome), [CallOutcome.Invalid]);
  });

  it('2.1: one received is counted, with the code and what it was about, and touches no outstanding CALL', () => {
    const h = session('2.1');
    h.session.call('Heartbeat', {}, 't1', 1000);
    h.take();
    h.session.receive('[5,"c7","FormatViolation","your GetVariables answer lacks getVariableResult",{}]');
    assert.deepEqual(h.errors, ['callResultError']);
    assert.equal(h.samples.get('callResultError'), 'our answer to c7 refused: FormatViolation: your GetVariables answer lacks getVariableResult');
    assert.equal(h.session.hasPending, true);
    assert.deepEqual(h.take(), [], 'never answered');
    h.session.receive('[5,"c8","FormatViolation"]');
    assert.deepEqual(h.errors, ['callResultError', 'malformedFrame']);
  });
});
