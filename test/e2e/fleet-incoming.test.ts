import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { JsonObject } from '../../src/ocpp';
import type { Summary } from '../../src/report/summary';
import { CallLedger, quiet, received, until } from '../helpers/fleet-incoming';
import { duringRun, runFleet, type FleetResult } from '../helpers/run-fleet';
import { tempDir } from '../helpers/temp-dir';

/**
 * Real parts only: run() in this process runs one 1.6 and one 2.0.1 station against the
 * embedded CSMS in another; the test drives the CSMS's admin API to send every CSMS-initiated call
 * the stations implement, checks each answer (status values exactly) and what the station then
 * does as the CSMS sees it, and at the end checks that the run's summary.json counts what the test
 * caused. Sessions are rare (idle 1 h, seeded) so connectors are idle unless the test starts one.
 */
const SCENARIO = `
name: e2e-incoming
duration: 20s
seed: 11
callTimeout: 5s
gracefulStop: 5s
groups:
  - name: cp16
    count: 1
    ocpp: "1.6"
    connectors: 2
    identity: "INC16-{index:02}"
    heartbeatInterval: 60s
    sessions: { idle: 1h, duration: 10s, meterInterval: 1s }
  - name: cs201
    count: 1
    ocpp: "2.0.1"
    connectors: 2
    identity: "INC201-{index:02}"
    heartbeatInterval: 60s
    sessions: { idle: 1h, duration: 10s, meterInterval: 1s }
`;

/** The run lasts 20 s plus a graceful stop that ends early when idle; past this it is stopped. */
const RUN_DEADLINE_MS = 45_000;

const SCHEDULE_16 = { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] };
const PROFILE_201 = {
  id: 1,
  stackLevel: 0,
  chargingProfileKind: 'Relative',
  chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
};

describe('every CSMS-initiated call is answered as the spec says', { timeout: 58_000 }, () => {
  let csms: EmbeddedCsms;
  let ledger: CallLedger;
  let run: Promise<FleetResult> | undefined;
  const stop = new AbortController();
  let dir = '';
  let out = '';
  let id16 = '';
  let id201 = '';
  /** Counters the fleet must report, as the test causes them. */
  const expected = { remoteStarts: 0, remoteStops: 0, resets: 0, sessionsStarted: 0, sessionsCompleted: 0, reconnects: 0 };

  before(async () => {
    csms = await startEmbeddedCsms({});
    ledger = new CallLedger(csms);
    dir = tempDir('incoming');
    out = join(dir, 'out');
    const file = join(dir, 'incoming.yaml');
    writeFileSync(file, SCENARIO);
    const running = runFleet({ scenario: file, url: csms.url, workers: 1, out, timeoutMs: RUN_DEADLINE_MS, stop: stop.signal });
    run = running;
    // A test that fails before awaiting it must not also report an unhandled rejection.
    running.catch(() => undefined);
    const stations = await duringRun(running, 'both stations connected', async () => {
      const list = await csms.stations();
      return list.length === 2 ? list : undefined;
    });
    id16 = stations.find((s) => s.version === '1.6')?.identity ?? '';
    id201 = stations.find((s) => s.version === '2.0.1')?.identity ?? '';
    assert.deepEqual([id16, id201], ['INC16-01', 'INC201-01']);
    await until(csms, 'both boots to be accepted', (s) => s.boots.accepted === 2);
    await quiet(csms);
  });

  after(async () => {
    // A test failed while the run went on: stop it before its CSMS goes.
    stop.abort();
    await run?.catch(() => undefined);
    await csms?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('OCPP 1.6 charge point (OCPP 1.6 §5)', async () => {
    const id = id16;
    // §5.11 RemoteStartTransaction: accepted, then the station starts the transaction itself.
    let s = await quiet(csms);
    const starts = received(s, 'StartTransaction');
    assert.equal(await ledger.status(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE16' }), 'Accepted');
    expected.remoteStarts++;
    expected.sessionsStarted++;
    s = await until(csms, 'the StartTransaction of the remote start', (x) => received(x, 'StartTransaction') === starts + 1);
    assert.equal(s.transactions.active, 1);
    // The connector is busy now: a second start on it is refused.
    assert.equal(await ledger.status(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE16B' }), 'Rejected');
    // The CSMS numbers 1.6 transactions 1, 2, … as their StartTransaction arrives: ours is the last.
    const txId = s.incoming.StartTransaction?.answered ?? 0;
    assert.ok(txId >= 1);

    // §5.12 RemoteStopTransaction: an id the station does not run is refused; its own is stopped,
    // and the answer goes out before the StopTransaction it leads to.
    assert.equal(await ledger.status(id, 'RemoteStopTransaction', { transactionId: txId + 1000 }), 'Rejected');
    const stops = received(s, 'StopTransaction');
    assert.deepEqual(await ledger.answeredFirst(id, 'stop16', 'RemoteStopTransaction', { transactionId: txId }), { status: 'Accepted' });
    expected.remoteStops++;
    expected.sessionsCompleted++;
    await until(csms, 'the StopTransaction of the remote stop', (x) => received(x, 'StopTransaction') === stops + 1 && x.transactions.active === 0);

    // §5.2 ChangeAvailability: each change is answered, then reported by a StatusNotification.
    s = await quiet(csms);
    const statuses = received(s, 'StatusNotification');
    assert.deepEqual(await ledger.answeredFirst(id, 'ca16', 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' }), { status: 'Accepted' });
    await until(csms, 'the StatusNotification Unavailable', (x) => received(x, 'StatusNotification') === statuses + 1);
    assert.equal(await ledger.status(id, 'ChangeAvailability', { connectorId: 2, type: 'Operative' }), 'Accepted');
    await until(csms, 'the StatusNotification Available', (x) => received(x, 'StatusNotification') === statuses + 2);

    // §5.3 ChangeConfiguration, §5.8 GetConfiguration.
    assert.equal(await ledger.status(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '30' }), 'Accepted');
    assert.equal(await ledger.status(id, 'ChangeConfiguration', { key: 'NoSuchKey', value: '1' }), 'NotSupported');
    assert.equal(await ledger.status(id, 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' }), 'Rejected');
    const all = await ledger.result(id, 'GetConfiguration', {});
    assert.equal(all.unknownKey, undefined);
    const keys = new Map((all.configurationKey as JsonObject[]).map((k) => [k.key as string, k]));
    assert.ok(keys.size >= 5, `${keys.size} keys`);
    assert.deepEqual(keys.get('HeartbeatInterval'), { key: 'HeartbeatInterval', readonly: false, value: '30' });
    assert.deepEqual(keys.get('NumberOfConnectors'), { key: 'NumberOfConnectors', readonly: true, value: '2' });
    assert.deepEqual(await ledger.result(id, 'GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] }), {
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '30' }],
      unknownKey: ['NoSuchKey'],
    });

    // §5.17 TriggerMessage: the triggered Heartbeat follows; a connector that does not exist is refused.
    const beats = received(await csms.stats(), 'Heartbeat');
    assert.equal(await ledger.status(id, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), 'Accepted');
    await until(csms, 'the triggered Heartbeat', (x) => received(x, 'Heartbeat') === beats + 1);
    assert.equal(await ledger.status(id, 'TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 3 }), 'Rejected');

    assert.equal(await ledger.status(id, 'UnlockConnector', { connectorId: 1 }), 'Unlocked');
    assert.equal(await ledger.status(id, 'DataTransfer', { vendorId: 'com.example.nobody' }), 'UnknownVendorId');
    assert.equal(await ledger.status(id, 'ClearCache', {}), 'Accepted');

    // §5.5 / §5.16 charging profiles: nothing to clear, a default profile set and cleared; a
    // TxProfile with no transaction on its connector is refused (compliance case TC_058_1_CS).
    assert.equal(await ledger.status(id, 'ClearChargingProfile', {}), 'Unknown');
    const txDefault = { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: SCHEDULE_16 };
    assert.equal(await ledger.status(id, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txDefault }), 'Accepted');
    const txProfile = { ...txDefault, chargingProfileId: 2, chargingProfilePurpose: 'TxProfile', transactionId: txId };
    assert.equal(await ledger.status(id, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txProfile }), 'Rejected');
    assert.equal(await ledger.status(id, 'ClearChargingProfile', {}), 'Accepted');
    assert.equal(await ledger.status(id, 'ClearChargingProfile', {}), 'Unknown');

    await ledger.notImplemented(id, 'GetDiagnostics', { location: 'ftp://diagnostics.example.com/' });

    // §5.14 Reset: accepted, then the station reboots: a new connection and a new BootNotification.
    s = await quiet(csms);
    assert.equal(await ledger.status(id, 'Reset', { type: 'Soft' }), 'Accepted');
    expected.resets++;
    expected.reconnects++;
    await until(csms, 'the BootNotification after the reset', (x) => x.boots.accepted === s.boots.accepted + 1);
    s = await quiet(csms);
    assert.equal(s.connections.byVersion['1.6'].accepted, 2);
    assert.equal(s.connections.byVersion['1.6'].now, 1);
  });

  test('OCPP 2.0.1 charging station (OCPP 2.0.1 Part 2)', async () => {
    const id = id201;
    // F01/F02 RequestStartTransaction: accepted, then TransactionEvent Started.
    let s = await quiet(csms);
    const started = s.transactions.started;
    const start = { evseId: 1, remoteStartId: 42, idToken: { idToken: 'REMOTE201', type: 'ISO14443' } };
    assert.equal(await ledger.status(id, 'RequestStartTransaction', start), 'Accepted');
    expected.remoteStarts++;
    expected.sessionsStarted++;
    s = await until(csms, 'the TransactionEvent Started', (x) => x.transactions.started === started + 1);
    assert.equal(s.transactions.active, 1);
    assert.equal(await ledger.status(id, 'RequestStartTransaction', { ...start, remoteStartId: 43 }), 'Rejected');

    // E14 GetTransactionStatus. The station names its transactions "<identity>-<n>"; the CSMS does
    // not show ids, and a wrong guess would read ongoingIndicator false here.
    const txId = `${id}-1`;
    const ongoing = await ledger.result(id, 'GetTransactionStatus', { transactionId: txId });
    assert.equal(ongoing.ongoingIndicator, true);
    assert.equal(typeof ongoing.messagesInQueue, 'boolean');

    // F03 RequestStopTransaction: unknown id refused; ours answered, then TransactionEvent Ended.
    assert.equal(await ledger.status(id, 'RequestStopTransaction', { transactionId: 'no-such-transaction' }), 'Rejected');
    const stopped = s.transactions.stopped;
    assert.deepEqual(await ledger.answeredFirst(id, 'stop201', 'RequestStopTransaction', { transactionId: txId }), { status: 'Accepted' });
    expected.remoteStops++;
    expected.sessionsCompleted++;
    await until(csms, 'the TransactionEvent Ended', (x) => x.transactions.stopped === stopped + 1 && x.transactions.active === 0);
    const ended = await ledger.result(id, 'GetTransactionStatus', { transactionId: txId });
    assert.equal(ended.ongoingIndicator, false);

    // G04 ChangeAvailability of an EVSE: answered, then a StatusNotification.
    s = await quiet(csms);
    const statuses = received(s, 'StatusNotification');
    const evse2 = { evse: { id: 2 } };
    assert.deepEqual(await ledger.answeredFirst(id, 'ca201', 'ChangeAvailability', { ...evse2, operationalStatus: 'Inoperative' }), { status: 'Accepted' });
    await until(csms, 'the StatusNotification Unavailable', (x) => received(x, 'StatusNotification') === statuses + 1);
    assert.equal(await ledger.status(id, 'ChangeAvailability', { ...evse2, operationalStatus: 'Operative' }), 'Accepted');
    await until(csms, 'the StatusNotification Available', (x) => received(x, 'StatusNotification') === statuses + 2);

    // B06 GetVariables, B05 SetVariables.
    const heartbeat = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };
    const unknown = { component: { name: 'NoSuchCtrlr' }, variable: { name: 'Anything' } };
    assert.deepEqual(await ledger.result(id, 'GetVariables', { getVariableData: [heartbeat, unknown] }), {
      getVariableResult: [
        { ...heartbeat, attributeStatus: 'Accepted', attributeValue: '60' },
        { ...unknown, attributeStatus: 'UnknownComponent' },
      ],
    });
    assert.deepEqual(await ledger.result(id, 'SetVariables', { setVariableData: [{ ...heartbeat, attributeValue: '30' }] }), {
      setVariableResult: [{ ...heartbeat, attributeStatus: 'Accepted' }],
    });
    const after = await ledger.result(id, 'GetVariables', { getVariableData: [heartbeat] });
    assert.deepEqual(after.getVariableResult, [{ ...heartbeat, attributeStatus: 'Accepted', attributeValue: '30' }]);

    // B07 GetBaseReport: accepted, then a NotifyReport.
    const reports = received(await csms.stats(), 'NotifyReport');
    assert.equal(await ledger.status(id, 'GetBaseReport', { requestId: 7, reportBase: 'FullInventory' }), 'Accepted');
    await until(csms, 'the NotifyReport', (x) => received(x, 'NotifyReport') === reports + 1);

    // F06 TriggerMessage: Heartbeat follows; a message it cannot send is NotImplemented; a boot
    // while accepted is refused (F06.FR.17).
    const beats = received(await csms.stats(), 'Heartbeat');
    assert.equal(await ledger.status(id, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), 'Accepted');
    await until(csms, 'the triggered Heartbeat', (x) => received(x, 'Heartbeat') === beats + 1);
    assert.equal(await ledger.status(id, 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' }), 'NotImplemented');
    assert.equal(await ledger.status(id, 'TriggerMessage', { requestedMessage: 'BootNotification' }), 'Rejected');

    assert.equal(await ledger.status(id, 'UnlockConnector', { evseId: 1, connectorId: 1 }), 'Unlocked');
    assert.equal(await ledger.status(id, 'DataTransfer', { vendorId: 'com.example.nobody' }), 'UnknownVendorId');

    // K01 / K10 charging profiles.
    assert.equal(await ledger.status(id, 'ClearChargingProfile', {}), 'Unknown');
    const txDefault = { ...PROFILE_201, chargingProfilePurpose: 'TxDefaultProfile' };
    assert.equal(await ledger.status(id, 'SetChargingProfile', { evseId: 1, chargingProfile: txDefault }), 'Accepted');
    const txProfile = { ...PROFILE_201, id: 2, chargingProfilePurpose: 'TxProfile', transactionId: txId };
    assert.equal(await ledger.status(id, 'SetChargingProfile', { evseId: 1, chargingProfile: txProfile }), 'Rejected');
    assert.equal(await ledger.status(id, 'ClearChargingProfile', {}), 'Accepted');

    await ledger.notImplemented(id, 'CustomerInformation', { requestId: 1, report: true, clear: false });

    // B11 Reset Immediate: accepted, then a reboot.
    s = await quiet(csms);
    assert.equal(await ledger.status(id, 'Reset', { type: 'Immediate' }), 'Accepted');
    expected.resets++;
    expected.reconnects++;
    await until(csms, 'the BootNotification after the reset', (x) => x.boots.accepted === s.boots.accepted + 1);
    s = await quiet(csms);
    assert.equal(s.connections.byVersion['2.0.1'].accepted, 2);
    assert.equal(s.connections.byVersion['2.0.1'].now, 1);
  });

  test('frames the station cannot take are answered by a CALLERROR (OCPP-J 1.6 §4.2.3, 2.0.1 Part 4 §4.3)', async () => {
    await quiet(csms);
    // RpcFrameworkError: 1.6 has no such code; the protocol layer maps it to FormationViolation.
    for (const [id, code] of [[id16, 'FormationViolation'], [id201, 'RpcFrameworkError']] as const) {
      const notJson = await ledger.raw(id, 'not json', { error: 'malformedFrame' });
      assert.equal(notJson.length, 5, JSON.stringify(notJson));
      assert.deepEqual(notJson.slice(0, 3), [4, '-1', code]);
      const invalid = await ledger.raw(id, '[2,"x1","Reset",{"type":"Sideways"}]', { action: 'Reset', error: 'invalidIncomingPayload' });
      assert.equal(invalid.length, 5, JSON.stringify(invalid));
      assert.deepEqual(invalid.slice(0, 3), [4, 'x1', 'PropertyConstraintViolation']);
      assert.match(String(invalid[3]), /type/);
    }
  });

  test('summary.json counts what the CSMS sent and saw', async () => {
    const r = await (run as Promise<FleetResult>);
    assert.equal(r.exitCode, 0, r.result.reason);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const stats = await csms.stats();
    assert.equal(summary.partial, false);
    assert.deepEqual(summary.fleet, { planned: 2, connected: 2, booted: 2, failedToConnect: 0, notStarted: 0 });

    // Every CSMS-initiated call was received and answered, action by action.
    const incoming = Object.entries(ledger.incoming.toRecord()).map(([a, n]) => [a, { received: n, answered: n }]);
    const counts = Object.entries(summary.incoming).map(([a, i]) => [a, { received: i.received, answered: i.answered }]);
    assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(incoming));
    // Each exchange's frames counted: the CALLs received, the answers sent (a CALLERROR is an answer too).
    for (const [a, i] of Object.entries(summary.incoming)) assert.ok((i.bytes?.received ?? 0) > 0 && (i.bytes?.sent ?? 0) > 0, `${a}: ${JSON.stringify(i.bytes)}`);
    assert.deepEqual(summary.errors, ledger.errors.toRecord());
    // The transaction counters follow the sessions: each started one was stopped and its stop answered.
    const transactions = { transactionsStarted: expected.sessionsStarted, transactionsStopped: expected.sessionsCompleted, stopsAcknowledged: expected.sessionsCompleted };
    assert.deepEqual(summary.counters, { ...expected, ...transactions });
    assert.deepEqual(summary.transactions, { started: expected.sessionsStarted, stopped: expected.sessionsCompleted, stopAcknowledged: expected.sessionsCompleted, openAtEnd: 0 });
    assert.equal(summary.boot.accepted, 4);

    // The CSMS's side of the same calls: sent through its session and all answered.
    assert.deepEqual(Object.keys(stats.outgoing).sort(), Object.keys(ledger.viaCsms.toRecord()));
    for (const [action, n] of Object.entries(ledger.viaCsms.toRecord())) {
      const o = stats.outgoing[action];
      assert.ok(o !== undefined, action);
      assert.deepEqual([o.sent, o.answered + o.callErrors, o.timeouts, o.invalidResponses, o.aborted], [n, n, 0, 0, 0], action);
    }
    assert.equal(stats.outgoing.GetDiagnostics?.callErrors, 1);
    assert.equal(stats.outgoing.CustomerInformation?.callErrors, 1);
    assert.deepEqual(stats.unexpectedAnswers, { unknownMessageId: 0, lateResponse: 0 });

    // What the stations sent is what the CSMS received, action by action.
    const actions = new Set([...Object.keys(summary.actions), ...Object.keys(stats.incoming)]);
    for (const action of actions) {
      const a = summary.actions[action];
      assert.equal(received(stats, action), a === undefined ? 0 : a.sent - a.aborted, action);
    }
    assert.equal(stats.incomingTotal.callErrors, 0);
    assert.deepEqual(
      { ...stats.transactions },
      { started: 2, stopped: 2, active: 0, seqNoGaps: 0, duplicates: 0, unknown: 0 },
    );
    assert.equal(stats.boots.accepted, 4);
  });
});
