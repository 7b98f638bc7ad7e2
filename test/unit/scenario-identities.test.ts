import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDENTITY_RULE, identityPasswords, parseIdentities } from '../../src/scenario/identities';
import { parseScenario } from '../../src/scenario/load';
import { planFleet, scaleGroups } from '../../src/scenario/plan';
import { planText } from '../../src/scenario/plan-text';
import { expandPlan } from '../../src/scenario/expand';
import { tempDir } from '../helpers/temp-dir';

const CSV = `identity,password,ocpp,connectors
# the depot
DEPOT-1,"pa,ss""word",1.6,2
DEPOT-2,,2.0.1,
  DEPOT-3 , plain-pw ,,
DEPOT-4,,,3
`;

test('an identities CSV: quoted fields, comments, blank values, trimmed unquoted fields, lines kept', () => {
  const rows = parseIdentities(CSV, 'stations.csv');
  assert.deepEqual(rows, [
    { identity: 'DEPOT-1', password: 'pa,ss"word', ocpp: '1.6', connectors: 2, line: 3 },
    { identity: 'DEPOT-2', password: undefined, ocpp: '2.0.1', connectors: undefined, line: 4 },
    { identity: 'DEPOT-3', password: 'plain-pw', ocpp: undefined, connectors: undefined, line: 5 },
    { identity: 'DEPOT-4', password: undefined, ocpp: undefined, connectors: 3, line: 6 },
  ]);
  assert.deepEqual(parseIdentities('ocpp,identity\r\n2.0.1,X-1\r\n', 'x.csv'), [
    { identity: 'X-1', password: undefined, ocpp: '2.0.1', connectors: undefined, line: 2 },
  ]);
});

test('each bad row is named by file, line and column; no password is quoted', () => {
  const cases: [string, string][] = [
    ['identity\n', 'x.csv:1: expected at least one station after the header, got none'],
    ['', 'x.csv:1: expected a header line naming the columns (identity,password,ocpp,connectors), got an empty file'],
    ['identity,password\nA,"open\n', 'x.csv:2: expected a closing double quote (the line is not shown: it may hold a password)'],
    ['identity,connectors\nA,0\n', 'x.csv:2: connectors: expected a whole number from 1 to 32, got "0"'],
    ['identity,password,connectors\nA,secret,40\n', 'x.csv:2: connectors: expected a whole number from 1 to 32, got something else (not shown: the line holds a password)'],
    ['identity,ocpp,ocpp\nA,1.6,1.6\n', 'x.csv:1: header: expected each column once, got "ocpp" twice'],
    ['password,ocpp\nsecret,1.6\n', 'x.csv:1: header: expected the column "identity" among password,ocpp (identity,password,ocpp,connectors)'],
    ['identity,pasword\nA,secret\n', 'x.csv:1: header: expected a first line naming the columns identity,password,ocpp,connectors (identity required, the others optional), got "pasword"'],
    ['identity\nA B\n', `x.csv:2: identity: expected ${IDENTITY_RULE}, got "A B" (a blank)`],
  ];
  for (const [text, message] of cases) assert.throws(() => parseIdentities(text, 'x.csv'), (err: Error) => err.message === message, message);
});

function withCsv(csv: string, yaml: string): string {
  const dir = tempDir('identities');
  writeFileSync(join(dir, 'stations.csv'), csv);
  writeFileSync(join(dir, 'fleet.yaml'), yaml);
  return join(dir, 'fleet.yaml');
}

const YAML = `
groups:
  - name: depot
    ocpp: "1.6"
    connectors: 1
    identities: stations.csv
    ramp: all
    sessions: {idle: 1s, duration: 2s}
`;

test('a group with identities: count from the rows, per-station version and connectors, passwords by identity', () => {
  const file = withCsv(CSV, YAML);
  const s = parseScenario(YAML, file);
  const g = s.groups[0];
  assert.equal(g?.count, 4);
  assert.equal(g?.identities?.written, 'stations.csv');
  const plan = planFleet(s, 1);
  assert.deepEqual(
    plan.stations.map((st) => [st.identity, st.ocpp, st.connectors]),
    [
      ['DEPOT-1', undefined, 2],
      ['DEPOT-2', '2.0.1', undefined],
      ['DEPOT-3', undefined, undefined],
      ['DEPOT-4', undefined, 3],
    ],
  );
  assert.deepEqual([...identityPasswords(s.groups)], [
    ['DEPOT-1', 'pa,ss"word'],
    ['DEPOT-3', 'plain-pw'],
  ]);
  // The expansion of the plan knows each station's connectors.
  const events = expandPlan(plan, 20_000);
  const connectorsOf = (id: string): number => new Set(events.get(id)?.flatMap((e) => (e.kind === 'session' ? [e.connector] : []))).size;
  assert.deepEqual(['DEPOT-1', 'DEPOT-2', 'DEPOT-4'].map(connectorsOf), [2, 1, 3]);
  const text = planText(plan, { workers: 2, durationMs: 60_000 });
  assert.match(text, /group depot: 4 × OCPP 1\.6 ×3 \+ 2\.0\.1 ×1, 2 ×1 \+ 1 ×2 \+ 3 ×1 connector\(s\)/);
  assert.match(text, /identities: the first 4 of 4 rows of stations\.csv, 2 with their own password/);
  assert.match(text, /StartTransaction/);
  assert.match(text, /TransactionEvent/);
  assert.doesNotMatch(text, /plain-pw|pa,ss/);
});

test('a smaller count takes the first rows; --cps above the rows is an error naming the file', () => {
  const file = withCsv(CSV, YAML.replace('ocpp: "1.6"', 'ocpp: "1.6"\n    count: 2'));
  const s = parseScenario(YAML.replace('ocpp: "1.6"', 'ocpp: "1.6"\n    count: 2'), file);
  assert.deepEqual(planFleet(s, 1).stations.map((st) => st.identity), ['DEPOT-1', 'DEPOT-2']);
  assert.throws(() => planFleet(s, 1, scaleGroups(s.groups, 9)), /groups\[0\]: 9 charge points asked of group depot, but stations\.csv lists 4/);
});
