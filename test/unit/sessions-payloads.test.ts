import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupConfigs } from '../../src/coordinator/groups';
import { validatorsFor, type OcppVersion } from '../../src/ocpp';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { STOP_REASONS } from '../../src/scenario/types';
import type { GroupConfig } from '../../src/thread/messages';
import { Recorder, recordingStation, type Sent } from '../helpers/recording-version';
import { VirtualWorker } from './sessions-harness';

/** Run a one-station scenario on a virtual clock for `horizonMs` and return what it queued. */
function run(yaml: string, horizonMs: number): { sent: Sent[]; version: OcppVersion; worker: VirtualWorker } {
  const s = parseScenario(yaml, 'payloads.yaml');
  const plan = planFleet(s, s.seed);
  const group = groupConfigs(s, plan.groups)[0] as GroupConfig;
  const a = plan.stations[0] as { identity: string; seed: number; connectAtMs: number };
  const worker = new VirtualWorker(1000);
  // Transaction messages are kept as they are queued, and tags are accepted (no Authorize on the wire).
  const rec = new Recorder();
  rec.accept = () => true;
  const station = recordingStation(0, a.identity, group, worker, a.seed, rec);
  worker.stations.push(station);
  station.start(worker.atEpochOffset(a.connectAtMs));
  worker.clock = worker.atEpochOffset(a.connectAtMs);
  station.link.onResult('BootNotification', { status: 'Accepted', interval: 60, currentTime: '2024-05-01T00:00:00Z' }, null);
  worker.runUntil(worker.atEpochOffset(horizonMs));
  return { sent: rec.of('queue'), version: group.version, worker };
}

function assertValid(version: OcppVersion, sent: readonly Sent[]): void {
  const v = validatorsFor(version);
  for (const m of sent) {
    const validate = v.request(m.action);
    assert.ok(validate, `no schema for ${m.action}`);
    assert.ok(validate(m.payload), `${version} ${m.action} fails its schema: ${JSON.stringify(validate.errors)} in ${JSON.stringify(m.payload)}`);
  }
}

/** measurand → value of the sampled values of a 1.6 MeterValues or a 2.0.1 TransactionEvent. */
function samples(m: Sent): Map<string, number> {
  const mv = (m.payload.meterValue as { sampledValue: { measurand: string; value: string | number }[] }[])[0];
  return new Map((mv?.sampledValue ?? []).map((x) => [x.measurand, Number(x.value)]));
}

/** An EV of 30 kWh arriving at 50 % on 11 kW with a 10 min ramp-up, a day compressed 60 times. */
function evScenario(ocpp: string): string {
  return `
timeScale: 60
groups:
  - name: g
    count: 1
    ocpp: "${ocpp}"
    sessions:
      arrival: {fixed: {every: 1d}}
      duration: 3h
      meterInterval: 1m
      measurands: [Energy.Active.Import.Register, Power.Active.Import, Current.Import, Voltage, SoC]
      powerKw: 11
      rampUp: 10m
      evCapacityKwh: 30
      startSocPercent: 50
`.replace('1d', '24h');
}

for (const ocpp of ['1.6', '2.0.1'] as const) {
  test(`${ocpp}: meter values with every measurand pass the official schemas; the EV fills up and leaves EVDisconnected`, () => {
    const { sent, version } = run(evScenario(ocpp), 30 * 60_000);
    assertValid(version, sent);
    const meters = sent.filter((m) => (ocpp === '1.6' ? m.action === 'MeterValues' : m.payload.eventType === 'Updated'));
    const start = sent[0] as Sent;
    const stop = sent[sent.length - 1] as Sent;
    // Needs 15 kWh: 0.917 kWh during the 10 min ramp, the rest at 11 kW: 1.447 h, 86.8 s at timeScale 60.
    const lasted = stop.at - start.at;
    assert.ok(Math.abs(lasted / 1000 - 86.8) < 0.1, `${lasted} ms`);
    assert.equal(ocpp === '1.6' ? stop.payload.reason : (stop.payload.transactionInfo as { stoppedReason: string }).stoppedReason, 'EVDisconnected');
    // A meter value a second of real time (one minute of scenario time), none at the stop itself.
    assert.equal(meters.length, 86);
    // Mid-ramp (5 s = 5 min in): half power, a current of 5500 / (3 × 230) A, 230 V.
    const mid = samples(meters[4] as Sent);
    assert.equal(mid.get('Power.Active.Import'), 5500);
    assert.equal(mid.get('Current.Import'), 8);
    assert.equal(mid.get('Voltage'), 230);
    // After the ramp: full power, and the state of charge rising from 50 % to 100 %.
    const late = samples(meters[meters.length - 1] as Sent);
    assert.equal(late.get('Power.Active.Import'), 11_000);
    assert.ok((late.get('SoC') as number) >= 99, `SoC ${late.get('SoC')}`);
    // At the end of the ramp (10 s in): 0.917 kWh of 30, from 50 %: 53.06 %, reported as 53.
    assert.equal(samples(meters[9] as Sent).get('SoC'), 53);
    // Scenario energy, not real: 15 kWh by the end, though 87 s passed.
    const energy = ocpp === '1.6' ? Number(stop.payload.meterStop) : (samples(stop).get('Energy.Active.Import.Register') as number);
    assert.ok(Math.abs(energy - 15_000) <= 2, `${energy} Wh`);
  });

  test(`${ocpp}: every stop reason a scenario may draw is valid on the wire`, () => {
    for (const reason of STOP_REASONS) {
      const yaml = `groups:\n  - name: g\n    count: 1\n    ocpp: "${ocpp}"\n    sessions: {arrival: {fixed: {every: 10s}}, duration: 5s, meterInterval: 2s, stopReasons: {${reason}: 1}}\n`;
      const { sent, version } = run(yaml, 60_000);
      assertValid(version, sent);
      const stops = sent.filter((m) => m.action === 'StopTransaction' || m.payload.eventType === 'Ended');
      assert.ok(stops.length >= 5, `${reason}: ${stops.length} stops`);
      for (const m of stops) {
        const got = ocpp === '1.6' ? m.payload.reason : (m.payload.transactionInfo as { stoppedReason: string }).stoppedReason;
        assert.equal(got, reason);
      }
    }
  });
}

test('without a modelled EV, SoC is never sent and meter values still have a sampled value', () => {
  const yaml = 'groups:\n  - name: g\n    count: 1\n    ocpp: "2.0.1"\n    sessions: {arrival: {fixed: {every: 10s}}, duration: 5s, meterInterval: 1s, measurands: [Voltage]}\n';
  const { sent, version } = run(yaml, 30_000);
  assertValid(version, sent);
  assert.ok(sent.length > 10);
  for (const m of sent) assert.deepEqual([...samples(m).keys()], ['Voltage']);
});
