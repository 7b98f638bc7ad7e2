import type { ErrorKind } from '../ocpp';
import { redact } from './redact';

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

function codeOf(err: Error): string {
  const code: unknown = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : '';
}

/**
 * The documented error kind of a failed connection, from its code (the message only where ws
 * gives no code). The message itself is kept only as a redacted sample (describeSocketError).
 */
export function classifySocketError(err: Error): ErrorKind {
  const code = codeOf(err);
  // ws refuses a frame above `maxPayload` with this code and closes with 1009.
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'frameTooLarge';
  // A text frame that is not UTF-8 (RFC 6455 §8.1): ws closes with 1007.
  if (code === 'WS_ERR_INVALID_UTF8') return 'invalidUtf8';
  // The name of the CSMS does not resolve: a wrong URL or a DNS outage, not a refusing CSMS.
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') return 'dnsFailure';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'connectRefused';
  if (code === 'ETIMEDOUT' || /handshake has timed out/i.test(err.message)) return 'connectTimeout';
  if (TLS_CODES.test(code)) return 'tlsError';
  if (/subprotocol/i.test(err.message)) return 'subprotocolMismatch';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connectionLost';
  return 'other';
}

/**
 * Whether an error on an open connection is the peer breaking the WebSocket protocol (ws then
 * closes the connection itself): the close is counted under this kind, not as connectionLost.
 */
export function isProtocolError(err: Error): boolean {
  return codeOf(err).startsWith('WS_ERR_');
}

/** The redacted sample of a socket error: what Node or ws said, with the code when the text lacks it. */
export function describeSocketError(kind: ErrorKind, err: Error, url: string, secrets: readonly (string | undefined)[]): string {
  const code = codeOf(err);
  const message = err.message.includes(code) ? err.message : `${code === '' ? err.name : code}: ${err.message}`;
  // getaddrinfo's and connect's messages name the host (and port); the others say nothing of where.
  const where = kind === 'dnsFailure' || kind === 'connectRefused' ? '' : ` (${url})`;
  return redact(`${message}${where}`, secrets);
}

/** A refused upgrade: `HTTP 401 Unauthorized to ws://…/CP001: "…the first ~200 characters of the body…"`. */
export function describeRejection(status: number, statusText: string, url: string, body: string, secrets: readonly (string | undefined)[]): string {
  const reason = body.trim() === '' ? '' : `: "${body.trim().slice(0, BODY_SAMPLE_CHARS)}"`;
  return redact(`HTTP ${status}${statusText === '' ? '' : ` ${statusText}`} to ${url}${reason}`, secrets);
}

/** An upgrade answered without the subprotocol offered: what was offered, what came back. */
export function describeSubprotocolMismatch(offered: string, answered: string | undefined, url: string): string {
  const back = answered === undefined || answered === '' ? 'none' : `"${answered}"`;
  return redact(`offered subprotocol "${offered}", the CSMS answered with ${back} (${url})`);
}

/** Close codes a station may meet, named for the sample (RFC 6455 §7.4.1). */
const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status code',
  1006: 'no close frame',
  1007: 'invalid frame payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
};

/**
 * A connection the CSMS (or the network) ended, `when` saying at which point ("before the boot
 * was accepted"): its close code, the code's name and the close reason.
 */
export function describeClose(code: number, reason: Buffer | undefined, url: string, when: string): string {
  const name = CLOSE_NAMES[code];
  const text = reason === undefined ? '' : reason.toString('utf8').trim();
  const how =
    code === 1006
      ? 'ended with no close frame (1006)'
      : `closed by the CSMS with ${code}${name === undefined ? '' : ` (${name})`}${text === '' ? '' : ` "${text.slice(0, BODY_SAMPLE_CHARS)}"`}`;
  return redact(`${code === 1006 ? 'the connection ' : ''}${how} ${when} (${url})`);
}

/** Characters of a refusal's body or a close reason kept in a sample. */
export const BODY_SAMPLE_CHARS = 200;
/** Bytes of a refusal's body read at most (UTF-8: up to 4 bytes a character). */
export const BODY_SAMPLE_BYTES = 4 * BODY_SAMPLE_CHARS;
