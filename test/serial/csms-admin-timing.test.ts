import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import { BareStation } from '../helpers/csms-client';
import { SAMPLES_16, SAMPLES_201 } from '../helpers/csms-samples';

/**
 * The embedded CSMS's timing, bounded above: a sendCall times out within 1 s of its 100 ms, and
 * callRate 100 sends 50 to 150 calls a second. Bounds on time and rate hold only on a machine not
 * busy with other test files, so this runs in test/serial/, one file at a time, ahead of the other (niced) test files.
 */
describe('embedded CSMS: sendCall timeout', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  let manual: BareStation;
  after(async () => {
    await manual?.close();
    await csms?.close();
  });

  it('sendCall times out after its own timeoutMs (100 ms → between 90 and 1000 ms)', async () => {
    csms = await startCsmsServer({ port: 0 });
    manual = await BareStation.connect(csms.url, 'CP-MAN', 'ocpp2.0.1');
    const started = performance.now();
    const outcome = await csms.sendCall('CP-MAN', 'ClearCache', {}, 100);
    const took = performance.now() - started;
    assert.deepEqual(outcome, { timeout: true });
    assert.ok(took >= 90 && took < 1000, `timed out after ${took.toFixed(0)} ms`);
  });
});

describe('embedded CSMS: call rate', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  const stations: BareStation[] = [];
  after(async () => {
    for (const s of stations) await s.close();
    await csms?.close();
  });

  it('sends about callRate calls per second to booted stations, from each version’s mix', async () => {
    csms = await startCsmsServer({ port: 0, callRate: 100 });
    const answer16 = (action: string): Record<string, unknown> =>
      action === 'GetConfiguration' ? { configurationKey: [] } : action === 'GetLocalListVersion' ? { listVersion: 0 } : { status: 'Accepted' };
    const answer201 = (action: string): Record<string, unknown> =>
      action === 'GetVariables'
        ? { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }
        : action === 'GetLocalListVersion'
          ? { versionNumber: 0 }
          : { status: 'Accepted' };
    const s16 = await BareStation.connect(csms.url, 'CP-R16', 'ocpp1.6', answer16);
    const s201 = await BareStation.connect(csms.url, 'CP-R201', 'ocpp2.0.1', answer201);
    const unbooted = await BareStation.connect(csms.url, 'CP-RNB', 'ocpp1.6', answer16);
    stations.push(s16, s201, unbooted);
    await s16.result('BootNotification', SAMPLES_16.BootNotification);
    await s201.result('BootNotification', SAMPLES_201.BootNotification);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const seconds = (performance.now() - started) / 1000;
    const received = s16.callsReceived.length + s201.callsReceived.length;
    assert.ok(received >= 50 * seconds && received <= 150 * seconds, `${received} calls in ${seconds.toFixed(2)} s at 100/s`);
    assert.equal(unbooted.callsReceived.length, 0, 'a station that did not boot gets no CSMS calls');
    assert.ok(new Set(s16.callsReceived.map((f) => f[2])).size >= 3, 'the 1.6 mix has several actions');
    assert.ok(s201.callsReceived.some((f) => f[2] === 'GetVariables'));
    const total = csms.stats().outgoingTotal;
    assert.equal(total.callErrors + total.invalidResponses, 0, JSON.stringify(csms.stats().outgoing));
    assert.ok(total.sent >= received && total.sent <= received + 2, `sent ${total.sent}, received ${received}`);
  });
});
