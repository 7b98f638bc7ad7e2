import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { endOfRunText } from '../../src/report/run-text';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet, type FleetResult } from '../helpers/run-fleet';

/**
 * A group's stations from an identities CSV: passwords per station for HTTP Basic auth (security
 * profile 1) against the embedded CSMS with its own password file, versions mixed in one file.
 * No password may appear in any output or results file. The run goes through run() in-process;
 * validate and --dry-run are the CLI's printing, so they run the CLI.
 */
const SECRET = 'Csv-S3cret-';
const ROWS: [identity: string, password: string, ocpp: string, connectors: string][] = [
  ['DEPOT-A', `${SECRET}a1`, '1.6', '2'],
  ['DEPOT-B', `${SECRET}b2`, '', ''],
  ['DEPOT-C', `"${SECRET},c3"`, '1.6', ''],
  ['DEPOT-D', `${SECRET}d4`, '2.0.1', ''],
  ['DEPOT-E', `${SECRET}e5`, '2.0.1', '2'],
  // No password of its own: the run's --password-env gives it.
  ['DEPOT-F', '', '2.0.1', ''],
];
const ENV_PASSWORD = `${SECRET}from-env`;
const passwordOf = (p: string, identity: string): string => (p === '' ? ENV_PASSWORD : p.replace(/^"|"$/g, '')) || identity;

const SCENARIO = `
name: depot
duration: 5s
callTimeout: 3s
gracefulStop: 2s
groups:
  - name: depot
    ocpp: "1.6"
    identities: stations.csv
    ramp: all
    reconnect: {min: 300ms, max: 600ms}
    sessions: {idle: 500ms, duration: 1s, meterInterval: 400ms}
`;

let csms: EmbeddedCsms;
let dir: string;
let scenario: string;

before(async () => {
  dir = tempDir('identities');
  writeFileSync(join(dir, 'stations.csv'), `identity,password,ocpp,connectors\n${ROWS.map((r) => r.join(',')).join('\n')}\n`);
  // The CSMS's own table (CSV without quoting: none of its passwords holds a comma but C's, which it lists as is).
  const table = ROWS.map(([id, p]) => `${id},${passwordOf(p, id)}`).join('\n');
  writeFileSync(join(dir, 'csms-passwords.csv'), `identity,password\n${table}\n`);
  scenario = writeScenario(dir, 'depot', SCENARIO);
  csms = await startEmbeddedCsms({ basicAuth: join(dir, 'csms-passwords.csv') });
});

after(async () => {
  await csms?.stop();
});

/** `texts`: what was printed (the CLI's stdout and stderr, or what the CLI would print of a run). */
function assertNoSecret(texts: readonly string[], out?: string): void {
  const files = out === undefined ? [] : readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
  const leaks = [...texts, ...files].filter((t) => t.includes(SECRET));
  assert.equal(leaks.length, 0, 'a password appears in an output or a results file');
}

describe('identities from a CSV', () => {
  test('passwords per station feed Basic auth; 1.6 and 2.0.1 stations of one group all boot and charge', async () => {
    const out = join(dir, 'run');
    // run() reads passwordEnv from this process's environment, as the CLI does from its own.
    process.env.DEPOT_PW = ENV_PASSWORD;
    let r: FleetResult;
    try {
      r = await runFleet({ scenario, url: csms.url, passwordEnv: 'DEPOT_PW', out });
    } finally {
      delete process.env.DEPOT_PW;
    }
    // The run's printing: its end-of-run text and notices (the CLI prints these and nothing else of a run).
    assertNoSecret([endOfRunText(r.summary, r.result.thresholds, r.result.dir), ...r.notices.map((n) => n.message), r.result.message ?? ''], out);
    assert.equal(r.exitCode, 0, r.result.reason);
    const s = readSummary(out);
    assert.equal(s.fleet.planned, 6);
    assert.equal(s.fleet.booted, 6);
    assert.deepEqual(s.errors, {});
    assert.match(JSON.stringify(s.settings), /basic, passwords of 5 stations from stations\.csv; the others basic, password from \$DEPOT_PW/);
    const stats = await csms.stats();
    assert.deepEqual(stats.connections.authFailures, { missingCredentials: 0, badCredentials: 0, badCertificate: 0 });
    assert.equal(stats.connections.byVersion['1.6'].accepted, 3);
    assert.equal(stats.connections.byVersion['2.0.1'].accepted, 3);
    // One group in the results, whatever the versions of its stations: both kinds of transactions in it.
    assert.deepEqual(Object.keys(s.groups), ['depot']);
    const depot = s.groups.depot?.actions;
    assert.ok((depot?.StartTransaction?.ok ?? 0) >= 4, JSON.stringify(depot));
    assert.ok((depot?.TransactionEvent?.ok ?? 0) >= 8, JSON.stringify(depot));
    // Connectors per row: A and E have two; 1.6 reports connector 0 too. Boot statuses alone: A 3, B 2, C 2; D 1, E 2, F 1.
    assert.ok((stats.incoming.StatusNotification?.received ?? 0) >= 11);
  });

  test('validate and --dry-run say where the identities came from, and print no password', async () => {
    const v = await runCli(['validate', scenario]);
    assertNoSecret([v.stdout, v.stderr]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /group depot: 6 × OCPP 1\.6 ×3 \+ 2\.0\.1 ×3, 2 ×2 \+ 1 ×4 connector\(s\)/);
    assert.match(v.stdout, /identities: the first 6 of 6 rows of stations\.csv, 5 with their own password/);
    const dry = await runCli(['run', scenario, '--dry-run', '--cps', '4']);
    assertNoSecret([dry.stdout, dry.stderr]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /identities: the first 4 of 6 rows of stations\.csv, 4 with their own password/);
    const tooMany = await runCli(['run', scenario, '--dry-run', '--cps', '7']);
    assertNoSecret([tooMany.stdout, tooMany.stderr]);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /groups\[0\]: 7 charge points asked of group depot, but stations\.csv lists 6/);
  });
});
