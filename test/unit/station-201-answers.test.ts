import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { validatorsFor, type JsonObject } from '../../src/ocpp';
import { Phase, type Connector } from '../../src/station/connector';
import type { StationGroup } from '../../src/station/group';
import { handleIncoming201 } from '../../src/station/incoming-201';
import { Station } from '../../src/station/station';
import { statusOf201, Version201 } from '../../src/station/version-201';
import { FakeContext } from '../helpers/fake-transport';

/**
 * The answers of a 2.0.1 station to CSMS calls, checked against the official schemas both ways:
 * every request here passes its request schema, every answer its response schema.
 */
const V201 = validatorsFor('2.0.1');
const POWER_W = 22_000;

const GROUP: StationGroup = {
  index: 0,
  name: 'test',
  version: '2.0.1',
  connectors: 2,
  vendor: 'Acme',
  model: 'Sim-1',
  firmware: '1.0.0',
  heartbeatIntervalMs: undefined,
  callTimeoutMs: 30_000,
  reconnect: { minMs: 1_000, maxMs: 30_000, jitter: 0.5 },
  sessions: { meanIdleMs: 600_000, durationMs: 3_600_000, meterIntervalMs: 60_000, powerW: POWER_W, invalidTagShare: 0 },
};

/** A station booted Accepted with a 60 s interval, not connected (its calls wait in the queue). */
function bootedStation(): { s: Version201; ctx: FakeContext } {
  const ctx = new FakeContext();
  let s: Version201 | undefined;
  const station = new Station(0, 'CS-TEST-0001', GROUP, ctx, 42, (st) => (s = new Version201(st, st.link)));
  station.link.onResult('BootNotification', { currentTime: '2024-05-01T12:00:00Z', interval: 60, status: 'Accepted' }, null);
  assert.equal(station.booted, true);
  assert.ok(s !== undefined);
  return { s, ctx };
}

/** As the session does: the request must pass its schema, the answer too, then follow-ups run. */
function ask(s: Version201, action: string, payload: JsonObject): JsonObject {
  const request = V201.request(action);
  const response = V201.response(action);
  assert.ok(request && response, `no schemas for ${action}`);
  assert.ok(request(payload), `${action} request fails its schema: ${JSON.stringify(request.errors)}`);
  const answer = handleIncoming201(s, action, payload);
  assert.ok(answer !== undefined, `${action} answered NotImplemented`);
  assert.ok(response(answer), `${action} answer fails its schema: ${JSON.stringify(response.errors)} in ${JSON.stringify(answer)}`);
  s.afterIncoming(action);
  return answer;
}

function statusOf(s: Version201, action: string, payload: JsonObject): unknown {
  return ask(s, action, payload).status;
}

const TOKEN = { idToken: 'TAG0001', type: 'ISO14443' };

/** Start a session on EVSE `evseId` by remote start and return its connector. */
function charging(s: Version201, evseId: number): Connector {
  assert.equal(statusOf(s, 'RequestStartTransaction', { evseId, remoteStartId: 7, idToken: TOKEN }), 'Accepted');
  const c = s.station.charging.connectors[evseId - 1] as Connector;
  assert.equal(c.phase, Phase.Charging);
  return c;
}

function txId(c: Connector): string {
  assert.ok(c.tx !== null);
  return c.tx.localId;
}

function profile(purpose: string, unit: 'W' | 'A', limit: number, transactionId?: string): JsonObject {
  return {
    id: 1,
    stackLevel: 0,
    chargingProfilePurpose: purpose,
    chargingProfileKind: 'Relative',
    ...(transactionId !== undefined ? { transactionId } : {}),
    chargingSchedule: [{ id: 1, chargingRateUnit: unit, chargingSchedulePeriod: [{ startPeriod: 0, limit }] }],
  };
}

describe('OCPP 2.0.1 answers to CSMS-initiated calls', () => {
  it('RequestStartTransaction (F01/F02): Accepted starts a remote session, busy or unknown EVSE Rejected', () => {
    const { s, ctx } = bootedStation();
    const c = charging(s, 1);
    assert.equal(c.tx?.remoteStartId, 7);
    assert.equal(ctx.counts.get('remoteStarts'), 1);
    assert.equal(statusOf(s, 'RequestStartTransaction', { evseId: 1, remoteStartId: 8, idToken: TOKEN }), 'Rejected');
    assert.equal(statusOf(s, 'RequestStartTransaction', { evseId: 9, remoteStartId: 9, idToken: TOKEN }), 'Rejected');
    assert.equal(statusOf(s, 'RequestStartTransaction', { remoteStartId: 10, idToken: TOKEN }), 'Accepted', 'EVSE 2 is free');
  });

  it('RequestStopTransaction (F03): Accepted stops it after the answer; unknown or ended Rejected', () => {
    const { s, ctx } = bootedStation();
    const c = charging(s, 1);
    const id = txId(c);
    assert.equal(statusOf(s, 'RequestStopTransaction', { transactionId: id }), 'Accepted');
    assert.equal(c.tx?.ended, true);
    assert.equal(c.phase, Phase.Idle);
    assert.equal(ctx.counts.get('remoteStops'), 1);
    assert.equal(statusOf(s, 'RequestStopTransaction', { transactionId: id }), 'Rejected');
    assert.equal(statusOf(s, 'RequestStopTransaction', { transactionId: 'nope' }), 'Rejected');
  });

  it('Reset (B11/B12): per-EVSE Rejected, Immediate Accepted, OnIdle Scheduled until the last transaction ends', async () => {
    const { s, ctx } = bootedStation();
    assert.equal(statusOf(s, 'Reset', { type: 'Immediate', evseId: 1 }), 'Rejected');
    assert.equal(ctx.counts.get('resets'), undefined);
    const c = charging(s, 1);
    assert.equal(statusOf(s, 'Reset', { type: 'OnIdle' }), 'Scheduled');
    await Promise.resolve();
    assert.equal(ctx.counts.get('resets'), undefined, 'no reset while the transaction runs');
    assert.equal(statusOf(s, 'RequestStopTransaction', { transactionId: txId(c) }), 'Accepted');
    await Promise.resolve();
    assert.equal(ctx.counts.get('resets'), 1, 'reset once idle');

    const other = bootedStation();
    assert.equal(statusOf(other.s, 'Reset', { type: 'OnIdle' }), 'Accepted', 'idle: at once');
    assert.equal(other.ctx.counts.get('resets'), 1);
    charging(other.s, 2);
    assert.equal(statusOf(other.s, 'Reset', { type: 'Immediate' }), 'Accepted');
    assert.equal(other.ctx.counts.get('resets'), 2);
    assert.equal(other.s.station.charging.hasOpenTransactions, false, 'Immediate stops transactions');
  });

  it('ChangeAvailability (G03/G04): idle EVSE Accepted, busy one Scheduled, unknown Rejected', () => {
    const { s, ctx } = bootedStation();
    const c1 = charging(s, 1);
    const c2 = s.station.charging.connectors[1] as Connector;
    assert.equal(statusOf(s, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } }), 'Accepted');
    assert.equal(c2.operative, false);
    assert.equal(statusOf201(c2), 'Unavailable');
    assert.equal(statusOf(s, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } }), 'Scheduled');
    assert.equal(statusOf201(c1), 'Occupied', 'still charging');
    assert.equal(statusOf(s, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 5 } }), 'Rejected');
    assert.equal(statusOf(s, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2, connectorId: 2 } }), 'Rejected');
    const before = ctx.scheduled.length;
    assert.equal(statusOf(s, 'ChangeAvailability', { operationalStatus: 'Operative' }), 'Accepted');
    assert.equal(c2.operative, true);
    assert.ok(ctx.scheduled.length > before, 'the idle EVSE takes vehicles again');
  });

  it('GetVariables (B06): one result per item, each with its own status', () => {
    const { s } = bootedStation();
    const items = [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { component: { name: 'chargingstation' }, variable: { name: 'model' } },
      { component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage', instance: 'GetVariables' } },
      { component: { name: 'NoSuchCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'MaxSet' },
    ];
    const results = ask(s, 'GetVariables', { getVariableData: items }).getVariableResult as JsonObject[];
    assert.deepEqual(
      results.map((r) => [r.attributeStatus, r.attributeValue]),
      [['Accepted', '60'], ['Accepted', 'Sim-1'], ['Accepted', '64'], ['UnknownComponent', undefined], ['UnknownVariable', undefined], ['NotSupportedAttributeType', undefined]],
    );
  });

  it('SetVariables (B05): writable values apply, read-only and bad integers Rejected', () => {
    const { s } = bootedStation();
    const set = (component: string, variable: string, attributeValue: string, attributeType?: string): unknown => {
      const item = { component: { name: component }, variable: { name: variable }, attributeValue, ...(attributeType ? { attributeType } : {}) };
      const results = ask(s, 'SetVariables', { setVariableData: [item] }).setVariableResult as JsonObject[];
      return results[0]?.attributeStatus;
    };
    assert.equal(set('OCPPCommCtrlr', 'HeartbeatInterval', '30'), 'Accepted');
    assert.equal(s.station.link.heartbeatIntervalMs, 30_000, 'seconds on the wire, ms inside');
    assert.equal(set('OCPPCommCtrlr', 'HeartbeatInterval', '0'), 'Rejected');
    assert.equal(set('OCPPCommCtrlr', 'HeartbeatInterval', '1.5'), 'Rejected');
    assert.equal(set('SampledDataCtrlr', 'TxUpdatedInterval', '15'), 'Accepted');
    assert.equal(set('SampledDataCtrlr', 'TxUpdatedInterval', 'soon'), 'Rejected');
    assert.equal(set('ChargingStation', 'Model', 'X'), 'Rejected');
    assert.equal(set('TxCtrlr', 'EVConnectionTimeOut', '90', 'Target'), 'NotSupportedAttributeType');
    assert.equal(set('Nope', 'EVConnectionTimeOut', '90'), 'UnknownComponent');
    const read = ask(s, 'GetVariables', { getVariableData: [{ component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }] });
    assert.equal((read.getVariableResult as JsonObject[])[0]?.attributeValue, '15');
  });

  it('GetBaseReport (B07): Accepted, and the NotifyReport it leads to passes its schema', () => {
    const { s } = bootedStation();
    for (const reportBase of ['FullInventory', 'ConfigurationInventory', 'SummaryInventory']) {
      assert.equal(statusOf(s, 'GetBaseReport', { requestId: 3, reportBase }), 'Accepted');
    }
    const notify = V201.request('NotifyReport');
    assert.ok(notify);
    const report = s.reportPayload(3);
    assert.ok(notify(report), JSON.stringify(notify.errors));
    const heartbeat = (report.reportData as JsonObject[]).find((d) => (d.variable as JsonObject).name === 'HeartbeatInterval');
    assert.deepEqual(heartbeat?.variableAttribute, [{ type: 'Actual', value: '60', mutability: 'ReadWrite' }]);
  });

  it('TriggerMessage (F06): supported ones Accepted, the rest NotImplemented, unknown EVSE Rejected', () => {
    const { s } = bootedStation();
    for (const requestedMessage of ['Heartbeat', 'StatusNotification', 'MeterValues', 'FirmwareStatusNotification', 'LogStatusNotification']) {
      assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage }), 'Accepted', requestedMessage);
    }
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'SignV2GCertificate' }), 'NotImplemented');
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 9 } }), 'Rejected');
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'BootNotification' }), 'Rejected', 'F06.FR.17: already accepted');
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'TransactionEvent' }), 'Rejected', 'no transaction');
    charging(s, 2);
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 2 } }), 'Accepted');
  });

  it('UnlockConnector (F05): UnknownConnector, OngoingAuthorizedTransaction, Unlocked', () => {
    const { s } = bootedStation();
    charging(s, 1);
    assert.equal(statusOf(s, 'UnlockConnector', { evseId: 9, connectorId: 1 }), 'UnknownConnector');
    assert.equal(statusOf(s, 'UnlockConnector', { evseId: 2, connectorId: 2 }), 'UnknownConnector');
    assert.equal(statusOf(s, 'UnlockConnector', { evseId: 1, connectorId: 1 }), 'OngoingAuthorizedTransaction');
    assert.equal(statusOf(s, 'UnlockConnector', { evseId: 2, connectorId: 1 }), 'Unlocked');
  });

  it('DataTransfer: UnknownVendorId', () => {
    const { s } = bootedStation();
    assert.equal(statusOf(s, 'DataTransfer', { vendorId: 'com.example', messageId: 'x', data: 'y' }), 'UnknownVendorId');
  });

  it('SetChargingProfile (K01) and ClearChargingProfile (K10): limits in W, the running session obeys', () => {
    const { s } = bootedStation();
    const [c1, c2] = s.station.charging.connectors as [Connector, Connector];
    assert.equal(statusOf(s, 'ClearChargingProfile', {}), 'Unknown', 'nothing to clear');
    // 16 A on three phases at 230 V = 11,040 W, for each EVSE.
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 0, chargingProfile: profile('TxDefaultProfile', 'A', 16) }), 'Accepted');
    assert.equal(c1.limitW, 11_040);
    assert.equal(c2.limitW, 11_040);
    // A station maximum is shared by its two EVSEs.
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 0, chargingProfile: profile('ChargingStationMaxProfile', 'W', 22_000) }), 'Accepted');
    assert.equal(c1.limitW, 11_000);
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 1, chargingProfile: profile('ChargingStationMaxProfile', 'W', 5_000) }), 'Rejected');
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 9, chargingProfile: profile('TxDefaultProfile', 'W', 5_000) }), 'Rejected');
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 0, chargingProfile: profile('TxProfile', 'W', 5_000, 'x') }), 'Rejected');
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 2, chargingProfile: profile('TxProfile', 'W', 5_000, 'x') }), 'Rejected', 'no transaction');
    charging(s, 2);
    assert.equal(c2.powerW, 11_000, 'starts under the limit');
    assert.equal(statusOf(s, 'SetChargingProfile', { evseId: 2, chargingProfile: profile('TxProfile', 'W', 7_400, txId(c2)) }), 'Accepted');
    assert.equal(c2.powerW, 7_400, 'the running session slows down');
    assert.equal(statusOf(s, 'ClearChargingProfile', { chargingProfileCriteria: { evseId: 2 } }), 'Accepted');
    assert.equal(c2.limitW, undefined);
    assert.equal(c2.powerW, POWER_W);
    assert.equal(c1.limitW, 11_000, 'EVSE 1 untouched');
    assert.equal(statusOf(s, 'ClearChargingProfile', { chargingProfileId: 1 }), 'Accepted');
    assert.equal(statusOf(s, 'ClearChargingProfile', {}), 'Unknown');
  });

  it('GetTransactionStatus (E14): ongoingIndicator only for a named transaction', () => {
    const { s } = bootedStation();
    const c = charging(s, 1);
    const all = ask(s, 'GetTransactionStatus', {});
    assert.equal(all.messagesInQueue, s.hasQueuedMessages);
    assert.equal('ongoingIndicator' in all, false);
    assert.equal(ask(s, 'GetTransactionStatus', { transactionId: txId(c) }).ongoingIndicator, true);
    assert.equal(ask(s, 'GetTransactionStatus', { transactionId: 'unknown' }).ongoingIndicator, false);
  });

  it('CostUpdated (I04): the running cost is taken, with the empty answer its schema defines', () => {
    const { s } = bootedStation();
    const c = charging(s, 1);
    assert.deepEqual(ask(s, 'CostUpdated', { totalCost: 4.2, transactionId: txId(c) }), {});
  });

  it('anything else is NotImplemented, and leaves no follow-up behind', () => {
    const { s } = bootedStation();
    assert.equal(handleIncoming201(s, 'GetLog', { logType: 'DiagnosticsLog', requestId: 1, log: { remoteLocation: 'ftp://x' } }), undefined);
    assert.equal(s.followUp, undefined);
  });
});
