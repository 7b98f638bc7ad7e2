import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import { BareStation } from '../helpers/csms-client';
import { SAMPLES_201 } from '../helpers/csms-samples';

/**
 * The embedded CSMS speaking OCPP 2.1 to a station written by hand: the subprotocol negotiated,
 * the station's 2.0.1 actions answered as 2.1 has them, and payloads held to the OCA's 2.1
 * schemas, not 2.0.1's: a NotifyMonitoringReport whose monitor lacks `eventNotificationType`
 * (required in 2.1's VariableMonitoringType) is valid 2.0.1 and refused on a 2.1 connection.
 */
describe('embedded CSMS, OCPP 2.1', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  let v21: BareStation;
  let v201: BareStation;

  before(async () => {
    csms = await startCsmsServer({ port: 0, heartbeatIntervalS: 45 });
    v21 = await BareStation.connect(csms.url, 'CS21-A', 'ocpp2.1');
    v201 = await BareStation.connect(csms.url, 'CS201-A', 'ocpp2.0.1');
  });

  after(async () => {
    await v21?.close();
    await v201?.close();
    await csms?.close();
  });

  it('negotiates ocpp2.1, and boots, authorizes and heartbeats as 2.0.1 does', async () => {
    assert.equal(v21.protocol, 'ocpp2.1');
    assert.equal((await v21.result('BootNotification', SAMPLES_201.BootNotification)).status, 'Accepted');
    assert.deepEqual(await v21.result('Authorize', SAMPLES_201.Authorize), { idTokenInfo: { status: 'Accepted' } });
    assert.ok(typeof (await v21.result('Heartbeat', {})).currentTime === 'string');
  });

  it('holds payloads to the 2.1 schemas: what 2.0.1 takes, 2.1 may refuse', async () => {
    const monitoring = { id: 1, transaction: false, value: 10, type: 'UpperThreshold', severity: 5 };
    const report = (m: object): object => ({ ...SAMPLES_201.NotifyMonitoringReport, monitor: [{ component: { name: 'EVSE' }, variable: { name: 'Power' }, variableMonitoring: [m] }] });
    assert.deepEqual(await v201.result('NotifyMonitoringReport', report(monitoring)), {});
    const refused = await v21.call('NotifyMonitoringReport', report(monitoring));
    assert.equal(refused[0], 4, JSON.stringify(refused));
    assert.match(String(refused[2]), /^(OccurrenceConstraintViolation|FormationViolation|FormatViolation)$/);
    assert.match(String(refused[3]), /eventNotificationType/);
    assert.deepEqual(await v21.result('NotifyMonitoringReport', report({ ...monitoring, eventNotificationType: 'PreconfiguredMonitor' })), {});
  });

  it('counts the 2.1 connection apart', () => {
    const stats = csms.stats();
    assert.deepEqual(stats.connections.byVersion['2.1'], { now: 1, accepted: 1 });
    assert.deepEqual(stats.connections.byVersion['2.0.1'], { now: 1, accepted: 1 });
  });
});
