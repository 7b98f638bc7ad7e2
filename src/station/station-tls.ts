import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { SharedTls } from './context';

/**
 * The TLS context of a station with its own client certificate (profile 3), from
 * `<dir>/<identity>.pem|.key`, built on its first connection and kept for its reconnects. A
 * missing file leaves the station without a certificate: the CSMS refuses the handshake, and
 * that is what is counted (`tlsError`), not a crash of the worker.
 */
export function stationTlsContext(tls: SharedTls, dir: string, identity: string): SecureContext | undefined {
  try {
    const cert = readFileSync(join(dir, `${identity}.pem`));
    const key = readFileSync(join(dir, `${identity}.key`));
    return createSecureContext({ ca: tls.ca === undefined ? undefined : [...tls.ca], cert, key });
  } catch {
    return tls.context;
  }
}
