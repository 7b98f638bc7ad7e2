import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ACTION_NAMES, actionCode, actionsOf, isCsmsAction, isStationAction, isStationSend } from '../../src/ocpp/actions';
import { errorCodeFor, isKnownErrorCode, UNREADABLE_MESSAGE_ID, type ErrorMeaning } from '../../src/ocpp/error-codes';
import { ERROR_KINDS, errorKindCode } from '../../src/ocpp/error-kinds';

const MEANINGS: readonly ErrorMeaning[] = [
  'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormatViolation',
  'PropertyConstraintViolation', 'OccurrenceConstraintViolation', 'TypeConstraintViolation', 'GenericError',
  'MessageTypeNotSupported', 'RpcFrameworkError',
];

/** OCPP-J 1.6 §4.2.3: the ten codes, with 1.6's own spellings. */
const CODES_16 = [
  'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation',
  'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError',
];
/** OCPP 2.0.1 Part 4 §4.3: the twelve codes. */
const CODES_201 = [
  'FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported',
  'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError',
  'SecurityError', 'TypeConstraintViolation',
];

describe('errorCodeFor', () => {
  it('spells format and occurrence violations as each version does', () => {
    assert.equal(errorCodeFor('1.6', 'FormatViolation'), 'FormationViolation');
    assert.equal(errorCodeFor('2.0.1', 'FormatViolation'), 'FormatViolation');
    assert.equal(errorCodeFor('1.6', 'OccurrenceConstraintViolation'), 'OccurenceConstraintViolation');
    assert.equal(errorCodeFor('2.0.1', 'OccurrenceConstraintViolation'), 'OccurrenceConstraintViolation');
  });

  it('uses the 2.0.1-only codes in 2.0.1 and the closest 1.6 code in 1.6', () => {
    assert.equal(errorCodeFor('2.0.1', 'RpcFrameworkError'), 'RpcFrameworkError');
    assert.equal(errorCodeFor('2.0.1', 'MessageTypeNotSupported'), 'MessageTypeNotSupported');
    assert.equal(errorCodeFor('1.6', 'RpcFrameworkError'), 'FormationViolation');
    assert.equal(errorCodeFor('1.6', 'MessageTypeNotSupported'), 'NotSupported');
  });

  it('the codes shared by both versions are spelled alike', () => {
    for (const m of ['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError',
      'PropertyConstraintViolation', 'TypeConstraintViolation', 'GenericError'] as const) {
      assert.equal(errorCodeFor('1.6', m), m);
      assert.equal(errorCodeFor('2.0.1', m), m);
    }
  });

  it('never produces a code the version does not define', () => {
    assert.deepEqual([...new Set(MEANINGS.map((m) => errorCodeFor('1.6', m)))].sort(), [...CODES_16].sort());
    assert.deepEqual([...new Set(MEANINGS.map((m) => errorCodeFor('2.0.1', m)))].sort(), [...CODES_201].sort());
  });
});

describe('isKnownErrorCode', () => {
  it('knows every code of each version', () => {
    for (const code of CODES_16) assert.equal(isKnownErrorCode('1.6', code), true, code);
    for (const code of CODES_201) assert.equal(isKnownErrorCode('2.0.1', code), true, code);
  });

  it("rejects the other version's spellings and codes", () => {
    assert.equal(isKnownErrorCode('1.6', 'FormatViolation'), false);
    assert.equal(isKnownErrorCode('1.6', 'OccurrenceConstraintViolation'), false);
    assert.equal(isKnownErrorCode('1.6', 'RpcFrameworkError'), false);
    assert.equal(isKnownErrorCode('1.6', 'MessageTypeNotSupported'), false);
    assert.equal(isKnownErrorCode('2.0.1', 'FormationViolation'), false);
    assert.equal(isKnownErrorCode('2.0.1', 'OccurenceConstraintViolation'), false);
  });

  it('is exact: no case folding, no unknown names', () => {
    assert.equal(isKnownErrorCode('2.0.1', 'notimplemented'), false);
    assert.equal(isKnownErrorCode('2.0.1', ''), false);
    assert.equal(isKnownErrorCode('1.6', 'Timeout'), false);
  });

  it('the reply id for an unreadable message id is "-1"', () => {
    assert.equal(UNREADABLE_MESSAGE_ID, '-1');
  });
});

describe('actionCode', () => {
  it('numbers the 102 distinct actions of 1.6 (with security extension), 2.0.1 and 2.1 in sorted order', () => {
    // 75 of 1.6 and 2.0.1, 2.1's 26 new pairs and its one SEND (NotifyPeriodicEventStream).
    assert.equal(ACTION_NAMES.length, 102);
    assert.deepEqual([...ACTION_NAMES], [...ACTION_NAMES].sort());
    assert.equal(new Set(ACTION_NAMES).size, 102);
    ACTION_NAMES.forEach((name, i) => assert.equal(actionCode(name), i, name));
  });

  it('gives fixed codes to known names', () => {
    assert.equal(actionCode('AFRRSignal'), 0);
    assert.equal(actionCode('Authorize'), 2);
    assert.equal(actionCode('VatNumberValidation'), 101);
    assert.equal(actionCode('Heartbeat'), ACTION_NAMES.indexOf('Heartbeat'));
    assert.equal(actionCode('Heartbeat'), actionCode('Heartbeat'));
  });

  it('is -1 for anything that is not an OCPP action', () => {
    assert.equal(actionCode('FlyToMoon'), -1);
    assert.equal(actionCode(''), -1);
    assert.equal(actionCode('heartbeat'), -1);
    assert.equal(actionCode('BootNotificationRequest'), -1);
    assert.equal(actionCode('constructor'), -1);
  });
});

describe('isStationAction / isCsmsAction', () => {
  it('2.1: the 26 new pairs go one way each, 2.0.1 has none of them, and NotifyPeriodicEventStream is a SEND, never a CALL', () => {
    const v21 = actionsOf('2.1');
    const v201 = actionsOf('2.0.1');
    const newStation = v21.station.filter((a) => !v201.station.includes(a));
    const newCsms = v21.csms.filter((a) => !v201.csms.includes(a));
    assert.equal(newStation.length, 11);
    assert.equal(newCsms.length, 15);
    for (const a of ['OpenPeriodicEventStream', 'ClosePeriodicEventStream', 'BatterySwap', 'GetCertificateChainStatus']) assert.ok(newStation.includes(a), a);
    for (const a of ['AdjustPeriodicEventStream', 'GetPeriodicEventStream', 'RequestBatterySwap', 'NotifyWebPaymentStarted', 'SetDefaultTariff']) assert.ok(newCsms.includes(a), a);
    for (const a of [...newStation, ...newCsms]) assert.equal(isStationAction('2.0.1', a) || isCsmsAction('2.0.1', a), false, a);
    assert.equal(isStationSend('2.1', 'NotifyPeriodicEventStream'), true);
    assert.equal(isStationSend('2.0.1', 'NotifyPeriodicEventStream'), false);
    assert.equal(isStationAction('2.1', 'NotifyPeriodicEventStream'), false);
  });

  it('1.6: StartTransaction is sent by the station, RemoteStartTransaction by the CSMS', () => {
    assert.equal(isStationAction('1.6', 'StartTransaction'), true);
    assert.equal(isCsmsAction('1.6', 'StartTransaction'), false);
    assert.equal(isCsmsAction('1.6', 'RemoteStartTransaction'), true);
    assert.equal(isStationAction('1.6', 'RemoteStartTransaction'), false);
    assert.equal(isStationAction('1.6', 'SignCertificate'), true);
    assert.equal(isCsmsAction('1.6', 'ExtendedTriggerMessage'), true);
  });

  it('2.0.1: TransactionEvent from the station, RequestStartTransaction from the CSMS; 1.6-only names are unknown', () => {
    assert.equal(isStationAction('2.0.1', 'TransactionEvent'), true);
    assert.equal(isCsmsAction('2.0.1', 'RequestStartTransaction'), true);
    assert.equal(isStationAction('2.0.1', 'RequestStartTransaction'), false);
    assert.equal(isStationAction('2.0.1', 'StartTransaction'), false);
    assert.equal(isCsmsAction('2.0.1', 'RemoteStartTransaction'), false);
    assert.equal(isStationAction('1.6', 'TransactionEvent'), false);
    assert.equal(isCsmsAction('1.6', 'RequestStartTransaction'), false);
  });

  it('DataTransfer goes both ways in both versions; BootNotification and Heartbeat only from the station', () => {
    for (const v of ['1.6', '2.0.1'] as const) {
      assert.equal(isStationAction(v, 'DataTransfer'), true);
      assert.equal(isCsmsAction(v, 'DataTransfer'), true);
      assert.equal(isStationAction(v, 'BootNotification'), true);
      assert.equal(isCsmsAction(v, 'BootNotification'), false);
      assert.equal(isCsmsAction(v, 'Heartbeat'), false);
      assert.equal(isStationAction(v, 'Reset'), false);
      assert.equal(isCsmsAction(v, 'Reset'), true);
    }
  });

  it('has 14 + 26 actions in 1.6 and 25 + 40 in 2.0.1, sharing only DataTransfer between directions', () => {
    const v16 = actionsOf('1.6');
    const v201 = actionsOf('2.0.1');
    assert.deepEqual([v16.station.length, v16.csms.length], [14, 26]);
    assert.deepEqual([v201.station.length, v201.csms.length], [25, 40]);
    assert.deepEqual(v16.station.filter((a) => v16.csms.includes(a)), ['DataTransfer']);
    assert.deepEqual(v201.station.filter((a) => v201.csms.includes(a)), ['DataTransfer']);
    for (const a of [...v16.station, ...v16.csms, ...v201.station, ...v201.csms]) assert.notEqual(actionCode(a), -1, a);
  });
});

describe('error kinds', () => {
  it('code is the index in ERROR_KINDS, stable for the first kinds', () => {
    ERROR_KINDS.forEach((kind, i) => assert.equal(errorKindCode(kind), i, kind));
    assert.equal(errorKindCode('malformedFrame'), 0);
    assert.equal(errorKindCode('invalidIncomingPayload'), 1);
    assert.equal(errorKindCode('invalidResponse'), 2);
    assert.equal(errorKindCode('unknownMessageId'), 3);
    assert.equal(errorKindCode('lateResponse'), 4);
    assert.equal(new Set(ERROR_KINDS).size, ERROR_KINDS.length);
  });
});
