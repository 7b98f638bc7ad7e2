import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDENTITY_RULE, identityProblem } from '../../src/scenario/identities';
import { findIdentityClash } from '../../src/scenario/identity-clash';
import { INPUT_LIMITS, readInputText } from '../../src/scenario/input-file';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load';
import { formatIdentity } from '../../src/scenario/identities';
import type { GroupSpec } from '../../src/scenario/types';
import { fixture, scenarioError } from '../helpers/scenario-fixtures';
import { RandomStream } from '../../src/scenario/random';
import { tempDir } from '../helpers/temp-dir';

/**
 * Configuration errors that used to escape the scenario checks (issue 10): each is a ScenarioError
 * with file:line, found before the file is read whole or before a bound is crossed.
 */

const TIMER = 'expected at most 24.8 days (596h, the longest a timer can wait)';
const CLASH = 'expected identities no other group gives';

/** Fixtures whose error is in the scenario file itself: file, line, message after `file:line: `. */
const BROKEN: readonly [file: string, line: number, message: string][] = [
  ['bad-identity-clash.yaml', 10, `groups[1].identity: ${CLASH}, got "CP-{index}", whose station 1 is "CP-1", as is station 1 of group east (${fixture('bad-identity-clash.yaml')}:6)`],
  [
    'bad-identity-clash-csv.yaml',
    9,
    `groups[1].identity: ${CLASH}, got "ACME-{index}", whose station 1 is "ACME-1", as is the row of group depot at ${fixture('valid-identities.csv')}:2`,
  ],
  ['bad-identity-blank.yaml', 5, `groups[0].identity: expected a pattern that makes ${IDENTITY_RULE}, got "CP {index}": station 1 would be "CP 1" (a blank)`],
  ['bad-identity-slash.yaml', 5, `groups[0].identity: expected a pattern that makes ${IDENTITY_RULE}, got "site/CP-{index}": station 1 would be "site/CP-1" (a "/")`],
  ['bad-identity-dots.yaml', 5, `groups[0].identity: expected a pattern that makes ${IDENTITY_RULE}, got "..CP-{index}": station 1 would be "..CP-1" (a "..")`],
  [
    'bad-identity-long.yaml',
    3,
    `groups[0].name: expected a name whose default identities (<name>-{index:05}) are each ${IDENTITY_RULE}, got identities of 70 characters; shorten the name or give "identity"`,
  ],
  ['bad-identities-dev-zero.yaml', 5, 'groups[0].identities: /dev/zero is a character device, not a file'],
  ['bad-identities-folder.yaml', 4, `groups[0].identities: ${fixture('.')} is a directory, not a file`],
  ['bad-yaml-alias-bomb.yaml', 7, "not accepted: with the alias *e the document's aliases expand it beyond 1,000,000 values (an alias bomb?)"],
  ['bad-yaml-alias-cycle.yaml', 2, 'not accepted: the alias *cp is inside the node it names (a cycle)'],
  ['bad-yaml-nesting.yaml', 2, 'expected at most 64 levels of nesting, got more (the file is not read further)'],
  ['bad-too-many-groups.yaml', 4098, 'groups[4095]: expected at most 4095 groups, got more (the file is not read further)'],
  ['bad-duration-too-long.yaml', 2, `duration: ${TIMER}, got "600h"`],
  ['bad-duration-zero.yaml', 1, 'duration: expected more than 0s, got "0s"'],
  ['bad-call-timeout-zero.yaml', 1, 'callTimeout: expected more than 0s, got 0'],
  ['bad-fault-at-too-long.yaml', 3, `faults[0].at: ${TIMER}, got "1000h"`],
  ['bad-heartbeat-too-long.yaml', 5, `groups[0].heartbeatInterval: ${TIMER}, got "2147484s"`],
  ['bad-fleet-too-large.yaml', 3, 'groups[1].count: expected at most 1,000,000 charge points in the whole fleet, got 1,200,000 with this group'],
];

for (const [name, line, message] of BROKEN) {
  test(`${name} fails at line ${line}: ${message}`, () => {
    const file = fixture(name);
    const err = scenarioError(() => loadScenarioFile(file));
    assert.equal(err.message, `${file}:${line}: ${message}`);
    assert.equal(err.line, line);
    // How fast the largest are refused is bounded in test/serial/scenario-limits-speed.test.ts.
  });
}

/** Errors located in a CSV file the scenario names: the CSV's file and line. */
const BROKEN_CSV: readonly [yaml: string, csv: string, line: number, message: string][] = [
  [
    'bad-identity-clash-two-csv.yaml',
    'valid-identities.csv',
    2,
    `identity: expected an identity no other group gives, got "ACME-1" for group copy, as does the row of group depot at ${fixture('valid-identities.csv')}:2`,
  ],
  ['bad-identities-slash.yaml', 'bad-identities-slash.csv', 3, `identity: expected ${IDENTITY_RULE}, got "ACME/2" (a "/")`],
];

for (const [yaml, csv, line, message] of BROKEN_CSV) {
  test(`${yaml}: ${csv}:${line}: ${message}`, () => {
    const err = scenarioError(() => loadScenarioFile(fixture(yaml)));
    assert.equal(err.message, `${fixture(csv)}:${line}: ${message}`);
  });
}

test('a scenario file is checked for type and size before it is read', () => {
  const dir = tempDir('limits');
  // A sparse 50 MB file: the size is refused from fstat, not one byte is read.
  const big = join(dir, 'big.yaml');
  writeFileSync(big, '');
  truncateSync(big, 50 * 1024 * 1024);
  assert.equal(scenarioError(() => loadScenarioFile(big)).message, `${big}: is 50 MiB, more than the 1 MiB a scenario file may be`);
  const justOver = join(dir, 'over.yaml');
  writeFileSync(justOver, '');
  truncateSync(justOver, INPUT_LIMITS.scenario + 1);
  assert.equal(scenarioError(() => loadScenarioFile(justOver)).message, `${justOver}: is 1,048,577 bytes, more than the 1 MiB a scenario file may be`);
  assert.equal(scenarioError(() => loadScenarioFile('/dev/zero')).message, '/dev/zero: is a character device, not a file');
  // A FIFO with no writer: opened without blocking and refused at once.
  const fifo = join(dir, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  assert.equal(scenarioError(() => loadScenarioFile(fifo)).message, `${fifo}: is a FIFO (named pipe), not a file`);
  // Within the cap, the whole file is read.
  const ok = join(dir, 'ok.yaml');
  const text = `# ${'x'.repeat(200_000)}\ngroups:\n  - {name: cp, count: 1, ocpp: "1.6"}\n`;
  writeFileSync(ok, text);
  assert.equal(loadScenarioFile(ok).groups.length, 1);
  assert.equal(readInputText(ok, 'scenario'), text);
});

test('every duration of a file is held to the timers\' limit, whatever its unit', () => {
  const group = (fields: string): string => `groups:\n  - {name: cp, count: 1, ocpp: "1.6"${fields}}\n`;
  const cases: [yaml: string, message: string][] = [
    [`gracefulStop: 25d\n${group('')}`, 'x.yaml:1: gracefulStop: expected a duration such as "250ms", "90s", "10m" or "1h", got "25d"'],
    [`gracefulStop: 597h\n${group('')}`, `x.yaml:1: gracefulStop: ${TIMER}, got "597h"`],
    [`callTimeout: 2147483648ms\n${group('')}`, `x.yaml:1: callTimeout: ${TIMER}, got "2147483648ms"`],
    [`duration: 2147484\n${group('')}`, `x.yaml:1: duration: ${TIMER}, got 2147484`],
    [group(', startAt: 36000m'), `x.yaml:2: groups[0].startAt: ${TIMER}, got "36000m"`],
    [group(', ramp: {linear: {from: 0/s, to: 5/s, over: 600h}}'), `x.yaml:2: groups[0].ramp.linear.over: ${TIMER}, got "600h"`],
    [group(', ramp: {steps: [{at: 0s, rate: 1/s}, {at: 600h, rate: 2/s}]}'), `x.yaml:2: groups[0].ramp.steps[1].at: ${TIMER}, got "600h"`],
    [group(', pingInterval: 600h'), `x.yaml:2: groups[0].pingInterval: ${TIMER}, got "600h"`],
    [group(', reconnect: {max: 600h}'), `x.yaml:2: groups[0].reconnect.max: ${TIMER}, got "600h"`],
    [group(', sessions: {idle: 600h}'), `x.yaml:2: groups[0].sessions.idle: ${TIMER}, got "600h"`],
    [group(', sessions: {duration: {uniform: {min: 1h, max: 600h}}}'), `x.yaml:2: groups[0].sessions.duration.uniform.max: ${TIMER}, got "600h"`],
    [group(', sessions: {meterInterval: 600h}'), `x.yaml:2: groups[0].sessions.meterInterval: ${TIMER}, got "600h"`],
    [group(', sessions: {script: [plugIn, {wait: 600h}]}'), `x.yaml:2: groups[0].sessions.script[1].wait: ${TIMER}, got "600h"`],
    [`faults:\n  - {at: 1m, offline: {for: 600h}}\n${group('')}`, `x.yaml:2: faults[0].offline.for: ${TIMER}, got "600h"`],
    [`thresholds:\n  - {threshold: "errors.count == 0", abortOnFail: true, abortGracePeriod: 600h}\n${group('')}`, `x.yaml:2: thresholds[0].abortGracePeriod: ${TIMER}, got "600h"`],
    [`csms: {delay: 600h}\n${group('')}`, `x.yaml:1: csms.delay: ${TIMER}, got "600h"`],
  ];
  for (const [text, message] of cases) assert.equal(scenarioError(() => parseScenario(text, 'x.yaml')).message, message);
  // The bound itself is accepted: 596h and 2^31 - 1 ms.
  assert.equal(parseScenario(`duration: 596h\n${group('')}`, 'x.yaml').durationMs, 596 * 3_600_000);
  assert.equal(parseScenario(`duration: 2147483647ms\n${group('')}`, 'x.yaml').durationMs, 2_147_483_647);
  assert.equal(parseScenario(`duration: 2147483.647\n${group('')}`, 'x.yaml').durationMs, 2_147_483_647);
});

test('the YAML read by hand is read as parseDocument reads it: syntax errors, a second document, merge keys', () => {
  const bad = (text: string): string => scenarioError(() => parseScenario(text, 'y.yaml')).message;
  assert.equal(bad('groups:\n  - name: a\n    count: 1\n    count: 2\n    ocpp: "1.6"\n'), 'y.yaml:4: not valid YAML: Map keys must be unique');
  assert.equal(bad('groups:\n  - {name: a, count: 1, ocpp: "1.6"}\n---\nname: b\n'), 'y.yaml:3: not valid YAML: expected one document, got a second one (after "---")');
  assert.equal(bad('name: x\ngroups:\n  - *cp\n'), 'y.yaml:3: not valid YAML: the alias *cp names no anchor (&cp) before it');
  assert.equal(bad('groups: [\n'), 'y.yaml:2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]');
  const merged = parseScenario('groups:\n  - &a {name: a, count: 2, ocpp: "1.6", connectors: 3}\n  - {<<: *a, name: b}\n', 'y.yaml');
  assert.deepEqual(merged.groups.map((g) => [g.name, g.count, g.connectors, g.identityLine]), [['a', 2, 3, 2], ['b', 2, 3, 3]]);
});

test('one identity rule for CSV rows and patterns', () => {
  assert.equal(identityProblem('CP-0001'), undefined);
  assert.equal(identityProblem('a'.repeat(48)), undefined);
  assert.equal(identityProblem('!#$%&*+:;<=>?@[]^_`{|}~'), undefined);
  assert.equal(identityProblem(''), 'empty');
  assert.equal(identityProblem('a'.repeat(49)), '49 characters');
  assert.equal(identityProblem('CP 1'), 'a blank');
  assert.equal(identityProblem('CP\t1'), 'a blank');
  assert.equal(identityProblem('CPé1'), 'a character outside printable ASCII');
  assert.equal(identityProblem('CP\u00001'), 'a character outside printable ASCII');
  assert.equal(identityProblem('site/CP1'), 'a "/"');
  assert.equal(identityProblem('..'), 'a ".."');
  assert.equal(identityProblem('a.b.c'), undefined);
  assert.equal(identityProblem('a,b'), 'a comma');
  assert.equal(identityProblem('a"b'), 'a quote');
});

test('identity clashes between patterns are found exactly as listing every identity finds them', () => {
  const stream = new RandomStream(7);
  const next = (): number => stream.next();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const part = (): string => Array.from({ length: Math.floor(next() * 3) }, () => pick(['A', '1', '0', '-'])).join('');
  let clashes = 0;
  for (let trial = 0; trial < 400; trial++) {
    const groups = Array.from({ length: 2 + Math.floor(next() * 2) }, (_x, g) => {
      const width = pick([0, 0, 2, 3]);
      const identity = `${part()}{index${width === 0 ? '' : `:0${width}`}}${part()}`;
      return { name: `g${g}`, count: 1 + Math.floor(next() * 120), identity } as GroupSpec;
    });
    const owner = new Map<string, number>();
    let expected = false;
    groups.forEach((g, i) => {
      for (let k = 1; k <= g.count; k++) {
        const id = formatIdentity(g.identity, k);
        if (owner.has(id) && owner.get(id) !== i) expected = true;
        owner.set(id, i);
      }
    });
    const found = findIdentityClash(groups);
    assert.equal(found !== undefined, expected, `${groups.map((g) => `${g.identity}×${g.count}`).join(', ')}`);
    if (found !== undefined) {
      clashes++;
      // The witness is real: both sides give it.
      assert.equal(formatIdentity(groups[found.here.group]?.identity ?? '', found.here.index), found.identity);
      assert.equal(formatIdentity(groups[found.other.group]?.identity ?? '', found.other.index), found.identity);
      assert.notEqual(found.here.group, found.other.group);
    }
  }
  // Both outcomes were exercised.
  assert.ok(clashes > 20 && clashes < 380, `${clashes} clashes in 400 trials`);
});

test('widths count: CP-{index:03} and CP-{index} meet at CP-100, not before', () => {
  const groups = (a: number, b: number): GroupSpec[] =>
    [
      { name: 'a', count: a, identity: 'CP-{index:03}' },
      { name: 'b', count: b, identity: 'CP-{index}' },
    ] as GroupSpec[];
  assert.equal(findIdentityClash(groups(99, 500)), undefined);
  assert.deepEqual(findIdentityClash(groups(100, 100)), { identity: 'CP-100', here: { group: 1, index: 100 }, other: { group: 0, index: 100 } });
});
