import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { CsmsStats } from '../../src/csms/stats';
import type { Summary } from '../../src/report/summary';
import { tempDir, waitFor } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * OCPP 2.1 stations through whole sessions against the embedded CSMS in its own process: each
 * session opens a periodic event stream (a script's `stream` step) whose NotifyPeriodicEventStream
 * SENDs the CSMS counts, and discharges for a while (V2X: OperationModeChanged, the export
 * register in the meter values, every TransactionEvent held to the 2.1 schema by the CSMS), and while the fleet runs the CSMS sends a station every call 2.1 adds,
 * each answered as the spec says and checked by the CSMS against the 2.1 response schema (an
 * answer that failed would come back as `invalidResponse`, never a result).
 */
const STATIONS = 6;

const SCENARIO = {
  name: 'streams-21',
  duration: '7s',
  seed: 21,
  gracefulStop: '3s',
  groups: [
    {
      name: 'v2x',
      count: STATIONS,
      ocpp: '2.1',
      identity: 'STR21-{index}',
      ramp: 'all',
      heartbeatInterval: '30s',
      sessions: {
        idle: '200ms',
        duration: '6s',
        // V2X halfway: the EV gives 7 kW back for 2 s, then charges again.
        script: ['plugIn', 'authorize', 'start', { stream: { interval: '1s', values: 2 } }, { wait: '2s' }, { discharge: { powerKw: 7 } }, { wait: '2s' }, 'resume', 'stop', 'unplug'],
      },
    },
    // No sessions: their streams are the CSMS's to open (a Periodic monitor) and to close.
    { name: 'monitored', count: 2, ocpp: '2.1', identity: 'MON21-{index}', ramp: 'all', heartbeatInterval: '30s', sessions: { idle: '1h' } },
  ],
};

const MONITOR = { type: 'Periodic', value: 1, severity: 8, periodicEventStream: { interval: 1, values: 1 }, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };

const T = '2026-12-07T10:00:00.000Z';
const TOKEN = { idToken: 'TAG-21', type: 'ISO14443' };

describe('OCPP 2.1 stations against the embedded CSMS', () => {
  let csms: EmbeddedCsms;
  let summary: Summary;
  let stats: CsmsStats;
  const answers = new Map<string, unknown>();

  before(async () => {
    csms = await startEmbeddedCsms({});
    const run = runFleet({ scenario: SCENARIO, url: csms.url, workers: 1, out: join(tempDir('ocpp21-streams'), 'out') });
    // While the fleet charges: the CSMS's 2.1 calls to one station.
    const identity = await waitFor('a booted 2.1 station', async () => (await csms.stations()).find((s) => s.identity.startsWith('STR21'))?.identity);
    const monitored = await waitFor('a monitored station', async () => (await csms.stations()).find((s) => s.identity.startsWith('MON21'))?.identity);
    // The CSMS opens a stream by setting a Periodic monitor (an EVSE's power), and closes it by clearing it.
    answers.set('SetVariableMonitoring', await csms.call(monitored, 'SetVariableMonitoring', { setMonitoringData: [MONITOR, { ...MONITOR, variable: { name: 'Voltage' } }] }));
    await waitFor('the monitored stream\'s SENDs', async () => ((await csms.stats()).sends.received.NotifyPeriodicEventStream ?? 0) > 0 || undefined);
    const ask = async (action: string, payload: object): Promise<void> => {
      answers.set(action, await csms.call(identity, action, payload));
    };
    await ask('SetDefaultTariff', { evseId: 1, tariff: { tariffId: 't-1', currency: 'EUR', energy: { prices: [{ priceKwh: 0.35 }] } } });
    await ask('GetTariffs', { evseId: 1 });
    await ask('ClearTariffs', { tariffIds: ['t-1'] });
    await ask('ChangeTransactionTariff', { transactionId: 'no-such-tx', tariff: { tariffId: 't-2', currency: 'EUR', energy: { prices: [{ priceKwh: 0.3 }] } } });
    await ask('SetDERControl', { isDefault: false, controlId: 'fw-1', controlType: 'FreqWatt', curve: { priority: 2, yUnit: 'PctMaxW', curveData: [{ x: 50, y: 100 }, { x: 51, y: 0 }] } });
    await ask('GetDERControl', { requestId: 77, controlId: 'fw-1' });
    await ask('ClearDERControl', { isDefault: false, controlId: 'fw-1' });
    await ask('AFRRSignal', { timestamp: T, signal: -1 });
    await ask('UpdateDynamicSchedule', { chargingProfileId: 5, scheduleUpdate: { limit: 11_000 } });
    await ask('UsePriorityCharging', { transactionId: 'no-such-tx', activate: true });
    await ask('NotifyWebPaymentStarted', { evseId: 1, timeout: 60 });
    await ask('RequestBatterySwap', { requestId: 42, idToken: TOKEN });
    await ask('GetPeriodicEventStream', {});
    const streams = (answers.get('GetPeriodicEventStream') as { result?: { constantStreamData?: { id: number }[] } }).result?.constantStreamData;
    await ask('AdjustPeriodicEventStream', { id: streams?.[0]?.id ?? 999, params: { interval: 1, values: 1 } });
    answers.set('ClearVariableMonitoring', await csms.call(monitored, 'ClearVariableMonitoring', { id: [1, 99] }));
    const result = await run;
    assert.equal(result.exitCode, 0, `${result.result.reason}: ${JSON.stringify(result.summary.health?.filter((h) => !h.passed))}`);
    summary = result.summary;
    stats = await csms.stats();
  });

  after(async () => {
    await csms?.stop();
  });

  test('every session streams: the SENDs written are the SENDs the CSMS received, none dropped or refused', () => {
    const sends = summary.sends?.NotifyPeriodicEventStream;
    assert.ok(sends !== undefined, JSON.stringify(summary.sends));
    // Six stations, a session each at least, about four seconds of one SEND a second each.
    assert.ok((summary.groups.v2x?.sends?.NotifyPeriodicEventStream?.sent ?? 0) >= STATIONS * 3, `${sends.sent} SENDs`);
    assert.equal(sends.dropped, 0);
    assert.equal(stats.sends.received.NotifyPeriodicEventStream, sends.sent);
    assert.equal(sends.sent, (summary.groups.v2x?.sends?.NotifyPeriodicEventStream?.sent ?? 0) + (summary.groups.monitored?.sends?.NotifyPeriodicEventStream?.sent ?? 0));
    assert.equal(stats.sends.invalid, 0);
    assert.deepEqual(stats.callResultErrors, { sent: 0, received: 0 });
    assert.ok(sends.bytes.sent > sends.sent * 100, `${sends.bytes.sent} bytes`);
    // The streams opened and closed as calls, each answered; the CSMS saw as many.
    for (const action of ['OpenPeriodicEventStream', 'ClosePeriodicEventStream']) {
      const a = summary.actions[action];
      assert.ok(a !== undefined && a.ok > 0 && a.ok === a.sent, `${action}: ${JSON.stringify(a)}`);
      // The fleet's calls of the action are the CSMS's received ones, the monitored station's included.
      assert.equal(stats.incoming[action]?.answered, a.sent, action);
    }
    assert.deepEqual(summary.errors, {});
    // Started, discharging, charging again, Ended: four TransactionEvents a session at least, each valid at the CSMS.
    const events = summary.actions.TransactionEvent;
    assert.ok(events !== undefined && events.ok >= 4 * STATIONS && events.callErrors === 0, JSON.stringify(events));
    assert.deepEqual([stats.incoming.TransactionEvent?.received, stats.incoming.TransactionEvent?.callErrors], [events.sent, 0]);
  });

  test('the CSMS\'s 2.1 calls are answered as the spec says, valid against the 2.1 schemas', () => {
    const status = (action: string): unknown => (answers.get(action) as { result?: { status?: unknown } }).result?.status;
    for (const [action, answer] of answers) assert.ok((answer as { result?: unknown }).result !== undefined, `${action}: ${JSON.stringify(answer)}`);
    assert.equal(status('SetDefaultTariff'), 'Accepted');
    const tariffs = (answers.get('GetTariffs') as { result: { status: string; tariffAssignments?: { tariffId: string }[] } }).result;
    assert.deepEqual([tariffs.status, tariffs.tariffAssignments?.[0]?.tariffId], ['Accepted', 't-1']);
    assert.equal(status('ChangeTransactionTariff'), 'TxNotFound');
    assert.equal(status('SetDERControl'), 'Accepted');
    assert.equal(status('GetDERControl'), 'Accepted');
    assert.equal(status('ClearDERControl'), 'Accepted');
    assert.equal(status('AFRRSignal'), 'Accepted');
    assert.equal(status('UpdateDynamicSchedule'), 'Accepted');
    assert.equal(status('UsePriorityCharging'), 'Rejected');
    assert.equal(status('RequestBatterySwap'), 'Accepted');
    assert.equal(status('AdjustPeriodicEventStream'), 'Accepted', 'a stream was open when asked');
    assert.deepEqual((answers.get('NotifyWebPaymentStarted') as { result: unknown }).result, {});
  });

  test('a Periodic monitor the CSMS sets opens a stream of that EVSE\'s power, and clearing it closes the stream', () => {
    const set = (answers.get('SetVariableMonitoring') as { result: { setMonitoringResult: { id?: number; status: string }[] } }).result.setMonitoringResult;
    assert.deepEqual(set.map((r) => [r.id, r.status]), [[1, 'Accepted'], [undefined, 'UnknownVariable']]);
    const cleared = (answers.get('ClearVariableMonitoring') as { result: { clearMonitoringResult: { id: number; status: string }[] } }).result.clearMonitoringResult;
    assert.deepEqual(cleared.map((r) => [r.id, r.status]), [[1, 'Accepted'], [99, 'NotFound']]);
    const monitored = summary.groups.monitored;
    assert.deepEqual([monitored?.actions.OpenPeriodicEventStream?.ok, monitored?.actions.ClosePeriodicEventStream?.ok], [1, 1]);
    assert.ok((monitored?.sends?.NotifyPeriodicEventStream?.sent ?? 0) >= 1, JSON.stringify(monitored?.sends));
  });

  test('what some answers ask for follows: the swap reported out and in, the DER report sent', () => {
    assert.deepEqual(stats.incoming.BatterySwap, { received: 2, answered: 2, callErrors: 0 });
    assert.deepEqual(stats.incoming.ReportDERControl, { received: 1, answered: 1, callErrors: 0 });
    for (const action of ['AFRRSignal', 'RequestBatterySwap', 'SetDefaultTariff', 'AdjustPeriodicEventStream']) {
      assert.deepEqual([stats.outgoing[action]?.answered, stats.outgoing[action]?.invalidResponses], [1, 0], action);
    }
    assert.equal(summary.incoming.RequestBatterySwap?.answered, 1);
  });
});
