import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../src/scenario/load';
import { fixture } from '../helpers/scenario-fixtures';

function group(sessions: string, top = ''): string {
  return `${top}groups:\n  - name: cp\n    count: 2\n    ocpp: "1.6"\n${sessions}`;
}

test('sessions: every new field is read, in scenario time, with units converted', () => {
  const s = parseScenario(
    group(
      `    sessions:
      arrival:
        dailyCurve:
          points: [["00:00", 0.2], ["07:30", 0.6], ["18:00", 1.0]]
          peakPerHour: 3
      duration: {lognormal: {median: 45m, sigma: 0.5}}
      meterInterval: 1m
      measurands: [Energy.Active.Import.Register, Power.Active.Import, Current.Import, Voltage, SoC]
      powerKw: 22
      rampUp: 30s
      evCapacityKwh: 60
      startSocPercent: {uniform: {min: 10, max: 50}}
      idTags: {pool: shared, size: 500, invalidShare: 0.05}
      stopReasons: {EVDisconnected: 0.1, Local: 0.9}
`,
      'timeScale: 60\nstartTimeOfDay: "06:00"\n',
    ),
    'x.yaml',
  );
  assert.equal(s.timeScale, 60);
  assert.equal(s.startTimeOfDayMs, 6 * 3_600_000);
  assert.deepEqual(s.groups[0]?.sessions, {
    arrival: {
      kind: 'dailyCurve',
      points: [
        [0, 0.2],
        [7.5 * 3_600_000, 0.6],
        [18 * 3_600_000, 1],
      ],
      peakPerHour: 3,
    },
    duration: { kind: 'lognormal', median: 2_700_000, sigma: 0.5 },
    meterIntervalMs: 60_000,
    powerW: 22_000,
    rampUpMs: 30_000,
    ev: { capacityWh: 60_000, startSocPercent: { kind: 'uniform', min: 10, max: 50 } },
    idTags: { pool: 'shared', size: 500, invalidShare: 0.05 },
    // In the canonical order, whatever the file's.
    stopReasons: [
      ['Local', 0.9],
      ['EVDisconnected', 0.1],
    ],
    measurands: ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Voltage', 'SoC'],
  });
});

test('idle stays accepted as the shorthand of a Poisson arrival, and invalidTagShare of idTags.invalidShare', () => {
  const short = parseScenario(group('    sessions: {idle: 5m, invalidTagShare: 0.1}\n'), 'x.yaml').groups[0]?.sessions;
  const long = parseScenario(group('    sessions: {arrival: {poisson: {meanIdle: 5m}}, idTags: {invalidShare: 0.1}}\n'), 'x.yaml').groups[0]?.sessions;
  assert.deepEqual(short, long);
  assert.deepEqual(short?.arrival, { kind: 'poisson', meanIdleMs: 300_000 });
});

test('the other arrival and duration shapes, and the default pool sizes', () => {
  const at = (sessions: string) => parseScenario(group(`    sessions: ${sessions}\n`), 'x.yaml').groups[0]?.sessions;
  assert.deepEqual(at('{arrival: {fixed: {every: 10m}}}')?.arrival, { kind: 'fixed', everyMs: 600_000 });
  assert.deepEqual(at('{duration: {uniform: {min: 10m, max: 1h}}}')?.duration, { kind: 'uniform', min: 600_000, max: 3_600_000 });
  assert.deepEqual(at('{duration: {normal: {mean: 30m, sd: 10m}}}')?.duration, { kind: 'normal', mean: 1_800_000, sd: 600_000 });
  assert.deepEqual(at('{idTags: {pool: hot}}')?.idTags, { pool: 'hot', size: 3, invalidShare: 0 });
  assert.deepEqual(at('{idTags: {pool: shared}}')?.idTags, { pool: 'shared', size: 1000, invalidShare: 0 });
  assert.deepEqual(at('{evCapacityKwh: 50}')?.ev, { capacityWh: 50_000, startSocPercent: { kind: 'fixed', value: 20 } });
});

test('ramp shapes: rate, all, linear and steps', () => {
  const ramp = (text: string) => parseScenario(group(`    ramp: ${text}\n`), 'x.yaml').groups[0]?.ramp;
  assert.deepEqual(ramp('200/s'), { kind: 'rate', perSec: 200 });
  assert.deepEqual(ramp('all'), { kind: 'all' });
  assert.deepEqual(ramp('{linear: {from: 0/s, to: 600/m, over: 1m}}'), { kind: 'linear', fromPerSec: 0, toPerSec: 10, overMs: 60_000 });
  assert.deepEqual(ramp('{steps: [{at: 0s, rate: 50/s}, {at: 30s, rate: 200}]}'), {
    kind: 'steps',
    steps: [
      { atMs: 0, perSec: 50 },
      { atMs: 30_000, perSec: 200 },
    ],
  });
});

test('a scenario without the new fields runs in real time from midnight', () => {
  const s = parseScenario(group(''), 'x.yaml');
  assert.equal(s.timeScale, 1);
  assert.equal(s.startTimeOfDayMs, 0);
});

/** Each broken fixture of the new fields, the line it fails on, and the rest of the message. */
const BROKEN: readonly [file: string, line: number, message: string][] = [
  ['bad-arrival-two-kinds.yaml', 8, 'groups[0].sessions.arrival: expected only one of poisson, fixed or dailyCurve, got {"poisson":{"meanIdle":"5m"},"fixed":{"every":"10m"}}'],
  ['bad-arrival-typo.yaml', 9, 'groups[0].sessions.arrival.poison: is not a known field; did you mean "poisson"?'],
  ['bad-arrival-and-idle.yaml', 9, 'groups[0].sessions.arrival: expected either this or sessions.idle (its shorthand), got both'],
  ['bad-arrival-fixed-zero.yaml', 9, 'groups[0].sessions.arrival.fixed.every: expected more than 0s, got "0s"'],
  ['bad-curve-time.yaml', 13, 'groups[0].sessions.arrival.dailyCurve.points[1][0]: expected a time of day such as "18:00" or "06:30:00", got "25:00"'],
  ['bad-curve-order.yaml', 13, 'groups[0].sessions.arrival.dailyCurve.points[1][0]: expected a time after points[0] ("18:00"), got "06:00"'],
  ['bad-curve-zero.yaml', 11, 'groups[0].sessions.arrival.dailyCurve.points: expected at least one level above 0, got [["00:00",0],["12:00",0]]'],
  ['bad-curve-pair.yaml', 12, 'groups[0].sessions.arrival.dailyCurve.points[0]: expected a pair such as ["18:00", 1.0], got ["18:00"]'],
  ['bad-curve-no-peak.yaml', 9, 'groups[0].sessions.arrival.dailyCurve.peakPerHour: is required'],
  ['bad-duration-shape.yaml', 9, 'groups[0].sessions.duration.gaussian: is not a known field; expected one of uniform, normal, lognormal'],
  ['bad-duration-uniform.yaml', 9, 'groups[0].sessions.duration.uniform.max: expected at least uniform.min (30m), got "10m"'],
  ['bad-duration-normal-sd.yaml', 9, 'groups[0].sessions.duration.normal.sd: is required'],
  ['bad-duration-lognormal-sigma.yaml', 9, 'groups[0].sessions.duration.lognormal.sigma: expected a number >= 0, got -1'],
  [
    'bad-measurand.yaml',
    10,
    'groups[0].sessions.measurands[1]: expected "Energy.Active.Import.Register" or "Power.Active.Import" or "Current.Import" or "Voltage" or "SoC", got "Current"',
  ],
  [
    'bad-measurand-soc.yaml',
    8,
    'groups[0].sessions.measurands: expected "SoC" only with sessions.evCapacityKwh (a battery to report on), got ["Energy.Active.Import.Register","SoC"]',
  ],
  ['bad-soc-without-ev.yaml', 8, 'groups[0].sessions.startSocPercent: has no effect without sessions.evCapacityKwh'],
  ['bad-soc-range.yaml', 9, 'groups[0].sessions.startSocPercent: expected a number <= 100, got 120'],
  ['bad-tag-pool.yaml', 8, 'groups[0].sessions.idTags.pool: expected "unique" or "shared" or "hot", got "everyone"'],
  ['bad-tag-size-unique.yaml', 10, 'groups[0].sessions.idTags.size: has no effect with pool "unique" (one tag per connector)'],
  ['bad-tag-invalid-twice.yaml', 10, 'groups[0].sessions.idTags.invalidShare: expected either this or sessions.invalidTagShare, got both'],
  ['bad-stop-reason.yaml', 9, 'groups[0].sessions.stopReasons.Locall: is not a known field; did you mean "Local"?'],
  ['bad-stop-reasons-zero.yaml', 8, 'groups[0].sessions.stopReasons: expected at least one weight above 0, got {"Local":0,"EVDisconnected":0}'],
  ['bad-time-scale.yaml', 3, 'timeScale: expected a number > 0, got 0'],
  ['bad-start-time-of-day.yaml', 3, 'startTimeOfDay: expected a time of day such as "18:00" or "06:30:00", got "7am"'],
  ['bad-meter-interval-scaled.yaml', 9, 'groups[0].sessions.meterInterval: expected at least 6s at timeScale 60 (100ms of real time), got "3s"'],
  ['bad-ramp-linear.yaml', 8, 'groups[0].ramp.linear.over: is required'],
  ['bad-ramp-linear-to-zero.yaml', 8, 'groups[0].ramp.linear.to: expected a rate above 0 such as "500/s", got "0/s"'],
  ['bad-ramp-steps-start.yaml', 9, 'groups[0].ramp.steps[0].at: expected 0s (the first step starts the ramp), got "5s"'],
  ['bad-ramp-steps-order.yaml', 11, 'groups[0].ramp.steps[2].at: expected after steps[1].at (30s), got "20s"'],
  ['bad-ramp-two-shapes.yaml', 7, 'groups[0].ramp: expected only one of linear or steps, got {"linear":{"from":"10/s","to":"500/s","over":"60s"},"step...'],
  ['bad-ramp-up.yaml', 8, 'groups[0].sessions.rampUp: expected a duration such as "250ms", "90s", "10m" or "1h", got "slow"'],
];

for (const [name, line, message] of BROKEN) {
  test(`${name} fails at line ${line}: ${message}`, () => {
    const file = fixture(name);
    let error: unknown;
    try {
      loadScenarioFile(file);
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
    assert.equal(error.message, `${file}:${line}: ${message}`);
    assert.equal(error.line, line);
    assert.doesNotMatch(error.message, /\n/);
  });
}

test('heartbeats are held to 100ms of real time once compressed', () => {
  let error: unknown;
  try {
    parseScenario('timeScale: 3600\ngroups:\n  - {name: a, count: 1, ocpp: "1.6", heartbeatInterval: 60s}\n', 'x.yaml');
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ScenarioError);
  assert.equal(error.message, 'x.yaml:3: groups[0].heartbeatInterval: expected at least 6m at timeScale 3600 (100ms of real time), got "60s"');
});
