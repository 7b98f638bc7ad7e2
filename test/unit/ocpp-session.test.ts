import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { actionCode } from '../../src/ocpp/actions';
import { NeverSent } from '../../src/ocpp/never-sent';
import { CallOutcome, DEFERRED } from '../../src/ocpp/session';
import { Harness } from '../helpers/ocpp-session-harness';

/** OcppSession driven with literal frames, a fake host and a clock advanced by hand. */

const T = '2024-05-01T12:00:00Z';
const HB_ANSWER = `{"currentTime":"${T}"}`;
const STATUS = { connectorId: 1, errorCode: 'NoError', status: 'Available' };
const STATUS_JSON = '{"connectorId":1,"errorCode":"NoError","status":"Available"}';
const BOOT = { chargePointVendor: 'VendorX', chargePointModel: 'M1' };
const BOOT_JSON = '{"chargePointVendor":"VendorX","chargePointModel":"M1"}';
const BOOT_ANSWER = `{"status":"Accepted","currentTime":"${T}","interval":300}`;
const HB = actionCode('Heartbeat');
const SN = actionCode('StatusNotification');

/** A 1.6 station session, attached with the gate open, at t = 1000. */
function open16(): Harness {
  const h = new Harness({ version: '1.6' });
  h.now = 1000;
  h.session.attach();
  h.session.openGate(1000);
  return h;
}

describe('OcppSession: one outstanding CALL (OCPP-J 1.6 §4.1.1)', () => {
  it('queues a second CALL until the first is answered; its response time counts from its due time', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    assert.deepEqual(h.take(), ['[2,"1","Heartbeat",{}]']);
    assert.deepEqual(h.armed, [31_000]);
    assert.equal(h.session.hasPending, true);
    assert.equal(h.session.queued, 1);

    h.now = 1040;
    h.session.receive(`[3,"1",${HB_ANSWER}]`);
    assert.deepEqual(h.results, [{ action: 'Heartbeat', payload: { currentTime: T }, tag: 'hb' }]);
    assert.deepEqual(h.take(), [`[2,"2","StatusNotification",${STATUS_JSON}]`]);
    assert.deepEqual(h.armed, [31_000, 31_040]);

    h.now = 1065;
    h.session.receive('[3,"2",{}]');
    assert.deepEqual(h.calls, [
      { outcome: CallOutcome.Ok, action: HB, responseMs: 40, serviceMs: 40 },
      // Due at 1000, sent at 1040 (40 ms queued), answered at 1065.
      { outcome: CallOutcome.Ok, action: SN, responseMs: 65, serviceMs: 25 },
    ]);
    assert.equal(h.results[1]?.tag, 'sn');
    assert.deepEqual(h.errors, []);
    assert.equal(h.session.hasPending, false);
    assert.equal(h.session.queued, 0);
  });

  it('a CALL sent late by the scheduler is timed from its due time, one due in the future from its send time', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'late', 900);
    h.now = 1010;
    h.session.receive(`[3,"1",${HB_ANSWER}]`);
    h.session.call('Heartbeat', {}, 'early', 5000);
    h.now = 1030;
    h.session.receive(`[3,"2",${HB_ANSWER}]`);
    assert.deepEqual(h.calls, [
      { outcome: CallOutcome.Ok, action: HB, responseMs: 110, serviceMs: 10 },
      { outcome: CallOutcome.Ok, action: HB, responseMs: 20, serviceMs: 20 },
    ]);
  });

  it('ids are unique and increase by one, across a reconnect too', () => {
    const h = open16();
    for (let i = 1; i <= 4; i++) {
      h.session.call('Heartbeat', {}, `t${i}`, h.now);
      h.session.receive(`[3,"${i}",${HB_ANSWER}]`);
    }
    h.session.detach();
    h.session.attach();
    h.session.openGate(h.now);
    h.session.call('Heartbeat', {}, 't5', h.now);
    assert.deepEqual(h.take(), [1, 2, 3, 4, 5].map((i) => `[2,"${i}","Heartbeat",{}]`));
    assert.equal(h.results.length, 4);
  });

  it('a CSMS CALL is answered while our own CALL is outstanding', () => {
    const h = open16();
    h.onIncoming = () => ({ status: 'Accepted' });
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.receive('[2,"csms-1","Reset",{"type":"Soft"}]');
    assert.deepEqual(h.take(), ['[2,"1","Heartbeat",{}]', '[3,"csms-1",{"status":"Accepted"}]']);
    assert.equal(h.session.hasPending, true);
  });
});

describe('OcppSession: the gate', () => {
  it('before openGate only gate-bypassing CALLs go out; openGate re-times what waited', () => {
    const h = new Harness({ version: '1.6' });
    h.now = 1000;
    h.session.attach();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    assert.deepEqual(h.take(), []);
    h.session.call('BootNotification', BOOT, 'boot', 1000, true);
    assert.deepEqual(h.take(), [`[2,"1","BootNotification",${BOOT_JSON}]`]);
    h.now = 1100;
    h.session.receive(`[3,"1",${BOOT_ANSWER}]`);
    assert.deepEqual(h.take(), [], 'gate still closed');
    assert.equal(h.session.queued, 1);

    h.now = 5000;
    h.session.openGate(5000);
    assert.deepEqual(h.take(), ['[2,"2","Heartbeat",{}]']);
    h.now = 5020;
    h.session.receive(`[3,"2",${HB_ANSWER}]`);
    assert.deepEqual(h.calls[1], { outcome: CallOutcome.Ok, action: HB, responseMs: 20, serviceMs: 20 });
  });

  it('closeGate holds ordinary CALLs again', () => {
    const h = open16();
    h.session.closeGate();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    assert.deepEqual(h.take(), []);
    h.session.openGate(1000);
    assert.deepEqual(h.take(), ['[2,"1","Heartbeat",{}]']);
  });

  it('gate-bypassing CALLs overtake ordinary ones but keep their own order', () => {
    const h = new Harness({ version: '1.6' });
    h.session.attach();
    h.session.call('BootNotification', BOOT, 'boot', 0, true);
    h.session.call('Heartbeat', {}, 'hb', 0);
    h.session.call('StatusNotification', { ...STATUS, connectorId: 1 }, 'sn1', 0, true);
    h.session.call('StatusNotification', { ...STATUS, connectorId: 2 }, 'sn2', 0, true);
    h.session.receive(`[3,"1",${BOOT_ANSWER}]`);
    h.session.receive('[3,"2",{}]');
    h.session.receive('[3,"3",{}]');
    assert.deepEqual(h.results.map((r) => r.tag), ['boot', 'sn1', 'sn2']);
    assert.equal(h.session.queued, 1, 'the Heartbeat waits for the gate');
  });

  // Regression: attach() did not send, so a BootNotification queued before the socket opened sat until the next call().
  it('a gate-bypassing CALL queued before attach goes out on attach', () => {
    const h = new Harness({ version: '1.6' });
    h.session.call('BootNotification', BOOT, 'boot', 0, true);
    h.session.call('Heartbeat', {}, 'hb', 0);
    assert.deepEqual(h.take(), []);
    h.session.attach();
    assert.deepEqual(h.take(), [`[2,"1","BootNotification",${BOOT_JSON}]`]);
    assert.equal(h.session.queued, 1);
  });
});

describe('OcppSession: answers to our CALLs', () => {
  it("a CALLRESULT with an id we are not waiting for counts 'unknownMessageId' and leaves the call pending", () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.receive(`[3,"99",${HB_ANSWER}]`);
    h.session.receive('[4,"98","GenericError","",{}]');
    assert.deepEqual(h.errors, ['unknownMessageId', 'unknownMessageId']);
    assert.deepEqual(h.results, []);
    assert.deepEqual(h.failures, []);
    assert.equal(h.session.hasPending, true);
    h.session.receive(`[3,"1",${HB_ANSWER}]`);
    assert.equal(h.results.length, 1);
  });

  it("timeout at the deadline: Timeout outcome, the next CALL goes out, a late answer counts 'lateResponse'", () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    h.take();
    h.now = 30_999;
    h.session.checkTimeout(30_999);
    assert.equal(h.session.hasPending, true, 'not before the deadline');
    assert.deepEqual(h.calls, []);

    h.now = 31_000;
    h.session.checkTimeout(31_000);
    assert.deepEqual(h.calls, [{ outcome: CallOutcome.Timeout, action: HB, responseMs: 30_000, serviceMs: 30_000 }]);
    assert.deepEqual(h.failures, [{ action: 'Heartbeat', outcome: CallOutcome.Timeout, tag: 'hb', errorCode: '' }]);
    assert.deepEqual(h.errors, ['timeout']);
    assert.deepEqual(h.take(), [`[2,"2","StatusNotification",${STATUS_JSON}]`]);
    assert.deepEqual(h.armed, [31_000, 61_000]);

    h.now = 31_500;
    h.session.receive(`[3,"1",${HB_ANSWER}]`);
    assert.deepEqual(h.errors, ['timeout', 'lateResponse']);
    assert.deepEqual(h.results, []);
    assert.equal(h.session.hasPending, true, 'the late answer does not complete the StatusNotification');

    h.now = 31_510;
    h.session.receive('[3,"2",{}]');
    assert.deepEqual(h.calls[1], { outcome: CallOutcome.Ok, action: SN, responseMs: 30_510, serviceMs: 510 });
    h.session.checkTimeout(61_000);
    assert.equal(h.calls.length, 2, 'an answered call does not time out');
  });

  it('a CALLERROR completes the call with its code', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.now = 1007;
    h.session.receive('[4,"1","NotSupported","Heartbeat is switched off",{}]');
    assert.deepEqual(h.failures, [{ action: 'Heartbeat', outcome: CallOutcome.CallError, tag: 'hb', errorCode: 'NotSupported' }]);
    assert.deepEqual(h.calls, [{ outcome: CallOutcome.CallError, action: HB, responseMs: 7, serviceMs: 7 }]);
    assert.deepEqual(h.errors, ['callError']);
    assert.equal(h.session.hasPending, false);
  });

  it("a CALLRESULT that fails the response schema: Invalid and 'invalidResponse'", () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    h.take();
    h.now = 1003;
    h.session.receive('[3,"1",{"currentTime":"noon"}]');
    assert.deepEqual(h.failures, [{ action: 'Heartbeat', outcome: CallOutcome.Invalid, tag: 'hb', errorCode: '' }]);
    assert.deepEqual(h.calls, [{ outcome: CallOutcome.Invalid, action: HB, responseMs: 3, serviceMs: 3 }]);
    assert.deepEqual(h.errors, ['invalidResponse']);
    assert.deepEqual(h.results, []);
    assert.deepEqual(h.take(), [`[2,"2","StatusNotification",${STATUS_JSON}]`], 'the next CALL goes out');
  });

  it('a malformed CALLRESULT for the pending id completes it as Invalid, without a reply', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.take();
    h.session.receive('[3,"1",[]]');
    assert.deepEqual(h.errors, ['malformedFrame', 'invalidResponse']);
    assert.deepEqual(h.failures.map((f) => f.outcome), [CallOutcome.Invalid]);
    assert.equal(h.session.hasPending, false);
    assert.deepEqual(h.take(), []);
  });

  it('a malformed CALLRESULT or CALLERROR for another id only counts malformedFrame', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.take();
    h.session.receive('[3,"7",null]');
    h.session.receive('[4,42,"GenericError","",{}]');
    assert.deepEqual(h.errors, ['malformedFrame', 'malformedFrame']);
    assert.equal(h.session.hasPending, true);
    assert.deepEqual(h.take(), []);
  });

  it('detach while pending reports Aborted and keeps the queue for the host', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    h.take();
    h.now = 1250;
    h.session.detach();
    assert.deepEqual(h.failures, [{ action: 'Heartbeat', outcome: CallOutcome.Aborted, tag: 'hb', errorCode: '' }]);
    assert.deepEqual(h.calls, [{ outcome: CallOutcome.Aborted, action: HB, responseMs: 250, serviceMs: 250 }]);
    assert.equal(h.session.hasPending, false);
    assert.equal(h.session.queued, 1);
    assert.deepEqual(h.take(), [], 'nothing goes out while detached');
    h.session.checkTimeout(31_000);
    assert.equal(h.calls.length, 1, 'no timeout after the abort');
    h.session.attach();
    assert.deepEqual(h.take(), [], 'an ordinary CALL waits for the gate after a reconnect');
  });

  it('a transport that refuses the frame: the call was never sent (no call record, no timeout armed)', () => {
    const h = open16();
    h.writable = false;
    h.session.call('Heartbeat', {}, 'hb', 1000);
    assert.deepEqual(h.failures.map((f) => [f.action, f.outcome]), [['Heartbeat', CallOutcome.NotSent]]);
    assert.deepEqual(h.notSent, [{ action: HB, reason: NeverSent.ConnectionClosed }]);
    assert.deepEqual(h.calls, [], 'not counted as sent, nor as aborted');
    assert.deepEqual(h.armed, []);
    assert.equal(h.session.hasPending, false);
  });

  it('retainQueued drops what the host does not keep and reports how many', () => {
    const h = open16();
    h.session.call('Heartbeat', {}, 'hb', 1000);
    h.session.call('StatusNotification', STATUS, 'sn', 1000);
    h.session.call('MeterValues', { connectorId: 1, transactionId: 7, meterValue: [{ timestamp: T, sampledValue: [{ value: '1' }] }] }, 'mv', 1000);
    h.session.call('StatusNotification', STATUS, 'sn2', 1000);
    h.take();
    const seen: string[] = [];
    const dropped = h.session.retainQueued((action, tag) => {
      seen.push(`${action}/${tag}`);
      return action === 'MeterValues';
    });
    assert.equal(dropped, 2);
    assert.deepEqual(seen.sort(), ['MeterValues/mv', 'StatusNotification/sn', 'StatusNotification/sn2']);
    assert.equal(h.session.queued, 1);
    h.session.receive(`[3,"1",${HB_ANSWER}]`);
    assert.deepEqual(h.take(), [`[2,"2","MeterValues",{"connectorId":1,"transactionId":7,"meterValue":[{"timestamp":"${T}","sampledValue":[{"value":"1"}]}]}]`]);
  });

  it('beforeSend giving a reason drops that CALL, records it as never sent, and sends the next', () => {
    const h = open16();
    h.beforeSend = (_action, tag) => (tag !== 'drop' ? true : NeverSent.NoTransactionId);
    h.session.call('Heartbeat', {}, 'drop', 1000);
    h.session.call('StatusNotification', STATUS, 'keep', 1000);
    assert.deepEqual(h.take(), [`[2,"1","StatusNotification",${STATUS_JSON}]`]);
    assert.deepEqual(h.notSent, [{ action: HB, reason: NeverSent.NoTransactionId }]);
  });
});

describe('OcppSession: outgoing payloads', () => {
  it("a payload that fails its schema is not sent and counts 'invalidOutgoingPayload'", () => {
    const h = open16();
    h.session.call('BootNotification', { chargePointVendor: 'VendorX' }, 'bad', 1000);
    h.session.call('Heartbeat', {}, 'hb', 1000);
    assert.deepEqual(h.take(), ['[2,"1","Heartbeat",{}]']);
    assert.deepEqual(h.errors, ['invalidOutgoingPayload']);
  });

  it('validateOutgoing: false sends it anyway (fault injection)', () => {
    const h = new Harness({ version: '1.6', validateOutgoing: false });
    h.session.attach();
    h.session.openGate(0);
    h.session.call('BootNotification', { chargePointVendor: 'VendorX' }, 'bad', 0);
    assert.deepEqual(h.take(), ['[2,"1","BootNotification",{"chargePointVendor":"VendorX"}]']);
    assert.deepEqual(h.errors, []);
  });

  it("an action this side does not send is not sent and counts 'invalidOutgoingPayload'", () => {
    const h = open16();
    h.session.call('RemoteStartTransaction', { idTag: 'B4A63CDF' }, 'wrong-way', 1000);
    h.session.call('TransactionEvent', {}, 'wrong-version', 1000);
    assert.deepEqual(h.take(), []);
    assert.deepEqual(h.errors, ['invalidOutgoingPayload', 'invalidOutgoingPayload']);
    assert.equal(h.session.hasPending, false);
  });
});

describe('OcppSession: CALLs from the peer', () => {
  it('a valid CSMS CALL: onIncoming, then the CALLRESULT, then afterIncoming', () => {
    const h = open16();
    h.onIncoming = (action, payload, id) => {
      assert.deepEqual([action, payload, id], ['Reset', { type: 'Soft' }, 'c-1']);
      h.now += 5;
      return { status: 'Accepted' };
    };
    h.session.receive('[2,"c-1","Reset",{"type":"Soft"}]');
    assert.deepEqual(h.events, ['incoming Reset c-1', 'send [3,"c-1",{"status":"Accepted"}]', 'after Reset']);
    const reset = actionCode('Reset');
    assert.deepEqual(h.incoming, [
      { action: reset, answered: false, answerMs: 0 },
      { action: reset, answered: true, answerMs: 5 },
    ]);
    assert.deepEqual(h.errors, []);
  });

  it('an unknown action, or one the CSMS does not send, gets NotImplemented without reaching the host', () => {
    const h = open16();
    h.session.receive('[2,"c-2","FlyToMoon",{}]');
    h.session.receive(`[2,"c-3","BootNotification",${BOOT_JSON}]`);
    assert.deepEqual(h.take(), [
      '[4,"c-2","NotImplemented","FlyToMoon is not an action the CSMS sends in OCPP 1.6",{}]',
      '[4,"c-3","NotImplemented","BootNotification is not an action the CSMS sends in OCPP 1.6",{}]',
    ]);
    assert.deepEqual(h.errors, ['notImplemented', 'notImplemented']);
    assert.equal(h.events.some((e) => e.startsWith('incoming') || e.startsWith('after')), false);
    assert.deepEqual(h.incoming, [
      { action: -1, answered: false, answerMs: 0 },
      { action: -1, answered: true, answerMs: 0 },
      { action: actionCode('BootNotification'), answered: false, answerMs: 0 },
      { action: actionCode('BootNotification'), answered: true, answerMs: 0 },
    ]);
  });

  it('1.6: a payload missing a required field gets OccurenceConstraintViolation (1.6 spelling)', () => {
    const h = open16();
    h.session.receive('[2,"c-4","Reset",{}]');
    h.session.receive('[2,"c-5","Reset",{"type":"Warm"}]');
    h.session.receive('[2,"c-6","Reset",{"type":1}]');
    assert.deepEqual(h.take(), [
      `[4,"c-4","OccurenceConstraintViolation","Reset: payload must have required property 'type'",{}]`,
      '[4,"c-5","PropertyConstraintViolation","Reset: payload.type must be one of [\\"Hard\\",\\"Soft\\"]",{}]',
      '[4,"c-6","TypeConstraintViolation","Reset: payload.type must be string",{}]',
    ]);
    assert.deepEqual(h.errors, ['invalidIncomingPayload', 'invalidIncomingPayload', 'invalidIncomingPayload']);
    assert.equal(h.events.some((e) => e.startsWith('incoming')), false);
  });

  it('2.0.1: the same problems get the 2.0.1 codes', () => {
    const h = new Harness({ version: '2.0.1' });
    h.session.attach();
    h.session.receive('[2,"c-7","Reset",{}]');
    h.session.receive('[2,"c-8","Reset",{"type":"Immediate","x":1}]');
    assert.deepEqual(h.take(), [
      `[4,"c-7","OccurrenceConstraintViolation","Reset: payload must have required property 'type'",{}]`,
      '[4,"c-8","FormatViolation","Reset: payload has unknown property \\"x\\"",{}]',
    ]);
  });

  it('onIncoming returning undefined: NotImplemented, and no afterIncoming', () => {
    const h = open16();
    h.session.receive('[2,"c-9","ClearCache",{}]');
    assert.deepEqual(h.take(), ['[4,"c-9","NotImplemented","ClearCache is not implemented by this station",{}]']);
    assert.deepEqual(h.errors, ['notImplemented']);
    assert.deepEqual(h.events.filter((e) => !e.startsWith('send')), ['incoming ClearCache c-9']);
  });

  it('an answer that fails its own schema becomes an InternalError', () => {
    const h = open16();
    h.onIncoming = () => ({ status: 'Maybe' });
    h.session.receive('[2,"c-10","Reset",{"type":"Hard"}]');
    assert.deepEqual(h.take(), ['[4,"c-10","InternalError","Reset: the answer built here failed its schema",{}]']);
    assert.deepEqual(h.errors, ['invalidOutgoingPayload']);
  });

  it('DEFERRED: nothing is sent until answerDeferred, which times the answer from reception', () => {
    const h = open16();
    h.onIncoming = () => DEFERRED;
    h.session.receive('[2,"c-11","Reset",{"type":"Soft"}]');
    assert.deepEqual(h.take(), []);
    assert.deepEqual(h.incoming, [{ action: actionCode('Reset'), answered: false, answerMs: 0 }]);
    h.now = 1250;
    h.session.answerDeferred('c-11', 'Reset', { status: 'Accepted' }, 1000);
    assert.deepEqual(h.take(), ['[3,"c-11",{"status":"Accepted"}]']);
    assert.deepEqual(h.incoming[1], { action: actionCode('Reset'), answered: true, answerMs: 250 });
    assert.equal(h.events.at(-1), 'after Reset');
  });

  it('answerDeferred after detach sends nothing', () => {
    const h = open16();
    h.onIncoming = () => DEFERRED;
    h.session.receive('[2,"c-12","Reset",{"type":"Soft"}]');
    h.session.detach();
    h.session.answerDeferred('c-12', 'Reset', { status: 'Accepted' }, 1000);
    assert.deepEqual(h.take(), []);
    assert.equal(h.incoming.length, 1);
  });

  it('a malformed frame is answered with the version code, to id "-1" when the id is unreadable', () => {
    const h16 = open16();
    h16.session.receive('[2,"1","Heartbeat"');
    h16.session.receive('[2,"c-13","Reset",null]');
    h16.session.receive('[7,"c-14",{}]');
    assert.deepEqual(h16.take(), [
      '[4,"-1","FormationViolation","frame is not valid JSON",{}]',
      '[4,"c-13","FormationViolation","CALL Reset payload must be a JSON object",{}]',
      '[4,"c-14","NotSupported","unknown message type id 7",{}]',
    ]);
    assert.deepEqual(h16.errors, ['malformedFrame', 'malformedFrame', 'malformedFrame']);

    const h201 = new Harness({ version: '2.0.1' });
    h201.session.attach();
    h201.session.receive('{"not":"an array"}');
    h201.session.receive('[7,"c-14",{}]');
    assert.deepEqual(h201.take(), [
      '[4,"-1","RpcFrameworkError","frame is not a JSON array",{}]',
      '[4,"c-14","MessageTypeNotSupported","unknown message type id 7",{}]',
    ]);
  });
});

describe("OcppSession: role 'csms'", () => {
  it('sends CSMS actions, receives station actions', () => {
    const h = new Harness({ version: '2.0.1', role: 'csms' });
    h.session.attach();
    h.session.openGate(0);
    h.onIncoming = () => ({ currentTime: T, interval: 300, status: 'Accepted' });
    h.session.receive('[2,"s-1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"VendorX"}}]');
    assert.deepEqual(h.take(), [`[3,"s-1",{"currentTime":"${T}","interval":300,"status":"Accepted"}]`]);

    h.session.receive('[2,"s-2","Reset",{"type":"Immediate"}]');
    assert.deepEqual(h.take(), ['[4,"s-2","NotImplemented","Reset is not an action the station sends in OCPP 2.0.1",{}]']);

    h.session.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M1', vendorName: 'VendorX' } }, 'wrong-way', 0);
    h.session.call('Reset', { type: 'Immediate' }, 'reset', 0);
    assert.deepEqual(h.take(), ['[2,"1","Reset",{"type":"Immediate"}]']);
    assert.deepEqual(h.errors, ['notImplemented', 'invalidOutgoingPayload']);

    h.session.receive('[3,"1",{"status":"Accepted"}]');
    assert.deepEqual(h.results, [{ action: 'Reset', payload: { status: 'Accepted' }, tag: 'reset' }]);
  });

  it('a CSMS that does not implement an action says so as a CSMS', () => {
    const h = new Harness({ version: '1.6', role: 'csms' });
    h.session.attach();
    h.session.receive('[2,"s-3","Heartbeat",{}]');
    assert.deepEqual(h.take(), ['[4,"s-3","NotImplemented","Heartbeat is not implemented by this CSMS",{}]']);
  });
});
