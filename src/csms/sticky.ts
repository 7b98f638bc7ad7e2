/**
 * How a CSMS over several processes picks the process of a connection (cluster-primary.ts): from
 * the station identity in the path of the HTTP request that opens it, hashed, so a station lands
 * on the same process every time it connects. Its state (boot, transactions, seqNo) stays in
 * one process, a second connection of the identity meets the first, and a CSMS-initiated call
 * for it is sent where it is, without asking every process.
 */

/** The longest request line read before giving up on it (a URL of a few hundred characters is already long). */
export const MAX_REQUEST_LINE = 8192;

/**
 * The request target of the request line at the start of `head` (`GET /ocpp/CP-1 HTTP/1.1` →
 * `/ocpp/CP-1`); `undefined` while the line is not complete; `null` when it is no request line
 * (or longer than MAX_REQUEST_LINE).
 */
export function requestTarget(head: Buffer): string | null | undefined {
  const end = head.indexOf('\r\n');
  if (end < 0) return head.length > MAX_REQUEST_LINE ? null : undefined;
  const m = /^[A-Z]+ (\S+) HTTP\/\d\.\d$/.exec(head.toString('latin1', 0, end));
  return m?.[1] ?? null;
}

/** The process (0 ≤ p < count) of an identity: FNV-1a of its UTF-16 code units, so the same on every start. */
export function processOf(identity: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) {
    h ^= identity.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}
