import { NeverSent, type JsonObject, type SendVerdict } from '../ocpp';
import { Connector, openTransaction, Phase, type Transaction } from './connector';
import { handleIncoming16 } from './incoming-16';
import { isoNow } from './iso-now';
import { energySample, meterSamples } from './meter-sample';
import type { OcmfTx } from './ocmf';
import type { CallTag, Outlet } from './outlet';
import type { Station } from './station';
import type { RebootCause, StationVersion } from './version';

/** 1.6 connector statuses (OCPP 1.6 §7.7 ChargePointStatus) of the phases a connector goes through. */
export function statusOf16(c: Connector): string {
  if (!c.operative && c.phase === Phase.Idle) return 'Unavailable';
  switch (c.phase) {
    case Phase.Authorizing:
      return 'Preparing';
    case Phase.Charging:
      return c.suspended === '' ? 'Charging' : c.suspended;
    case Phase.Finishing:
      return 'Finishing';
    default:
      return 'Available';
  }
}

function isTransaction(tag: CallTag): tag is Transaction {
  return tag !== null && !(tag instanceof Connector);
}

type FollowUp16 =
  | { kind: 'remoteStart' | 'remoteStop'; c: Connector }
  | { kind: 'status'; connectors: Connector[] }
  | { kind: 'trigger'; message: string; connectorId: number | undefined }
  | { kind: 'reset'; hard: boolean };

/**
 * What a virtual OCPP 1.6J charge point says and answers. Every CALL it makes leaves through its
 * outlet (outlet.ts: `call`, `queue` or `callIfOnline`), so a test records them by wrapping it.
 */
export class Version16 implements StationVersion {
  private txCounter = 0;
  /**
   * What a CSMS call asks for beyond its answer, run once the answer is on the wire (one CSMS
   * CALL at a time, so one field; as in Version201).
   */
  followUp: FollowUp16 | undefined;

  constructor(
    readonly station: Station,
    /** Where every CALL it makes leaves (`call`, `queue`, `callIfOnline`): the station's link, or a test's recorder. */
    readonly outlet: Outlet,
  ) {}

  // ---- what the station says -----------------------------------------------------------------
  bootPayload(): JsonObject {
    const s = this.station;
    return {
      chargePointVendor: s.group.vendor,
      chargePointModel: s.group.model,
      chargePointSerialNumber: s.identity.slice(-25),
      firmwareVersion: s.group.firmware,
    };
  }

  /**
   * OCPP 1.6 has no field for a meter's public key: like German calibration-law stations, the
   * station declares it after each accepted boot in a DataTransfer (vendorId
   * "generalConfiguration", messageId "setMeterConfiguration"), one entry per connector.
   */
  accepted(now: number): void {
    if (this.station.group.signedMeterValues !== undefined) this.outlet.call('DataTransfer', this.meterConfiguration(), null, now);
  }

  private meterConfiguration(): JsonObject {
    const ocmf = this.station.charging.ocmf;
    const publicKey = ocmf.publicKeyHex;
    const meters = this.station.charging.connectors.map((c) => ({ connectorId: c.id, meterSerial: ocmf.meterSerial(c.id), type: 'SIGNATURE', publicKey }));
    return { vendorId: 'generalConfiguration', messageId: 'setMeterConfiguration', data: JSON.stringify({ meters }) };
  }

  reportAllStatus(due: number): void {
    const connectors = this.station.charging.connectors;
    this.sendStatus(0, connectors.every((c) => !c.operative) ? 'Unavailable' : 'Available', null, due);
    for (const c of connectors) this.sendStatus(c.id, statusOf16(c), c, due);
  }

  sendStatus(connectorId: number, status: string, tag: CallTag, due: number): void {
    this.outlet.callIfOnline('StatusNotification', { connectorId, errorCode: 'NoError', status, timestamp: isoNow() }, tag, due);
  }

  reportPlugIn(c: Connector, due: number): void {
    this.sendStatus(c.id, 'Preparing', c, due);
  }

  authorize(c: Connector, due: number): void {
    this.outlet.call('Authorize', { idTag: c.pendingTag }, c, due);
  }

  /** OCPP 1.6 §3.7: SuspendedEV / SuspendedEVSE and back to Charging are connector statuses. */
  reportChargingState(c: Connector, _tx: Transaction, due: number): void {
    this.sendStatus(c.id, statusOf16(c), c, due);
  }

  startTransaction(c: Connector, idTag: string, due: number): void {
    const tx = openTransaction(c, `${this.station.identity}#${++this.txCounter}`, idTag, due);
    const payload = { connectorId: c.id, idTag, meterStart: tx.meterStartWh, timestamp: isoNow() };
    this.outlet.queue('StartTransaction', payload, tx, due);
    this.sendStatus(c.id, 'Charging', c, due);
  }

  sendMeterValues(c: Connector, tx: Transaction, due: number): void {
    const group = this.station.group;
    // OCPP 1.6 §7.43 SampledValue: the value is a string; SoC is measured at the EV.
    const samples = meterSamples(c, group, due);
    const sampledValue: JsonObject[] = samples.map((m) => ({
      value: String(m.value),
      context: 'Sample.Periodic',
      measurand: m.measurand,
      ...(m.location === undefined ? {} : { location: m.location }),
      unit: m.unit,
    }));
    const timestamp = isoNow();
    if (group.signedMeterValues !== undefined) {
      sampledValue.push(this.signedValue(c.id, energySample(samples)?.value ?? Math.floor(c.energyWh), timestamp, 'Sample.Periodic', 'C', tx.idTag));
    }
    const payload = { connectorId: c.id, transactionId: 0, meterValue: [{ timestamp, sampledValue }] };
    this.outlet.queue('MeterValues', payload, tx, due);
  }

  stopTransaction(c: Connector, tx: Transaction, reason: string, due: number): void {
    const timestamp = isoNow();
    const meterStop = Math.floor(c.energyWh);
    const payload: JsonObject = { transactionId: 0, idTag: tx.idTag, meterStop, timestamp, reason };
    if (this.station.group.signedMeterValues !== undefined) {
      // The signed end reading travels with the stop (1.6 §6.49 transactionData).
      payload.transactionData = [{ timestamp, sampledValue: [this.signedValue(c.id, meterStop, timestamp, 'Transaction.End', 'E', tx.idTag)] }];
    }
    this.outlet.queue('StopTransaction', payload, tx, due);
    // The vehicle is still plugged in until the script's unplug (OCPP 1.6 §3.7 Finishing).
    this.sendStatus(c.id, 'Finishing', c, due);
  }

  /** A SampledValue carrying the OCMF string of an energy reading (format SignedData). */
  private signedValue(connectorId: number, wh: number, timestamp: string, context: string, tx: OcmfTx, idTag: string): JsonObject {
    const value = this.station.charging.ocmf.sign(connectorId, wh, timestamp, tx, idTag);
    return { value, context, format: 'SignedData', measurand: 'Energy.Active.Import.Register', unit: 'Wh' };
  }

  afterRelease(c: Connector, now: number, reportedFinishing: boolean): void {
    // A session that never charged passes through Finishing too, as the station always reported it.
    if (!reportedFinishing) this.sendStatus(c.id, 'Finishing', c, now);
    this.sendStatus(c.id, statusOf16(c), c, now);
  }

  isTransactionMessage(action: string, tag: CallTag): boolean {
    return action === 'StartTransaction' || action === 'StopTransaction' || (action === 'MeterValues' && isTransaction(tag));
  }

  /** 1.6 transaction ids come from the CSMS: patch them in as the message leaves the queue. */
  beforeSend(action: string, payload: JsonObject, tag: CallTag): SendVerdict {
    if ((action !== 'MeterValues' && action !== 'StopTransaction') || !isTransaction(tag)) return true;
    if (tag.csmsId === undefined) {
      this.station.countEvent('droppedNoTransactionId');
      return NeverSent.NoTransactionId;
    }
    payload.transactionId = tag.csmsId;
    return true;
  }

  nextBootAfter(_cause: RebootCause): void {
    // A 1.6 BootNotification carries no reason.
  }

  // ---- what the CSMS answers ------------------------------------------------------------------
  authorizeAccepted(payload: JsonObject): boolean {
    return (payload.idTagInfo as { status: string }).status === 'Accepted';
  }

  onTransactionResult(action: string, payload: JsonObject, tag: CallTag): void {
    if (action === 'StopTransaction') this.station.countEvent('stopsAcknowledged');
    if (action !== 'StartTransaction' || !isTransaction(tag)) return;
    tag.csmsId = payload.transactionId as number;
    if ((payload.idTagInfo as { status: string }).status !== 'Accepted') this.station.charging.stopRefused(tag);
  }

  // ---- how it answers CSMS calls (incoming-16.ts) ----------------------------------------------
  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    // A follow-up belongs to the answer being built; one left by an answer that never went out is dropped.
    this.followUp = undefined;
    return handleIncoming16(this, action, payload);
  }

  remoteStart(connectorId: number | undefined, idTag: string): boolean {
    const s = this.station;
    const c = connectorId === undefined ? s.charging.connectors.find((x) => x.free && x.operative) : s.charging.connectors[connectorId - 1];
    if (!c || !c.free || !c.operative || !s.booted) return false;
    c.pendingTag = idTag;
    c.pendingRemoteStartId = 0;
    c.phase = Phase.Authorizing;
    s.countEvent('remoteStarts');
    // Start after the answer is on the wire, as the specification orders the messages.
    this.followUp = { kind: 'remoteStart', c };
    return true;
  }

  afterIncoming(_action: string): void {
    const f = this.followUp;
    if (f === undefined) return;
    this.followUp = undefined;
    const s = this.station;
    const now = s.now();
    switch (f.kind) {
      case 'remoteStart':
        s.charging.startRemoteSession(f.c, now);
        return;
      case 'remoteStop':
        s.charging.endSession(f.c, 'Remote', now);
        return;
      case 'status':
        for (const c of f.connectors) this.sendStatus(c.id, statusOf16(c), c, now);
        return;
      case 'trigger':
        this.runTrigger(f.message, f.connectorId, now);
        return;
      case 'reset':
        s.countEvent('resets');
        s.softReboot(f.hard ? 'HardReset' : 'SoftReset', 'RemoteReset');
        return;
    }
  }

  private runTrigger(message: string, connectorId: number | undefined, now: number): void {
    const s = this.station;
    switch (message) {
      case 'BootNotification':
        s.link.session.call('BootNotification', this.bootPayload(), null, now, true);
        return;
      case 'Heartbeat':
        this.outlet.call('Heartbeat', {}, null, now);
        return;
      case 'StatusNotification':
        if (connectorId === undefined) this.reportAllStatus(now);
        else {
          const c = s.charging.connectors[connectorId - 1];
          if (c) this.sendStatus(c.id, statusOf16(c), c, now);
        }
        return;
      case 'MeterValues':
        for (const c of s.charging.connectors) {
          if (connectorId !== undefined && c.id !== connectorId) continue;
          if (c.tx && !c.tx.ended) this.sendMeterValues(c, c.tx, now);
        }
        return;
      case 'DiagnosticsStatusNotification':
        this.outlet.call('DiagnosticsStatusNotification', { status: 'Idle' }, null, now);
        return;
      case 'FirmwareStatusNotification':
        this.outlet.call('FirmwareStatusNotification', { status: 'Idle' }, null, now);
        return;
      default:
        return;
    }
  }
}
