/**
 * Text about a failure as it may be kept in results (summary.json's `errorSamples`): error
 * messages, HTTP reasons and close reasons come from the network or from Node and may carry what
 * must never be written down — URL user information, an Authorization header echoed back by a
 * CSMS, the station's own password. The station layer cannot use the command line's helpers
 * (src/cli sits above it), so this small one lives here.
 */

/** Longest sample kept: enough for a status line, a URL and a reason of ~200 characters. */
export const MAX_SAMPLE_CHARS = 400;

const URL_USER_INFO = /(\/\/)[^/@\s'"]*@/g;
const AUTH_VALUE = /\b(Basic|Bearer|Digest)\s+[A-Za-z0-9+/=._~-]+/gi;
const SECRET_PAIR = /\b(password|passwd|pwd|secret|token|authorization)(["']?\s*[=:]\s*["']?)(?!(?:Basic|Bearer|Digest)\s)[^\s"'&,;}]+/gi;
// Control characters (newlines of a response body included) would break the one-line sample.
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/**
 * `text` with every secret masked as `***`: URL user information, Authorization values,
 * `password=…`-style pairs and each of `secrets` (the station's password) wherever it appears;
 * control characters become one space, and the result is cut at `max` characters.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = [], max = MAX_SAMPLE_CHARS): string {
  let out = text;
  for (const secret of secrets) {
    // A secret of one or two characters would mask half the text and hide nothing worth hiding.
    if (secret !== undefined && secret.length >= 3) out = out.split(secret).join('***');
  }
  out = out.replace(URL_USER_INFO, '$1***@').replace(AUTH_VALUE, '$1 ***').replace(SECRET_PAIR, '$1$2***').replace(CONTROL, ' ');
  if (out.length > max) {
    // Cut before, not inside, a surrogate pair.
    const high = out.charCodeAt(max - 2);
    out = `${out.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 2 : max - 1)}…`;
  }
  return out;
}
