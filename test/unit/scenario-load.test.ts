import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load';
import { fixture, scenarioError } from '../helpers/scenario-fixtures';

/** What a group without `sessions:` gets: the defaults of the simple model. */
const DEFAULT_SESSIONS = {
  arrival: { kind: 'poisson', meanIdleMs: 60_000 },
  duration: { kind: 'fixed', value: 1_800_000 },
  meterIntervalMs: 60_000,
  powerW: 11_000,
  rampUpMs: 0,
  ev: undefined,
  idTags: { pool: 'unique', size: 1, invalidShare: 0 },
  stopReasons: [['Local', 1]],
  measurands: ['Energy.Active.Import.Register', 'Power.Active.Import'],
};

const MINIMAL = `
groups:
  - name: cp
    count: 3
    ocpp: "1.6"
  - name: cs
    count: 2
    ocpp: "2.0.1"
`;

test('a minimal scenario gets every default, named after its file', () => {
  const s = parseScenario(MINIMAL, 'scenarios/night-shift.yaml');
  assert.equal(s.name, 'night-shift');
  assert.equal(s.description, '');
  assert.equal(s.source, 'scenarios/night-shift.yaml');
  assert.equal(s.durationMs, 60_000);
  assert.equal(s.seed, 1);
  assert.equal(s.callTimeoutMs, 30_000);
  assert.equal(s.gracefulStopMs, 10_000);
  assert.equal(s.groups.length, 2);
  assert.deepEqual(s.groups[0], {
    name: 'cp',
    count: 3,
    ocpp: '1.6',
    connectors: 1,
    identity: 'cp-{index:05}',
    identityLine: 3,
    vendor: 'ocpp-fleet',
    model: 'VirtualCP-16',
    firmware: '0.1.0',
    startAtMs: 0,
    ramp: { kind: 'rate', perSec: 200 },
    heartbeatIntervalMs: undefined,
    pingIntervalMs: undefined,
    pingTimeoutMs: undefined,
    maxFrameBytes: undefined,
    compression: 'none',
    reconnect: { minMs: 1000, maxMs: 30_000, jitter: 0.5 },
    sessions: DEFAULT_SESSIONS,
  });
  assert.equal(s.groups[1]?.model, 'VirtualCS-201');
  assert.equal(s.groups[1]?.identity, 'cs-{index:05}');
});

test('a parsed scenario is frozen, down to its groups', () => {
  const s = parseScenario(MINIMAL, 'x.yaml');
  assert.ok(Object.isFrozen(s));
  assert.ok(Object.isFrozen(s.groups));
  const g = s.groups[0];
  assert.ok(g && Object.isFrozen(g) && Object.isFrozen(g.reconnect) && Object.isFrozen(g.sessions));
});

test('every field written is read, with units converted', () => {
  const s = parseScenario(
    `
name: full
description: every field
duration: 10m
seed: 42
callTimeout: 5s
gracefulStop: 1500ms
groups:
  - name: acme
    count: 1000
    ocpp: "2.0.1"
    connectors: 4
    identity: "ACME-{index:06}"
    vendor: ACME
    model: Wallbox-X
    firmware: 3.2.1
    startAt: 2s
    ramp: 3000/m
    heartbeatInterval: 5m
    pingInterval: 20s
    pingTimeout: 5s
    maxFrameSize: 65536
    reconnect: { min: 500ms, max: 1m, jitter: 0 }
    sessions:
      idle: 1h
      duration: 45m
      meterInterval: 15
      powerKw: 22
      invalidTagShare: 0.1
  - name: burst
    count: 10
    ocpp: "1.6"
    ramp: all
`,
    'full.yaml',
  );
  assert.equal(s.name, 'full');
  assert.equal(s.description, 'every field');
  assert.equal(s.durationMs, 600_000);
  assert.equal(s.seed, 42);
  assert.equal(s.callTimeoutMs, 5000);
  assert.equal(s.gracefulStopMs, 1500);
  assert.deepEqual(s.groups[0], {
    name: 'acme',
    count: 1000,
    ocpp: '2.0.1',
    connectors: 4,
    identity: 'ACME-{index:06}',
    identityLine: 13,
    vendor: 'ACME',
    model: 'Wallbox-X',
    firmware: '3.2.1',
    startAtMs: 2000,
    ramp: { kind: 'rate', perSec: 50 },
    heartbeatIntervalMs: 300_000,
    pingIntervalMs: 20_000,
    pingTimeoutMs: 5000,
    maxFrameBytes: 65_536,
    compression: 'none',
    reconnect: { minMs: 500, maxMs: 60_000, jitter: 0 },
    sessions: {
      ...DEFAULT_SESSIONS,
      arrival: { kind: 'poisson', meanIdleMs: 3_600_000 },
      duration: { kind: 'fixed', value: 2_700_000 },
      meterIntervalMs: 15_000,
      powerW: 22_000,
      idTags: { pool: 'unique', size: 1, invalidShare: 0.1 },
    },
  });
  assert.deepEqual(s.groups[1]?.ramp, { kind: 'all' });
});

test('loadScenarioFile reads a file and names the scenario after it', () => {
  const file = fixture('valid-minimal.yaml');
  const s = loadScenarioFile(file);
  assert.equal(s.name, 'valid-minimal');
  assert.equal(s.source, file);
  assert.equal(s.groups[0]?.count, 3);
});

/** Each broken fixture, the line it fails on, and the rest of the message after `file:line: `. */
const BROKEN: readonly [file: string, line: number, message: string][] = [
  ['bad-ocpp-version.yaml', 7, 'groups[0].ocpp: expected "1.6" or "2.0.1" or "2.1", got "2.0"'],
  ['bad-ocpp-unquoted.yaml', 5, 'groups[0].ocpp: expected "1.6" or "2.0.1" or "2.1", got 1.6 (a number: write it in quotes)'],
  ['bad-unknown-field.yaml', 7, 'groups[0].conectors: is not a known field; did you mean "connectors"?'],
  [
    'bad-unknown-top-field.yaml',
    3,
    'rampUp: is not a known field; expected one of name, description, duration, seed, callTimeout, gracefulStop, timeScale, startTimeOfDay, thresholds, faults, scripts, groups, targets, csms, health',
  ],
  ['bad-session-typo.yaml', 7, 'groups[0].sessions.meterIntervall: is not a known field; did you mean "meterInterval"?'],
  ['bad-missing-count.yaml', 6, 'groups[1].count: is required'],
  ['bad-negative-count.yaml', 4, 'groups[0].count: expected a number >= 0, got -5'],
  ['bad-duration-unit.yaml', 4, 'duration: expected a duration such as "250ms", "90s", "10m" or "1h", got "10x"'],
  ['bad-ramp.yaml', 5, 'groups[0].ramp: expected a rate such as "200/s" or "all", or a mapping {linear: …} or {steps: […]}, got "fast"'],
  ['bad-ramp-zero.yaml', 5, 'groups[0].ramp: expected a rate above 0 such as "200/s" or "all", got "0/s"'],
  ['bad-duplicate-group.yaml', 9, 'groups[2].name: expected a name no other group uses, got "cp" (also groups[0].name)'],
  [
    'bad-identity-no-index.yaml',
    5,
    'groups[0].identity: expected a pattern with {index} or {index:0N} such as "ACME-{index:05}", got "ACME-CP"',
  ],
  ['bad-reconnect-min-max.yaml', 7, 'groups[0].reconnect.min: expected at most reconnect.max (10s), got "1m"'],
  ['bad-reconnect-max-default.yaml', 8, 'groups[0].reconnect.max: expected at least reconnect.min (1s, the default), got "500ms"'],
  ['bad-meter-interval.yaml', 8, 'groups[0].sessions.meterInterval: expected at least 100ms, got "50ms"'],
  ['bad-heartbeat-interval.yaml', 5, 'groups[0].heartbeatInterval: expected at least 1s, got "500ms"'],
  ['bad-yaml-syntax.yaml', 4, 'not valid YAML: Sequence item without - indicator'],
  ['bad-empty-groups.yaml', 2, 'groups: expected at least 1 item(s), got []'],
  ['bad-empty-file.yaml', 1, '(top level): expected a scenario with a "groups" list, got an empty file'],
  ['bad-fault-node-loss-groups.yaml', 7, 'faults[0].groups: a nodeLoss hits a CSMS node, not groups: remove "groups"'],
  ['bad-fault-offline-for.yaml', 11, 'faults[1].offline.for: expected a duration such as "250ms", "90s", "10m" or "1h", got "soon"'],
  ['bad-fault-no-kind.yaml', 6, 'faults[0]: expected one of drop, offline, restart, halfOpen, malformed, flapping, nodeLoss, got none'],
  ['bad-fault-two-kinds.yaml', 8, 'faults[0].restart: expected only one of drop, offline, restart, halfOpen, malformed, flapping, nodeLoss, got drop and restart'],
  ['bad-fault-group.yaml', 8, 'faults[0].groups[1]: expected the name of a group (cp), got "acquired"'],
  [
    'bad-fault-malformed-kind.yaml',
    7,
    'faults[0].malformed.kinds[1]: expected "invalidJson" or "notArray" or "unknownMessageType" or "unknownAction" or "schemaInvalid", got "badCrc"',
  ],
  ['bad-fault-flapping-up.yaml', 7, 'faults[0].flapping.up: expected less than flapping.for ("10s"), got "30s"'],
  ['bad-fault-share.yaml', 7, 'faults[0].halfOpen.share: expected a number <= 1, got 1.5'],
  ['bad-fault-drop-for.yaml', 7, 'faults[0].drop.for: is not a known field; expected one of share'],
  ['bad-fault-no-at.yaml', 6, 'faults[0].at: is required'],
  [
    'bad-script-unknown-step.yaml',
    5,
    'scripts.quick[2]: expected "plugIn" or "authorize" or "start" or "suspend" or "resume" or "stop" or "unplug" or "disconnect" or "reconnect" or "reboot", got "plugin"',
  ],
  ['bad-script-unknown-step-mapping.yaml', 8, 'groups[0].sessions.script[1].wiat: is not a known field; did you mean "wait"?'],
  ['bad-script-meter-values.yaml', 5, 'scripts.metered[2].meterValues: expected either count (a number of meter values) or until: end, got neither'],
  ['bad-script-name.yaml', 8, 'groups[0].sessions.script: expected the name of a script under "scripts:" (slow-authorize), got "slow-authorise"'],
  ['bad-script-order.yaml', 4, 'scripts.early[1]: meterValues: expected a running transaction here; add start before it'],
  ['bad-identities-and-pattern.yaml', 5, 'groups[0].identities: expected either this or identity (a pattern), got both'],
  ['bad-identities-count.yaml', 3, 'groups[0].count: expected at most 3 (the rows of valid-identities.csv), got 5'],
];

for (const [name, line, message] of BROKEN) {
  test(`${name} fails at line ${line}: ${message}`, () => {
    const file = fixture(name);
    const err = scenarioError(() => loadScenarioFile(file));
    assert.equal(err.message, `${file}:${line}: ${message}`);
    assert.equal(err.file, file);
    assert.equal(err.line, line);
  });
}

/** Broken identities files: the error names the CSV file and its line, never the line's text. */
const BROKEN_CSV: readonly [yaml: string, csv: string, line: number, message: string][] = [
  ['bad-identities-ocpp.yaml', 'bad-identities-ocpp.csv', 7, 'ocpp: expected "1.6" or "2.0.1" or "2.1", got "2.0"'],
  ['bad-identities-duplicate.yaml', 'bad-identities-duplicate.csv', 4, 'identity: expected an identity no other row uses, got "ACME-1" (also line 2)'],
  [
    'bad-identities-header.yaml',
    'bad-identities-header.csv',
    1,
    'header: expected a first line naming the columns identity,password,ocpp,connectors (identity required, the others optional), got "ACME-1"',
  ],
  [
    'bad-identities-secret.yaml',
    'bad-identities-secret.csv',
    3,
    'expected 4 fields (identity,password,ocpp,connectors), got 5; a value with a comma goes in double quotes (the line is not shown: it may hold a password)',
  ],
  ['bad-identities-shifted.yaml', 'bad-identities-shifted.csv', 2, 'ocpp: expected "1.6" or "2.0.1" or "2.1", got something else (not shown: the line holds a password)'],
];

for (const [yaml, csv, line, message] of BROKEN_CSV) {
  test(`${yaml}: ${csv}:${line}: ${message}`, () => {
    const err = scenarioError(() => loadScenarioFile(fixture(yaml)));
    assert.equal(err.message, `${fixture(csv)}:${line}: ${message}`);
    assert.doesNotMatch(err.message, /s3cret|pass-word|secret-1/, 'no password in the message');
  });
}

test('an identities file that cannot be read is located at the group field', () => {
  const file = fixture('bad-identities-missing.yaml');
  const err = scenarioError(() => loadScenarioFile(file));
  assert.equal(err.message, `${file}:4: groups[0].identities: cannot read ${fixture('no-such-file.csv')} (ENOENT)`);
});

test('a missing file is an error naming the file and the reason, without a line', () => {
  const file = fixture('does-not-exist.yaml');
  const err = scenarioError(() => loadScenarioFile(file));
  assert.equal(err.message, `${file}: cannot read the file (ENOENT: no such file or directory)`);
  assert.equal(err.line, undefined);
});

test('a directory is not a scenario file', () => {
  const dir = fixture('');
  const err = scenarioError(() => loadScenarioFile(dir));
  assert.equal(err.message, `${dir}: is a directory, not a file`);
});

test('errors from parseScenario carry the field apart from the message', () => {
  const err = scenarioError(() => parseScenario('groups:\n  - name: cp\n    count: 2.5\n    ocpp: "1.6"\n', 'inline.yaml'));
  assert.equal(err.message, 'inline.yaml:3: groups[0].count: expected a whole number, got 2.5');
  assert.equal(err.field, 'groups[0].count');
  assert.equal(err.detail, 'expected a whole number, got 2.5');
});

test('a field holding a block is located at its key, not at its first child', () => {
  const err = scenarioError(() => parseScenario('groups:\n  - name: cp\n    count: 1\n    ocpp: "1.6"\n    sessions:\n      - 5s\n', 'b.yaml'));
  assert.equal(err.message, 'b.yaml:5: groups[0].sessions: expected a mapping of fields, got ["5s"]');
});

test('other broken shapes are named precisely', () => {
  const cases: [string, string][] = [
    ['- a\n- b\n', 'x.yaml:1: (top level): expected a mapping of fields, got ["a","b"]'],
    ['name: x\n', 'x.yaml:1: groups: is required'],
    ['groups:\n  cp: 1\n', 'x.yaml:1: groups: expected a list, got {"cp":1}'],
    ['seed: -1\ngroups:\n  - {name: a, count: 1, ocpp: "1.6"}\n', 'x.yaml:1: seed: expected a number >= 0, got -1'],
    ['duration: -5\ngroups:\n  - {name: a, count: 1, ocpp: "1.6"}\n', 'x.yaml:1: duration: expected a number >= 0, got -5'],
    ['duration: true\ngroups:\n  - {name: a, count: 1, ocpp: "1.6"}\n', 'x.yaml:1: duration: expected a duration such as "250ms", "90s", "10m" or "1h", got true'],
    ['groups:\n  - {name: a, count: 1, ocpp: "1.6", ramp: 0}\n', 'x.yaml:2: groups[0].ramp: expected a rate such as "200/s" or "all", or a mapping {linear: …} or {steps: […]}, got 0'],
    ['groups:\n  - {name: "a b", count: 1, ocpp: "1.6"}\n', 'x.yaml:2: groups[0].name: expected letters, digits, ".", "_" or "-", got "a b"'],
    ['groups:\n  - name: a\n    count: 1\n    ocpp: "1.6"\n    reconnect: {jitter: 2}\n', 'x.yaml:5: groups[0].reconnect.jitter: expected a number <= 1, got 2'],
    ['groups:\n  - name: a\n    count: 1\n    count: 2\n    ocpp: "1.6"\n', 'x.yaml:4: not valid YAML: Map keys must be unique'],
    ['groups:\n  - name: a\n    count: 1\n    ocpp: "1.6"\n    sessions: {duration: 0s}\n', 'x.yaml:5: groups[0].sessions.duration: expected more than 0s, got "0s"'],
  ];
  for (const [text, message] of cases) assert.equal(scenarioError(() => parseScenario(text, 'x.yaml')).message, message);
});

test('signedMeterValues: the shorthand, the mapping, and absent', () => {
  const group = (field: string): string => `groups:\n  - name: cp\n    count: 1\n    ocpp: "1.6"\n${field}`;
  assert.deepEqual(parseScenario(group('    signedMeterValues: ocmf\n'), 's.yaml').groups[0]?.signedMeterValues, { format: 'ocmf', tamperShare: 0 });
  assert.deepEqual(parseScenario(group('    signedMeterValues: {format: ocmf, tamperShare: 0.1}\n'), 's.yaml').groups[0]?.signedMeterValues, {
    format: 'ocmf',
    tamperShare: 0.1,
  });
  assert.equal('signedMeterValues' in (parseScenario(group(''), 's.yaml').groups[0] ?? {}), false);
});

/** Broken signedMeterValues fixtures, located like the others. */
const BROKEN_SIGNED: readonly [file: string, line: number, message: string][] = [
  ['bad-signed-format.yaml', 7, 'groups[0].signedMeterValues: expected "ocmf", got "sha256"'],
  ['bad-signed-tamper-share.yaml', 9, 'groups[0].signedMeterValues.tamperShare: expected a number <= 1, got 1.5'],
  ['bad-signed-typo.yaml', 7, 'groups[0].signedMeterValues.tamper: is not a known field; expected one of format, tamperShare'],
  [
    'bad-signed-no-energy.yaml',
    9,
    'groups[0].signedMeterValues: needs Energy.Active.Import.Register in sessions.measurands (the reading that is signed), got [Power.Active.Import]',
  ],
];

for (const [name, line, message] of BROKEN_SIGNED) {
  test(`${name} fails at line ${line}: ${message}`, () => {
    const file = fixture(name);
    const err = scenarioError(() => loadScenarioFile(file));
    assert.equal(err.message, `${file}:${line}: ${message}`);
  });
}
test('a faults timeline is resolved: real times, shares, periods, kinds and groups', () => {
  const s = parseScenario(
    `${MINIMAL}faults:
  - at: 30s
    drop: {share: 0.5}
    groups: [cp]
  - at: 1m
    offline: {share: 0.3, for: 2m}
  - at: 3m
    restart: {}
  - at: 10s
    halfOpen: {share: 0.1, for: 30s}
  - at: 0s
    malformed: {share: 0.05, for: 1m, kinds: [invalidJson, schemaInvalid]}
  - at: 0
    flapping: {share: 0.05, for: 2m, up: 5s}
`,
    'faults.yaml',
  );
  const f = s.faults ?? [];
  assert.deepEqual(
    f.map((x) => [x.kind, x.atMs, x.share, x.forMs, x.groups]),
    [
      ['drop', 30_000, 0.5, 0, ['cp']],
      ['offline', 60_000, 0.3, 120_000, undefined],
      ['restart', 180_000, 1, 0, undefined],
      ['halfOpen', 10_000, 0.1, 30_000, undefined],
      ['malformed', 0, 0.05, 60_000, undefined],
      ['flapping', 0, 0.05, 120_000, undefined],
    ],
  );
  assert.equal(f[2]?.reason, 'PowerLoss');
  assert.deepEqual(f[4]?.kinds, ['invalidJson', 'schemaInvalid']);
  assert.deepEqual(f[0]?.kinds, ['invalidJson', 'notArray', 'unknownMessageType', 'unknownAction', 'schemaInvalid']);
  assert.equal(f[5]?.upMs, 5000);
  assert.equal(f[1]?.line, 13);
  assert.deepEqual(parseScenario(MINIMAL, 'none.yaml').faults, []);
});
