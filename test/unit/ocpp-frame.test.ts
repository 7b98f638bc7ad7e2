import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ErrorMeaning } from '../../src/ocpp/error-codes';
import {
  EMPTY_PAYLOAD,
  encodeCall,
  encodeCallError,
  encodeCallResult,
  encodeCallResultError,
  encodeSend,
  MAX_ERROR_DESCRIPTION,
  MAX_MESSAGE_ID_LENGTH,
  MessageType,
  ParsedFrame,
  parseFrame,
} from '../../src/ocpp/frame';

/** OCPP-J framing (OCPP-J 1.6 §4, OCPP 2.0.1 Part 4 §4), tested with literal frames as `ws` tests its receiver with literal bytes. */

function parsed(text: string): { ok: boolean; frame: ParsedFrame } {
  const frame = new ParsedFrame();
  const ok = parseFrame(text, frame);
  return { ok, frame };
}

const ID_36 = 'a'.repeat(36);
const ID_37 = 'a'.repeat(37);

describe('parseFrame: well-formed frames', () => {
  it('reads a CALL back', () => {
    const { ok, frame } = parsed('[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]');
    assert.equal(ok, true);
    assert.equal(frame.type, MessageType.Call);
    assert.equal(frame.id, '19223201');
    assert.equal(frame.action, 'BootNotification');
    assert.deepEqual(frame.payload, { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger' });
  });

  it('reads a CALLRESULT back', () => {
    const { ok, frame } = parsed('[3,"19223201",{"currentTime":"2013-02-01T20:53:32.486Z","interval":300,"status":"Accepted"}]');
    assert.equal(ok, true);
    assert.equal(frame.type, MessageType.CallResult);
    assert.equal(frame.id, '19223201');
    assert.deepEqual(frame.payload, { currentTime: '2013-02-01T20:53:32.486Z', interval: 300, status: 'Accepted' });
  });

  it('reads a CALLERROR back', () => {
    const { ok, frame } = parsed('[4,"162376037","NotSupported","SetDisplayMessageRequest not implemented",{"hint":"none"}]');
    assert.equal(ok, true);
    assert.equal(frame.type, MessageType.CallError);
    assert.equal(frame.id, '162376037');
    assert.equal(frame.errorCode, 'NotSupported');
    assert.equal(frame.errorDescription, 'SetDisplayMessageRequest not implemented');
    assert.deepEqual(frame.errorDetails, { hint: 'none' });
  });

  it('accepts whitespace between elements and an id of exactly 36 characters', () => {
    assert.equal(MAX_MESSAGE_ID_LENGTH, 36);
    const { ok, frame } = parsed(` [ 2 , "${ID_36}" , "Heartbeat" , { } ] `);
    assert.equal(ok, true);
    assert.equal(frame.id, ID_36);
    assert.equal(frame.action, 'Heartbeat');
    assert.deepEqual(frame.payload, {});
  });

  it('accepts a CALLERROR with an empty description and empty details', () => {
    const { ok, frame } = parsed('[4,"x","GenericError","",{}]');
    assert.equal(ok, true);
    assert.equal(frame.errorCode, 'GenericError');
    assert.equal(frame.errorDescription, '');
    assert.deepEqual(frame.errorDetails, {});
  });
});

interface Malformed {
  name: string;
  text: string;
  meaning: ErrorMeaning;
  replyable: boolean;
  id: string;
  problem: string;
}

const MALFORMED: readonly Malformed[] = [
  { name: 'not JSON', text: '[2,"1","Heartbeat",{}', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'frame is not valid JSON' },
  { name: 'empty text', text: '', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'frame is not valid JSON' },
  { name: 'an object, not an array', text: '{"messageTypeId":2}', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'frame is not a JSON array' },
  { name: 'a bare number', text: '2', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'frame is not a JSON array' },
  { name: 'empty array', text: '[]', meaning: 'MessageTypeNotSupported', replyable: true, id: '-1', problem: 'unknown message type id undefined' },
  { name: 'message type 5', text: '[5,"m5","Heartbeat",{}]', meaning: 'MessageTypeNotSupported', replyable: true, id: 'm5', problem: 'unknown message type id 5' },
  { name: 'message type "2" (a string)', text: '["2","m6","Heartbeat",{}]', meaning: 'MessageTypeNotSupported', replyable: true, id: 'm6', problem: 'unknown message type id "2"' },
  { name: 'message type null', text: '[null,"m7"]', meaning: 'MessageTypeNotSupported', replyable: true, id: 'm7', problem: 'unknown message type id null' },
  { name: 'unknown type and unreadable id', text: '[6,42,{}]', meaning: 'MessageTypeNotSupported', replyable: true, id: '-1', problem: 'unknown message type id 6' },
  { name: 'CALL id a number', text: '[2,17,"Heartbeat",{}]', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'message id must be a string, got number' },
  { name: 'CALL id null', text: '[2,null,"Heartbeat",{}]', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'message id must be a string, got null' },
  { name: 'CALL id missing', text: '[2]', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'message id must be a string, got undefined' },
  { name: 'CALL id empty', text: '[2,"","Heartbeat",{}]', meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'message id must be 1..36 characters, got 0' },
  { name: 'CALL id of 37 characters', text: `[2,"${ID_37}","Heartbeat",{}]`, meaning: 'RpcFrameworkError', replyable: true, id: '-1', problem: 'message id must be 1..36 characters, got 37' },
  { name: 'CALLRESULT id a number', text: '[3,17,{}]', meaning: 'RpcFrameworkError', replyable: false, id: '-1', problem: 'message id must be a string, got number' },
  { name: 'CALLERROR id of 37 characters', text: `[4,"${ID_37}","GenericError","",{}]`, meaning: 'RpcFrameworkError', replyable: false, id: '-1', problem: 'message id must be 1..36 characters, got 37' },
  { name: 'CALL of 3 elements', text: '[2,"c3","Heartbeat"]', meaning: 'RpcFrameworkError', replyable: true, id: 'c3', problem: 'CALL must have 4 elements, got 3' },
  { name: 'CALL of 5 elements', text: '[2,"c5","Heartbeat",{},{}]', meaning: 'RpcFrameworkError', replyable: true, id: 'c5', problem: 'CALL must have 4 elements, got 5' },
  { name: 'CALL action a number', text: '[2,"ca",7,{}]', meaning: 'RpcFrameworkError', replyable: true, id: 'ca', problem: 'CALL action must be a non-empty string' },
  { name: 'CALL action empty', text: '[2,"ce","",{}]', meaning: 'RpcFrameworkError', replyable: true, id: 'ce', problem: 'CALL action must be a non-empty string' },
  { name: 'CALL payload an array', text: '[2,"pa","Heartbeat",[]]', meaning: 'FormatViolation', replyable: true, id: 'pa', problem: 'CALL Heartbeat payload must be a JSON object' },
  { name: 'CALL payload null', text: '[2,"pn","Heartbeat",null]', meaning: 'FormatViolation', replyable: true, id: 'pn', problem: 'CALL Heartbeat payload must be a JSON object' },
  { name: 'CALL payload a string', text: '[2,"ps","Heartbeat","{}"]', meaning: 'FormatViolation', replyable: true, id: 'ps', problem: 'CALL Heartbeat payload must be a JSON object' },
  { name: 'CALLRESULT of 2 elements', text: '[3,"r2"]', meaning: 'RpcFrameworkError', replyable: false, id: 'r2', problem: 'CALLRESULT must have 3 elements, got 2' },
  { name: 'CALLRESULT of 4 elements', text: '[3,"r4",{},{}]', meaning: 'RpcFrameworkError', replyable: false, id: 'r4', problem: 'CALLRESULT must have 3 elements, got 4' },
  { name: 'CALLRESULT payload an array', text: '[3,"ra",[]]', meaning: 'FormatViolation', replyable: false, id: 'ra', problem: 'CALLRESULT payload must be a JSON object' },
  { name: 'CALLRESULT payload null', text: '[3,"rn",null]', meaning: 'FormatViolation', replyable: false, id: 'rn', problem: 'CALLRESULT payload must be a JSON object' },
  { name: 'CALLRESULT payload a number', text: '[3,"r1",1]', meaning: 'FormatViolation', replyable: false, id: 'r1', problem: 'CALLRESULT payload must be a JSON object' },
  { name: 'CALLERROR of 4 elements', text: '[4,"e4","GenericError","oops"]', meaning: 'RpcFrameworkError', replyable: false, id: 'e4', problem: 'CALLERROR must have 5 elements, got 4' },
  { name: 'CALLERROR of 6 elements', text: '[4,"e6","GenericError","oops",{},{}]', meaning: 'RpcFrameworkError', replyable: false, id: 'e6', problem: 'CALLERROR must have 5 elements, got 6' },
  { name: 'CALLERROR code a number', text: '[4,"ec",500,"oops",{}]', meaning: 'FormatViolation', replyable: false, id: 'ec', problem: 'CALLERROR needs a string code, a string description and an object of details' },
  { name: 'CALLERROR description null', text: '[4,"ed","GenericError",null,{}]', meaning: 'FormatViolation', replyable: false, id: 'ed', problem: 'CALLERROR needs a string code, a string description and an object of details' },
  { name: 'CALLERROR details an array', text: '[4,"ea","GenericError","oops",[]]', meaning: 'FormatViolation', replyable: false, id: 'ea', problem: 'CALLERROR needs a string code, a string description and an object of details' },
  { name: 'CALLERROR details null', text: '[4,"en","GenericError","oops",null]', meaning: 'FormatViolation', replyable: false, id: 'en', problem: 'CALLERROR needs a string code, a string description and an object of details' },
];

describe('parseFrame: malformed frames (meaning, replyable, reply id)', () => {
  for (const c of MALFORMED) {
    it(c.name, () => {
      const { ok, frame } = parsed(c.text);
      assert.equal(ok, false);
      assert.equal(frame.type, MessageType.Invalid);
      assert.equal(frame.meaning, c.meaning);
      assert.equal(frame.replyable, c.replyable);
      assert.equal(frame.id, c.id);
      assert.equal(frame.problem, c.problem);
    });
  }
});

describe('parseFrame: one ParsedFrame reused across frames', () => {
  it('a failure after a success does not keep the old type or id (a reply must not go to the old id)', () => {
    const frame = new ParsedFrame();
    assert.equal(parseFrame('[2,"old-call","Heartbeat",{}]', frame), true);
    assert.equal(parseFrame('not json', frame), false);
    assert.equal(frame.type, MessageType.Invalid);
    assert.equal(frame.id, '-1');
    assert.equal(frame.replyable, true);
    assert.equal(frame.problem, 'frame is not valid JSON');
  });

  it('a second failure replaces meaning, problem, replyable and id of the first', () => {
    const frame = new ParsedFrame();
    assert.equal(parseFrame('[2,"c1","Heartbeat",null]', frame), false);
    assert.equal(frame.meaning, 'FormatViolation');
    assert.equal(parseFrame('[3,"r9"]', frame), false);
    assert.equal(frame.meaning, 'RpcFrameworkError');
    assert.equal(frame.replyable, false);
    assert.equal(frame.id, 'r9');
    assert.equal(frame.problem, 'CALLRESULT must have 3 elements, got 2');
  });

  it('each frame type sets every field it defines, whatever came before', () => {
    const frame = new ParsedFrame();
    assert.equal(parseFrame('[4,"e1","InternalError","boom",{"k":1}]', frame), true);
    assert.equal(parseFrame('[3,"r1",{"status":"Accepted"}]', frame), true);
    assert.equal(frame.type, MessageType.CallResult);
    assert.equal(frame.id, 'r1');
    assert.deepEqual(frame.payload, { status: 'Accepted' });

    assert.equal(parseFrame('[2,"c1","Reset",[]]', frame), false);
    assert.equal(parseFrame('[2,"c2","Reset",{"type":"Soft"}]', frame), true);
    assert.equal(frame.type, MessageType.Call);
    assert.equal(frame.id, 'c2');
    assert.equal(frame.action, 'Reset');
    assert.deepEqual(frame.payload, { type: 'Soft' });

    assert.equal(parseFrame('[4,"e2","GenericError","second",{}]', frame), true);
    assert.equal(frame.type, MessageType.CallError);
    assert.equal(frame.id, 'e2');
    assert.equal(frame.errorCode, 'GenericError');
    assert.equal(frame.errorDescription, 'second');
    assert.deepEqual(frame.errorDetails, {});
  });
});

describe('encoders', () => {
  it('encodeCall writes [2,id,action,payload]', () => {
    assert.equal(encodeCall('1', 'Heartbeat', {}), '[2,"1","Heartbeat",{}]');
    // The shared empty payload skips JSON.stringify and must give the same frame.
    assert.equal(encodeCall('1', 'Heartbeat', EMPTY_PAYLOAD), '[2,"1","Heartbeat",{}]');
    assert.equal(
      encodeCall('19223201', 'BootNotification', { chargePointVendor: 'VendorX', chargePointModel: 'Single"Socket' }),
      String.raw`[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"Single\"Socket"}]`,
    );
  });

  it('encodeCallResult writes [3,id,payload] and escapes a peer id holding quotes and backslashes', () => {
    assert.equal(encodeCallResult('7', { status: 'Accepted' }), '[3,"7",{"status":"Accepted"}]');
    const text = encodeCallResult('a"b\\c', {});
    assert.equal(text, String.raw`[3,"a\"b\\c",{}]`);
    const { ok, frame } = parsed(text);
    assert.equal(ok, true);
    assert.equal(frame.id, 'a"b\\c');
  });

  it('encodeCallError writes [4,id,code,description,details] with {} as default details', () => {
    assert.equal(
      encodeCallError('-1', 'FormationViolation', 'frame is not valid JSON'),
      '[4,"-1","FormationViolation","frame is not valid JSON",{}]',
    );
    assert.equal(
      encodeCallError('q"1', 'GenericError', 'say "hi"\n', { field: 'idTag' }),
      String.raw`[4,"q\"1","GenericError","say \"hi\"\n",{"field":"idTag"}]`,
    );
  });

  it('encodeCallError cuts the description to 255 characters (OCPP 2.0.1 Part 4 §4.2.3)', () => {
    assert.equal(MAX_ERROR_DESCRIPTION, 255);
    const exact = 'd'.repeat(255);
    assert.equal(encodeCallError('9', 'GenericError', exact), `[4,"9","GenericError","${exact}",{}]`);
    assert.equal(encodeCallError('9', 'GenericError', 'x'.repeat(256)), `[4,"9","GenericError","${'x'.repeat(255)}",{}]`);
    assert.equal(encodeCallError('9', 'GenericError', 'y'.repeat(1000)), `[4,"9","GenericError","${'y'.repeat(255)}",{}]`);
  });

  it('encodeCallError does not cut a surrogate pair in half at the limit', () => {
    // 254 characters, then an emoji (2 UTF-16 units) that straddles the 255th position.
    const text = encodeCallError('9', 'GenericError', 'a'.repeat(254) + '\u{1F50C}' + 'tail');
    assert.equal(text, `[4,"9","GenericError","${'a'.repeat(254)}",{}]`);
    // A pair that ends exactly at 255 is kept whole.
    const kept = encodeCallError('9', 'GenericError', 'a'.repeat(253) + '\u{1F50C}' + 'tail');
    assert.equal(kept, `[4,"9","GenericError","${'a'.repeat(253)}\u{1F50C}",{}]`);
  });

  it('every encoded frame parses back to what was encoded', () => {
    const frame = new ParsedFrame();
    assert.equal(parseFrame(encodeCall('5', 'StatusNotification', { connectorId: 1 }), frame), true);
    assert.deepEqual([frame.type, frame.id, frame.action, frame.payload], [MessageType.Call, '5', 'StatusNotification', { connectorId: 1 }]);
    assert.equal(parseFrame(encodeCallError('5', 'NotImplemented', 'no', { a: [1] }), frame), true);
    assert.deepEqual(
      [frame.type, frame.id, frame.errorCode, frame.errorDescription, frame.errorDetails],
      [MessageType.CallError, '5', 'NotImplemented', 'no', { a: [1] }],
    );
  });
});

describe('OCPP 2.1 framing: SEND (6) and CALLRESULTERROR (5)', () => {
  function parsed21(text: string): { ok: boolean; frame: ParsedFrame } {
    const frame = new ParsedFrame();
    return { ok: parseFrame(text, frame, true), frame };
  }

  it('reads a SEND back: the shape of a CALL, its own type', () => {
    const { ok, frame } = parsed21('[6,"s1","NotifyPeriodicEventStream",{"id":3,"pending":0,"basetime":"2026-12-07T10:00:00Z","data":[{"t":0,"v":"11"}]}]');
    assert.equal(ok, true);
    assert.equal(frame.type, MessageType.Send);
    assert.deepEqual([frame.id, frame.action, frame.payload.id], ['s1', 'NotifyPeriodicEventStream', 3]);
  });

  it('reads a CALLRESULTERROR back: the shape of a CALLERROR, its own type', () => {
    const { ok, frame } = parsed21('[5,"19223201","FormatViolation","bad answer",{"field":"status"}]');
    assert.equal(ok, true);
    assert.equal(frame.type, MessageType.CallResultError);
    assert.deepEqual([frame.id, frame.errorCode, frame.errorDescription, frame.errorDetails], ['19223201', 'FormatViolation', 'bad answer', { field: 'status' }]);
  });

  for (const [text, problem] of [
    ['[6,"s1","NotifyPeriodicEventStream"]', 'SEND must have 4 elements, got 3'],
    ['[6,"s1","",{}]', 'SEND action must be a non-empty string'],
    ['[6,"s1","NotifyPeriodicEventStream",[]]', 'SEND NotifyPeriodicEventStream payload must be a JSON object'],
    ['[5,"c1","FormatViolation","x"]', 'CALLRESULTERROR must have 5 elements, got 4'],
    ['[5,"c1",7,"x",{}]', 'CALLRESULTERROR needs a string code, a string description and an object of details'],
  ] as const) {
    it(`a broken one is never to be answered: ${text}`, () => {
      const { ok, frame } = parsed21(text);
      assert.equal(ok, false);
      assert.equal(frame.problem, problem);
      assert.equal(frame.replyable, false);
      assert.equal(frame.brokenAnswer, false, 'not an answer to a CALL of ours');
    });
  }

  it('without 2.1, types 5 and 6 are unknown: MessageTypeNotSupported, answered', () => {
    for (const text of ['[6,"s1","NotifyPeriodicEventStream",{}]', '[5,"c1","FormatViolation","x",{}]']) {
      const { ok, frame } = parsed(text);
      assert.equal(ok, false);
      assert.equal(frame.meaning, 'MessageTypeNotSupported');
      assert.equal(frame.replyable, true);
    }
  });

  it('a broken CALLRESULT is marked as an answer, so the session may end its CALL; a broken CALL is not', () => {
    assert.equal(parsed21('[3,"1"]').frame.brokenAnswer, true);
    assert.equal(parsed21('[4,"1","X"]').frame.brokenAnswer, true);
    assert.equal(parsed21('[2,"1","Heartbeat"]').frame.brokenAnswer, false);
  });

  it('writes both, the error description capped as a CALLERROR\'s', () => {
    assert.equal(encodeSend('s2', 'NotifyPeriodicEventStream', EMPTY_PAYLOAD), '[6,"s2","NotifyPeriodicEventStream",{}]');
    assert.equal(encodeCallResultError('7', 'FormatViolation', 'bad'), '[5,"7","FormatViolation","bad",{}]');
    const long = JSON.parse(encodeCallResultError('7', 'FormatViolation', 'x'.repeat(300))) as unknown[];
    assert.equal((long[3] as string).length, MAX_ERROR_DESCRIPTION);
    assert.equal(long[0], 5);
  });
});

