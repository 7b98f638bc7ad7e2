import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { validatorsFor, type JsonObject } from '../../src/ocpp';
import { Phase, type Connector } from '../../src/station/connector';
import type { StationGroup } from '../../src/station/group';
import type { CallTag, Outlet } from '../../src/station/outlet';
import { Station } from '../../src/station/station';
import { Version201 } from '../../src/station/version-201';
import { FakeContext } from '../helpers/fake-transport';

/**
 * A 2.1 station's discharging session (V2X), without sockets: a script's `discharge` step turns
 * the EV into a source (its export register rises at the set power, the import register stands
 * still, its state of charge falls), says so as 2.1 does (TransactionEvent Updated, trigger
 * OperationModeChanged, operationMode CentralSetpoint), and `resume` makes it charge again
 * (ChargingOnly). Every message is checked against the official 2.1 schema where it leaves.
 */
const V21 = validatorsFor('2.1');
const POWER_W = 11_000;
const DISCHARGE_W = 7_000;

const GROUP: StationGroup = {
  index: 0,
  name: 'v2x',
  version: '2.1',
  connectors: 1,
  vendor: 'Acme',
  model: 'Bidi-1',
  firmware: '1.0.0',
  heartbeatIntervalMs: undefined,
  callTimeoutMs: 30_000,
  reconnect: { minMs: 1_000, maxMs: 30_000, jitter: 0.5 },
  sessions: {
    meanIdleMs: 600_000,
    durationMs: 3_600_000 * 4,
    meterIntervalMs: 60_000,
    powerW: POWER_W,
    invalidTagShare: 0,
    measurands: ['Energy.Active.Import.Register', 'Power.Active.Import', 'SoC'],
    ev: { capacityWh: 60_000, startSocPercent: { kind: 'fixed', value: 50 } },
  },
} as StationGroup;

/** Where the version object's CALLs leave: recorded, each checked against its 2.1 request schema. */
class Checked implements Outlet {
  readonly sent: { action: string; payload: JsonObject }[] = [];

  call(action: string, payload: JsonObject, _tag: CallTag, _due: number): void {
    this.record(action, payload);
  }

  queue(action: string, payload: JsonObject, _tag: CallTag, _due: number): void {
    this.record(action, payload);
  }

  callIfOnline(action: string, payload: JsonObject, _tag: CallTag, _due: number): void {
    this.record(action, payload);
  }

  private record(action: string, payload: JsonObject): void {
    const validate = V21.request(action);
    assert.ok(validate?.(payload), `${action}: ${JSON.stringify(validate?.errors)} in ${JSON.stringify(payload)}`);
    this.sent.push({ action, payload });
  }

  /** The last TransactionEvent's operation mode, trigger and readings by measurand. */
  lastEvent(): { trigger: unknown; mode: unknown; values: Record<string, number> } {
    const e = [...this.sent].reverse().find((m) => m.action === 'TransactionEvent');
    assert.ok(e !== undefined);
    const info = e.payload.transactionInfo as { operationMode?: string };
    const mv = (e.payload.meterValue as { sampledValue: { measurand: string; value: number }[] }[] | undefined)?.[0];
    return { trigger: e.payload.triggerReason, mode: info.operationMode, values: Object.fromEntries((mv?.sampledValue ?? []).map((v) => [v.measurand, v.value])) };
  }
}

test('discharge: the export register rises at the set power, the import register stands still, the SoC falls; resume charges again', () => {
  const ctx = new FakeContext();
  const outlet = new Checked();
  let v: Version201 | undefined;
  const station = new Station(0, 'V2X-0001', GROUP, ctx, 7, (st) => (v = new Version201(st, outlet)));
  station.link.onResult('BootNotification', { currentTime: '2026-12-07T10:00:00Z', interval: 60, status: 'Accepted' }, null);
  assert.ok(v !== undefined);
  const version = v;
  // The CSMS starts the session (no Authorize), as a V2X session usually is.
  version.onIncoming('RequestStartTransaction', { evseId: 1, remoteStartId: 3, idToken: { idToken: 'V2X-TAG', type: 'ISO14443' } });
  version.afterIncoming('RequestStartTransaction');
  const c = station.charging.connectors[0] as Connector;
  assert.equal(c.phase, Phase.Charging);
  const tx = c.tx;
  assert.ok(tx !== null);

  // An hour of charging at 11 kW, then the CSMS's setpoint turns the EV into a source.
  ctx.clock += 3_600_000;
  station.charging.scriptDischarge(c, tx, DISCHARGE_W, ctx.clock);
  const started = outlet.lastEvent();
  assert.deepEqual([started.trigger, started.mode], ['OperationModeChanged', 'CentralSetpoint']);
  assert.equal(started.values['Power.Active.Import'], 0);
  assert.equal(started.values['Power.Active.Export'], DISCHARGE_W);
  assert.equal(started.values['Energy.Active.Export.Register'], 0);
  const importAtStart = started.values['Energy.Active.Import.Register'] as number;
  assert.ok(Math.abs(importAtStart - POWER_W) <= 1, `${importAtStart} Wh after an hour at 11 kW`);
  assert.equal(started.values.SoC, Math.floor(50 + (100 * importAtStart) / 60_000));

  // Half an hour of discharging: 3.5 kWh back, nothing more drawn.
  ctx.clock += 1_800_000;
  version.sendMeterValues(c, tx, ctx.clock);
  const mid = outlet.lastEvent();
  assert.equal(mid.values['Energy.Active.Export.Register'], DISCHARGE_W / 2);
  assert.equal(mid.values['Energy.Active.Import.Register'], importAtStart);
  assert.equal(mid.values.SoC, Math.floor(50 + (100 * (importAtStart - DISCHARGE_W / 2)) / 60_000));

  // Resume: charging only again; the export register keeps what was given, its power is 0.
  station.charging.scriptSuspend(c, tx, '', ctx.clock);
  const resumed = outlet.lastEvent();
  assert.deepEqual([resumed.trigger, resumed.mode], ['OperationModeChanged', 'ChargingOnly']);
  assert.deepEqual([resumed.values['Power.Active.Export'], resumed.values['Energy.Active.Export.Register']], [0, DISCHARGE_W / 2]);
  assert.equal(resumed.values['Power.Active.Import'], POWER_W);
  ctx.clock += 600_000;
  version.sendMeterValues(c, tx, ctx.clock);
  assert.equal(outlet.lastEvent().values['Energy.Active.Export.Register'], DISCHARGE_W / 2);
  assert.ok((outlet.lastEvent().values['Energy.Active.Import.Register'] as number) > importAtStart);
});
