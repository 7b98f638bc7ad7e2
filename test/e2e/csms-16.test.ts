import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import { assertAnsweredNow, BareStation } from '../helpers/csms-client';
import { SAMPLES_16 } from '../helpers/csms-samples';

/** The embedded CSMS answering an OCPP 1.6J station written by hand (OCPP-J 1.6, OCPP 1.6 §4). */
describe('embedded CSMS, OCPP 1.6J', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  let station: BareStation;
  /** What this file sent, by action: the CSMS's stats must say the same. */
  const sent: Record<string, number> = {};

  async function result(action: string, payload: unknown): Promise<Record<string, unknown>> {
    sent[action] = (sent[action] ?? 0) + 1;
    return station.result(action, payload);
  }

  async function callError(action: string, payload: unknown): Promise<unknown[]> {
    sent[action] = (sent[action] ?? 0) + 1;
    const frame = await station.call(action, payload);
    assert.equal(frame[0], 4, `${action} should get a CALLERROR, got ${JSON.stringify(frame)}`);
    return frame;
  }

  before(async () => {
    csms = await startCsmsServer({ port: 0, heartbeatIntervalS: 30 });
    station = await BareStation.connect(csms.url, 'CP16-A', 'ocpp1.6');
  });

  after(async () => {
    await station?.close();
    await csms?.close();
  });

  it('negotiates ocpp1.6', () => {
    assert.equal(station.protocol, 'ocpp1.6');
  });

  it('answers BootNotification Accepted with the configured interval and the current time', async () => {
    const sentAt = Date.now();
    const answer = await result('BootNotification', SAMPLES_16.BootNotification);
    assert.equal(answer.status, 'Accepted');
    assert.equal(answer.interval, 30);
    assertAnsweredNow(answer.currentTime, sentAt);
  });

  it('answers Heartbeat with the current time', async () => {
    const sentAt = Date.now();
    const answer = await result('Heartbeat', {});
    assertAnsweredNow(answer.currentTime, sentAt);
  });

  it('accepts an ordinary tag and refuses one starting with INVALID', async () => {
    assert.deepEqual(await result('Authorize', { idTag: 'TAG-OK' }), { idTagInfo: { status: 'Accepted' } });
    assert.deepEqual(await result('Authorize', { idTag: 'INVALID-1' }), { idTagInfo: { status: 'Invalid' } });
  });

  it('assigns unique, increasing integer transaction ids and stops them', async () => {
    const first = await result('StartTransaction', SAMPLES_16.StartTransaction);
    const second = await result('StartTransaction', { ...SAMPLES_16.StartTransaction, connectorId: 2 });
    assert.ok(Number.isInteger(first.transactionId) && Number.isInteger(second.transactionId));
    assert.ok((second.transactionId as number) > (first.transactionId as number));
    assert.deepEqual(first.idTagInfo, { status: 'Accepted' });

    const stop = await result('StopTransaction', { ...SAMPLES_16.StopTransaction, transactionId: first.transactionId });
    assert.deepEqual(stop, { idTagInfo: { status: 'Accepted' } });
    const { idTag: _unused, ...withoutTag } = SAMPLES_16.StopTransaction as Record<string, unknown>;
    assert.deepEqual(await result('StopTransaction', { ...withoutTag, transactionId: second.transactionId }), {});
    // The same stop again, as a station replaying its queue after a reboot would.
    await result('StopTransaction', { ...withoutTag, transactionId: second.transactionId });

    const tx = csms.stats().transactions;
    assert.deepEqual(
      { started: tx.started, stopped: tx.stopped, active: tx.active, duplicates: tx.duplicates },
      { started: 2, stopped: 2, active: 0, duplicates: 1 },
    );
  });

  it('gives a refused tag a transaction id all the same, with status Invalid', async () => {
    const answer = await result('StartTransaction', { ...SAMPLES_16.StartTransaction, idTag: 'INVALID-2' });
    assert.ok(Number.isInteger(answer.transactionId));
    assert.deepEqual(answer.idTagInfo, { status: 'Invalid' });
  });

  it('accepts DataTransfer for vendor ocpp-fleet (echoing data) and not for others', async () => {
    assert.deepEqual(await result('DataTransfer', { vendorId: 'ocpp-fleet', data: 'x' }), { status: 'Accepted', data: 'x' });
    assert.deepEqual(await result('DataTransfer', { vendorId: 'acme' }), { status: 'UnknownVendorId' });
  });

  it('answers the notifications with an empty object', async () => {
    for (const action of ['MeterValues', 'StatusNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification']) {
      assert.deepEqual(await result(action, SAMPLES_16[action]), {}, action);
    }
  });

  it('answers malformed frames with FormationViolation (OCPP-J 1.6 §4.2.3)', async () => {
    station.send('this is not json');
    assert.deepEqual((await station.nextFrame()).slice(0, 3), [4, '-1', 'FormationViolation']);
    station.send('[2,"m1","Heartbeat"]');
    assert.deepEqual((await station.nextFrame()).slice(0, 3), [4, 'm1', 'FormationViolation']);
    station.send('[2,"m2","Heartbeat",[]]');
    assert.deepEqual((await station.nextFrame()).slice(0, 3), [4, 'm2', 'FormationViolation']);
  });

  it('answers a schema-invalid payload with a CALLERROR naming the field', async () => {
    const missing = await callError('BootNotification', { chargePointVendor: 'x' });
    assert.equal(missing[2], 'OccurenceConstraintViolation');
    assert.match(String(missing[3]), /chargePointModel/);
    const wrongType = await callError('StartTransaction', { ...SAMPLES_16.StartTransaction, connectorId: 'one' });
    assert.equal(wrongType[2], 'TypeConstraintViolation');
  });

  it('answers an unknown action, or one only a CSMS sends, with NotImplemented', async () => {
    assert.equal((await callError('FlyToTheMoon', {}))[2], 'NotImplemented');
    assert.equal((await callError('Reset', { type: 'Soft' }))[2], 'NotImplemented');
  });

  it('counts exactly what was sent, answered and refused', async () => {
    const stats = csms.stats();
    const received = Object.fromEntries(Object.entries(stats.incoming).map(([a, n]) => [a === '(unknown)' ? 'FlyToTheMoon' : a, n.received]));
    assert.deepEqual(received, sent);
    assert.deepEqual(stats.incoming.BootNotification, { received: 2, answered: 1, callErrors: 1 });
    assert.deepEqual(stats.incoming.StartTransaction, { received: 4, answered: 3, callErrors: 1 });
    assert.deepEqual(stats.callErrorsSent, { malformedFrame: 3, invalidPayload: 2, notImplemented: 2, internalError: 0 });
    assert.equal(stats.malformedFrames, 3);
    assert.equal(stats.boots.accepted, 1);
    assert.equal(stats.invalidTagsAnswered, 2);
    assert.deepEqual(stats.connections.byVersion['1.6'], { now: 1, accepted: 1 });
    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    assert.equal(stats.incomingTotal.received, total);
    assert.equal(stats.incomingTotal.answered + stats.incomingTotal.callErrors, total);
  });
});
