import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { NeverSent, validatorsFor, type JsonObject } from '../../src/ocpp';
import { Phase, type Connector, type Transaction } from '../../src/station/connector';
import type { Station } from '../../src/station/station';
import { statusOf16, type Version16 } from '../../src/station/version-16';
import { FakeContext, fakeGroup } from '../helpers/fake-transport';
import { Recorder, recordingStation, type Sent } from '../helpers/recording-version';

/**
 * The answers of a 1.6 charge point's version object to CSMS calls, without sockets: every request
 * here passes its 1.6 request schema and every answer its response schema, and what a call asks
 * for beyond its answer (a session started or stopped, a status, a reset) happens only once the
 * answer is on the wire (`afterIncoming`), as OCPP 1.6 §5 orders the messages.
 */
const V16 = validatorsFor('1.6');

/** A 1.6 station with two connectors, booted Accepted, not connected; what it says is recorded. */
function booted(): { s: Station; v: Version16; ctx: FakeContext; rec: Recorder } {
  const ctx = new FakeContext();
  const rec = new Recorder();
  const s = recordingStation(0, 'CP-V16-0001', fakeGroup({ connectors: 2 }), ctx, 7, rec);
  s.link.onResult('BootNotification', { currentTime: '2024-05-01T12:00:00Z', interval: 60, status: 'Accepted' }, null);
  assert.equal(s.booted, true);
  rec.sent.length = 0;
  return { s, v: s.version as Version16, ctx, rec };
}

/** As the session does: request checked, answer checked, then the follow-ups run. */
function ask(s: Station, action: string, payload: JsonObject, rec?: Recorder, before?: (sent: readonly Sent[]) => void): JsonObject {
  const request = V16.request(action);
  const response = V16.response(action);
  assert.ok(request && response, `no schemas for ${action}`);
  assert.ok(request(payload), `${action} request fails its schema: ${JSON.stringify(request.errors)}`);
  const answer = s.version.onIncoming(action, payload);
  assert.ok(answer !== undefined, `${action} answered NotImplemented`);
  assert.ok(response(answer), `${action} answer fails its schema: ${JSON.stringify(response.errors)} in ${JSON.stringify(answer)}`);
  if (rec !== undefined && before !== undefined) before(rec.sent);
  s.version.afterIncoming(action);
  return answer;
}

const statusOf = (s: Station, action: string, payload: JsonObject): unknown => ask(s, action, payload).status;

/** A session started by the CSMS on connector `id`, its StartTransaction answered with transactionId 42. */
function charging(s: Station, id: number): { c: Connector; tx: Transaction } {
  assert.equal(statusOf(s, 'RemoteStartTransaction', { connectorId: id, idTag: 'TAG1' }), 'Accepted');
  const c = s.charging.connectors[id - 1] as Connector;
  assert.equal(c.phase, Phase.Charging);
  const tx = c.tx as Transaction;
  s.link.onResult('StartTransaction', { transactionId: 42, idTagInfo: { status: 'Accepted' } }, tx);
  return { c, tx };
}

function actions(sent: readonly Sent[]): string[] {
  return sent.map((m) => `${m.action}${m.payload.status === undefined ? '' : ` ${String(m.payload.status)}`}`);
}

describe('OCPP 1.6 version object: answers to CSMS-initiated calls', () => {
  it('RemoteStartTransaction (§5.11): Accepted, the StartTransaction only after the answer; busy or unknown Rejected', () => {
    const { s, ctx, rec } = booted();
    const answer = ask(s, 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG1' }, rec, (sent) => assert.equal(sent.length, 0, 'nothing before the answer'));
    assert.equal(answer.status, 'Accepted');
    // No Authorize: AuthorizeRemoteTxRequests is false.
    assert.deepEqual(actions(rec.sent), ['StatusNotification Preparing', 'StartTransaction', 'StatusNotification Charging']);
    assert.equal(ctx.counts.get('remoteStarts'), 1);
    assert.equal(statusOf(s, 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG2' }), 'Rejected', 'busy');
    assert.equal(statusOf(s, 'RemoteStartTransaction', { connectorId: 3, idTag: 'TAG2' }), 'Rejected', 'no connector 3');
    assert.equal(statusOf(s, 'RemoteStartTransaction', { idTag: 'TAG2' }), 'Accepted', 'connector 2 is free');
    assert.equal((s.charging.connectors[1] as Connector).phase, Phase.Charging);
  });

  it('RemoteStopTransaction (§5.12): the CSMS id of a running transaction Accepted, the stop after the answer', () => {
    const { s, ctx, rec } = booted();
    const { c, tx } = charging(s, 1);
    rec.sent.length = 0;
    assert.equal(statusOf(s, 'RemoteStopTransaction', { transactionId: 41 }), 'Rejected');
    ask(s, 'RemoteStopTransaction', { transactionId: 42 }, rec, (sent) => assert.equal(sent.length, 0));
    assert.equal(tx.ended, true);
    assert.equal(c.phase, Phase.Idle);
    assert.equal(ctx.counts.get('remoteStops'), 1);
    const stop = rec.sent.find((m) => m.action === 'StopTransaction');
    assert.equal(stop?.payload.reason, 'Remote');
    assert.deepEqual(actions(rec.sent), ['StopTransaction', 'StatusNotification Finishing', 'StatusNotification Available']);
    assert.equal(statusOf(s, 'RemoteStopTransaction', { transactionId: 42 }), 'Rejected', 'already stopped');
  });

  it('ChangeConfiguration and GetConfiguration (§5.3, §5.8): a new HeartbeatInterval is read back and applied', () => {
    const { s } = booted();
    assert.equal(statusOf(s, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '30' }), 'Accepted');
    assert.equal(s.link.heartbeatIntervalMs, 30_000);
    assert.equal(statusOf(s, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '-1' }), 'Rejected');
    assert.equal(statusOf(s, 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '4' }), 'Rejected', 'read-only');
    assert.equal(statusOf(s, 'ChangeConfiguration', { key: 'NoSuchKey', value: '1' }), 'NotSupported');
    const got = ask(s, 'GetConfiguration', { key: ['HeartbeatInterval', 'NumberOfConnectors', 'NoSuchKey'] });
    assert.deepEqual(got, {
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '30' },
        { key: 'NumberOfConnectors', readonly: true, value: '2' },
      ],
      unknownKey: ['NoSuchKey'],
    });
  });

  it('TriggerMessage (§5.17): the triggered message follows the answer; unknown message NotImplemented, connector out of range Rejected', () => {
    const { s, rec } = booted();
    ask(s, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 2 }, rec, (sent) => assert.equal(sent.length, 0));
    assert.deepEqual(rec.sent.map((m) => [m.action, m.payload.connectorId, m.payload.status]), [['StatusNotification', 2, 'Available']]);
    rec.sent.length = 0;
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), 'Accepted');
    assert.deepEqual(actions(rec.sent), ['Heartbeat']);
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 3 }), 'Rejected');
    // MeterValues for a running transaction is a transaction message, queued.
    const { c } = charging(s, 1);
    rec.sent.length = 0;
    assert.equal(statusOf(s, 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 }), 'Accepted');
    assert.deepEqual(rec.sent.map((m) => [m.way, m.action, m.connector]), [['queue', 'MeterValues', c.id]]);
  });

  it('ChangeAvailability (§5.2): an idle connector Inoperative at once (Unavailable follows), a busy one Scheduled', () => {
    const { s, rec } = booted();
    charging(s, 1);
    rec.sent.length = 0;
    assert.equal(statusOf(s, 'ChangeAvailability', { connectorId: 0, type: 'Inoperative' }), 'Scheduled');
    assert.deepEqual(rec.sent.map((m) => [m.payload.connectorId, m.payload.status]), [[2, 'Unavailable']]);
    assert.equal(statusOf16(s.charging.connectors[0] as Connector), 'Charging', 'still charging');
    assert.equal(statusOf(s, 'ChangeAvailability', { connectorId: 5, type: 'Operative' }), 'Rejected');
  });

  it('Reset (§5.13): Accepted; the station stops its transactions and reboots after the answer', () => {
    const { s, ctx, rec } = booted();
    const { tx } = charging(s, 1);
    rec.sent.length = 0;
    ask(s, 'Reset', { type: 'Soft' }, rec, (sent) => assert.equal(sent.length, 0));
    assert.equal(ctx.counts.get('resets'), 1);
    assert.equal(tx.ended, true);
    assert.equal(rec.sent.find((m) => m.action === 'StopTransaction')?.payload.reason, 'SoftReset');
  });

  it('UnlockConnector stops a running transaction first; charging profiles set and clear a limit', () => {
    const { s } = booted();
    const { c, tx } = charging(s, 1);
    const profile = (purpose: string): JsonObject => ({
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: purpose,
      chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    });
    assert.equal(statusOf(s, 'SetChargingProfile', { connectorId: 2, csChargingProfiles: profile('TxProfile') }), 'Rejected', 'no transaction there');
    assert.equal(statusOf(s, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: profile('TxProfile') }), 'Accepted');
    assert.equal(c.limitW, 16 * 230 * 3);
    assert.equal(statusOf(s, 'ClearChargingProfile', { connectorId: 1 }), 'Accepted');
    assert.equal(statusOf(s, 'ClearChargingProfile', { connectorId: 1 }), 'Unknown', 'nothing left to clear');
    assert.equal(statusOf(s, 'UnlockConnector', { connectorId: 1 }), 'Unlocked');
    assert.equal(tx.ended, true);
    assert.equal(statusOf(s, 'UnlockConnector', { connectorId: 3 }), 'NotSupported');
    assert.equal(s.version.onIncoming('GetDiagnostics', { location: 'ftp://x' }), undefined, 'NotImplemented');
  });
});

describe('OCPP 1.6 version object: what leaves the queue', () => {
  it('a MeterValues or StopTransaction takes the CSMS transaction id as it leaves, and is dropped without one', () => {
    const { s, ctx } = booted();
    const c = s.charging.connectors[0] as Connector;
    assert.equal(statusOf(s, 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG1' }), 'Accepted');
    const tx = c.tx as Transaction;
    const meter: JsonObject = { connectorId: 1, transactionId: 0, meterValue: [] };
    assert.equal(s.version.beforeSend('MeterValues', meter, tx), NeverSent.NoTransactionId);
    assert.equal(ctx.counts.get('droppedNoTransactionId'), 1);
    assert.equal(s.version.beforeSend('MeterValues', meter, null), true, 'a triggered MeterValues outside a transaction goes as it is');
    s.link.onResult('StartTransaction', { transactionId: 42, idTagInfo: { status: 'Accepted' } }, tx);
    assert.equal(s.version.beforeSend('StopTransaction', meter, tx), true);
    assert.equal(meter.transactionId, 42);
    assert.equal(s.version.isTransactionMessage('MeterValues', tx), true);
    assert.equal(s.version.isTransactionMessage('MeterValues', null), false);
  });

  it('a StartTransaction answered Invalid stops the transaction (StopTransactionOnInvalidId, DeAuthorized)', () => {
    const { s, rec } = booted();
    assert.equal(statusOf(s, 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG1' }), 'Accepted');
    const tx = (s.charging.connectors[0] as Connector).tx as Transaction;
    s.link.onResult('StartTransaction', { transactionId: 43, idTagInfo: { status: 'Invalid' } }, tx);
    assert.equal(tx.ended, true);
    assert.equal(rec.sent.find((m) => m.action === 'StopTransaction')?.payload.reason, 'DeAuthorized');
  });
});
