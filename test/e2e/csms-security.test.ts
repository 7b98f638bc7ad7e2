import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import { makeTestPki, type TestPki } from '../helpers/certs';

/** The embedded CSMS's side of OCPP security profiles 1–3, with certificates made for the test. */
interface Attempt {
  ok: boolean;
  status?: number;
  code?: string;
}

function tryConnect(url: string, options: WebSocket.ClientOptions): Promise<Attempt> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'ocpp1.6', { perMessageDeflate: false, handshakeTimeout: 3000, ...options });
    ws.on('open', () => {
      ws.close();
      resolve({ ok: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ ok: false, status: res.statusCode });
      ws.terminate();
    });
    ws.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? err.message }));
  });
}

const basic = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('embedded CSMS security profiles', () => {
  let pki: TestPki;
  const servers: CsmsServer[] = [];
  let passwords: string;

  before(() => {
    pki = makeTestPki();
    passwords = join(pki.dir, 'passwords.csv');
    writeFileSync(passwords, 'identity,password\nCP-1,correct-horse\nCP-2,battery-staple\n');
  });
  after(async () => {
    for (const s of servers) await s.close();
  });

  test('profile 1: Basic auth over ws:// — right password in, wrong or missing password refused with 401', async () => {
    const csms = await startCsmsServer({ port: 0, basicAuth: passwords });
    servers.push(csms);
    assert.match(csms.url, /^ws:\/\//);
    assert.deepEqual(await tryConnect(`${csms.url}/CP-1`, { headers: basic('CP-1', 'correct-horse') }), { ok: true });
    assert.deepEqual(await tryConnect(`${csms.url}/CP-1`, { headers: basic('CP-1', 'wrong') }), { ok: false, status: 401 });
    // Another station's password does not open this one.
    assert.deepEqual(await tryConnect(`${csms.url}/CP-1`, { headers: basic('CP-2', 'battery-staple') }), { ok: false, status: 401 });
    assert.deepEqual(await tryConnect(`${csms.url}/CP-9`, { headers: basic('CP-9', 'anything') }), { ok: false, status: 401 });
    assert.deepEqual(await tryConnect(`${csms.url}/CP-2`, {}), { ok: false, status: 401 });
    const stats = csms.stats();
    assert.deepEqual(stats.connections.authFailures, { missingCredentials: 1, badCredentials: 3, badCertificate: 0 });
    assert.equal(stats.connections.accepted, 1);
  });

  test('profile 2: wss:// with Basic auth — trusted with the CA, refused without it', async () => {
    const csms = await startCsmsServer({ port: 0, tlsCert: pki.serverCert, tlsKey: pki.serverKey, basicAuth: passwords });
    servers.push(csms);
    assert.match(csms.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(pki.caCert);
    assert.deepEqual(await tryConnect(`${csms.url}/CP-2`, { ca, headers: basic('CP-2', 'battery-staple') }), { ok: true });
    const untrusted = await tryConnect(`${csms.url}/CP-2`, { headers: basic('CP-2', 'battery-staple') });
    assert.equal(untrusted.ok, false);
    assert.match(untrusted.code ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
    assert.deepEqual(await tryConnect(`${csms.url}/CP-2`, { ca, headers: basic('CP-2', 'nope') }), { ok: false, status: 401 });
  });

  test('profile 3: client certificates — the CA must sign it and it must name the station', async () => {
    const csms = await startCsmsServer({ port: 0, tlsCert: pki.serverCert, tlsKey: pki.serverKey, clientCa: pki.caCert });
    servers.push(csms);
    const ca = readFileSync(pki.caCert);
    const mine = pki.client('CP-7');
    const cert = readFileSync(mine.cert);
    const key = readFileSync(mine.key);
    assert.deepEqual(await tryConnect(`${csms.url}/CP-7`, { ca, cert, key }), { ok: true });
    // A good certificate for another identity: TLS succeeds, the CSMS refuses the station.
    assert.deepEqual(await tryConnect(`${csms.url}/CP-8`, { ca, cert, key }), { ok: false, status: 403 });
    // No certificate, or one from a CA the CSMS does not trust: refused at the upgrade.
    assert.deepEqual(await tryConnect(`${csms.url}/CP-7`, { ca }), { ok: false, status: 403 });
    const strangerPair = pki.client('CP-7', 'stranger');
    const stranger = await tryConnect(`${csms.url}/CP-7`, { ca, cert: readFileSync(strangerPair.cert), key: readFileSync(strangerPair.key) });
    assert.deepEqual(stranger, { ok: false, status: 403 });
    assert.equal(csms.stats().connections.authFailures.badCertificate, 3);
  });

  test('options are checked together: a key without a certificate, a client CA without TLS, a missing file', async () => {
    await assert.rejects(startCsmsServer({ port: 0, tlsKey: pki.serverKey }), /tlsCert and options.tlsKey go together/);
    await assert.rejects(startCsmsServer({ port: 0, clientCa: pki.caCert }), /clientCa needs TLS/);
    await assert.rejects(startCsmsServer({ port: 0, basicAuth: join(pki.dir, 'nope.csv') }), /cannot read the --basic-auth file .*nope\.csv \(ENOENT\)/);
  });
});
