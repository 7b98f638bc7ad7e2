import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import { assertAnsweredNow, BareStation } from '../helpers/csms-client';
import { SAMPLES_201, txEvent } from '../helpers/csms-samples';

/** The embedded CSMS answering an OCPP 2.0.1 station written by hand (OCPP 2.0.1 Part 2 and Part 4). */
describe('embedded CSMS, OCPP 2.0.1', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  let station: BareStation;

  before(async () => {
    csms = await startCsmsServer({ port: 0, heartbeatIntervalS: 45 });
    station = await BareStation.connect(csms.url, 'CP201-A', 'ocpp2.0.1');
  });

  after(async () => {
    await station?.close();
    await csms?.close();
  });

  it('negotiates ocpp2.0.1', () => {
    assert.equal(station.protocol, 'ocpp2.0.1');
  });

  it('answers BootNotification Accepted with the configured interval', async () => {
    const sentAt = Date.now();
    const answer = await station.result('BootNotification', SAMPLES_201.BootNotification);
    assert.equal(answer.status, 'Accepted');
    assert.equal(answer.interval, 45);
    assertAnsweredNow(answer.currentTime, sentAt);
  });

  it('answers Authorize with idTokenInfo, Invalid for INVALID tokens', async () => {
    const ok = await station.result('Authorize', { idToken: { idToken: 'TAG-9', type: 'ISO14443' } });
    assert.deepEqual(ok, { idTokenInfo: { status: 'Accepted' } });
    const refused = await station.result('Authorize', { idToken: { idToken: 'INVALID-9', type: 'ISO14443' } });
    assert.deepEqual(refused, { idTokenInfo: { status: 'Invalid' } });
  });

  it('tracks a transaction by its id and seqNo: gaps, a late fill, duplicates, the end', async () => {
    const started = await station.result('TransactionEvent', txEvent('tx-A', 'Started', 0, 'TAG-9'));
    assert.deepEqual(started, { idTokenInfo: { status: 'Accepted' } });
    assert.deepEqual(await station.result('TransactionEvent', txEvent('tx-A', 'Updated', 1)), {});
    await station.result('TransactionEvent', txEvent('tx-A', 'Updated', 4));
    let tx = csms.stats().transactions;
    assert.equal(tx.seqNoGaps, 2, 'seqNo 2 and 3 are missing');
    assert.equal(tx.active, 1);

    await station.result('TransactionEvent', txEvent('tx-A', 'Updated', 4));
    await station.result('TransactionEvent', txEvent('tx-A', 'Updated', 2));
    tx = csms.stats().transactions;
    assert.equal(tx.duplicates, 1);
    assert.equal(tx.seqNoGaps, 1, 'the late seqNo 2 takes its gap back');

    await station.result('TransactionEvent', txEvent('tx-A', 'Ended', 5));
    tx = csms.stats().transactions;
    assert.deepEqual(
      { started: tx.started, stopped: tx.stopped, active: tx.active, seqNoGaps: tx.seqNoGaps, duplicates: tx.duplicates },
      { started: 1, stopped: 1, active: 0, seqNoGaps: 1, duplicates: 1 },
    );
  });

  it('counts an event for a transaction it never saw start as unknown', async () => {
    await station.result('TransactionEvent', txEvent('tx-ghost', 'Updated', 7));
    assert.equal(csms.stats().transactions.unknown, 1);
  });

  it('answers DataTransfer Accepted only for vendor ocpp-fleet', async () => {
    assert.deepEqual(await station.result('DataTransfer', { vendorId: 'ocpp-fleet', data: { n: 1 } }), { status: 'Accepted', data: { n: 1 } });
    assert.deepEqual(await station.result('DataTransfer', { vendorId: 'acme' }), { status: 'UnknownVendorId' });
  });

  it('answers the reports and notifications', async () => {
    for (const action of ['StatusNotification', 'MeterValues', 'NotifyReport', 'NotifyEvent', 'SecurityEventNotification', 'LogStatusNotification']) {
      assert.deepEqual(await station.result(action, SAMPLES_201[action]), {}, action);
    }
  });

  it('answers malformed frames with the 2.0.1 codes (Part 4 §4.2.3)', async () => {
    station.send('{"not":"an array"}');
    assert.deepEqual((await station.nextFrame()).slice(0, 3), [4, '-1', 'RpcFrameworkError']);
    station.send('[2,"m1","Heartbeat",42]');
    assert.deepEqual((await station.nextFrame()).slice(0, 3), [4, 'm1', 'FormatViolation']);
    station.send('[7,"m2","Heartbeat",{}]');
    assert.deepEqual((await station.nextFrame()).slice(0, 3), [4, 'm2', 'MessageTypeNotSupported']);
  });

  it('answers a schema-invalid payload with a CALLERROR', async () => {
    const frame = await station.call('TransactionEvent', { ...txEvent('tx-B', 'Started', 0), seqNo: 'zero' });
    assert.equal(frame[0], 4);
    assert.equal(frame[2], 'TypeConstraintViolation');
    assert.match(String(frame[3]), /seqNo/);
  });

  it('answers an unknown action with NotImplemented', async () => {
    // StartTransaction is 1.6 only: on a 2.0.1 connection it is not an action at all.
    const frame = await station.call('StartTransaction', { connectorId: 1 });
    assert.equal(frame[0], 4);
    assert.equal(frame[2], 'NotImplemented');
  });

  it('counts per action and per version', () => {
    const stats = csms.stats();
    assert.deepEqual(stats.incoming.TransactionEvent, { received: 8, answered: 7, callErrors: 1 });
    assert.deepEqual(stats.incoming.StartTransaction, { received: 1, answered: 0, callErrors: 1 });
    assert.deepEqual(stats.callErrorsSent, { malformedFrame: 3, invalidPayload: 1, notImplemented: 1, internalError: 0 });
    assert.deepEqual(stats.connections.byVersion['2.0.1'], { now: 1, accepted: 1 });
    assert.deepEqual(stats.connections.byVersion['1.6'], { now: 0, accepted: 0 });
    assert.equal(stats.invalidTagsAnswered, 1);
  });
});
