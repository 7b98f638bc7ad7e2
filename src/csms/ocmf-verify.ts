import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Reading and checking OCMF strings (`OCMF|<payload>|<signature>`, SAFE e.V.'s Open Charge
 * Metering Format) as a CSMS receives them. The signature covers the payload section's exact
 * text, so it is cut out of the string, never re-serialised. Written apart from the stations'
 * builder (src/station/ocmf.ts) on purpose: the CSMS checks what any station sends.
 */

/** The only algorithm accepted: ECDSA over NIST P-256 with SHA-256 (also OCMF's default SA). */
export const OCMF_ECDSA_P256 = 'ECDSA-secp256r1-SHA256';

export type OcmfVerdict = 'verified' | 'badSignature' | 'malformed';

export interface ParsedOcmf {
  /** The payload section's text, as signed. */
  readonly payload: string;
  /** The DER-encoded signature (SD, decoded by SE). */
  readonly signature: Buffer;
  /** PG, and each reading's value (RV) and unit (RU). */
  readonly pagination: string;
  readonly readings: readonly { readonly value: number; readonly unit: string }[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The payload section: an object with a pagination and at least one reading (TM, RV, RU). */
function readingsOf(body: unknown): ParsedOcmf['readings'] | undefined {
  if (!isObject(body) || typeof body.PG !== 'string' || !Array.isArray(body.RD) || body.RD.length === 0) return undefined;
  const readings: { value: number; unit: string }[] = [];
  let unit = '';
  for (const r of body.RD as unknown[]) {
    if (!isObject(r) || typeof r.TM !== 'string' || typeof r.RV !== 'number') return undefined;
    // A reading may leave out what equals the one before (OCMF "Readings"); the first may not.
    if (typeof r.RU === 'string') unit = r.RU;
    if (unit === '') return undefined;
    readings.push({ value: r.RV, unit });
  }
  return readings;
}

/** The signature section's SD, decoded: hex by default, base64 when SE says so. */
function signatureOf(section: unknown): Buffer | undefined {
  if (!isObject(section) || typeof section.SD !== 'string' || section.SD === '') return undefined;
  if ((section.SA ?? OCMF_ECDSA_P256) !== OCMF_ECDSA_P256) return undefined;
  const encoding = section.SE ?? 'hex';
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(section.SD) ? Buffer.from(section.SD, 'hex') : undefined;
  if (encoding === 'base64') return /^[A-Za-z0-9+/]+={0,2}$/.test(section.SD) ? Buffer.from(section.SD, 'base64') : undefined;
  return undefined;
}

/** An OCMF string taken apart, or undefined when it is not one (or uses an algorithm we do not check). */
export function parseOcmf(text: string): ParsedOcmf | undefined {
  if (!text.startsWith('OCMF|')) return undefined;
  // "|" may not appear inside a section: exactly two separate the three.
  const end = text.indexOf('|', 5);
  if (end < 0 || text.indexOf('|', end + 1) >= 0) return undefined;
  const payload = text.slice(5, end);
  let body: unknown;
  let section: unknown;
  try {
    body = JSON.parse(payload);
    section = JSON.parse(text.slice(end + 1));
  } catch {
    return undefined;
  }
  const readings = readingsOf(body);
  const signature = signatureOf(section);
  if (readings === undefined || signature === undefined) return undefined;
  return { payload, signature, pagination: (body as { PG: string }).PG, readings };
}

/** Whether `text` is an OCMF string whose payload `key` signed. */
export function verifyOcmf(text: string, key: KeyObject): OcmfVerdict {
  const parsed = parseOcmf(text);
  if (parsed === undefined) return 'malformed';
  try {
    return verify('sha256', Buffer.from(parsed.payload, 'utf8'), { key, dsaEncoding: 'der' }, parsed.signature) ? 'verified' : 'badSignature';
  } catch {
    // A signature that is not DER at all: as bad as a wrong one.
    return 'badSignature';
  }
}

/** A P-256 public key from its SubjectPublicKeyInfo DER, or undefined when it is not one. */
export function p256KeyFromDer(der: Buffer): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : undefined;
  } catch {
    return undefined;
  }
}
