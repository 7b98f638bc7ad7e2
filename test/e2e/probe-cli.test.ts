import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import type { ProbeReport } from '../../src/probe/types';
import { makeTestPki, type TestPki } from '../helpers/certs';
import { runCliInProcess } from '../helpers/cli-in-process';
import { runCli, tempDir } from '../helpers/fleet-cli';

/**
 * `ocpp-fleet probe` against the embedded CSMS, open and locked down: the real CLI in its own
 * process, real sockets on 127.0.0.1, certificates made for the test. Each check's verdict is
 * asserted, and so is the evidence it rests on (status codes, CALLERROR, close code).
 */
type Verdicts = Record<string, string>;

function verdictsOf(report: ProbeReport): Verdicts {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
}

function check(report: ProbeReport, id: string): ProbeReport['checks'][number] {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found, id);
  return found;
}

function received(report: ProbeReport, id: string): string {
  return check(report, id).steps.map((s) => s.received).join('\n');
}

const SECRET = 'tr0ub4dor-and-3-correct-horses';

describe('ocpp-fleet probe', () => {
  let pki: TestPki;
  let dir: string;
  const servers: CsmsServer[] = [];

  before(() => {
    pki = makeTestPki();
    dir = tempDir('probe');
    writeFileSync(join(dir, 'passwords.csv'), `identity,password\nCP-1,${SECRET}\n`);
    writeFileSync(join(dir, 'password.txt'), `${SECRET}\n`);
  });
  after(async () => {
    for (const s of servers) await s.close();
  });

  for (const version of ['1.6', '2.0.1'] as const) {
    test(`open CSMS (no auth, ws://, newest connection wins), OCPP ${version}: everything but the schema check is exposed`, async () => {
      const csms = await startCsmsServer({ port: 0 });
      servers.push(csms);
      const out = join(dir, `open-${version}.json`);
      const run = await runCli(['probe', csms.url, '--ocpp', version, '--out', out], 60_000);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(readFileSync(out, 'utf8')) as ProbeReport;
      assert.deepEqual(verdictsOf(report), {
        'plain-ws': 'exposed',
        'no-credentials': 'exposed',
        'wrong-password': 'exposed',
        'unknown-identity': 'exposed',
        'schema-invalid': 'protected',
        'duplicate-id': 'exposed',
        'second-connection': 'exposed',
        'unsigned-meter-values': 'exposed',
      });
      assert.equal(report.ocpp, version);
      assert.match(received(report, 'no-credentials'), new RegExp(`101 Switching Protocols, subprotocol ocpp${version}\\n.*"status":"Accepted"`));
      assert.match(received(report, 'schema-invalid'), version === '1.6' ? /^CALLERROR OccurenceConstraintViolation / : /^CALLERROR OccurrenceConstraintViolation /);
      assert.match(received(report, 'second-connection'), /first connection closed \(close code 4000 /);
      assert.match(check(report, 'unsigned-meter-values').reason, /^accepted unsigned/);
      assert.ok(report.connections >= 5 && report.connections <= 10, `${report.connections} connections`);
      // The table on stdout says the same.
      assert.match(run.stdout, /^second-connection\s+exposed\s+the newcomer takes over/m);
      assert.match(run.stdout, /^7 exposed, 1 protected \(/m);
      const stats = csms.stats();
      assert.equal(stats.connections.replaced, 1);
      assert.equal(stats.connections.now, 0, 'the probe closed every connection it opened');
    });
  }

  test('locked-down CSMS (wss://, Basic auth from a password file, one connection per identity): a different, correct report, no secret anywhere', async () => {
    const csms = await startCsmsServer({
      port: 0,
      tlsCert: pki.serverCert,
      tlsKey: pki.serverKey,
      basicAuth: join(dir, 'passwords.csv'),
      secondConnection: 'refuse',
    });
    servers.push(csms);
    const out = join(dir, 'locked.md');
    const args = ['probe', csms.url, '--identity', 'CP-1', '--password-env', 'PROBE_PW', '--ca', pki.caCert, '--try-plain', '--json', '--out', out];
    const run = await runCli(args, 60_000, { PROBE_PW: SECRET });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ProbeReport;
    assert.deepEqual(verdictsOf(report), {
      'plain-ws': 'protected',
      'no-credentials': 'protected',
      'wrong-password': 'protected',
      'unknown-identity': 'protected',
      'schema-invalid': 'protected',
      // The embedded CSMS does not track incoming message ids, nor require signed meter values.
      'duplicate-id': 'exposed',
      'second-connection': 'protected',
      'unsigned-meter-values': 'exposed',
    });
    assert.match(received(report, 'plain-ws'), /connection closed before any HTTP answer \(ECONNRESET\)/);
    for (const id of ['no-credentials', 'wrong-password', 'unknown-identity']) assert.equal(received(report, id), 'HTTP 401 Unauthorized', id);
    assert.match(received(report, 'second-connection'), /^HTTP 409 Conflict\n.*\n.*CALLRESULT/);
    assert.match(check(report, 'second-connection').reason, /the first stays open/);
    assert.deepEqual(report.credentials, { password: 'from $PROBE_PW', clientCertificate: null, ca: pki.caCert, tlsVerification: 'on' });
    // The CSMS counted what the report says it refused.
    const stats = csms.stats();
    assert.equal(stats.connections.authFailures.missingCredentials, 1);
    assert.equal(stats.connections.authFailures.badCredentials, 2);
    assert.equal(stats.connections.secondRefused, 1);
    assert.equal(stats.connections.replaced, 0);
    // The password is in no output: stdout (JSON), stderr (the table), the Markdown file.
    const md = readFileSync(out, 'utf8');
    assert.match(md, /^\| second-connection — .* \| \*\*protected\*\* \| refused the second connection \(HTTP 409 Conflict\)/m);
    for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr], ['markdown', md]] as const) {
      assert.ok(!text.includes(SECRET), `the password appears in ${name}`);
      assert.ok(!text.includes(Buffer.from(`CP-1:${SECRET}`).toString('base64')), `the Basic credentials appear in ${name}`);
    }
    assert.match(run.stderr, /^no-credentials\s+protected\s+refused the upgrade with HTTP 401$/m);
  });

  test('locked-down CSMS, profile 3 (client certificates), OCPP 2.0.1: refused without the certificate or for another identity; plain not tried', async () => {
    const csms = await startCsmsServer({ port: 0, tlsCert: pki.serverCert, tlsKey: pki.serverKey, clientCa: pki.caCert, secondConnection: 'refuse' });
    servers.push(csms);
    const client = pki.client('CP-7');
    const run = await runCli(['probe', csms.url, '--identity', 'CP-7', '--cert', client.cert, '--key', client.key, '--ca', pki.caCert, '--ocpp', '2.0.1', '--json'], 60_000);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ProbeReport;
    assert.deepEqual(verdictsOf(report), {
      'plain-ws': 'n/a',
      'no-credentials': 'protected',
      'wrong-password': 'protected',
      'unknown-identity': 'protected',
      'schema-invalid': 'protected',
      'duplicate-id': 'exposed',
      'second-connection': 'protected',
      'unsigned-meter-values': 'exposed',
    });
    assert.deepEqual(check(report, 'plain-ws').steps, []);
    // Without a certificate, Node's TLS 1.3 server either alerts or lets the CSMS answer 403 first: both are refusals.
    assert.match(received(report, 'no-credentials'), /^(HTTP 403 Forbidden|TLS handshake refused by the CSMS \(ERR_SSL_\w+\))$/);
    // A good certificate, but for another station: the CSMS refuses the identity.
    assert.equal(received(report, 'unknown-identity'), 'HTTP 403 Forbidden');
    assert.match(received(report, 'schema-invalid'), /^CALLERROR OccurrenceConstraintViolation /);
  });

  test('credentials the CSMS refuses: the access checks run, the message checks are n/a, exit 0', async () => {
    const csms = await startCsmsServer({ port: 0, basicAuth: join(dir, 'passwords.csv') });
    servers.push(csms);
    const run = await runCli(['probe', csms.url, '--identity', 'CP-1', '--json'], 60_000);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ProbeReport;
    const verdicts = verdictsOf(report);
    assert.equal(verdicts['plain-ws'], 'exposed');
    assert.match(check(report, 'plain-ws').reason, /HTTP 401/);
    for (const id of ['no-credentials', 'wrong-password', 'unknown-identity']) assert.equal(verdicts[id], 'protected', id);
    for (const id of ['schema-invalid', 'duplicate-id', 'second-connection', 'unsigned-meter-values']) {
      assert.equal(verdicts[id], 'n/a', id);
      assert.match(check(report, id).reason, /needs a station the CSMS accepts; the given credentials got HTTP 401/);
    }
    assert.equal(report.baseline.usable, false);
  });

  test('exit 3 when nothing answers; exit 2 for bad usage, before any connection', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const down = await runCli(['probe', `ws://127.0.0.1:${port}`], 30_000);
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stderr, /cannot reach ws:\/\/127\.0\.0\.1:\d+: unreachable \(ECONNREFUSED\)/);
    assert.equal(down.stdout, '');

    const usages: [string[], RegExp][] = [
      [['probe', 'ws://127.0.0.1:1', '--password-env', 'PROBE_UNSET_VAR'], /PROBE_UNSET_VAR .*not set or empty/],
      [['probe', 'ws://127.0.0.1:1', '--password-env', 'A', '--password-file', 'f'], /not both/],
      [['probe', 'wss://127.0.0.1:1', '--cert', 'c.pem'], /--cert and --key go together/],
      [['probe', 'ws://127.0.0.1:1', '--ocpp', '2.2'], /--ocpp must be 1\.6, 2\.0\.1 or 2\.1, got "2\.2"/],
      [['probe', 'ws://127.0.0.1:1', '--out', join(dir, 'report.txt')], /--out must name a \.json or \.md file/],
      [['probe', 'ws://user:pw@127.0.0.1:1'], /must not carry credentials/],
    ];
    for (const [args, message] of usages) {
      const run = await runCliInProcess(args);
      assert.equal(run.code, 2, `${args.join(' ')}\n${run.stderr}`);
      assert.match(run.stderr, message);
      assert.ok(!run.stderr.includes('user:pw'), 'credentials of a URL are never repeated');
    }
  });
});
