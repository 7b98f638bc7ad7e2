import type { JsonObject, SendVerdict } from '../ocpp';
import { hashString } from '../scenario/random';
import { Connector, openTransaction, Phase, type Transaction } from './connector';
import { deviceReport } from './device-model-201';
import { handleIncoming201 } from './incoming-201';
import { isoNow } from './iso-now';
import { energySample, meterSamples } from './meter-sample';
import { OCMF_SIGNING_METHOD, type OcmfTx } from './ocmf';
import { Station, StationState, type CallTag, type RebootCause } from './station';

/** 2.0.1 connector status (OCPP 2.0.1 ConnectorStatusEnumType) of a connector's phase. */
function statusOf(c: Connector): string {
  if (!c.operative && c.phase === Phase.Idle) return 'Unavailable';
  return c.phase === Phase.Idle ? 'Available' : 'Occupied';
}

/** ChargingStateEnumType of a running transaction. */
function chargingState(c: Connector): string {
  return c.suspended === '' ? 'Charging' : c.suspended;
}

function isTransaction(tag: CallTag): tag is Transaction {
  return tag !== null && !(tag instanceof Connector);
}

/** How the common stop reasons read in 2.0.1: stoppedReason and the triggerReason of the Ended event. */
const STOP_REASONS: Readonly<Record<string, readonly [string, string]>> = {
  Local: ['Local', 'StopAuthorized'],
  Remote: ['Remote', 'RemoteStop'],
  DeAuthorized: ['DeAuthorized', 'Deauthorized'],
  HardReset: ['ImmediateReset', 'ResetCommand'],
  SoftReset: ['ImmediateReset', 'ResetCommand'],
  ImmediateReset: ['ImmediateReset', 'ResetCommand'],
  UnlockCommand: ['Other', 'UnlockCommand'],
  EVDisconnected: ['EVDisconnected', 'EVCommunicationLost'],
  EmergencyStop: ['EmergencyStop', 'AbnormalCondition'],
  PowerLoss: ['PowerLoss', 'AbnormalCondition'],
  Reboot: ['Reboot', 'ResetCommand'],
  Other: ['Other', 'AbnormalCondition'],
};

/** A virtual OCPP 2.0.1 charging station; each EVSE has one connector (connectorId 1). */
export class Station201 extends Station {
  private txCounter = 0;
  /** Follow-ups to CSMS calls, run once their answer is on the wire. */
  followUp:
    | { kind: 'remoteStart'; c: Connector }
    | { kind: 'remoteStop'; c: Connector }
    | { kind: 'status'; connectors: readonly Connector[] }
    | { kind: 'reset' }
    | { kind: 'report'; requestId: number }
    | { kind: 'trigger'; message: string; evseId: number | undefined }
    | undefined;

  bootPayload(): JsonObject {
    return {
      reason: this.bootReason,
      chargingStation: {
        model: this.group.model,
        vendorName: this.group.vendor,
        firmwareVersion: this.group.firmware,
        serialNumber: this.identity.slice(-25),
      },
    };
  }

  protected reportAllStatus(due: number): void {
    for (const c of this.connectors) this.sendStatus(c, due);
  }

  sendStatus(c: Connector, due: number): void {
    this.callIfOnline(
      'StatusNotification',
      { timestamp: isoNow(), connectorStatus: statusOf(c), evseId: c.id, connectorId: 1 },
      c,
      due,
    );
  }

  protected reportPlugIn(c: Connector, due: number): void {
    this.sendStatus(c, due);
  }

  protected authorize(c: Connector, due: number): void {
    this.session.call('Authorize', { idToken: { idToken: c.pendingTag, type: 'ISO14443' } }, c, due);
  }

  /** E.g. E02: a change of charging state is a TransactionEvent Updated, trigger ChargingStateChanged. */
  protected reportChargingState(c: Connector, tx: Transaction, due: number): void {
    const payload = this.event('Updated', 'ChargingStateChanged', c, tx, { chargingState: chargingState(c) });
    this.queueTransactionMessage('TransactionEvent', payload, tx, due);
  }

  private newTransactionId(): string {
    const base = this.identity.length <= 28 ? this.identity : hashString(this.identity).toString(16);
    return `${base}-${++this.txCounter}`;
  }

  private event(eventType: string, triggerReason: string, c: Connector, tx: Transaction, extra: JsonObject): JsonObject {
    return {
      eventType,
      timestamp: isoNow(),
      triggerReason,
      seqNo: tx.seqNo++,
      offline: !this.online,
      transactionInfo: { transactionId: tx.localId, ...extra },
      evse: { id: c.id, connectorId: 1 },
    };
  }

  /** A MeterValueType of the group's measurands (2.0.1: numeric values, units in unitOfMeasure). */
  private meterValue(c: Connector, context: string, at: number): JsonObject[] {
    const samples = meterSamples(c, this.group, at);
    const sampledValue: JsonObject[] = samples.map((m) => ({
      value: m.value,
      context,
      measurand: m.measurand,
      ...(m.location === undefined ? {} : { location: m.location }),
      unitOfMeasure: { unit: m.unit },
    }));
    const timestamp = isoNow();
    if (this.group.signedMeterValues !== undefined) {
      const energy = energySample(samples);
      // The signature rides on the energy reading's own SampledValue (2.0.1 §2.46 SampledValueType).
      if (energy !== undefined) (sampledValue[samples.indexOf(energy)] as JsonObject).signedMeterValue = this.signedMeterValue(c, energy.value, timestamp, context);
    }
    return [{ timestamp, sampledValue }];
  }

  /**
   * SignedMeterValueType of an energy reading: the OCMF string in base64 (the schema says
   * signedMeterData is base64) and the public key as base64 of its DER (at most 2,500 characters).
   */
  private signedMeterValue(c: Connector, wh: number, timestamp: string, context: string): JsonObject {
    const tx: OcmfTx | undefined =
      context === 'Transaction.Begin' ? 'B' : context === 'Transaction.End' ? 'E' : c.tx !== null && !c.tx.ended ? 'C' : undefined;
    const ocmf = this.ocmf.sign(c.id, wh, timestamp, tx, tx === undefined ? undefined : c.tx?.idTag);
    return {
      signedMeterData: Buffer.from(ocmf, 'utf8').toString('base64'),
      signingMethod: OCMF_SIGNING_METHOD,
      encodingMethod: 'OCMF',
      publicKey: this.ocmf.publicKeyBase64,
    };
  }

  protected startTransaction(c: Connector, idTag: string, due: number): void {
    const tx = openTransaction(c, this.newTransactionId(), idTag, due);
    const remote = tx.remoteStartId !== undefined;
    const payload = this.event('Started', remote ? 'RemoteStart' : 'Authorized', c, tx, {
      chargingState: 'Charging',
      ...(remote ? { remoteStartId: tx.remoteStartId } : {}),
    });
    payload.idToken = { idToken: idTag, type: 'ISO14443' };
    payload.meterValue = this.meterValue(c, 'Transaction.Begin', due);
    this.queueTransactionMessage('TransactionEvent', payload, tx, due);
  }

  protected sendMeterValues(c: Connector, tx: Transaction, due: number): void {
    c.advance(due);
    const payload = this.event('Updated', 'MeterValuePeriodic', c, tx, { chargingState: chargingState(c) });
    payload.meterValue = this.meterValue(c, 'Sample.Periodic', due);
    this.queueTransactionMessage('TransactionEvent', payload, tx, due);
  }

  protected stopTransaction(c: Connector, tx: Transaction, reason: string, due: number): void {
    const [stoppedReason, trigger] = STOP_REASONS[reason] ?? ['Other', 'AbnormalCondition'];
    const payload = this.event('Ended', trigger, c, tx, { chargingState: 'Idle', stoppedReason });
    payload.meterValue = this.meterValue(c, 'Transaction.End', due);
    this.queueTransactionMessage('TransactionEvent', payload, tx, due);
  }

  protected afterRelease(c: Connector, now: number, _reportedFinishing: boolean): void {
    this.sendStatus(c, now);
    if (this.resetWhenIdle && !this.hasOpenTransactions) {
      this.resetWhenIdle = false;
      // Not inline: the session may end while a frame is being handled (a CSMS answer that
      // refuses the token); the socket closes once that handling is done.
      queueMicrotask(() => this.resetNow());
    }
  }

  protected isTransactionMessage(action: string, _tag: CallTag): boolean {
    return action === 'TransactionEvent';
  }

  protected authorizeAccepted(payload: JsonObject): boolean {
    return (payload.idTokenInfo as { status: string }).status === 'Accepted';
  }

  /**
   * Whether the CALL on the wire is a TransactionEvent Ended. The answer to a CALL carries nothing
   * of its request, and one CALL is outstanding at a time: the last one to leave the queue is the
   * one answered.
   */
  private endedOut = false;

  override beforeSend(action: string, payload: JsonObject, _tag: CallTag): SendVerdict {
    this.endedOut = action === 'TransactionEvent' && payload.eventType === 'Ended';
    return true;
  }

  protected onTransactionResult(action: string, payload: JsonObject, tag: CallTag): void {
    if (action !== 'TransactionEvent' || !isTransaction(tag)) return;
    if (this.endedOut) {
      this.endedOut = false;
      this.ctx.count(this.group, 'stopsAcknowledged');
    }
    const info = payload.idTokenInfo as { status: string } | undefined;
    if (info !== undefined && info.status !== 'Accepted') this.stopRefused(tag);
  }

  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    // A follow-up belongs to the answer being built; one left by an answer that never went out is dropped.
    this.followUp = undefined;
    return handleIncoming201(this, action, payload);
  }

  // ---- used by the handlers of CSMS-initiated calls ----------------------------------------
  statusOfConnector(c: Connector): string {
    return statusOf(c);
  }

  /** Accept a RequestStartTransaction on `evseId` (or the first free EVSE); undefined when refused. */
  acceptRemoteStart(evseId: number | undefined, idToken: string, remoteStartId: number): Connector | undefined {
    const c = evseId === undefined ? this.connectors.find((x) => x.free && x.operative) : this.connectors[evseId - 1];
    if (!c || !c.free || !c.operative || !this.booted) return undefined;
    c.pendingTag = idToken;
    c.pendingRemoteStartId = remoteStartId;
    c.phase = Phase.Authorizing;
    this.ctx.count(this.group, 'remoteStarts');
    this.followUp = { kind: 'remoteStart', c };
    return c;
  }

  transactionById(id: string): { c: Connector; tx: Transaction } | undefined {
    for (const c of this.connectors) if (c.tx !== null && c.tx.localId === id) return { c, tx: c.tx };
    return undefined;
  }

  /** Whether transaction messages are still waiting to be delivered. */
  get hasQueuedMessages(): boolean {
    return this.session.queued > 0 || this.session.hasPending;
  }

  /** B12.FR.01: a Reset OnIdle answered Scheduled runs once the last transaction has ended. */
  private resetWhenIdle = false;

  scheduleResetWhenIdle(): void {
    this.resetWhenIdle = true;
  }

  /**
   * BootReasonEnumType of the next BootNotification (B11/B12): PowerUp after a power cut, Watchdog
   * after a cold reboot, LocalReset after the station's own reset, RemoteReset after the CSMS's.
   */
  private bootReason: 'PowerUp' | 'RemoteReset' | 'LocalReset' | 'Watchdog' = 'PowerUp';

  protected override nextBootAfter(cause: RebootCause): void {
    this.bootReason = cause === 'PowerLoss' ? 'PowerUp' : cause === 'Reboot' ? 'Watchdog' : cause;
  }

  private resetNow(): void {
    this.resetWhenIdle = false;
    if (this.ctx.stopping || this.state === StationState.Stopped) return;
    this.countReset();
    this.softReboot('ImmediateReset', 'RemoteReset');
  }

  /** An EVSE made Operative again takes vehicles: its arrival timer lapsed while it was Inoperative. */
  resumeArrivals(c: Connector): void {
    if (c.free) this.scheduleNextSession(c, this.now());
  }

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
        for (const c of f.connectors) this.sendStatus(c, now);
        return;
      case 'reset':
        this.resetNow();
        return;
      case 'report':
        this.session.call('NotifyReport', this.reportPayload(f.requestId), null, now);
        return;
      case 'trigger':
        this.runTrigger(f.message, f.evseId, now);
        return;
    }
  }

  /** The NotifyReport answering GetBaseReport: the device model lives in its own module. */
  reportPayload(requestId: number): JsonObject {
    return { requestId, generatedAt: isoNow(), seqNo: 0, tbc: false, reportData: deviceReport(this) };
  }

  private runTrigger(message: string, evseId: number | undefined, now: number): void {
    switch (message) {
      case 'BootNotification':
        this.session.call('BootNotification', { ...this.bootPayload(), reason: 'Triggered' }, null, now, true);
        return;
      case 'Heartbeat':
        this.session.call('Heartbeat', {}, null, now);
        return;
      case 'StatusNotification':
        for (const c of this.connectors) if (evseId === undefined || c.id === evseId) this.sendStatus(c, now);
        return;
      case 'MeterValues':
        for (const c of this.connectors) {
          if (evseId !== undefined && c.id !== evseId) continue;
          c.advance(now);
          this.session.call('MeterValues', { evseId: c.id, meterValue: this.meterValue(c, 'Trigger', now) }, null, now);
        }
        return;
      case 'TransactionEvent':
        for (const c of this.connectors) {
          if (evseId !== undefined && c.id !== evseId) continue;
          const tx = c.tx;
          if (tx === null || tx.ended) continue;
          c.advance(now);
          const payload = this.event('Updated', 'Trigger', c, tx, { chargingState: 'Charging' });
          payload.meterValue = this.meterValue(c, 'Trigger', now);
          this.queueTransactionMessage('TransactionEvent', payload, tx, now);
        }
        return;
      case 'FirmwareStatusNotification':
        this.session.call('FirmwareStatusNotification', { status: 'Idle' }, null, now);
        return;
      case 'LogStatusNotification':
        this.session.call('LogStatusNotification', { status: 'Idle' }, null, now);
        return;
      default:
        return;
    }
  }
}
