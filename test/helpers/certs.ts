import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir';

/** Certificates made for one test run with the system's openssl: a CA, a server cert, client certs. */
export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** A client certificate and key for `identity`, signed by the CA (or by a stranger CA). */
  client(identity: string, signedBy?: 'ca' | 'stranger'): { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], dir);
  return { cert, key };
}

function signed(dir: string, ca: { cert: string; key: string }, name: string, cn: string, ext: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ext);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extFile], dir);
  return { cert, key };
}

export function makeTestPki(): TestPki {
  const dir = tempDir('pki');
  const ca = makeCa(dir, 'test-ca');
  const stranger = makeCa(dir, 'stranger-ca');
  const server = signed(dir, ca, 'server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  let n = 0;
  return {
    dir,
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    client: (identity, signedBy = 'ca') =>
      signed(dir, signedBy === 'ca' ? ca : stranger, `client-${++n}`, identity, 'extendedKeyUsage=clientAuth\n'),
  };
}
