import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { makeTestPki, type TestPki } from '../helpers/certs';
import { UsageError } from '../../src/index';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet, stderrOf, type FleetOptions, type FleetResult } from '../helpers/run-fleet';

/**
 * The stations' side of OCPP security profiles 1–3 against the embedded CSMS configured for each,
 * with certificates made for the test, and the failures people meet: a wrong password, an
 * unknown CA, no client certificate. No secret may appear in any output or result file. The runs
 * go through run() in this process; one goes through the CLI, for what only it prints.
 */
const SECRET = 'Sup3r-s3cret-K3y';
const IDS = ['SEC-1', 'SEC-2', 'SEC-3'];
const SCENARIO = `
name: secure
duration: 3s
gracefulStop: 1s
callTimeout: 3s
groups:
  - name: g
    count: 3
    ocpp: "2.0.1"
    identity: "SEC-{index}"
    ramp: all
    reconnect: { min: 300ms, max: 600ms }
`;

let pki: TestPki;
let dir: string;
let scenario: string;
const servers: EmbeddedCsms[] = [];

before(() => {
  pki = makeTestPki();
  dir = tempDir('security');
  scenario = writeScenario(dir, 'secure', SCENARIO);
  // The CSMS's table: the template {identity}:{secret} gives these passwords.
  writeFileSync(join(dir, 'csms-passwords.csv'), `identity,password\n${IDS.map((id) => `${id},${id}:${SECRET}`).join('\n')}\n`);
  writeFileSync(join(dir, 'station-passwords.csv'), IDS.map((id) => `${id},${id}:${SECRET}`).join('\n'));
  writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n`);
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  for (const id of IDS) {
    const pair = pki.client(id);
    copyFileSync(pair.cert, join(certs, `${id}.pem`));
    copyFileSync(pair.key, join(certs, `${id}.key`));
  }
});
after(async () => {
  for (const s of servers) await s.stop();
});

async function csms(options: Parameters<typeof startEmbeddedCsms>[0]): Promise<EmbeddedCsms> {
  const c = await startEmbeddedCsms(options);
  servers.push(c);
  return c;
}

/** The secret in none of these texts. */
function assertNoSecret(texts: readonly string[], where: string): void {
  assert.equal(texts.filter((t) => t.includes(SECRET)).length, 0, `the secret appears in ${where}`);
}

function resultsFiles(out: string): string[] {
  return readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
}

/** Run in-process, then check that the secret is nowhere: the notices, the message, every results file. */
async function run(name: string, options: Omit<FleetOptions, 'scenario'>): Promise<{ r: FleetResult; out: string }> {
  const out = join(dir, name);
  const r = await runFleet({ scenario, out, ...options });
  assertNoSecret([stderrOf(r), ...resultsFiles(out)], 'a notice, the message or a results file');
  return { r, out };
}

/** A refusal before anything runs: a UsageError whose message matches. */
async function refused(options: Omit<FleetOptions, 'scenario'>, message: RegExp): Promise<void> {
  await assert.rejects(runFleet({ scenario, ...options }), (e: unknown) => e instanceof UsageError && message.test(e.message));
}

describe('security profiles', () => {
  test('profile 1: Basic auth over ws://, passwords from a file', async () => {
    const c = await csms({ basicAuth: join(dir, 'csms-passwords.csv') });
    const { r, out } = await run('p1', { url: c.url, passwordFile: join(dir, 'station-passwords.csv') });
    assert.equal(r.exitCode, 0, r.result.reason);
    const s = readSummary(out);
    assert.equal(s.fleet.booted, 3);
    assert.deepEqual(s.errors, {});
    assert.match(JSON.stringify(s.settings), /basic, passwords of 3 stations/);
  });

  test('a wrong password is refused by the CSMS and counted as handshakeRejected (exit 3)', async () => {
    const c = await csms({ basicAuth: join(dir, 'csms-passwords.csv') });
    process.env.FLEET_PW = `not-${SECRET}`;
    try {
      const { r, out } = await run('wrong', { url: c.url, passwordEnv: 'FLEET_PW' });
      assert.equal(r.exitCode, 3);
      assert.match(r.result.message ?? '', /no charge point could connect .*handshakeRejected ×\d+/);
      assert.ok((readSummary(out).errors.handshakeRejected ?? 0) >= 3);
    } finally {
      delete process.env.FLEET_PW;
    }
    assert.ok((await c.stats()).connections.authFailures.badCredentials >= 3);
  });

  test('profile 2: wss:// with Basic auth, the CA given with --ca, the TLS handshake reported on its own', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, basicAuth: join(dir, 'csms-passwords.csv') });
    assert.match(c.url, /^wss:\/\//);
    const { r, out } = await run('p2', { url: c.url, ca: pki.caCert, passwordTemplate: '{identity}:{secret}', secretFile: join(dir, 'secret.txt') });
    assert.equal(r.exitCode, 0, r.result.reason);
    const s = readSummary(out);
    assert.equal(s.fleet.booted, 3);
    assert.deepEqual(s.errors, {});
    const tls = s.connect.tlsHandshakeMs;
    assert.ok(tls !== undefined && tls.p50 > 0.05 && tls.p50 <= s.connect.latencyMs.max, JSON.stringify(s.connect));
  });

  test('an unknown CA is a tlsError (exit 3)', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey });
    const untrusted = await run('noca', { url: c.url });
    assert.equal(untrusted.r.exitCode, 3);
    assert.ok((readSummary(untrusted.out).errors.tlsError ?? 0) >= 3, JSON.stringify(readSummary(untrusted.out).errors));
  });

  test('the CLI: --insecure connects anyway with a warning, and the secret is in nothing it prints or writes', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, basicAuth: join(dir, 'csms-passwords.csv') });
    const out = join(dir, 'insecure');
    const flags = ['--url', c.url, '--insecure', '--password-template', '{identity}:{secret}', '--secret-file', join(dir, 'secret.txt')];
    const r = await runCli(['run', scenario, '--out', out, ...flags], 60_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: --insecure/);
    assert.equal(readSummary(out).fleet.booted, 3);
    assertNoSecret([r.stdout, r.stderr, ...resultsFiles(out)], "the CLI's output or a results file");
  });

  test('profile 3: a client certificate per station; without one the CSMS refuses', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, clientCa: pki.caCert });
    const ok = await run('p3', { url: c.url, ca: pki.caCert, clientCerts: join(dir, 'certs') });
    assert.equal(ok.r.exitCode, 0, ok.r.result.reason);
    assert.equal(readSummary(ok.out).fleet.booted, 3);
    const none = await run('p3-none', { url: c.url, ca: pki.caCert });
    assert.equal(none.r.exitCode, 3);
    assert.ok((readSummary(none.out).errors.handshakeRejected ?? 0) >= 3);
    assert.ok((await c.stats()).connections.authFailures.badCertificate >= 3);
  });

  test('secrets never come from option values, and bad security options are usage errors', async () => {
    await refused({ passwordEnv: 'NOT_SET_ANYWHERE' }, /--password-env NOT_SET_ANYWHERE: the environment variable is not set/);
    await refused({ passwordTemplate: '{identity}-fixed' }, /must contain \{secret\}/);
    await refused({ url: 'ws://127.0.0.1:9', ca: pki.caCert }, /--ca needs a wss:\/\/ --url/);
  });
});
