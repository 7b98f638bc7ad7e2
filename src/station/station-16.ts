import { NeverSent, type JsonObject, type SendVerdict } from '../ocpp';
import { Connector, openTransaction, Phase, type Transaction } from './connector';
import { handleIncoming16 } from './incoming-16';
import { isoNow } from './iso-now';
import { energySample, meterSamples } from './meter-sample';
import type { OcmfTx } from './ocmf';
import { Station, type CallTag } from './station';

/** 1.6 connector statuses (OCPP 1.6 §7.7 ChargePointStatus) of the phases a connector goes through. */
function statusOf(c: Connector): string {
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

/** A virtual OCPP 1.6J charge point. */
export class Station16 extends Station {
  private txCounter = 0;

  bootPayload(): JsonObject {
    return {
      chargePointVendor: this.group.vendor,
      chargePointModel: this.group.model,
      chargePointSerialNumber: this.identity.slice(-25),
      firmwareVersion: this.group.firmware,
    };
  }

  protected reportAllStatus(due: number): void {
    this.sendStatus(0, this.connectors.every((c) => !c.operative) ? 'Unavailable' : 'Available', null, due);
    for (const c of this.connectors) this.sendStatus(c.id, statusOf(c), c, due);
  }

  sendStatus(connectorId: number, status: string, tag: CallTag, due: number): void {
    this.callIfOnline(
      'StatusNotification',
      { connectorId, errorCode: 'NoError', status, timestamp: isoNow() },
      tag,
      due,
    );
  }

  protected reportPlugIn(c: Connector, due: number): void {
    this.sendStatus(c.id, 'Preparing', c, due);
  }

  protected authorize(c: Connector, due: number): void {
    this.session.call('Authorize', { idTag: c.pendingTag }, c, due);
  }

  /** OCPP 1.6 §3.7: SuspendedEV / SuspendedEVSE and back to Charging are connector statuses. */
  protected reportChargingState(c: Connector, _tx: Transaction, due: number): void {
    this.sendStatus(c.id, statusOf(c), c, due);
  }

  protected startTransaction(c: Connector, idTag: string, due: number): void {
    const tx = openTransaction(c, `${this.identity}#${++this.txCounter}`, idTag, due);
    const payload = { connectorId: c.id, idTag, meterStart: tx.meterStartWh, timestamp: isoNow() };
    this.queueTransactionMessage('StartTransaction', payload, tx, due);
    this.sendStatus(c.id, 'Charging', c, due);
  }

  protected sendMeterValues(c: Connector, tx: Transaction, due: number): void {
    // OCPP 1.6 §7.43 SampledValue: the value is a string; SoC is measured at the EV.
    const samples = meterSamples(c, this.group, due);
    const sampledValue: JsonObject[] = samples.map((m) => ({
      value: String(m.value),
      context: 'Sample.Periodic',
      measurand: m.measurand,
      ...(m.location === undefined ? {} : { location: m.location }),
      unit: m.unit,
    }));
    const timestamp = isoNow();
    if (this.group.signedMeterValues !== undefined) {
      sampledValue.push(this.signedValue(c.id, energySample(samples)?.value ?? Math.floor(c.energyWh), timestamp, 'Sample.Periodic', 'C', tx.idTag));
    }
    const payload = { connectorId: c.id, transactionId: 0, meterValue: [{ timestamp, sampledValue }] };
    this.queueTransactionMessage('MeterValues', payload, tx, due);
  }

  protected stopTransaction(c: Connector, tx: Transaction, reason: string, due: number): void {
    const timestamp = isoNow();
    const meterStop = Math.floor(c.energyWh);
    const payload: JsonObject = { transactionId: 0, idTag: tx.idTag, meterStop, timestamp, reason };
    if (this.group.signedMeterValues !== undefined) {
      // The signed end reading travels with the stop (1.6 §6.49 transactionData).
      payload.transactionData = [{ timestamp, sampledValue: [this.signedValue(c.id, meterStop, timestamp, 'Transaction.End', 'E', tx.idTag)] }];
    }
    this.queueTransactionMessage('StopTransaction', payload, tx, due);
    // The vehicle is still plugged in until the script's unplug (OCPP 1.6 §3.7 Finishing).
    this.sendStatus(c.id, 'Finishing', c, due);
  }

  /** A SampledValue carrying the OCMF string of an energy reading (format SignedData). */
  private signedValue(connectorId: number, wh: number, timestamp: string, context: string, tx: OcmfTx, idTag: string): JsonObject {
    const value = this.ocmf.sign(connectorId, wh, timestamp, tx, idTag);
    return { value, context, format: 'SignedData', measurand: 'Energy.Active.Import.Register', unit: 'Wh' };
  }

  /**
   * OCPP 1.6 has no field for a meter's public key: like German calibration-law stations, the
   * station declares it after each accepted boot in a DataTransfer (vendorId
   * "generalConfiguration", messageId "setMeterConfiguration"), one entry per connector.
   */
  override onAccepted(now: number): void {
    if (this.group.signedMeterValues !== undefined) this.session.call('DataTransfer', this.meterConfiguration(), null, now);
    super.onAccepted(now);
  }

  private meterConfiguration(): JsonObject {
    const publicKey = this.ocmf.publicKeyHex;
    const meters = this.connectors.map((c) => ({ connectorId: c.id, meterSerial: this.ocmf.meterSerial(c.id), type: 'SIGNATURE', publicKey }));
    return { vendorId: 'generalConfiguration', messageId: 'setMeterConfiguration', data: JSON.stringify({ meters }) };
  }

  protected afterRelease(c: Connector, now: number, reportedFinishing: boolean): void {
    // A session that never charged passes through Finishing too, as the station always reported it.
    if (!reportedFinishing) this.sendStatus(c.id, 'Finishing', c, now);
    this.sendStatus(c.id, statusOf(c), c, now);
  }

  protected isTransactionMessage(action: string, tag: CallTag): boolean {
    return action === 'StartTransaction' || action === 'StopTransaction' || (action === 'MeterValues' && isTransaction(tag));
  }

  /** 1.6 transaction ids come from the CSMS: patch them in as the message leaves the queue. */
  override beforeSend(action: string, payload: JsonObject, tag: CallTag): SendVerdict {
    if ((action !== 'MeterValues' && action !== 'StopTransaction') || !isTransaction(tag)) return true;
    if (tag.csmsId === undefined) {
      this.ctx.count(this.group, 'droppedNoTransactionId');
      return NeverSent.NoTransactionId;
    }
    payload.transactionId = tag.csmsId;
    return true;
  }

  protected authorizeAccepted(payload: JsonObject): boolean {
    return (payload.idTagInfo as { status: string }).status === 'Accepted';
  }

  protected onTransactionResult(action: string, payload: JsonObject, tag: CallTag): void {
    if (action === 'StopTransaction') this.ctx.count(this.group, 'stopsAcknowledged');
    if (action !== 'StartTransaction' || !isTransaction(tag)) return;
    tag.csmsId = payload.transactionId as number;
    if ((payload.idTagInfo as { status: string }).status !== 'Accepted') this.stopRefused(tag);
  }

  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    // A follow-up belongs to the answer being built; one left by an answer that never went out is dropped.
    this.followUp = undefined;
    return handleIncoming16(this, action, payload);
  }

  // ---- used by the handlers of CSMS-initiated calls ----------------------------------------
  remoteStart(connectorId: number | undefined, idTag: string): boolean {
    const c = connectorId === undefined ? this.connectors.find((x) => x.free && x.operative) : this.connectors[connectorId - 1];
    if (!c || !c.free || !c.operative || !this.booted) return false;
    c.pendingTag = idTag;
    c.pendingRemoteStartId = 0;
    c.phase = Phase.Authorizing;
    this.ctx.count(this.group, 'remoteStarts');
    // Start after the answer is on the wire, as the specification orders the messages.
    this.followUp = { kind: 'remoteStart', c };
    return true;
  }

  /**
   * What a CSMS call asks for beyond its answer, run once the answer is on the wire (one CSMS
   * CALL at a time, so one field; as in Station201).
   */
  followUp: FollowUp16 | undefined;

  override afterIncoming(_action: string): void {
    const f = this.followUp;
    if (f === undefined) return;
    this.followUp = undefined;
    const now = this.ctx.now();
    switch (f.kind) {
      case 'remoteStart':
        this.startRemoteSession(f.c, now);
        return;
      case 'remoteStop':
        this.endSession(f.c, 'Remote', now);
        return;
      case 'status':
        for (const c of f.connectors) this.sendStatus(c.id, statusOf(c), c, now);
        return;
      case 'trigger':
        this.runTrigger(f.message, f.connectorId);
        return;
      case 'reset':
        this.countReset();
        this.softReboot(f.hard ? 'HardReset' : 'SoftReset', 'RemoteReset');
        return;
    }
  }

  private runTrigger(message: string, connectorId: number | undefined): void {
    const now = this.ctx.now();
    switch (message) {
      case 'BootNotification':
        this.session.call('BootNotification', this.bootPayload(), null, now, true);
        return;
      case 'Heartbeat':
        this.session.call('Heartbeat', {}, null, now);
        return;
      case 'StatusNotification':
        if (connectorId === undefined) this.reportAllStatus(now);
        else {
          const c = this.connectors[connectorId - 1];
          if (c) this.sendStatus(c.id, statusOf(c), c, now);
        }
        return;
      case 'MeterValues':
        for (const c of this.connectors) {
          if (connectorId !== undefined && c.id !== connectorId) continue;
          if (c.tx && !c.tx.ended) this.sendMeterValues(c, c.tx, now);
        }
        return;
      case 'DiagnosticsStatusNotification':
        this.session.call('DiagnosticsStatusNotification', { status: 'Idle' }, null, now);
        return;
      case 'FirmwareStatusNotification':
        this.session.call('FirmwareStatusNotification', { status: 'Idle' }, null, now);
        return;
      default:
        return;
    }
  }

  statusOfConnector(c: Connector): string {
    return statusOf(c);
  }

  /** A connector made Operative again takes vehicles: its arrival timer lapsed while it was Inoperative. */
  resumeArrivals(c: Connector): void {
    if (c.free) this.scheduleNextSession(c, this.now());
  }
}
