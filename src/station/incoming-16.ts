import type { JsonObject } from '../ocpp';
import { Phase, type Connector } from './connector';
import type { Station } from './station';
import type { Version16 } from './version-16';

/**
 * Answers of a 1.6 charge point to CSMS-initiated calls (OCPP 1.6 §5). Payloads arrive already
 * validated against their schemas; what a call asks for beyond its answer (start a session,
 * reboot, send a triggered message) happens after the answer is on the wire (`afterIncoming`).
 */
interface ConfigKey {
  readonly readonly: boolean;
  readonly value: (s: Station) => string;
}

const CONFIG: Readonly<Record<string, ConfigKey>> = {
  HeartbeatInterval: { readonly: false, value: (s) => String(Math.round(s.link.heartbeatIntervalMs / 1000)) },
  MeterValueSampleInterval: { readonly: false, value: (s) => String(Math.round(s.group.sessions.meterIntervalMs / 1000)) },
  NumberOfConnectors: { readonly: true, value: (s) => String(s.charging.connectors.length) },
  AuthorizeRemoteTxRequests: { readonly: true, value: () => 'false' },
  LocalAuthorizeOffline: { readonly: false, value: () => 'true' },
  StopTransactionOnInvalidId: { readonly: false, value: () => 'true' },
  MeterValuesSampledData: { readonly: false, value: () => 'Energy.Active.Import.Register,Power.Active.Import' },
  ConnectionTimeOut: { readonly: false, value: () => '60' },
  SupportedFeatureProfiles: {
    readonly: true,
    value: () => 'Core,RemoteTrigger,SmartCharging,Reservation,LocalAuthListManagement,FirmwareManagement',
  },
};

export function handleIncoming16(v: Version16, action: string, p: JsonObject): JsonObject | undefined {
  const s = v.station;
  switch (action) {
    case 'RemoteStartTransaction':
      return { status: v.remoteStart(p.connectorId as number | undefined, p.idTag as string) ? 'Accepted' : 'Rejected' };
    case 'RemoteStopTransaction':
      return { status: remoteStop(v, p.transactionId as number) ? 'Accepted' : 'Rejected' };
    case 'Reset':
      v.followUp = { kind: 'reset', hard: p.type === 'Hard' };
      return { status: 'Accepted' };
    case 'ChangeAvailability':
      return { status: changeAvailability(v, p.connectorId as number, p.type === 'Operative') };
    case 'ChangeConfiguration':
      return { status: changeConfiguration(s, p.key as string, p.value as string) };
    case 'GetConfiguration':
      return getConfiguration(s, p.key as string[] | undefined);
    case 'TriggerMessage':
      return triggerMessage(v, p.requestedMessage as string, p.connectorId as number | undefined);
    case 'UnlockConnector':
      return { status: unlock(s, p.connectorId as number) };
    case 'DataTransfer':
      return { status: 'UnknownVendorId' };
    case 'ClearCache':
      return { status: 'Accepted' };
    case 'SetChargingProfile':
      return setChargingProfile(s, p);
    case 'ClearChargingProfile':
      return { status: clearChargingProfile(s, p.connectorId as number | undefined) };
    default:
      return undefined;
  }
}

function remoteStop(v: Version16, transactionId: number): boolean {
  const s = v.station;
  const c = s.charging.connectors.find((x) => x.tx !== null && !x.tx.ended && x.tx.csmsId === transactionId);
  if (!c) return false;
  s.countEvent('remoteStops');
  // The answer says the transaction "will be stopped" (OCPP 1.6 §5.12): StopTransaction follows it.
  v.followUp = { kind: 'remoteStop', c };
  return true;
}

function changeAvailability(v: Version16, connectorId: number, operative: boolean): string {
  const s = v.station;
  const targets = connectorId === 0 ? s.charging.connectors : s.charging.connectors.filter((c) => c.id === connectorId);
  if (targets.length === 0) return 'Rejected';
  let scheduled = false;
  const report: Connector[] = [];
  for (const c of targets) {
    const was = c.operative;
    c.operative = operative;
    // Inoperative takes effect once a running transaction has ended (OCPP 1.6 §5.2).
    if (c.phase !== Phase.Idle) scheduled = true;
    // The StatusNotification follows the answer (OCPP 1.6 §5.2, as for 2.0.1 G03/G04).
    else report.push(c);
    if (operative && !was) s.charging.resumeArrivals(c);
  }
  if (report.length > 0) v.followUp = { kind: 'status', connectors: report };
  return scheduled && !operative ? 'Scheduled' : 'Accepted';
}

function changeConfiguration(s: Station, key: string, value: string): string {
  const entry = CONFIG[key];
  if (!entry) return 'NotSupported';
  if (entry.readonly) return 'Rejected';
  if (key === 'HeartbeatInterval' || key === 'MeterValueSampleInterval' || key === 'ConnectionTimeOut') {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) return 'Rejected';
    if (key === 'HeartbeatInterval' && n > 0) s.link.setHeartbeatInterval(n * 1000);
  }
  s.link.setConfig(key, value);
  return 'Accepted';
}

function getConfiguration(s: Station, keys: string[] | undefined): JsonObject {
  const wanted = keys && keys.length > 0 ? keys : Object.keys(CONFIG);
  const configurationKey: JsonObject[] = [];
  const unknownKey: string[] = [];
  for (const key of wanted) {
    const entry = CONFIG[key];
    if (!entry) unknownKey.push(key);
    else configurationKey.push({ key, readonly: entry.readonly, value: s.link.configValue(key) ?? entry.value(s) });
  }
  return unknownKey.length > 0 ? { configurationKey, unknownKey } : { configurationKey };
}

const TRIGGERABLE = new Set([
  'BootNotification',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'Heartbeat',
  'MeterValues',
  'StatusNotification',
]);

function triggerMessage(v: Version16, message: string, connectorId: number | undefined): JsonObject {
  const s = v.station;
  if (!TRIGGERABLE.has(message)) return { status: 'NotImplemented' };
  if (connectorId !== undefined && connectorId > s.charging.connectors.length) return { status: 'Rejected' };
  v.followUp = { kind: 'trigger', message, connectorId: connectorId === 0 ? undefined : connectorId };
  return { status: 'Accepted' };
}

function unlock(s: Station, connectorId: number): string {
  const c = s.charging.connectors[connectorId - 1];
  if (!c) return 'NotSupported';
  // Unlocking a connector with a transaction stops it first (OCPP 1.6 §5.17).
  if (c.phase === Phase.Charging) s.charging.endSession(c, 'UnlockCommand', s.now());
  return 'Unlocked';
}

function setChargingProfile(s: Station, p: JsonObject): JsonObject {
  const connectorId = p.connectorId as number;
  const profile = p.csChargingProfiles as {
    chargingProfilePurpose: string;
    transactionId?: number;
    chargingSchedule: { chargingRateUnit: string; chargingSchedulePeriod: { limit: number }[] };
  };
  const targets = connectorId === 0 ? s.charging.connectors : s.charging.connectors.filter((c) => c.id === connectorId);
  if (targets.length === 0) return { status: 'Rejected' };
  if (profile.chargingProfilePurpose === 'TxProfile') {
    // A TxProfile with no transaction on its connector is discarded (OCPP 1.6 TxProfile; OCTT TC_058_1_CS).
    const tx = connectorId === 0 ? null : (targets[0] as Connector).tx;
    if (tx === null || tx.ended || (profile.transactionId !== undefined && tx.csmsId !== profile.transactionId)) return { status: 'Rejected' };
  }
  const schedule = profile.chargingSchedule;
  const first = schedule.chargingSchedulePeriod[0];
  // A limit in A is taken as three phases at 230 V: close enough for a load model.
  const limitW = first === undefined ? undefined : schedule.chargingRateUnit === 'W' ? first.limit : first.limit * 230 * 3;
  for (const c of targets) c.limitW = limitW;
  return { status: 'Accepted' };
}

function clearChargingProfile(s: Station, connectorId: number | undefined): string {
  let cleared = false;
  for (const c of s.charging.connectors) {
    if (connectorId !== undefined && connectorId !== 0 && c.id !== connectorId) continue;
    if (c.limitW !== undefined) cleared = true;
    c.limitW = undefined;
  }
  return cleared ? 'Accepted' : 'Unknown';
}
