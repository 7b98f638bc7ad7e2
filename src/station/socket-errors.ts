import type { ErrorKind } from '../ocpp';

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

/**
 * The documented error kind of a failed connection. Only the code is kept, never the message:
 * messages can carry URLs with credentials.
 */
export function classifySocketError(err: Error): ErrorKind {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  // ws refuses a frame above `maxPayload` with this code and closes with 1009.
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'frameTooLarge';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND') {
    return 'connectRefused';
  }
  if (code === 'ETIMEDOUT' || /handshake has timed out/i.test(err.message)) return 'connectTimeout';
  if (TLS_CODES.test(code)) return 'tlsError';
  if (/subprotocol/i.test(err.message)) return 'subprotocolMismatch';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connectionLost';
  return 'other';
}
