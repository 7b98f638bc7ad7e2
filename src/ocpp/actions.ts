import type { OcppVersion } from './version';

/**
 * Every OCPP action of 1.6 (with the security extension) and 2.0.1, and who sends it. The index
 * of an action in ACTION_NAMES is its code in measurement records: stable within a build, and
 * only ever resolved to a name by the side that reads the records.
 */
const STATION_16 = [
  'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification',
  'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StartTransaction',
  'StatusNotification', 'StopTransaction', 'SecurityEventNotification', 'SignCertificate',
  'SignedFirmwareStatusNotification', 'LogStatusNotification',
] as const;

const CSMS_16 = [
  'CancelReservation', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache',
  'ClearChargingProfile', 'DataTransfer', 'GetCompositeSchedule', 'GetConfiguration',
  'GetDiagnostics', 'GetLocalListVersion', 'RemoteStartTransaction', 'RemoteStopTransaction',
  'ReserveNow', 'Reset', 'SendLocalList', 'SetChargingProfile', 'TriggerMessage',
  'UnlockConnector', 'UpdateFirmware', 'CertificateSigned', 'DeleteCertificate',
  'ExtendedTriggerMessage', 'GetInstalledCertificateIds', 'GetLog', 'InstallCertificate',
  'SignedUpdateFirmware',
] as const;

const STATION_201 = [
  'Authorize', 'BootNotification', 'ClearedChargingLimit', 'DataTransfer',
  'FirmwareStatusNotification', 'Get15118EVCertificate', 'GetCertificateStatus', 'Heartbeat',
  'LogStatusNotification', 'MeterValues', 'NotifyChargingLimit', 'NotifyCustomerInformation',
  'NotifyDisplayMessages', 'NotifyEVChargingNeeds', 'NotifyEVChargingSchedule', 'NotifyEvent',
  'NotifyMonitoringReport', 'NotifyReport', 'PublishFirmwareStatusNotification',
  'ReportChargingProfiles', 'ReservationStatusUpdate', 'SecurityEventNotification',
  'SignCertificate', 'StatusNotification', 'TransactionEvent',
] as const;

const CSMS_201 = [
  'CancelReservation', 'CertificateSigned', 'ChangeAvailability', 'ClearCache',
  'ClearChargingProfile', 'ClearDisplayMessage', 'ClearVariableMonitoring', 'CostUpdated',
  'CustomerInformation', 'DataTransfer', 'DeleteCertificate', 'GetBaseReport',
  'GetChargingProfiles', 'GetCompositeSchedule', 'GetDisplayMessages',
  'GetInstalledCertificateIds', 'GetLocalListVersion', 'GetLog', 'GetMonitoringReport',
  'GetReport', 'GetTransactionStatus', 'GetVariables', 'InstallCertificate', 'PublishFirmware',
  'RequestStartTransaction', 'RequestStopTransaction', 'ReserveNow', 'Reset', 'SendLocalList',
  'SetChargingProfile', 'SetDisplayMessage', 'SetMonitoringBase', 'SetMonitoringLevel',
  'SetNetworkProfile', 'SetVariableMonitoring', 'SetVariables', 'TriggerMessage',
  'UnlockConnector', 'UnpublishFirmware', 'UpdateFirmware',
] as const;

export type StationAction16 = (typeof STATION_16)[number];
export type CsmsAction16 = (typeof CSMS_16)[number];
export type StationAction201 = (typeof STATION_201)[number];
export type CsmsAction201 = (typeof CSMS_201)[number];
export type ActionName = StationAction16 | CsmsAction16 | StationAction201 | CsmsAction201;

export const ACTION_NAMES: readonly ActionName[] = [
  ...new Set<ActionName>([...STATION_16, ...CSMS_16, ...STATION_201, ...CSMS_201]),
].sort();

const CODES = new Map<string, number>(ACTION_NAMES.map((name, i) => [name, i]));

/** Code of an action for measurement records; -1 when the name is not an OCPP action. */
export function actionCode(name: string): number {
  const code = CODES.get(name);
  return code === undefined ? -1 : code;
}

const SENT_BY_STATION: Readonly<Record<OcppVersion, ReadonlySet<string>>> = {
  '1.6': new Set(STATION_16),
  '2.0.1': new Set(STATION_201),
  // 2.1 does all that 2.0.1 does; its new actions come with the behaviour they ask for.
  '2.1': new Set(STATION_201),
};
const SENT_BY_CSMS: Readonly<Record<OcppVersion, ReadonlySet<string>>> = {
  '1.6': new Set(CSMS_16),
  '2.0.1': new Set(CSMS_201),
  '2.1': new Set(CSMS_201),
};

export function isStationAction(version: OcppVersion, action: string): boolean {
  return SENT_BY_STATION[version].has(action);
}

export function isCsmsAction(version: OcppVersion, action: string): boolean {
  return SENT_BY_CSMS[version].has(action);
}

export function actionsOf(version: OcppVersion): { station: readonly string[]; csms: readonly string[] } {
  return { station: [...SENT_BY_STATION[version]], csms: [...SENT_BY_CSMS[version]] };
}
