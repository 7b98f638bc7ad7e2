import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { MeterKeys } from '../../src/csms/ocmf-keys';
import { p256KeyFromDer, parseOcmf, verifyOcmf } from '../../src/csms/ocmf-verify';
import { ocmfPayload, ocmfString, ocmfTime, signOcmfPayload } from '../../src/station/ocmf';

/** A P-256 key pair made for these tests only. */
const PRIVATE_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9nvCQTdYFAuHnp1x
ZNpmjC+1TxiOJc8zpfV1REwSPtuhRANCAAT91dqIOj7KVSdOcgzp4ardDuzGCJe1
rQsVcH3vxPsSqjTaswOOt391ODh4iNL5HqKT7QGKDFEDAlXyXE5382Pv
-----END PRIVATE KEY-----
`;
const PUBLIC_DER_HEX =
  '3059301306072a8648ce3d020106082a8648ce3d03010703420004fdd5da883a3eca55274e720ce9e1aadd0eecc60897b5ad0b15707defc4fb12aa34dab3038eb77f7538387888d2f91ea293ed018a0c51030255f25c4e77f363ef';

const PAYLOAD =
  '{"FV":"1.0","GI":"ocpp-fleet VirtualCP-16","GS":"CP-00001","GV":"0.1.0","PG":"T1","MV":"ocpp-fleet","MS":"CP-00001-1",' +
  '"IS":true,"IT":"UNDEFINED","ID":"TAG-1","RD":[{"TM":"2026-11-24T10:15:30,123+0000 S","TX":"B","RV":12345,"RI":"1-b:1.8.0","RU":"Wh","RT":"AC","EF":"","ST":"G"}]}';
const SIGNATURE =
  '3046022100aae76848924d056a34d577c732ac821420d935d880bc77dc3fb786679b09784e022100a9e491cf009aa5f8415203cbd1b6285d8c38003a3a0a9a667c468e581502056f';
/** Signed by the key above (ECDSA signatures are randomised: this one was made once and kept). */
const VALID = `OCMF|${PAYLOAD}|{"SA":"ECDSA-secp256r1-SHA256","SD":"${SIGNATURE}"}`;
/** The same string with the reading changed after signing. */
const TAMPERED = VALID.replace('"RV":12345', '"RV":12346');

const publicKey = createPublicKey({ key: Buffer.from(PUBLIC_DER_HEX, 'hex'), format: 'der', type: 'spki' });

test('the station builds the OCMF payload as a literal, with OCMF time and Wh', () => {
  assert.equal(ocmfTime('2026-11-24T10:15:30.123Z'), '2026-11-24T10:15:30,123+0000 S');
  const payload = ocmfPayload(
    { gatewayId: 'ocpp-fleet VirtualCP-16', gatewaySerial: 'CP-00001', gatewayVersion: '0.1.0', meterVendor: 'ocpp-fleet', meterSerial: 'CP-00001-1' },
    { pagination: 'T1', isoTime: '2026-11-24T10:15:30.123Z', tx: 'B', idTag: 'TAG-1', wh: 12345 },
  );
  assert.equal(payload, PAYLOAD);
  assert.equal(ocmfString(payload, 'ab'), `OCMF|${PAYLOAD}|{"SA":"ECDSA-secp256r1-SHA256","SD":"ab"}`);
});

test('outside a transaction the payload has no TX and no user assignment', () => {
  const payload = ocmfPayload(
    { gatewayId: 'g', gatewaySerial: 's', gatewayVersion: 'v', meterVendor: 'm', meterSerial: 'ms' },
    { pagination: 'F3', isoTime: '2026-01-02T03:04:05.006Z', tx: undefined, idTag: undefined, wh: 7 },
  );
  assert.equal(payload, '{"FV":"1.0","GI":"g","GS":"s","GV":"v","PG":"F3","MV":"m","MS":"ms","RD":[{"TM":"2026-01-02T03:04:05,006+0000 S","RV":7,"RI":"1-b:1.8.0","RU":"Wh","RT":"AC","EF":"","ST":"G"}]}');
});

test('a valid literal OCMF string verifies; the same string tampered does not', () => {
  assert.equal(verifyOcmf(VALID, publicKey), 'verified');
  assert.equal(verifyOcmf(TAMPERED, publicKey), 'badSignature');
  const parsed = parseOcmf(VALID);
  assert.equal(parsed?.pagination, 'T1');
  assert.deepEqual(parsed?.readings, [{ value: 12345, unit: 'Wh' }]);
  assert.equal(parsed?.signature.toString('hex'), SIGNATURE);
});

test('another key does not verify it', () => {
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  assert.equal(verifyOcmf(VALID, other), 'badSignature');
});

test('what the station signs, the CSMS verifies', () => {
  const payload = ocmfPayload(
    { gatewayId: 'g', gatewaySerial: 's', gatewayVersion: 'v', meterVendor: 'm', meterSerial: 'ms-1' },
    { pagination: 'T9', isoTime: new Date().toISOString(), tx: 'C', idTag: 'Ä "quoted" tag', wh: 999_999 },
  );
  const signed = ocmfString(payload, signOcmfPayload(payload, createPrivateKey(PRIVATE_PEM)));
  assert.equal(verifyOcmf(signed, publicKey), 'verified');
});

test('strings that are not OCMF, or not one we can check, are malformed', () => {
  const cases: [string, string][] = [
    ['no header', VALID.slice(5)],
    ['another header', `XCMF|${VALID.slice(5)}`],
    ['a fourth section', `${VALID}|{}`],
    ['payload not JSON', `OCMF|{"FV":|{"SD":"${SIGNATURE}"}`],
    ['signature not JSON', `OCMF|${PAYLOAD}|SD=${SIGNATURE}`],
    ['no readings', `OCMF|{"PG":"T1","RD":[]}|{"SD":"${SIGNATURE}"}`],
    ['a reading without a value', `OCMF|{"PG":"T1","RD":[{"TM":"x","RU":"Wh"}]}|{"SD":"${SIGNATURE}"}`],
    ['no pagination', `OCMF|{"RD":[{"TM":"x","RV":1,"RU":"Wh"}]}|{"SD":"${SIGNATURE}"}`],
    ['SD not hex', VALID.replace(SIGNATURE, 'zz')],
    ['SD of odd length', VALID.replace(SIGNATURE, SIGNATURE.slice(1))],
    ['another algorithm', VALID.replace('ECDSA-secp256r1-SHA256', 'ECDSA-brainpool256r1-SHA256')],
    ['an unknown encoding', VALID.replace('"SD"', '"SE":"base32","SD"')],
  ];
  for (const [what, text] of cases) assert.equal(verifyOcmf(text, publicKey), 'malformed', what);
});

test('the signature may be base64 when SE says so; hex in a DER that is not one is a bad signature', () => {
  const b64 = Buffer.from(SIGNATURE, 'hex').toString('base64');
  assert.equal(verifyOcmf(`OCMF|${PAYLOAD}|{"SA":"ECDSA-secp256r1-SHA256","SE":"base64","SD":"${b64}"}`, publicKey), 'verified');
  assert.equal(verifyOcmf(VALID.replace(SIGNATURE, '0102'), publicKey), 'badSignature');
});

test('meter keys: a 1.6 setMeterConfiguration per connector, a 2.0.1 key in base64 or hex', () => {
  const keys = new MeterKeys();
  assert.equal(keys.declare16(JSON.stringify({ meters: [{ connectorId: 1, meterSerial: 'm', type: 'SIGNATURE', publicKey: PUBLIC_DER_HEX }] })), true);
  assert.equal(keys.key16(1)?.equals(publicKey), true);
  assert.equal(keys.key16(2), undefined);
  keys.started16(42, 1);
  assert.equal(keys.stopped16(42)?.equals(publicKey), true);
  assert.equal(keys.stopped16(42), undefined, 'forgotten once stopped');
  for (const bad of ['not json', '{}', '{"meters":[]}', '{"meters":[{"connectorId":1,"publicKey":"zz"}]}', '{"meters":[{"connectorId":1,"publicKey":"3059"}]}', 5]) {
    assert.equal(keys.declare16(bad), false, String(bad));
  }
  const base64 = Buffer.from(PUBLIC_DER_HEX, 'hex').toString('base64');
  assert.equal(keys.key201(base64)?.equals(publicKey), true);
  assert.equal(keys.key201(PUBLIC_DER_HEX)?.equals(publicKey), true);
  assert.equal(keys.key201('AAAA'), undefined);
  assert.equal(keys.key201(''), undefined);
});

test('only P-256 keys are taken', () => {
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'der', type: 'spki' });
  assert.equal(p256KeyFromDer(p384), undefined);
  assert.ok(p256KeyFromDer(Buffer.from(PUBLIC_DER_HEX, 'hex')));
});
