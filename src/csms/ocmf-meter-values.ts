import type { KeyObject } from 'node:crypto';
import type { HandlerScope } from './handlers-common';
import { MeterKeys } from './ocmf-keys';
import { OCMF_ECDSA_P256, verifyOcmf, type OcmfVerdict } from './ocmf-verify';

/**
 * The signed meter values in what a station sends, each verified and counted in the CSMS's stats
 * (verified, or failed: bad signature, malformed, unknown key). Unsigned traffic costs a field
 * test per sampled value: 1.6 `format`, 2.0.1 `signedMeterValue`.
 */

interface SampledValue16 {
  value: string;
  format?: string;
}
interface MeterValue16 {
  sampledValue: SampledValue16[];
}
interface SignedMeterValue201 {
  signedMeterData: string;
  signingMethod: string;
  encodingMethod: string;
  publicKey: string;
}
interface MeterValue201 {
  sampledValue: { signedMeterValue?: SignedMeterValue201 }[];
}

function count(scope: HandlerScope, verdict: OcmfVerdict | 'unknownKey'): void {
  const s = scope.stats;
  switch (verdict) {
    case 'verified':
      s.signedVerified++;
      return;
    case 'badSignature':
      s.signedBadSignature++;
      return;
    case 'malformed':
      s.signedMalformed++;
      return;
    case 'unknownKey':
      s.signedUnknownKey++;
      return;
  }
}

/** The station's meter keys, created with the first thing that needs them. */
export function meterKeysOf(scope: HandlerScope): MeterKeys {
  return (scope.station.meterKeys ??= new MeterKeys());
}

/** 1.6: every SampledValue with format SignedData in `meterValues`, checked with `key` (undefined: unknown). */
export function checkSigned16(scope: HandlerScope, meterValues: readonly MeterValue16[] | undefined, key: KeyObject | undefined): void {
  if (meterValues === undefined) return;
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue) {
      if (sv.format !== 'SignedData') continue;
      count(scope, key === undefined ? 'unknownKey' : verifyOcmf(sv.value, key));
    }
  }
}

/** 2.0.1: every SampledValue with a signedMeterValue, checked with the key it carries. */
export function checkSigned201(scope: HandlerScope, meterValues: readonly MeterValue201[] | undefined): void {
  if (meterValues === undefined) return;
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue) {
      const signed = sv.signedMeterValue;
      if (signed === undefined) continue;
      if (signed.encodingMethod !== 'OCMF' || signed.signingMethod !== OCMF_ECDSA_P256) {
        count(scope, 'malformed');
        continue;
      }
      const key = meterKeysOf(scope).key201(signed.publicKey);
      if (key === undefined) {
        count(scope, 'unknownKey');
        continue;
      }
      // signedMeterData is base64 by the schema's word; a raw OCMF string is taken too.
      const data = signed.signedMeterData;
      const text = data.startsWith('OCMF|') ? data : Buffer.from(data, 'base64').toString('utf8');
      count(scope, verifyOcmf(text, key));
    }
  }
}
