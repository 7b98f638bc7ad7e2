import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { expectedRates } from '../../src/scenario/plan-rates';
import { planText } from '../../src/scenario/plan-text';

/** 100 charge points, one connector each: a session every 10 s of 5 s, meter values every second. */
function fleet(ocpp: string, time = { every: '10s', duration: '5s', meter: '1s', heartbeat: '10s' }, top = ''): string {
  return `${top}groups:
  - name: g
    count: 100
    ocpp: "${ocpp}"
    heartbeatInterval: ${time.heartbeat}
    sessions: {arrival: {fixed: {every: ${time.every}}}, duration: ${time.duration}, meterInterval: ${time.meter}}
`;
}

const near = (actual: number | undefined, expected: number, what: string): void =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= expected * 0.01, `${what}: ${actual} ≠ ${expected}`);

test('expected calls per second of a 1.6 group, from its rates: 10 sessions/s of 4 meter values each', () => {
  const s = parseScenario(fleet('1.6'), 'rates.yaml');
  const [g] = expectedRates(s, s.groups);
  near(g?.sessionsPerSec, 10, 'sessions');
  const calls = g?.callsPerSec ?? {};
  near(calls.Heartbeat, 10, 'Heartbeat');
  near(calls.Authorize, 10, 'Authorize');
  near(calls.StartTransaction, 10, 'StartTransaction');
  // A 5 s session metered every second: at 1, 2, 3 and 4 s, none at the stop.
  near(calls.MeterValues, 40, 'MeterValues');
  near(calls.StopTransaction, 10, 'StopTransaction');
  // Preparing, Charging, Finishing, Available.
  near(calls.StatusNotification, 40, 'StatusNotification');
});

test('a 2.0.1 group says it with TransactionEvents; refused tags cost a status pair and an Authorize', () => {
  const s = parseScenario(fleet('2.0.1').replace('meterInterval: 1s}', 'meterInterval: 1s, invalidTagShare: 0.5}'), 'rates.yaml');
  const calls = expectedRates(s, s.groups)[0]?.callsPerSec ?? {};
  near(calls.Authorize, 10, 'Authorize');
  near(calls.StatusNotification, 20, 'StatusNotification');
  // Only the half that charges: Started, 4 Updated, Ended.
  assert.ok(Math.abs((calls.TransactionEvent as number) - 30) < 1.5, String(calls.TransactionEvent));
});

test('timeScale: a day of scenario time at 60 times the pace gives the rates of the real-time fleet', () => {
  const s = parseScenario(fleet('1.6', { every: '10m', duration: '5m', meter: '1m', heartbeat: '10m' }, 'timeScale: 60\n'), 'rates.yaml');
  const calls = expectedRates(s, s.groups)[0]?.callsPerSec ?? {};
  near(calls.Heartbeat, 10, 'Heartbeat');
  near(calls.MeterValues, 40, 'MeterValues');
  near(calls.StartTransaction, 10, 'StartTransaction');
});

test('Poisson arrivals: a connector sees one session per (mean idle + duration)', () => {
  const s = parseScenario('groups:\n  - {name: g, count: 1000, ocpp: "1.6", heartbeatInterval: 60s, sessions: {idle: 30s, duration: 30s}}\n', 'rates.yaml');
  // 1000 connectors / 60 s.
  near(expectedRates(s, s.groups)[0]?.sessionsPerSec, 16.67, 'sessions');
});

test('the printed plan: workers, groups, ramp and the steady state', () => {
  const s = parseScenario(fleet('1.6').replace('count: 100', 'count: 100\n    ramp: 50/s'), 'rates.yaml');
  const text = planText(planFleet(s, s.seed), { workers: 4, durationMs: 60_000 });
  assert.match(text, /^scenario rates: 100 charge points, duration 1m, seed 1$/m);
  assert.match(text, /^ {2}group g: 100 × OCPP 1\.6, 1 connector\(s\), ramp 50\/s, from 0s, all connecting within 1\.98s$/m);
  assert.match(text, /^ {2}g +25 +25 +25 +25$/m);
  assert.match(text, /^ {2}MeterValues +40\.\d$/m);
  assert.match(text, /^ {2}Heartbeat +10\.0$/m);
  assert.match(text, /^ {2}all actions +1\d\d$/m);
});

test('the printed plan says where the stations connect: the embedded CSMS and its settings, or the targets', () => {
  const groups = 'groups:\n  - {name: g, count: 10, ocpp: "1.6"}\n';
  const text = (top: string, targets?: string[]): string => {
    const s = parseScenario(top + groups, 'where.yaml');
    return planText(planFleet(s, s.seed), { workers: 1, durationMs: 60_000, ...(targets ? { targets } : {}) });
  };
  assert.match(text(''), /^target: the embedded CSMS \(only without --url\): its default settings$/m);
  const csms = 'csms: {nodes: 2, pendingBoots: 1, bootRetryInterval: 15s, heartbeatInterval: 30s, delay: 50ms, jitter: 10ms, invalidTagShare: 0.05}\n';
  assert.match(
    text(csms),
    /^target: the embedded CSMS \(only without --url\): 2 nodes, first boot Pending, retry after 15s, heartbeat every 30s, answers after 50ms ± 10ms, 5% of tags invalid$/m,
  );
  assert.match(text('csms: {pendingBoots: 3}\n'), /: first 3 boots Pending, retry after 10s$/m);
  const two = text(`targets: [wss://a.example/ocpp, wss://b.example/ocpp]\n${csms}`);
  assert.match(two, /^targets \(2, from the scenario; each station's home by identity, failing over in order\): wss:\/\/a\.example\/ocpp, wss:\/\/b\.example\/ocpp$/m);
  assert.match(two, /^ {2}csms: unused/m);
  assert.doesNotMatch(two, /embedded CSMS \(only/);
  // --url replaces the scenario's targets; a URL with credentials never prints them (--url refuses one, but be safe).
  const flag = text('targets: [wss://a.example/ocpp]\n', ['wss://cp:s3cret@c.example/ocpp']);
  assert.match(flag, /^target \(from --url\): wss:\/\/\*\*\*@c\.example\/ocpp$/m);
  assert.doesNotMatch(flag, /s3cret|a\.example/);
});

test('the printed plan names each group\'s script and its steps, and its signed meter values with their tampered share', () => {
  const s = parseScenario(
    `scripts:
  short: [plugIn, authorize, start, stop, unplug]
groups:
  - {name: named, count: 2, ocpp: "2.0.1", sessions: {script: short}, signedMeterValues: {format: ocmf, tamperShare: 0.1}}
  - {name: inline, count: 2, ocpp: "1.6", sessions: {script: [plugIn, start, stop]}, signedMeterValues: ocmf}
  - {name: plain, count: 2, ocpp: "1.6"}
`,
    'scripts.yaml',
  );
  const text = planText(planFleet(s, s.seed), { workers: 1, durationMs: 60_000 });
  assert.match(text, /^ {4}sessions: .*; script short \(5 steps\)$/m);
  assert.match(text, /^ {4}sessions: .*; an inline script \(3 steps\)$/m);
  assert.match(text, /^ {4}sessions: .*; the default script$/m);
  assert.match(text, /group named: .*\n.*\n {4}signed meter values: OCMF, 10% tampered\n/);
  assert.match(text, /group inline: .*\n.*\n {4}signed meter values: OCMF\n {2}group plain/);
  assert.equal(text.match(/signed meter values/g)?.length, 2);
});
