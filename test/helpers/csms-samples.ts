/**
 * One schema-valid request per station-initiated action, for the embedded CSMS's tests. The
 * samples are checked against the official request schemas by csms-handlers.test.ts, so a typo
 * here fails loudly instead of turning into a CALLERROR that looks like a CSMS bug.
 */
type Payload = { [key: string]: unknown };

const T = '2024-05-01T12:00:00.000Z';
const schedule = { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] };

export const SAMPLES_16: Readonly<Record<string, Payload>> = {
  Authorize: { idTag: 'TAG-1' },
  BootNotification: { chargePointVendor: 'ocpp-fleet', chargePointModel: 'test' },
  DataTransfer: { vendorId: 'ocpp-fleet', messageId: 'ping', data: 'hello' },
  DiagnosticsStatusNotification: { status: 'Idle' },
  FirmwareStatusNotification: { status: 'Idle' },
  Heartbeat: {},
  MeterValues: { connectorId: 1, meterValue: [{ timestamp: T, sampledValue: [{ value: '1200' }] }] },
  StartTransaction: { connectorId: 1, idTag: 'TAG-1', meterStart: 0, timestamp: T },
  StatusNotification: { connectorId: 1, errorCode: 'NoError', status: 'Available' },
  StopTransaction: { transactionId: 1, idTag: 'TAG-1', meterStop: 1000, timestamp: T },
  SecurityEventNotification: { type: 'StartupOfTheDevice', timestamp: T },
  SignCertificate: { csr: '-----BEGIN CERTIFICATE REQUEST-----' },
  SignedFirmwareStatusNotification: { status: 'Idle' },
  LogStatusNotification: { status: 'Idle' },
};

export const SAMPLES_201: Readonly<Record<string, Payload>> = {
  Authorize: { idToken: { idToken: 'TAG-1', type: 'ISO14443' } },
  BootNotification: { reason: 'PowerUp', chargingStation: { model: 'test', vendorName: 'ocpp-fleet' } },
  ClearedChargingLimit: { chargingLimitSource: 'EMS' },
  DataTransfer: { vendorId: 'ocpp-fleet', messageId: 'ping', data: { n: 1 } },
  FirmwareStatusNotification: { status: 'Idle' },
  Get15118EVCertificate: { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' },
  GetCertificateStatus: {
    ocspRequestData: {
      hashAlgorithm: 'SHA256',
      issuerNameHash: 'aa',
      issuerKeyHash: 'bb',
      serialNumber: '01',
      responderURL: 'http://ocsp.example',
    },
  },
  Heartbeat: {},
  LogStatusNotification: { status: 'Idle' },
  MeterValues: { evseId: 1, meterValue: [{ timestamp: T, sampledValue: [{ value: 1200 }] }] },
  NotifyChargingLimit: { chargingLimit: { chargingLimitSource: 'EMS' } },
  NotifyCustomerInformation: { data: 'none', seqNo: 0, generatedAt: T, requestId: 1 },
  NotifyDisplayMessages: { requestId: 1 },
  NotifyEVChargingNeeds: { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC' } },
  NotifyEVChargingSchedule: { timeBase: T, evseId: 1, chargingSchedule: schedule },
  NotifyEvent: {
    generatedAt: T,
    seqNo: 0,
    eventData: [
      {
        eventId: 1,
        timestamp: T,
        trigger: 'Delta',
        actualValue: 'Occupied',
        eventNotificationType: 'HardWiredNotification',
        component: { name: 'Connector' },
        variable: { name: 'AvailabilityState' },
      },
    ],
  },
  NotifyMonitoringReport: { requestId: 1, seqNo: 0, generatedAt: T },
  NotifyReport: { requestId: 1, generatedAt: T, seqNo: 0 },
  PublishFirmwareStatusNotification: { status: 'Idle' },
  ReportChargingProfiles: {
    requestId: 1,
    chargingLimitSource: 'CSO',
    evseId: 1,
    chargingProfile: [
      { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: [schedule] },
    ],
  },
  ReservationStatusUpdate: { reservationId: 1, reservationUpdateStatus: 'Expired' },
  SecurityEventNotification: { type: 'StartupOfTheDevice', timestamp: T },
  SignCertificate: { csr: '-----BEGIN CERTIFICATE REQUEST-----' },
  StatusNotification: { timestamp: T, connectorStatus: 'Available', evseId: 1, connectorId: 1 },
  TransactionEvent: {
    eventType: 'Started',
    timestamp: T,
    triggerReason: 'Authorized',
    seqNo: 0,
    transactionInfo: { transactionId: 'tx-1' },
    idToken: { idToken: 'TAG-1', type: 'ISO14443' },
  },
};

/** A 2.0.1 TransactionEvent for `transactionId` with the given event type and seqNo. */
export function txEvent(transactionId: string, eventType: 'Started' | 'Updated' | 'Ended', seqNo: number, idToken?: string): Payload {
  const event: Payload = {
    eventType,
    timestamp: T,
    triggerReason: eventType === 'Ended' ? 'StopAuthorized' : eventType === 'Started' ? 'Authorized' : 'MeterValuePeriodic',
    seqNo,
    transactionInfo: { transactionId },
  };
  if (idToken !== undefined) event.idToken = { idToken, type: 'ISO14443' };
  return event;
}
