import { sign, type KeyObject } from 'node:crypto';

/**
 * OCMF (Open Charge Metering Format, SAFE e.V.): `OCMF|<payload>|<signature>`, both sections JSON.
 * The payload's exact text is what is signed (ECDSA P-256 over its SHA-256), so it is built once
 * as a string and never re-serialised. This module only builds and signs; the CSMS parses and
 * verifies with code of its own (src/csms/ocmf-verify.ts), so a slip here cannot cancel out there.
 */

/** OCMF's SA and OCPP 2.0.1's signingMethod for ECDSA over NIST P-256 with SHA-256. */
export const OCMF_SIGNING_METHOD = 'ECDSA-secp256r1-SHA256';

/** OBIS code of the active energy import register (OCMF RI). */
const OBIS_ENERGY_IMPORT = '1-b:1.8.0';

/** OCMF TX: B begin, C during charging, E end (absent outside a transaction). */
export type OcmfTx = 'B' | 'C' | 'E';

/** The signing component and meter, fixed for a connector. */
export interface OcmfSource {
  /** Gateway (charge controller) identification, serial and software version: GI, GS, GV. */
  readonly gatewayId: string;
  readonly gatewaySerial: string;
  readonly gatewayVersion: string;
  /** Meter vendor and serial: MV, MS. */
  readonly meterVendor: string;
  readonly meterSerial: string;
}

/** One energy register reading as OCMF carries it. */
export interface OcmfReading {
  /** Pagination: `T<n>` in a transaction, `F<n>` outside (fiscal), counted per meter. */
  readonly pagination: string;
  /** ISO 8601 from `Date.toISOString()` (UTC). */
  readonly isoTime: string;
  readonly tx: OcmfTx | undefined;
  /** The id tag of the transaction; undefined outside one. */
  readonly idTag: string | undefined;
  readonly wh: number;
}

/** OCMF TM: `2018-07-24T13:22:04,000+0000 S` (milliseconds after a comma, a ±hhmm zone, synchronised). */
export function ocmfTime(isoTime: string): string {
  return `${isoTime.slice(0, 19)},${isoTime.slice(20, 23)}+0000 S`;
}

/**
 * The payload section's text: general, pagination, meter, user assignment (only within a
 * transaction) and one reading in Wh, the unit the OCPP value is in.
 */
export function ocmfPayload(src: OcmfSource, r: OcmfReading): string {
  const user =
    r.idTag === undefined ? '' : `"IS":true,"IT":"UNDEFINED","ID":${JSON.stringify(r.idTag)},`;
  const tx = r.tx === undefined ? '' : `"TX":"${r.tx}",`;
  return (
    `{"FV":"1.0","GI":${JSON.stringify(src.gatewayId)},"GS":${JSON.stringify(src.gatewaySerial)},"GV":${JSON.stringify(src.gatewayVersion)},` +
    `"PG":"${r.pagination}","MV":${JSON.stringify(src.meterVendor)},"MS":${JSON.stringify(src.meterSerial)},${user}` +
    `"RD":[{"TM":"${ocmfTime(r.isoTime)}",${tx}"RV":${r.wh},"RI":"${OBIS_ENERGY_IMPORT}","RU":"Wh","RT":"AC","EF":"","ST":"G"}]}`
  );
}

/** DER-encoded ECDSA signature of `payload` (hex, OCMF's default SE). */
export function signOcmfPayload(payload: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(payload, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString('hex');
}

/** The whole OCMF string: header, payload section, signature section. */
export function ocmfString(payload: string, signatureHex: string): string {
  return `OCMF|${payload}|{"SA":"${OCMF_SIGNING_METHOD}","SD":"${signatureHex}"}`;
}
