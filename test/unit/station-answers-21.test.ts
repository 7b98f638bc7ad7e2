import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatorsFor, type JsonObject } from '../../src/ocpp';
import { answer21, batterySwapRequest, derControlReport, Station21State, type Answer21Context } from '../../src/station/answers-21';
import { MAX_DER_CONTROLS } from '../../src/station/der-21';
import { MAX_TARIFF_ELEMENTS } from '../../src/station/tariffs-21';

/**
 * The answers of a 2.1 station to the CSMS calls 2.1 adds, checked both ways against the OCA's
 * 2.1 schemas: every request here passes its request schema, every answer its response schema.
 */
const V21 = validatorsFor('2.1');
const T = '2025-03-01T10:00:00.000Z';
const CTX: Answer21Context = { evseCount: 2, transactionIds: ['tx-1', 'tx-2'] };
const TOKEN = { idToken: 'TAG-1', type: 'ISO14443' };

function valid(kind: 'request' | 'response', action: string, payload: JsonObject): void {
  const validate = V21[kind](action);
  assert.ok(validate !== undefined, `no 2.1 ${kind} schema for ${action}`);
  assert.ok(validate(payload), `${action} ${kind} ${JSON.stringify(payload)} fails: ${JSON.stringify(validate.errors)}`);
}

/** As the session does: the request must pass its schema, the answer too. */
function ask(state: Station21State, action: string, payload: JsonObject, ctx: Answer21Context = CTX): JsonObject {
  valid('request', action, payload);
  const answer = answer21(state, action, payload, ctx);
  assert.ok(answer !== undefined, `${action} answered NotImplemented`);
  valid('response', action, answer);
  return answer;
}

function statusOf(state: Station21State, action: string, payload: JsonObject, ctx?: Answer21Context): unknown {
  return ask(state, action, payload, ctx).status;
}

function tariff(tariffId: string, priceKwh = 0.35, currency = 'EUR'): JsonObject {
  return { tariffId, currency, energy: { prices: [{ priceKwh }], taxRates: [{ type: 'VAT', tax: 21 }] } };
}

const CURVE = { priority: 2, yUnit: 'PctMaxW', curveData: [{ x: 50, y: 100 }, { x: 51, y: 0 }] };

function derControl(controlId: string, controlType = 'FreqWatt', priority = 2, isDefault = false): JsonObject {
  return { isDefault, controlId, controlType, curve: { ...CURVE, priority } };
}

test('only the 2.1 calls of this module are answered; the rest is left to the caller', () => {
  const state = new Station21State();
  for (const action of ['AdjustPeriodicEventStream', 'GetPeriodicEventStream', 'Reset', 'SetChargingProfile', 'Nonsense']) {
    assert.equal(answer21(state, action, {}, CTX), undefined, action);
  }
});

test('SetDefaultTariff stores a tariff that GetTariffs then returns', () => {
  const state = new Station21State();
  assert.deepEqual(ask(state, 'GetTariffs', { evseId: 0 }), { status: 'NoTariff' });
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 1, tariff: { ...tariff('t-1'), validFrom: T } }), 'Accepted');
  assert.deepEqual(ask(state, 'GetTariffs', { evseId: 0 }), {
    status: 'Accepted',
    tariffAssignments: [{ tariffId: 't-1', tariffKind: 'DefaultTariff', evseIds: [1], validFrom: T }],
  });
  assert.deepEqual(ask(state, 'GetTariffs', { evseId: 2 }), { status: 'NoTariff' });
  assert.equal(state.defaultTariffs.tariffOf(1)?.tariffId, 't-1');
});

test('SetDefaultTariff with evseId 0 sets every EVSE, and a later one replaces it on its EVSE', () => {
  const state = new Station21State();
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 0, tariff: tariff('all') }), 'Accepted');
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 2, tariff: tariff('two', 0.5) }), 'Accepted');
  const answer = ask(state, 'GetTariffs', { evseId: 0 });
  assert.deepEqual(answer.tariffAssignments, [
    { tariffId: 'all', tariffKind: 'DefaultTariff', evseIds: [1] },
    { tariffId: 'two', tariffKind: 'DefaultTariff', evseIds: [2] },
  ]);
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 0, tariff: tariff('new') }), 'Accepted');
  assert.deepEqual(ask(state, 'GetTariffs', { evseId: 0 }).tariffAssignments, [{ tariffId: 'new', tariffKind: 'DefaultTariff', evseIds: [1, 2] }]);
  assert.equal(state.defaultTariffs.size, 1, 'tariffs no EVSE uses are dropped');
});

test('SetDefaultTariff refuses an unknown EVSE, a reused tariffId, no prices and too many', () => {
  const state = new Station21State();
  const unknown = ask(state, 'SetDefaultTariff', { evseId: 3, tariff: tariff('t-1') });
  assert.equal(unknown.status, 'Rejected');
  assert.equal(statusOf(state, 'GetTariffs', { evseId: 3 }), 'Rejected');
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 1, tariff: tariff('t-1') }), 'Accepted');
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 2, tariff: tariff('t-1') }), 'Accepted', 'the same tariff on another EVSE');
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 1, tariff: tariff('t-1', 0.9) }), 'DuplicateTariffId');
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 1, tariff: { tariffId: 't-2', currency: 'EUR' } }), 'Rejected');
  const prices = Array.from({ length: MAX_TARIFF_ELEMENTS + 1 }, () => ({ priceMinute: 0.1 }));
  assert.equal(statusOf(state, 'SetDefaultTariff', { evseId: 1, tariff: { tariffId: 't-3', currency: 'EUR', idleTime: { prices } } }), 'TooManyElements');
  assert.equal(state.defaultTariffs.tariffOf(1)?.tariffId, 't-1');
});

test('ClearTariffs removes the tariffs named, or all, and reports each', () => {
  const state = new Station21State();
  assert.deepEqual(ask(state, 'ClearTariffs', {}), { clearTariffsResult: [{ status: 'NoTariff' }] });
  ask(state, 'SetDefaultTariff', { evseId: 1, tariff: tariff('a') });
  ask(state, 'SetDefaultTariff', { evseId: 2, tariff: tariff('b') });
  assert.deepEqual(ask(state, 'ClearTariffs', { tariffIds: ['a', 'zz'] }), {
    clearTariffsResult: [
      { tariffId: 'a', status: 'Accepted' },
      { tariffId: 'zz', status: 'NoTariff' },
    ],
  });
  assert.deepEqual(ask(state, 'ClearTariffs', { tariffIds: ['b'], evseId: 1 }), { clearTariffsResult: [{ tariffId: 'b', status: 'NoTariff' }] });
  assert.equal(statusOf(state, 'GetTariffs', { evseId: 2 }), 'Accepted');
  assert.deepEqual(ask(state, 'ClearTariffs', {}), { clearTariffsResult: [{ tariffId: 'b', status: 'Accepted' }] });
  assert.equal(statusOf(state, 'GetTariffs', { evseId: 0 }), 'NoTariff');
  const unknown = ask(state, 'ClearTariffs', { evseId: 9 });
  assert.equal((unknown.clearTariffsResult as { status: string }[])[0]?.status, 'Rejected');
});

test('ChangeTransactionTariff is accepted for a running transaction only, in the same currency', () => {
  const state = new Station21State();
  assert.equal(statusOf(state, 'ChangeTransactionTariff', { transactionId: 'tx-1', tariff: tariff('t-1') }), 'Accepted');
  assert.equal(statusOf(state, 'ChangeTransactionTariff', { transactionId: 'tx-9', tariff: tariff('t-1') }), 'TxNotFound');
  assert.equal(statusOf(state, 'ChangeTransactionTariff', { transactionId: 'tx-1', tariff: tariff('t-2', 0.4, 'USD') }), 'NoCurrencyChange');
  assert.equal(state.transactionTariffs.tariffOf('tx-1')?.tariffId, 't-1');
  ask(state, 'ChangeTransactionTariff', { transactionId: 'tx-3', tariff: tariff('t-3') }, { evseCount: 2, transactionIds: ['tx-3'] });
  assert.equal(state.transactionTariffs.tariffOf('tx-1'), undefined, 'an ended transaction is forgotten');
});

test('SetDERControl stores, GetDERControl finds, ClearDERControl removes', () => {
  const state = new Station21State();
  assert.equal(statusOf(state, 'GetDERControl', { requestId: 1 }), 'NotFound');
  assert.equal(statusOf(state, 'ClearDERControl', { isDefault: false }), 'NotFound');
  assert.equal(statusOf(state, 'SetDERControl', derControl('c-1')), 'Accepted');
  assert.equal(statusOf(state, 'SetDERControl', { isDefault: true, controlId: 'c-2', controlType: 'FixedPFAbsorb', fixedPFAbsorb: { priority: 0, displacement: 0.95, excitation: true } }), 'Accepted');
  assert.equal(statusOf(state, 'GetDERControl', { requestId: 2, controlId: 'c-1' }), 'Accepted');
  assert.equal(statusOf(state, 'GetDERControl', { requestId: 3, isDefault: true, controlType: 'FreqWatt' }), 'NotFound');
  assert.equal(statusOf(state, 'GetDERControl', { requestId: 4, controlType: 'FixedPFAbsorb' }), 'Accepted');
  assert.equal(statusOf(state, 'ClearDERControl', { isDefault: true, controlId: 'c-1' }), 'NotFound', 'c-1 is scheduled, not default');
  assert.equal(statusOf(state, 'ClearDERControl', { isDefault: false, controlType: 'FreqWatt' }), 'Accepted');
  assert.equal(state.derControls.control('c-1'), undefined);
  assert.equal(statusOf(state, 'GetDERControl', { requestId: 5, controlId: 'c-1' }), 'NotFound');
  assert.ok(state.derControls.control('c-2') !== undefined);
});

test('SetDERControl refuses a control without its setting, and reports what it supersedes', () => {
  const state = new Station21State();
  const missing = ask(state, 'SetDERControl', { isDefault: false, controlId: 'g-1', controlType: 'Gradients' });
  assert.equal(missing.status, 'Rejected');
  assert.deepEqual(ask(state, 'SetDERControl', derControl('low', 'VoltVar', 5)), { status: 'Accepted' });
  assert.deepEqual(ask(state, 'SetDERControl', derControl('other', 'VoltWatt', 9)), { status: 'Accepted' });
  assert.deepEqual(ask(state, 'SetDERControl', derControl('high', 'VoltVar', 1)), { status: 'Accepted', supersededIds: ['low'] });
});

test('the ReportDERControl after GetDERControl lists the stored controls, schema-valid', () => {
  const state = new Station21State();
  ask(state, 'SetDERControl', derControl('curve-low', 'FreqWatt', 4));
  ask(state, 'SetDERControl', derControl('curve-high', 'FreqWatt', 1));
  ask(state, 'SetDERControl', { isDefault: true, controlId: 'es', controlType: 'EnterService', enterService: { priority: 0, highVoltage: 253, lowVoltage: 207, highFreq: 50.1, lowFreq: 49.9 } });
  ask(state, 'SetDERControl', { isDefault: false, controlId: 'pf', controlType: 'FixedPFInject', fixedPFInject: { priority: 1, displacement: 0.9, excitation: false } });
  ask(state, 'SetDERControl', { isDefault: false, controlId: 'gr', controlType: 'Gradients', gradient: { priority: 1, gradient: 10, softGradient: 5 } });
  ask(state, 'SetDERControl', { isDefault: false, controlId: 'lmd', controlType: 'LimitMaxDischarge', limitMaxDischarge: { priority: 1, pctMaxDischargePower: 50 } });
  ask(state, 'SetDERControl', { isDefault: false, controlId: 'fv', controlType: 'FixedVar', fixedVar: { priority: 1, setpoint: 10, unit: 'PctMaxVar' } });
  ask(state, 'SetDERControl', { isDefault: false, controlId: 'fd', controlType: 'FreqDroop', freqDroop: { priority: 1, overFreq: 50.2, underFreq: 49.8, overDroop: 5, underDroop: 5, responseTime: 1 } });
  const all = derControlReport(state, { requestId: 8 });
  valid('request', 'ReportDERControl', all);
  assert.equal(all.requestId, 8);
  const curves = all.curve as { id: string; isSuperseded: boolean }[];
  assert.deepEqual(curves.map((c) => [c.id, c.isSuperseded]), [['curve-low', true], ['curve-high', false]]);
  for (const field of ['enterService', 'fixedPFInject', 'gradient', 'limitMaxDischarge', 'fixedVar', 'freqDroop']) {
    assert.equal((all[field] as unknown[] | undefined)?.length, 1, field);
  }
  const one = derControlReport(state, { requestId: 9, controlId: 'pf' });
  valid('request', 'ReportDERControl', one);
  assert.deepEqual(Object.keys(one).sort(), ['fixedPFInject', 'requestId']);
});

test('UsePriorityCharging is accepted for a running transaction and refused otherwise', () => {
  const state = new Station21State();
  assert.equal(statusOf(state, 'UsePriorityCharging', { transactionId: 'tx-2', activate: true }), 'Accepted');
  assert.equal(state.isPriorityCharging('tx-2'), true);
  const unknown = ask(state, 'UsePriorityCharging', { transactionId: 'tx-9', activate: true });
  assert.deepEqual(unknown, { status: 'Rejected', statusInfo: { reasonCode: 'TxNotFound' } });
  assert.equal(state.isPriorityCharging('tx-9'), false);
  assert.equal(statusOf(state, 'UsePriorityCharging', { transactionId: 'tx-2', activate: false }), 'Accepted');
  assert.equal(state.isPriorityCharging('tx-2'), false);
});

test('RequestBatterySwap is accepted, and its BatterySwap follow-ups are schema-valid', () => {
  const state = new Station21State();
  assert.equal(statusOf(state, 'RequestBatterySwap', { requestId: 42, idToken: TOKEN }), 'Accepted');
  const batteryIn = batterySwapRequest(42, TOKEN);
  valid('request', 'BatterySwap', batteryIn);
  assert.equal(batteryIn.eventType, 'BatteryIn');
  assert.equal(batteryIn.requestId, 42);
  const batteryOut = batterySwapRequest(42, { ...TOKEN, additionalInfo: [{ additionalIdToken: 'X', type: 'plate' }] }, 'BatteryOut', 2);
  valid('request', 'BatterySwap', batteryOut);
  assert.deepEqual((batteryOut.batteryData as { evseId: number }[])[0]?.evseId, 2);
});

test('AFRRSignal, UpdateDynamicSchedule and NotifyAllowedEnergyTransfer are accepted and kept', () => {
  const state = new Station21State();
  assert.equal(statusOf(state, 'AFRRSignal', { timestamp: T, signal: -1 }), 'Accepted');
  assert.equal(state.afrrSignal, -1);
  assert.equal(statusOf(state, 'UpdateDynamicSchedule', { chargingProfileId: 5, scheduleUpdate: { limit: 11_000, setpoint: 7_000 } }), 'Accepted');
  assert.deepEqual(state.dynamicSchedule, { chargingProfileId: 5, scheduleUpdate: { limit: 11_000, setpoint: 7_000 } });
  assert.equal(statusOf(state, 'NotifyAllowedEnergyTransfer', { transactionId: 'tx-1', allowedEnergyTransfer: ['AC_three_phase', 'AC_BPT'] }), 'Accepted');
  assert.deepEqual(state.allowedEnergyTransfer, { transactionId: 'tx-1', allowedEnergyTransfer: ['AC_three_phase', 'AC_BPT'] });
  assert.equal(statusOf(state, 'NotifyAllowedEnergyTransfer', { transactionId: 'tx-9', allowedEnergyTransfer: ['DC'] }), 'Rejected');
  assert.equal(state.allowedEnergyTransfer?.transactionId, 'tx-1');
});

test('NotifyWebPaymentStarted gets the empty answer its schema defines', () => {
  assert.deepEqual(ask(new Station21State(), 'NotifyWebPaymentStarted', { evseId: 1, timeout: 120 }), {});
});

test('state stays bounded however many calls a CSMS sends', () => {
  const state = new Station21State();
  const ctx: Answer21Context = { evseCount: 4, transactionIds: [] };
  for (let i = 0; i < 20_000; i++) {
    const running = { evseCount: 4, transactionIds: [`tx-${i}`, `tx-${i + 1}`] };
    answer21(state, 'SetDefaultTariff', { evseId: i % 5, tariff: tariff(`t-${i}`) }, ctx);
    answer21(state, 'SetDERControl', derControl(`c-${i}`, 'VoltVar', i % 7), ctx);
    answer21(state, 'UsePriorityCharging', { transactionId: `tx-${i}`, activate: true }, running);
    answer21(state, 'ChangeTransactionTariff', { transactionId: `tx-${i}`, tariff: tariff(`t-${i}`) }, running);
  }
  assert.ok(state.defaultTariffs.size <= 4, `${state.defaultTariffs.size} default tariffs`);
  assert.equal(state.derControls.size, MAX_DER_CONTROLS);
  assert.ok(state.priorityTransactions <= 2, `${state.priorityTransactions} priority flags`);
  assert.ok(state.transactionTariffs.size <= 2, `${state.transactionTariffs.size} transaction tariffs`);
  const full = ask(state, 'SetDERControl', derControl('one-more'));
  assert.deepEqual(full, { status: 'Rejected', statusInfo: { reasonCode: 'OutOfStorage' } });
  assert.equal(statusOf(state, 'SetDERControl', derControl('c-0', 'VoltVar', 3)), 'Accepted', 'a stored id may still be replaced');
  valid('request', 'ReportDERControl', derControlReport(state, { requestId: 1 }));
});
