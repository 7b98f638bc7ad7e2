import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionsOf, validatorsFor, type JsonObject } from '../../src/ocpp';
import type { HandlerScope } from '../../src/csms/handlers-common';
import { HANDLERS_201 } from '../../src/csms/handlers-201';
import { HANDLERS_21 } from '../../src/csms/handlers-21';
import { resolveCsmsOptions } from '../../src/csms/options';
import { StationRecord } from '../../src/csms/stations';
import { CsmsCounters } from '../../src/csms/stats';
import { SAMPLES_201 } from '../helpers/csms-samples';

/**
 * The embedded CSMS's answers to a 2.1 station, checked both ways against the OCA's 2.1 schemas:
 * every request here passes its request schema, every answer its response schema.
 */
const V21 = validatorsFor('2.1');
const T = '2025-03-01T10:00:00.000Z';

function scope(): HandlerScope {
  let id = 0;
  return {
    options: resolveCsmsOptions({ port: 0 }),
    stats: new CsmsCounters(),
    station: new StationRecord('unit-21'),
    nextTransactionId: () => ++id,
  };
}

/** As the session does: the request must pass its schema, then the answer must pass its own. */
function ask(action: string, payload: JsonObject): JsonObject {
  const request = V21.request(action);
  const response = V21.response(action);
  assert.ok(request && response, `no 2.1 schemas for ${action}`);
  assert.ok(request(payload), `${action} request fails its schema: ${JSON.stringify(request.errors)}`);
  const handler = HANDLERS_21.get(action);
  assert.ok(handler !== undefined, `no handler for ${action}`);
  const answer = handler(scope(), payload);
  assert.ok(response(answer), `${action} answer ${JSON.stringify(answer)} fails: ${JSON.stringify(response.errors)}`);
  return answer;
}

const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'a1b2', issuerKeyHash: 'c3d4', serialNumber: '1f' };
const CURVE = { priority: 1, yUnit: 'PctMaxW', curveData: [{ x: 50, y: 100 }, { x: 51, y: 0 }] };

const SAMPLES_21_NEW: Readonly<Record<string, JsonObject>> = {
  BatterySwap: {
    eventType: 'BatteryIn',
    requestId: 7,
    idToken: { idToken: 'TAG-1', type: 'ISO14443' },
    batteryData: [{ evseId: 1, serialNumber: 'BAT-1', soC: 12, soH: 94 }],
  },
  ClosePeriodicEventStream: { id: 3 },
  GetCertificateChainStatus: {
    certificateStatusRequests: [
      { certificateHashData: HASH, source: 'OCSP', urls: ['http://ocsp.example/'] },
      { certificateHashData: { ...HASH, serialNumber: '2e' }, source: 'CRL', urls: ['http://crl.example/ca.crl'] },
    ],
  },
  NotifyDERAlarm: { controlType: 'HFMustTrip', gridEventFault: 'OverFrequency', timestamp: T },
  NotifyDERStartStop: { controlId: 'der-1', started: true, timestamp: T },
  NotifyPriorityCharging: { transactionId: 'tx-1', activated: true },
  NotifySettlement: { pspRef: 'psp-1', status: 'Settled', settlementAmount: 12.5, settlementTime: T, transactionId: 'tx-1' },
  OpenPeriodicEventStream: { constantStreamData: { id: 3, variableMonitoringId: 9, params: { interval: 60, values: 10 } } },
  PullDynamicScheduleUpdate: { chargingProfileId: 5 },
  ReportDERControl: { requestId: 4, curve: [{ id: 'der-1', curveType: 'HFMustTrip', isDefault: false, isSuperseded: false, curve: CURVE }] },
  VatNumberValidation: { vatNumber: 'NL123456789B01', evseId: 1 },
};

test('HANDLERS_21 answers every station action of 2.1, and nothing else', () => {
  const station = actionsOf('2.1').station;
  assert.ok(!station.includes('NotifyPeriodicEventStream'), 'a SEND is never answered');
  assert.deepEqual([...HANDLERS_21.keys()].sort(), [...station].sort());
});

test('HANDLERS_21 shares the 2.0.1 answers rather than copying them', () => {
  for (const [action, handler] of HANDLERS_201) assert.equal(HANDLERS_21.get(action), handler, action);
});

test('the 2.0.1 answers also pass the 2.1 response schemas', () => {
  for (const action of HANDLERS_201.keys()) {
    const sample = SAMPLES_201[action] as JsonObject | undefined;
    assert.ok(sample !== undefined, `no sample request for ${action}`);
    ask(action, sample);
  }
});

test('every action new in 2.1 gets a schema-valid answer', () => {
  const newActions = actionsOf('2.1').station.filter((action) => !HANDLERS_201.has(action));
  assert.equal(newActions.length, 11);
  for (const action of newActions) {
    const sample = SAMPLES_21_NEW[action];
    assert.ok(sample !== undefined, `no sample request for ${action}`);
    ask(action, sample);
  }
});

test('notices and the battery swap are acknowledged with an empty answer', () => {
  for (const action of ['BatterySwap', 'ClosePeriodicEventStream', 'NotifyDERAlarm', 'NotifyDERStartStop', 'NotifyPriorityCharging', 'NotifySettlement', 'ReportDERControl']) {
    assert.deepEqual(ask(action, SAMPLES_21_NEW[action] as JsonObject), {}, action);
  }
});

test('OpenPeriodicEventStream is accepted', () => {
  assert.deepEqual(ask('OpenPeriodicEventStream', SAMPLES_21_NEW.OpenPeriodicEventStream as JsonObject), { status: 'Accepted' });
});

test('GetCertificateChainStatus fails every certificate, echoing its hash and source', () => {
  const answer = ask('GetCertificateChainStatus', SAMPLES_21_NEW.GetCertificateChainStatus as JsonObject);
  const statuses = answer.certificateStatus as { status: string; source: string; certificateHashData: { serialNumber: string } }[];
  assert.deepEqual(statuses.map((s) => [s.status, s.source, s.certificateHashData.serialNumber]), [
    ['Failed', 'OCSP', '1f'],
    ['Failed', 'CRL', '2e'],
  ]);
});

test('PullDynamicScheduleUpdate is rejected: this CSMS holds no dynamic profile', () => {
  const answer = ask('PullDynamicScheduleUpdate', { chargingProfileId: 5 });
  assert.equal(answer.status, 'Rejected');
  assert.equal(answer.scheduleUpdate, undefined);
});

test('VatNumberValidation echoes the number and EVSE, and judges the format', () => {
  assert.deepEqual(ask('VatNumberValidation', { vatNumber: 'NL123456789B01', evseId: 1 }), { vatNumber: 'NL123456789B01', evseId: 1, status: 'Accepted' });
  assert.deepEqual(ask('VatNumberValidation', { vatNumber: 'de123456789' }), { vatNumber: 'de123456789', status: 'Accepted' });
  const refused = ask('VatNumberValidation', { vatNumber: '12-34' });
  assert.equal(refused.status, 'Rejected');
  assert.equal(refused.vatNumber, '12-34');
  assert.equal(refused.evseId, undefined);
});
