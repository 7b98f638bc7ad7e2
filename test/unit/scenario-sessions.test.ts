import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashString } from '../../src/scenario/random';
import type { SessionConfig } from '../../src/scenario/session-config';
import { curveLevel, DAY_MS, SessionCursor, timeToFullMs, uniqueTag, type PlannedSession } from '../../src/scenario/sessions';

const MIN = 60_000;
const HOUR = 3_600_000;

/** The simple model's five fields; each test adds what it is about. */
const BASE: SessionConfig = { meanIdleMs: 10 * MIN, durationMs: 5 * MIN, meterIntervalMs: MIN, powerW: 11_000, invalidTagShare: 0 };

function sessions(config: SessionConfig, n: number, identity = 'CP-00001', connector = 1, fromMs = 0): PlannedSession[] {
  const cursor = new SessionCursor(config, identity, hashString(identity) || 1, connector, fromMs);
  return Array.from({ length: n }, () => cursor.next());
}

const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('fixed arrivals: a grid `every` apart from a phase of the identity, never before the connect time', () => {
  const config: SessionConfig = { ...BASE, arrival: { kind: 'fixed', everyMs: 10 * MIN } };
  const list = sessions(config, 20, 'CP-00001', 1, 2 * MIN);
  const phase = (list[0] as PlannedSession).arrivalMs % (10 * MIN);
  assert.ok((list[0] as PlannedSession).arrivalMs >= 2 * MIN && (list[0] as PlannedSession).arrivalMs < 12 * MIN);
  list.forEach((s, i) => assert.equal(s.arrivalMs, (list[0] as PlannedSession).arrivalMs + i * 10 * MIN, `session ${i}`));
  // The same phase whatever the connect time: the grid belongs to the connector, not to the ramp.
  const later = sessions(config, 1, 'CP-00001', 1, 3 * HOUR)[0] as PlannedSession;
  assert.equal(later.arrivalMs % (10 * MIN), phase);
  // Phases of 1,000 identities spread over the period: no tenth of it holds fewer than 60 or more than 140.
  const tenths = new Array<number>(10).fill(0);
  for (let i = 0; i < 1000; i++) {
    const first = sessions(config, 1, `CP-${i}`)[0] as PlannedSession;
    tenths[Math.floor(first.arrivalMs / MIN)]! += 1;
  }
  for (const n of tenths) assert.ok(n >= 60 && n <= 140, String(tenths));
});

test('fixed arrivals skip the grid points a running session covers', () => {
  const config: SessionConfig = { ...BASE, arrival: { kind: 'fixed', everyMs: 10 * MIN }, duration: { kind: 'fixed', value: 25 * MIN } };
  const list = sessions(config, 10);
  for (let i = 1; i < list.length; i++) assert.equal((list[i] as PlannedSession).arrivalMs - (list[i - 1] as PlannedSession).arrivalMs, 30 * MIN);
});

test('Poisson arrivals: the idle time between sessions has the given mean (±3% over 20,000)', () => {
  const list = sessions({ ...BASE, arrival: { kind: 'poisson', meanIdleMs: 7 * MIN } }, 20_000);
  const idle = list.slice(1).map((s, i) => s.arrivalMs - ((list[i] as PlannedSession).arrivalMs + (list[i] as PlannedSession).durationMs));
  assert.ok(idle.every((x) => x >= 0));
  assert.ok(Math.abs(mean(idle) / (7 * MIN) - 1) < 0.03, String(mean(idle) / MIN));
});

test('curveLevel joins the points linearly, around midnight too', () => {
  const points = [
    [6 * HOUR, 0.2],
    [18 * HOUR, 1.0],
  ] as const;
  close(curveLevel(points, 6 * HOUR), 0.2);
  close(curveLevel(points, 12 * HOUR), 0.6);
  close(curveLevel(points, 18 * HOUR), 1.0);
  // 18:00 → 06:00 the next day: halfway (midnight) is 0.6, a quarter past 18:00 (21:00) is 0.8.
  close(curveLevel(points, 0), 0.6);
  close(curveLevel(points, 21 * HOUR), 0.8);
  close(curveLevel(points, 3 * HOUR), 0.4);
  assert.equal(curveLevel([[0, 0.5]], 7 * HOUR), 0.5);
});

/** Arrivals per scenario hour of day over `days` days of 200 connectors at `timeScale`. */
function hourly(config: SessionConfig, timeScale: number): number[] {
  const counts = new Array<number>(24).fill(0);
  const dayMs = DAY_MS / timeScale;
  for (let p = 0; p < 200; p++) {
    const cursor = new SessionCursor(config, `P-${p}`, hashString(`P-${p}`), 1, 0);
    for (let s = cursor.next(); s.arrivalMs < dayMs; s = cursor.next()) {
      const tod = ((config.startTimeOfDayMs ?? 0) + s.arrivalMs * timeScale) % DAY_MS;
      counts[Math.floor(tod / HOUR)]! += 1;
    }
  }
  return counts;
}

test('a daily curve: arrivals per hour follow the curve, peakPerHour at its peak (±5%), in scenario time', () => {
  // 0 at midnight, 1 at noon; sessions short enough not to hide arrivals.
  const curve: SessionConfig = {
    ...BASE,
    duration: { kind: 'fixed', value: 1000 },
    arrival: { kind: 'dailyCurve', points: [[0, 0], [12 * HOUR, 1]], peakPerHour: 30 },
  };
  for (const timeScale of [1, 60]) {
    const config: SessionConfig = { ...curve, duration: { kind: 'fixed', value: 1000 / timeScale }, timeScale };
    const counts = hourly(config, timeScale);
    // 11:00–13:00 averages level 1 − 1/24: 200 connectors × 30/h × 2 h × 0.958 = 11,500.
    const noon = (counts[11] as number) + (counts[12] as number);
    assert.ok(Math.abs(noon / 11_500 - 1) < 0.05, `timeScale ${timeScale}: ${noon} around noon`);
    // 23:00–01:00 averages level 1/24: 500.
    const night = (counts[23] as number) + (counts[0] as number);
    assert.ok(night > 400 && night < 600, `timeScale ${timeScale}: ${night} around midnight`);
  }
  // startTimeOfDay moves the clock: starting at noon, the first scenario hour is the busiest.
  const fromNoon = hourly({ ...curve, startTimeOfDayMs: 12 * HOUR }, 1);
  assert.ok((fromNoon[12] as number) > 5 * (fromNoon[0] as number));
});

test('duration distributions: uniform in range, truncated normal above 0, lognormal around its median', () => {
  const draw = (duration: SessionConfig['duration']) => sessions({ ...BASE, duration }, 10_000).map((s) => s.durationMs);
  const uniform = draw({ kind: 'uniform', min: 10 * MIN, max: 50 * MIN });
  assert.ok(uniform.every((d) => d >= 10 * MIN && d <= 50 * MIN));
  assert.ok(Math.abs(mean(uniform) / (30 * MIN) - 1) < 0.02);
  const normal = draw({ kind: 'normal', mean: 10 * MIN, sd: 10 * MIN });
  assert.ok(normal.every((d) => d > 0));
  // Truncating N(10, 10) at 0 raises the mean to 10 + 10·φ(1)/Φ(1) = 12.88 min.
  assert.ok(Math.abs(mean(normal) / (12.88 * MIN) - 1) < 0.03, String(mean(normal) / MIN));
  const lognormal = draw({ kind: 'lognormal', median: 30 * MIN, sigma: 0.8 });
  const below = lognormal.filter((d) => d < 30 * MIN).length / lognormal.length;
  assert.ok(Math.abs(below - 0.5) < 0.02, String(below));
});

test('timeToFullMs: energy over power, with the ramp-up costing half its length, and time compressed', () => {
  // 30 kWh at 11 kW: 2.727 h.
  assert.ok(Math.abs(timeToFullMs(30_000, 11_000, 0, 1) / HOUR - 30 / 11) < 1e-9);
  // A 30 min ramp delivers 2.75 kWh; the rest takes 27.25 / 11 h after it.
  assert.ok(Math.abs(timeToFullMs(30_000, 11_000, 30 * MIN, 1) / HOUR - (0.5 + 27.25 / 11)) < 1e-9);
  // Within the ramp: E = P t² / 2R, so 1 kWh with P = 10 kW and R = 1 h takes sqrt(0.2) h.
  assert.ok(Math.abs(timeToFullMs(1000, 10_000, HOUR, 1) / HOUR - Math.sqrt(0.2)) < 1e-9);
  // At timeScale 60 (ramp given in real ms) everything is 60 times shorter.
  assert.ok(Math.abs(timeToFullMs(30_000, 11_000, 0.5 * MIN, 60) / HOUR - (0.5 + 27.25 / 11) / 60) < 1e-9);
  assert.equal(timeToFullMs(0, 11_000, 0, 1), 0);
});

test('an EV that gets full ends its session early, stopped EVDisconnected', () => {
  const config: SessionConfig = {
    ...BASE,
    duration: { kind: 'fixed', value: 4 * HOUR },
    ev: { capacityWh: 60_000, startSocPercent: { kind: 'fixed', value: 50 } },
  };
  const s = sessions(config, 1)[0] as PlannedSession;
  assert.equal(s.startSocPercent, 50);
  assert.equal(s.stopReason, 'EVDisconnected');
  assert.ok(Math.abs(s.durationMs / HOUR - 30 / 11) < 1e-9);
  // One that would not get full within the duration stops as drawn.
  const short = sessions({ ...config, duration: { kind: 'fixed', value: HOUR } }, 1)[0] as PlannedSession;
  assert.equal(short.stopReason, 'Local');
  assert.equal(short.durationMs, HOUR);
});

test('stop reasons are drawn by weight (±2% over 20,000)', () => {
  const list = sessions({ ...BASE, stopReasons: [['Local', 0.9], ['EVDisconnected', 0.1]] }, 20_000);
  const share = list.filter((s) => s.stopReason === 'EVDisconnected').length / list.length;
  assert.ok(Math.abs(share - 0.1) < 0.02, String(share));
});

test('id tags: unique per connector, a shared pool, a hot few, and a share of invalid ones', () => {
  const unique = sessions(BASE, 5, 'ACME-00042', 2);
  assert.ok(unique.every((s) => s.idTag === uniqueTag('ACME-00042', 2)));
  assert.match(uniqueTag('ACME-00042', 2), /^T[0-9a-f]{16}2$/);
  assert.ok(uniqueTag('ACME-00042', 32).length <= 20, 'an OCPP 1.6 idTag is at most 20 characters');
  assert.notEqual(uniqueTag('ACME-00042', 1), uniqueTag('ACME-00042', 2));
  assert.notEqual(uniqueTag('ACME-00042', 1), uniqueTag('ACME-00043', 1));

  const shared = sessions({ ...BASE, idTags: { pool: 'shared', size: 50, invalidShare: 0 } }, 5000).map((s) => s.idTag);
  assert.ok(shared.every((t) => /^SHARED\d+$/.test(t) && Number(t.slice(6)) < 50));
  assert.equal(new Set(shared).size, 50);

  const hot = sessions({ ...BASE, idTags: { pool: 'hot', size: 3, invalidShare: 0 } }, 6000).map((s) => s.idTag);
  const count = (t: string): number => hot.filter((x) => x === t).length;
  assert.equal(count('HOT0') + count('HOT1') + count('HOT2'), 6000);
  assert.ok(count('HOT0') > count('HOT1') && count('HOT1') > count('HOT2'), `${count('HOT0')} ${count('HOT1')} ${count('HOT2')}`);

  const mixed = sessions({ ...BASE, idTags: { pool: 'unique', size: 1, invalidShare: 0.05 } }, 20_000);
  const invalid = mixed.filter((s) => s.refused);
  assert.ok(Math.abs(invalid.length / mixed.length - 0.05) < 0.01);
  assert.ok(invalid.every((s) => /^INVALID[0-9a-f]{8}$/.test(s.idTag)));
});

test('the streams are apart: tags and stop reasons never move an arrival or a duration', () => {
  const config: SessionConfig = { ...BASE, arrival: { kind: 'fixed', everyMs: 10 * MIN }, duration: { kind: 'uniform', min: MIN, max: 5 * MIN } };
  const plain = sessions(config, 200);
  const other = sessions({ ...config, idTags: { pool: 'shared', size: 10, invalidShare: 0.3 }, stopReasons: [['Local', 1], ['PowerLoss', 1]] }, 200);
  assert.deepEqual(
    other.map((s) => [s.arrivalMs, s.durationMs]),
    plain.map((s) => [s.arrivalMs, s.durationMs]),
  );
});
