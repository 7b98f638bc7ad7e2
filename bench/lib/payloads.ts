/**
 * Typical payloads of a station's calls and their answers, shaped as the fleet's stations build
 * them (src/station/version-16.ts, version-201.ts) and as a CSMS answers: what schema validation
 * sees on a real run.
 */
import type { JsonObject } from '../../src/ocpp';

export interface TypicalCall {
  readonly version: '1.6' | '2.0.1';
  readonly action: string;
  readonly request: JsonObject;
  readonly response: JsonObject;
}

const NOW = '2026-01-31T12:00:00.000Z';

export const TYPICAL_CALLS: readonly TypicalCall[] = [
  { version: '1.6', action: 'Heartbeat', request: {}, response: { currentTime: NOW } },
  {
    version: '1.6',
    action: 'BootNotification',
    request: { chargePointVendor: 'ocpp-fleet', chargePointModel: 'VirtualCP-16', chargePointSerialNumber: 'BENCH-00001', firmwareVersion: '0.1.0' },
    response: { status: 'Accepted', currentTime: NOW, interval: 300 },
  },
  {
    version: '1.6',
    action: 'StatusNotification',
    request: { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: NOW },
    response: {},
  },
  {
    version: '1.6',
    action: 'MeterValues',
    request: {
      connectorId: 1,
      transactionId: 17,
      meterValue: [
        {
          timestamp: NOW,
          sampledValue: [
            { value: '12345', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: '11000', context: 'Sample.Periodic', measurand: 'Power.Active.Import', unit: 'W' },
          ],
        },
      ],
    },
    response: {},
  },
  {
    version: '1.6',
    action: 'StartTransaction',
    request: { connectorId: 1, idTag: 'T0a1b2c3d1', meterStart: 0, timestamp: NOW },
    response: { transactionId: 17, idTagInfo: { status: 'Accepted' } },
  },
  { version: '2.0.1', action: 'Heartbeat', request: {}, response: { currentTime: NOW } },
  {
    version: '2.0.1',
    action: 'StatusNotification',
    request: { timestamp: NOW, connectorStatus: 'Occupied', evseId: 1, connectorId: 1 },
    response: {},
  },
  {
    version: '2.0.1',
    action: 'TransactionEvent',
    request: {
      eventType: 'Updated',
      timestamp: NOW,
      triggerReason: 'MeterValuePeriodic',
      seqNo: 3,
      transactionInfo: { transactionId: 'BENCH-00001#1', chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      meterValue: [
        {
          timestamp: NOW,
          sampledValue: [
            { value: 12345, context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
            { value: 11000, context: 'Sample.Periodic', measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
          ],
        },
      ],
    },
    response: {},
  },
];
