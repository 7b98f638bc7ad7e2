import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { makeTestPki, type TestPki } from '../helpers/certs';
import { readSummary, runCli, tempDir, writeScenario, type CliResult } from '../helpers/fleet-cli';

/**
 * The stations' side of OCPP security profiles 1–3 against the embedded CSMS configured for each,
 * with certificates made for the test, and the failures people meet: a wrong password, an
 * unknown CA, no client certificate. No secret may appear in any output or result file.
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

/** Run, then check that the secret is nowhere: stdout, stderr, every results file. */
async function run(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ r: CliResult; out: string }> {
  const out = join(dir, name);
  const r = await runCli(['run', scenario, '--out', out, '--quiet', ...args], 60_000, env);
  const leaks = [r.stdout, r.stderr, ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'))].filter((t) => t.includes(SECRET));
  assert.equal(leaks.length, 0, 'the secret appears in an output or a results file');
  return { r, out };
}

describe('security profiles', () => {
  test('profile 1: Basic auth over ws://, passwords from a file', async () => {
    const c = await csms({ basicAuth: join(dir, 'csms-passwords.csv') });
    const { r, out } = await run('p1', ['--url', c.url, '--password-file', join(dir, 'station-passwords.csv')]);
    assert.equal(r.code, 0, r.stderr);
    const s = readSummary(out);
    assert.equal(s.fleet.booted, 3);
    assert.deepEqual(s.errors, {});
    assert.match(JSON.stringify(s.settings), /basic, passwords of 3 stations/);
  });

  test('a wrong password is refused by the CSMS and counted as handshakeRejected (exit 3)', async () => {
    const c = await csms({ basicAuth: join(dir, 'csms-passwords.csv') });
    const { r, out } = await run('wrong', ['--url', c.url, '--password-env', 'FLEET_PW'], { FLEET_PW: `not-${SECRET}` });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no charge point could connect .*handshakeRejected ×\d+/);
    assert.ok((readSummary(out).errors.handshakeRejected ?? 0) >= 3);
    assert.ok((await c.stats()).connections.authFailures.badCredentials >= 3);
  });

  test('profile 2: wss:// with Basic auth, the CA given with --ca, the TLS handshake reported on its own', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, basicAuth: join(dir, 'csms-passwords.csv') });
    assert.match(c.url, /^wss:\/\//);
    const { r, out } = await run(
      'p2',
      ['--url', c.url, '--ca', pki.caCert, '--password-template', '{identity}:{secret}', '--secret-file', join(dir, 'secret.txt')],
    );
    assert.equal(r.code, 0, r.stderr);
    const s = readSummary(out);
    assert.equal(s.fleet.booted, 3);
    assert.deepEqual(s.errors, {});
    const tls = s.connect.tlsHandshakeMs;
    assert.ok(tls !== undefined && tls.p50 > 0.05 && tls.p50 <= s.connect.latencyMs.max, JSON.stringify(s.connect));
  });

  test('an unknown CA is a tlsError; --insecure connects anyway, with a warning', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey });
    const untrusted = await run('noca', ['--url', c.url]);
    assert.equal(untrusted.r.code, 3);
    assert.ok((readSummary(untrusted.out).errors.tlsError ?? 0) >= 3, JSON.stringify(readSummary(untrusted.out).errors));
    const insecure = await run('insecure', ['--url', c.url, '--insecure']);
    assert.equal(insecure.r.code, 0, insecure.r.stderr);
    assert.match(insecure.r.stderr, /warning: --insecure/);
    assert.equal(readSummary(insecure.out).fleet.booted, 3);
  });

  test('profile 3: a client certificate per station; without one the CSMS refuses', async () => {
    const c = await csms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, clientCa: pki.caCert });
    const ok = await run('p3', ['--url', c.url, '--ca', pki.caCert, '--client-certs', join(dir, 'certs')]);
    assert.equal(ok.r.code, 0, ok.r.stderr);
    assert.equal(readSummary(ok.out).fleet.booted, 3);
    const none = await run('p3-none', ['--url', c.url, '--ca', pki.caCert]);
    assert.equal(none.r.code, 3);
    assert.ok((readSummary(none.out).errors.handshakeRejected ?? 0) >= 3);
    assert.ok((await c.stats()).connections.authFailures.badCertificate >= 3);
  });

  test('secrets never come from flag values, and bad security options are usage errors', async () => {
    const missing = await runCli(['run', scenario, '--password-env', 'NOT_SET_ANYWHERE'], 30_000, { NOT_SET_ANYWHERE: '' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--password-env NOT_SET_ANYWHERE: the environment variable is not set/);
    const noSecret = await runCli(['run', scenario, '--password-template', '{identity}-fixed']);
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /must contain \{secret\}/);
    const tlsOnWs = await runCli(['run', scenario, '--url', 'ws://127.0.0.1:9', '--ca', pki.caCert]);
    assert.equal(tlsOnWs.code, 2);
    assert.match(tlsOnWs.stderr, /--ca needs a wss:\/\/ --url/);
  });
});
