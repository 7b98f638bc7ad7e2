import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ResolvedCsmsOptions } from './options';

/**
 * The embedded CSMS's side of the OCPP security profiles: 1 = HTTP Basic auth over ws://,
 * 2 = Basic auth over wss://, 3 = wss:// with a client certificate whose common name is the
 * station's identity. Secrets are read once at start-up and never printed.
 */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

export type AuthVerdict = 'ok' | 'missingCredentials' | 'badCredentials' | 'badCertificate';

function readOption(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    // A TypeError marks a problem of configuration: the CLI reports it as bad usage (exit 2).
    throw new TypeError(`cannot read the ${what} file ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

export function tlsMaterial(options: ResolvedCsmsOptions): TlsMaterial | undefined {
  if (options.tlsCert === '') return undefined;
  const withClients = options.clientCa !== '';
  return {
    cert: readOption(options.tlsCert, '--tls-cert'),
    key: readOption(options.tlsKey, '--tls-key'),
    ...(withClients ? { ca: readOption(options.clientCa, '--client-ca') } : {}),
    // Ask for a certificate but judge it at the WebSocket upgrade (StationAuth): a station
    // without a valid one is refused there with a clear 403, and the admin API on the same port
    // stays reachable for the tests and the parent process.
    requestCert: withClients,
    rejectUnauthorized: false,
  };
}

/** `identity,password` lines; a first line `identity,password` is a header. */
export function readPasswords(path: string): Map<string, string> {
  const passwords = new Map<string, string>();
  const lines = readOption(path, '--basic-auth').toString('utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && /^identity\s*,\s*password/i.test(line))) return;
    const comma = line.indexOf(',');
    if (comma <= 0) throw new TypeError(`${path}:${i + 1}: expected "identity,password"`);
    passwords.set(line.slice(0, comma).trim(), line.slice(comma + 1).trim());
  });
  return passwords;
}

export class StationAuth {
  private readonly passwords: Map<string, string> | undefined;
  private readonly clientCertificates: boolean;

  constructor(options: ResolvedCsmsOptions) {
    this.passwords = options.basicAuth === '' ? undefined : readPasswords(options.basicAuth);
    this.clientCertificates = options.clientCa !== '';
  }

  /** Whether the upgrade request of `identity` may go on. */
  check(req: IncomingMessage, identity: string): AuthVerdict {
    if (this.clientCertificates) {
      const socket = req.socket as TLSSocket;
      const cn = socket.authorized ? socket.getPeerCertificate().subject?.CN : undefined;
      if (cn !== identity) return 'badCertificate';
    }
    if (this.passwords === undefined) return 'ok';
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Basic ')) return 'missingCredentials';
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // OCPP: the Basic auth user is the station's identity (1.6 security white paper, 2.0.1 A00).
    if (colon < 0 || decoded.slice(0, colon) !== identity) return 'badCredentials';
    const expected = this.passwords.get(identity);
    return expected !== undefined && expected === decoded.slice(colon + 1) ? 'ok' : 'badCredentials';
  }
}
