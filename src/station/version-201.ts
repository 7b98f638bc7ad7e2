import type { JsonObject, SendVerdict } from '../ocpp';
import { hashString } from '../scenario/random';
import { Connector, openTransaction, Phase, type Transaction } from './connector';
import { deviceReport } from './device-model-201';
import { handleIncoming201 } from './incoming-201';
import { isoNow } from './iso-now';
import { energySample, meterSamples } from './meter-sample';
import { OCMF_SIGNING_METHOD, type OcmfTx } from './ocmf';
import { Ocpp21 } from './ocpp21';
import type { CallTag, Outlet } from './outlet';
import type { Station } from './station';
import { StationState } from './station-timers';
import type { StreamParams } from './streams-21';
import type { RebootCause, StationVersion } from './version';

/** 2.0.1 connector status (OCPP 2.0.1 ConnectorStatusEnumType) of a connector's phase. */
export function statusOf201(c: Connector): string {
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

/**
 * What a virtual OCPP 2.0.1 charging station says and answers; each EVSE has one connector
 * (connectorId 1). Every CALL it makes leaves through its outlet (outlet.ts: `call`, `queue` or
 * `callIfOnline`), so a test records them by wrapping it.
 */
export class Version201 implements StationVersion {
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
  /**
   * Whether the CALL on the wire is a TransactionEvent Ended. The answer to a CALL carries nothing
   * of its request, and one CALL is outstanding at a time: the last one to leave the queue is the
   * one answered.
   */
  private endedOut = false;
  /** B12.FR.01: a Reset OnIdle answered Scheduled runs once the last transaction has ended. */
  private resetWhenIdle = false;
  /**
   * BootReasonEnumType of the next BootNotification (B11/B12): PowerUp after a power cut, Watchdog
   * after a cold reboot, LocalReset after the station's own reset, RemoteReset after the CSMS's.
   */
  private bootReason: 'PowerUp' | 'RemoteReset' | 'LocalReset' | 'Watchdog' = 'PowerUp';
  /** OCPP 2.1's additions (ocpp21.ts): a 2.1 station is a 2.0.1 one with this part. */
  readonly v21: Ocpp21 | undefined;

  constructor(
    readonly station: Station,
    /** Where every CALL it makes leaves (`call`, `queue`, `callIfOnline`): the station's link, or a test's recorder. */
    readonly outlet: Outlet,
  ) {
    this.v21 = station.group.version === '2.1' ? new Ocpp21(station, outlet) : undefined;
  }

  openStream(c: Connector, params: StreamParams, due: number): void {
    this.v21?.openStream(c, params, due);
  }

  onStreamTimer(at: number): void {
    this.v21?.streams.onTimer(at);
  }

  // ---- what the station says -----------------------------------------------------------------
  bootPayload(): JsonObject {
    const s = this.station;
    return {
      reason: this.bootReason,
      chargingStation: { model: s.group.model, vendorName: s.group.vendor, firmwareVersion: s.group.firmware, serialNumber: s.identity.slice(-25) },
    };
  }

  accepted(_now: number): void {
    // 2.0.1 carries the meters' public keys in each signed value: nothing to declare first.
  }

  nextBootAfter(cause: RebootCause): void {
    // A reboot ends every stream: the station opens new ones as its sessions ask.
    this.v21?.streams.clear();
    this.bootReason = cause === 'PowerLoss' ? 'PowerUp' : cause === 'Reboot' ? 'Watchdog' : cause;
  }

  reportAllStatus(due: number): void {
    for (const c of this.station.charging.connectors) this.sendStatus(c, due);
  }

  sendStatus(c: Connector, due: number): void {
    this.outlet.callIfOnline('StatusNotification', { timestamp: isoNow(), connectorStatus: statusOf201(c), evseId: c.id, connectorId: 1 }, c, due);
  }

  reportPlugIn(c: Connector, due: number): void {
    this.sendStatus(c, due);
  }

  authorize(c: Connector, due: number): void {
    this.outlet.call('Authorize', { idToken: { idToken: c.pendingTag, type: 'ISO14443' } }, c, due);
  }

  /** E.g. E02: a change of charging state is a TransactionEvent Updated, trigger ChargingStateChanged. */
  reportChargingState(c: Connector, tx: Transaction, due: number): void {
    this.outlet.queue('TransactionEvent', this.event('Updated', 'ChargingStateChanged', c, tx, { chargingState: chargingState(c) }), tx, due);
  }

  /**
   * 2.1 V2X: discharging is an operation mode, set by the CSMS's setpoint (CentralSetpoint), not a
   * charging state: a TransactionEvent Updated, trigger OperationModeChanged, with the meter values
   * whose export register now rises (and ChargingOnly when the EV charges again).
   */
  reportDischarge(c: Connector, tx: Transaction, due: number): void {
    const operationMode = c.dischargeW > 0 ? 'CentralSetpoint' : 'ChargingOnly';
    const payload = this.event('Updated', 'OperationModeChanged', c, tx, { chargingState: chargingState(c), operationMode });
    payload.meterValue = this.meterValue(c, 'Sample.Periodic', due);
    this.outlet.queue('TransactionEvent', payload, tx, due);
  }

  private newTransactionId(): string {
    const identity = this.station.identity;
    const base = identity.length <= 28 ? identity : hashString(identity).toString(16);
    return `${base}-${++this.txCounter}`;
  }

  private event(eventType: string, triggerReason: string, c: Connector, tx: Transaction, extra: JsonObject): JsonObject {
    return {
      eventType,
      timestamp: isoNow(),
      triggerReason,
      seqNo: tx.seqNo++,
      offline: !this.station.link.online,
      transactionInfo: { transactionId: tx.localId, ...extra },
      evse: { id: c.id, connectorId: 1 },
    };
  }

  /** A MeterValueType of the group's measurands (2.0.1: numeric values, units in unitOfMeasure). */
  private meterValue(c: Connector, context: string, at: number): JsonObject[] {
    const group = this.station.group;
    const samples = meterSamples(c, group, at);
    const sampledValue: JsonObject[] = samples.map((m) => ({
      value: m.value,
      context,
      measurand: m.measurand,
      ...(m.location === undefined ? {} : { location: m.location }),
      unitOfMeasure: { unit: m.unit },
    }));
    const timestamp = isoNow();
    if (group.signedMeterValues !== undefined) {
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
    const ocmf = this.station.charging.ocmf;
    return {
      signedMeterData: Buffer.from(ocmf.sign(c.id, wh, timestamp, tx, tx === undefined ? undefined : c.tx?.idTag), 'utf8').toString('base64'),
      signingMethod: OCMF_SIGNING_METHOD,
      encodingMethod: 'OCMF',
      publicKey: ocmf.publicKeyBase64,
    };
  }

  startTransaction(c: Connector, idTag: string, due: number): void {
    const tx = openTransaction(c, this.newTransactionId(), idTag, due);
    const remote = tx.remoteStartId !== undefined;
    const payload = this.event('Started', remote ? 'RemoteStart' : 'Authorized', c, tx, {
      chargingState: 'Charging',
      ...(remote ? { remoteStartId: tx.remoteStartId } : {}),
    });
    payload.idToken = { idToken: idTag, type: 'ISO14443' };
    payload.meterValue = this.meterValue(c, 'Transaction.Begin', due);
    this.outlet.queue('TransactionEvent', payload, tx, due);
  }

  sendMeterValues(c: Connector, tx: Transaction, due: number): void {
    c.advance(due);
    const payload = this.event('Updated', 'MeterValuePeriodic', c, tx, { chargingState: chargingState(c) });
    payload.meterValue = this.meterValue(c, 'Sample.Periodic', due);
    this.outlet.queue('TransactionEvent', payload, tx, due);
  }

  stopTransaction(c: Connector, tx: Transaction, reason: string, due: number): void {
    const [stoppedReason, trigger] = STOP_REASONS[reason] ?? ['Other', 'AbnormalCondition'];
    const payload = this.event('Ended', trigger, c, tx, { chargingState: 'Idle', stoppedReason });
    payload.meterValue = this.meterValue(c, 'Transaction.End', due);
    this.outlet.queue('TransactionEvent', payload, tx, due);
    // What the connector's stream monitored has ended with the session.
    this.v21?.streams.sessionEnded(c.id, due);
  }

  afterRelease(c: Connector, now: number, _reportedFinishing: boolean): void {
    this.sendStatus(c, now);
    if (this.resetWhenIdle && !this.station.charging.hasOpenTransactions) {
      this.resetWhenIdle = false;
      // Not inline: the session may end while a frame is being handled (a CSMS answer that
      // refuses the token); the socket closes once that handling is done.
      queueMicrotask(() => this.resetNow());
    }
  }

  isTransactionMessage(action: string, _tag: CallTag): boolean {
    return action === 'TransactionEvent';
  }

  beforeSend(action: string, payload: JsonObject, _tag: CallTag): SendVerdict {
    this.endedOut = action === 'TransactionEvent' && payload.eventType === 'Ended';
    return true;
  }

  // ---- what the CSMS answers ------------------------------------------------------------------
  authorizeAccepted(payload: JsonObject): boolean {
    return (payload.idTokenInfo as { status: string }).status === 'Accepted';
  }

  onTransactionResult(action: string, payload: JsonObject, tag: CallTag): void {
    if (this.v21 !== undefined && action !== 'TransactionEvent') this.v21.onResult(action, payload, tag);
    if (action !== 'TransactionEvent' || !isTransaction(tag)) return;
    if (this.endedOut) {
      this.endedOut = false;
      this.station.countEvent('stopsAcknowledged');
    }
    const info = payload.idTokenInfo as { status: string } | undefined;
    if (info !== undefined && info.status !== 'Accepted') this.station.charging.stopRefused(tag);
  }

  // ---- how it answers CSMS calls (incoming-201.ts, device-model-201.ts) -------------------------
  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    // A follow-up belongs to the answer being built; one left by an answer that never went out is dropped.
    this.followUp = undefined;
    return this.v21?.onIncoming(action, payload) ?? handleIncoming201(this, action, payload);
  }

  /** Accept a RequestStartTransaction on `evseId` (or the first free EVSE); undefined when refused. */
  acceptRemoteStart(evseId: number | undefined, idToken: string, remoteStartId: number): Connector | undefined {
    const s = this.station;
    const c = evseId === undefined ? s.charging.connectors.find((x) => x.free && x.operative) : s.charging.connectors[evseId - 1];
    if (!c || !c.free || !c.operative || !s.booted) return undefined;
    c.pendingTag = idToken;
    c.pendingRemoteStartId = remoteStartId;
    c.phase = Phase.Authorizing;
    s.countEvent('remoteStarts');
    this.followUp = { kind: 'remoteStart', c };
    return c;
  }

  transactionById(id: string): { c: Connector; tx: Transaction } | undefined {
    for (const c of this.station.charging.connectors) if (c.tx !== null && c.tx.localId === id) return { c, tx: c.tx };
    return undefined;
  }

  /** Whether transaction messages are still waiting to be delivered. */
  get hasQueuedMessages(): boolean {
    const session = this.station.link.session;
    return session.queued > 0 || session.hasPending;
  }

  scheduleResetWhenIdle(): void {
    this.resetWhenIdle = true;
  }

  private resetNow(): void {
    this.resetWhenIdle = false;
    const s = this.station;
    if (s.stopping || s.state === StationState.Stopped) return;
    s.countEvent('resets');
    s.softReboot('ImmediateReset', 'RemoteReset');
  }

  afterIncoming(_action: string): void {
    const f = this.followUp;
    if (f === undefined) {
      this.v21?.afterIncoming(this.station.now());
      return;
    }
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
        for (const c of f.connectors) this.sendStatus(c, now);
        return;
      case 'reset':
        this.resetNow();
        return;
      case 'report':
        this.outlet.call('NotifyReport', this.reportPayload(f.requestId), null, now);
        return;
      case 'trigger':
        this.runTrigger(f.message, f.evseId, now);
        return;
    }
  }

  /** The NotifyReport answering GetBaseReport: the device model lives in its own module. */
  reportPayload(requestId: number): JsonObject {
    return { requestId, generatedAt: isoNow(), seqNo: 0, tbc: false, reportData: deviceReport(this.station) };
  }

  private runTrigger(message: string, evseId: number | undefined, now: number): void {
    const s = this.station;
    switch (message) {
      case 'BootNotification':
        s.link.session.call('BootNotification', { ...this.bootPayload(), reason: 'Triggered' }, null, now, true);
        return;
      case 'Heartbeat':
        this.outlet.call('Heartbeat', {}, null, now);
        return;
      case 'StatusNotification':
        for (const c of s.charging.connectors) if (evseId === undefined || c.id === evseId) this.sendStatus(c, now);
        return;
      case 'MeterValues':
        for (const c of s.charging.connectors) {
          if (evseId !== undefined && c.id !== evseId) continue;
          c.advance(now);
          this.outlet.call('MeterValues', { evseId: c.id, meterValue: this.meterValue(c, 'Trigger', now) }, null, now);
        }
        return;
      case 'TransactionEvent':
        for (const c of s.charging.connectors) {
          if (evseId !== undefined && c.id !== evseId) continue;
          const tx = c.tx;
          if (tx === null || tx.ended) continue;
          c.advance(now);
          const payload = this.event('Updated', 'Trigger', c, tx, { chargingState: 'Charging' });
          payload.meterValue = this.meterValue(c, 'Trigger', now);
          this.outlet.queue('TransactionEvent', payload, tx, now);
        }
        return;
      case 'FirmwareStatusNotification':
        this.outlet.call('FirmwareStatusNotification', { status: 'Idle' }, null, now);
        return;
      case 'LogStatusNotification':
        this.outlet.call('LogStatusNotification', { status: 'Idle' }, null, now);
        return;
      default:
        return;
    }
  }
}
