import type { OcppVersion } from './version';

/**
 * Every OCPP action of 1.6 (with the security extension), 2.0.1 and 2.1, and who sends it. The index
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

/**
 * OCPP 2.1 is 2.0.1 and 26 new request/response pairs, no action changing direction (checked
 * against the OCA's 2.1 schemas as ocpp-rpc ships them, and libocpp's and ocpp-go's 2.1 tables,
 * as the sources one reads for "who sends it" disagree on ClosePeriodicEventStream and
 * NotifyWebPaymentStarted: the station closes its streams, the CSMS tells of a web payment).
 */
const STATION_21_NEW = [
  'BatterySwap', 'ClosePeriodicEventStream', 'GetCertificateChainStatus', 'NotifyDERAlarm',
  'NotifyDERStartStop', 'NotifyPriorityCharging', 'NotifySettlement', 'OpenPeriodicEventStream',
  'PullDynamicScheduleUpdate', 'ReportDERControl', 'VatNumberValidation',
] as const;

const CSMS_21_NEW = [
  'AFRRSignal', 'AdjustPeriodicEventStream', 'ChangeTransactionTariff', 'ClearDERControl',
  'ClearTariffs', 'GetDERControl', 'GetPeriodicEventStream', 'GetTariffs',
  'NotifyAllowedEnergyTransfer', 'NotifyWebPaymentStarted', 'RequestBatterySwap', 'SetDERControl',
  'SetDefaultTariff', 'UpdateDynamicSchedule', 'UsePriorityCharging',
] as const;

/** 2.1's unconfirmed messages (SEND, message type 6): the station's, never answered. */
const STATION_21_SENDS = ['NotifyPeriodicEventStream'] as const;

export type StationAction16 = (typeof STATION_16)[number];
export type CsmsAction16 = (typeof CSMS_16)[number];
export type StationAction201 = (typeof STATION_201)[number];
export type CsmsAction201 = (typeof CSMS_201)[number];
export type StationAction21 = StationAction201 | (typeof STATION_21_NEW)[number];
export type CsmsAction21 = CsmsAction201 | (typeof CSMS_21_NEW)[number];
export type SendAction21 = (typeof STATION_21_SENDS)[number];
export type ActionName = StationAction16 | CsmsAction16 | StationAction21 | CsmsAction21 | SendAction21;

export const ACTION_NAMES: readonly ActionName[] = [
  ...new Set<ActionName>([...STATION_16, ...CSMS_16, ...STATION_201, ...CSMS_201, ...STATION_21_NEW, ...CSMS_21_NEW, ...STATION_21_SENDS]),
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
  '2.1': new Set([...STATION_201, ...STATION_21_NEW]),
};
const SENT_BY_CSMS: Readonly<Record<OcppVersion, ReadonlySet<string>>> = {
  '1.6': new Set(CSMS_16),
  '2.0.1': new Set(CSMS_201),
  '2.1': new Set([...CSMS_201, ...CSMS_21_NEW]),
};
const SENT_AS_SEND: Readonly<Record<OcppVersion, ReadonlySet<string>>> = {
  '1.6': new Set(),
  '2.0.1': new Set(),
  '2.1': new Set(STATION_21_SENDS),
};

export function isStationAction(version: OcppVersion, action: string): boolean {
  return SENT_BY_STATION[version].has(action);
}

/** Whether the station sends `action` as a SEND (2.1's message type 6: no answer), never as a CALL. */
export function isStationSend(version: OcppVersion, action: string): boolean {
  return SENT_AS_SEND[version].has(action);
}

export function isCsmsAction(version: OcppVersion, action: string): boolean {
  return SENT_BY_CSMS[version].has(action);
}

export function actionsOf(version: OcppVersion): { station: readonly string[]; csms: readonly string[] } {
  return { station: [...SENT_BY_STATION[version]], csms: [...SENT_BY_CSMS[version]] };
}
