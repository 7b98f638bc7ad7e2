import type { OcppVersion } from '../ocpp';

/**
 * What the probe says, per OCPP version. All harmless on a real CSMS: a boot that names the
 * probe, a Heartbeat, an Authorize without its token, one meter reading outside any transaction
 * (the probe never starts a transaction, so it leaves no billing record behind).
 */
export interface ProbeMessage {
  action: string;
  payload: object;
  /** How the report describes the payload. */
  label: string;
}

export function bootNotification(version: OcppVersion): ProbeMessage {
  const payload =
    version === '1.6'
      ? { chargePointVendor: 'ocpp-fleet', chargePointModel: 'probe' }
      : { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-fleet', model: 'probe' } };
  return { action: 'BootNotification', payload, label: 'vendor ocpp-fleet, model probe' };
}

export function heartbeat(): ProbeMessage {
  return { action: 'Heartbeat', payload: {}, label: '{}' };
}

/** Authorize with an empty payload: its one required field is missing (1.6 idTag, 2.0.1 idToken). */
export function schemaInvalid(version: OcppVersion): ProbeMessage {
  const field = version === '1.6' ? 'idTag' : 'idToken';
  return { action: 'Authorize', payload: {}, label: `{} (the required ${field} is missing)` };
}

/** One plain energy register reading on connector / EVSE 1: no signature, format Raw in 1.6. */
export function unsignedMeterValues(version: OcppVersion, now: Date): ProbeMessage {
  const timestamp = now.toISOString();
  const measurand = 'Energy.Active.Import.Register';
  if (version === '1.6') {
    return {
      action: 'MeterValues',
      payload: { connectorId: 1, meterValue: [{ timestamp, sampledValue: [{ value: '0', format: 'Raw', measurand, unit: 'Wh' }] }] },
      label: 'connector 1, 0 Wh, format Raw (no signed data)',
    };
  }
  return {
    action: 'MeterValues',
    payload: { evseId: 1, meterValue: [{ timestamp, sampledValue: [{ value: 0, measurand, unitOfMeasure: { unit: 'Wh' } }] }] },
    label: 'EVSE 1, 0 Wh, no signedMeterValue',
  };
}
