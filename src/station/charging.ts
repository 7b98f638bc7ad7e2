import { isStationSend, type JsonObject } from '../ocpp';
import { SessionCursor } from '../scenario/sessions';
import { DEFAULT_SCRIPT, REMOTE_SCRIPT, type ScriptStep } from '../scenario/script';
import { typicalValue } from '../scenario/session-config';
import { Connector, Phase, type Transaction } from './connector';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { OcmfMeter } from './ocmf-meter';
import { runStep, type StepHost } from './script-steps';
import { StationState, TimerKind, type AfterClose } from './station-timers';
import type { TimerSlots } from './timer-slots';
import type { RebootCause, StationVersion } from './version';

/** What the charging sessions ask of their station (Station implements it: no closure per station). */
export interface ChargingHost {
  readonly identity: string;
  /** The station's context, group and timer slots, shared by its parts (read through the host, not copied into each part). */
  readonly ctx: StationContext;
  readonly group: StationGroup;
  readonly slots: TimerSlots;
  /** What the station's OCPP version says of each step of a session (version-16.ts, version-201.ts). */
  readonly version: StationVersion;
  /** Booted: transaction messages go on the wire now, and vehicles may arrive. */
  readonly booted: boolean;
  readonly state: StationState;
  /** A script's `raw` step. */
  sendRaw(frame: string, id: string | undefined): void;
  /** A script's `send` of a 2.1 SEND action. */
  sendUnconfirmed(action: string, payload: JsonObject): void;
  /** A script's `disconnect` (back after the backoff) and `reconnect` (at once). */
  closeSocket(after: AfterClose.Reconnect | AfterClose.ReconnectNow): void;
  /** A script's `reboot`: the station stops its sessions, closes, connects and boots again. */
  softReboot(stopReason: string, cause: RebootCause): void;
}

/**
 * The charging sessions of a station, a part of it: its connectors, each running the script of
 * its session (script-steps.ts) from the vehicle's arrival, as the connector's plan says
 * (SessionCursor), or from a remote start; authorized, started, metered, stopped, unplugged and
 * released. This part decides when a session says something; what it says, per OCPP version, is
 * the station's version object's. Each connector has one timer slot: its next arrival, or the
 * running step.
 */
export class Charging implements StepHost {
  readonly connectors: Connector[] = [];
  /** The planned first connection, on the station clock: the connectors' plans start there. */
  connectAt = 0;
  private epochAt: number | undefined = undefined;
  private meter: OcmfMeter | undefined = undefined;

  constructor(
    private readonly host: ChargingHost,
    /** Seed of the station's stream: its connectors' streams derive from it, never from the worker. */
    private readonly seed: number,
  ) {
    const group = host.group;
    for (let c = 1; c <= group.connectors; c++) {
      const connector = new Connector(c);
      connector.rampMs = group.sessions.rampUpMs ?? 0;
      connector.energyScale = group.sessions.timeScale ?? 1;
      this.connectors.push(connector);
    }
  }

  private get ctx(): StationContext {
    return this.host.ctx;
  }

  private get group(): StationGroup {
    return this.host.group;
  }

  private get slots(): TimerSlots {
    return this.host.slots;
  }

  /** The station's signing meters (groups with signedMeterValues); the key pair is made on first use. */
  get ocmf(): OcmfMeter {
    return (this.meter ??= new OcmfMeter(this.host.identity, this.group, this.ctx, this.seed));
  }

  get hasOpenTransactions(): boolean {
    for (const c of this.connectors) if (c.tx !== null && !c.tx.ended) return true;
    return false;
  }

  /** A connector is past idle: a vehicle authorizing, charging or finishing (its stop still to go). */
  get inSession(): boolean {
    for (const c of this.connectors) if (c.phase !== Phase.Idle) return true;
    return false;
  }

  /** How many transactions are running (a cold boot tells the fault how many it stopped). */
  get running(): number {
    let n = 0;
    for (const c of this.connectors) if (c.phase === Phase.Charging) n++;
    return n;
  }

  /** The run's epoch on the station clock: plans count from it. */
  private epoch(): number {
    if (this.epochAt === undefined) this.epochAt = this.ctx.atEpochOffset(0);
    return this.epochAt;
  }

  // ---- arrivals ----------------------------------------------------------------------------
  /** Booted: vehicles that arrived while the station was down have waited; the others come as planned. */
  arrivalsAfterBoot(now: number): void {
    for (const c of this.connectors) if (c.free) this.scheduleNextSession(c, now);
  }

  /** A connector made Operative again takes vehicles: its arrival timer lapsed while it was Inoperative. */
  resumeArrivals(c: Connector): void {
    if (c.free) this.scheduleNextSession(c, this.ctx.now());
  }

  /** Arm the connector's timer for its next planned vehicle, at once if it is already due. */
  private scheduleNextSession(c: Connector, now: number): void {
    if (this.ctx.stopping) return;
    const epoch = this.epoch();
    const cursor = (c.cursor ??= new SessionCursor(this.group.sessions, this.host.identity, this.seed, c.id, this.connectAt - epoch));
    const nowMs = now - epoch;
    let s = c.next ?? cursor.next();
    // A vehicle whose whole visit fell while the connector was busy or the station down has gone.
    while (s.arrivalMs + s.durationMs < nowMs) s = cursor.next();
    c.next = s;
    this.slots.set(TimerKind.ConnectorBase + c.id - 1, epoch + Math.max(s.arrivalMs, nowMs));
  }

  /** Timer of connector `index` (0-based): a new vehicle arrives, or the step of the running script resumes. */
  connectorTimer(index: number, at: number): void {
    const c = this.connectors[index] as Connector;
    if (c.step >= 0) {
      this.runScript(c, at);
      return;
    }
    if (c.phase !== Phase.Idle || this.ctx.stopping || !c.operative || this.host.state === StationState.Stopped) return;
    const s = c.next;
    // A vehicle arriving while the station is down waits until it is back (arrivalsAfterBoot).
    if (s === undefined || !this.host.booted) return;
    c.next = undefined;
    c.planned = s;
    c.pendingTag = s.idTag;
    this.startScript(c, this.group.sessions.script ?? DEFAULT_SCRIPT, at);
  }

  /** A session the CSMS started (its tag and remoteStartId already on `c`): the remote script. */
  startRemoteSession(c: Connector, now: number): void {
    c.planned = undefined;
    this.startScript(c, REMOTE_SCRIPT, now);
  }

  private startScript(c: Connector, script: readonly ScriptStep[], at: number): void {
    c.script = script;
    c.step = 0;
    c.stepLeft = -1;
    this.runScript(c, at);
  }

  /**
   * Run the connector's script from its current step until a step waits (for its timer or an
   * answer) or the script ends. A step may end the session itself (a reboot, a refusal): the
   * index is then -1 and nothing more runs.
   */
  private runScript(c: Connector, at: number): void {
    const steps = c.script;
    while (c.step >= 0 && c.step < steps.length) {
      if (!runStep(this, c, steps[c.step] as ScriptStep, at) || c.step < 0) return;
      c.step++;
      c.stepLeft = -1;
    }
    if (c.step >= 0) this.releaseConnector(c, at);
  }

  // ---- what the script interpreter (script-steps.ts) does with the sessions ----------------
  scriptPlugIn(c: Connector, due: number): void {
    c.phase = Phase.Authorizing;
    this.host.version.reportPlugIn(c, due);
  }

  scriptAuthorize(c: Connector, due: number): boolean {
    // Remote starts need no Authorize (AuthorizeRemoteTxRequests = false); offline, the station
    // authorizes locally, as a real one would from its cache.
    if (c.pendingRemoteStartId !== undefined || !this.host.booted) return true;
    c.awaitingAuth = true;
    this.host.version.authorize(c, due);
    return false;
  }

  scriptStart(c: Connector, due: number): void {
    this.beginTransaction(c, due);
  }

  scriptTimer(c: Connector, at: number): void {
    this.slots.set(TimerKind.ConnectorBase + c.id - 1, at);
  }

  get meterIntervalMs(): number {
    return this.group.sessions.meterIntervalMs;
  }

  scriptMeterValues(c: Connector, tx: Transaction, due: number): void {
    this.host.version.sendMeterValues(c, tx, due);
  }

  scriptSuspend(c: Connector, tx: Transaction, by: Connector['suspended'], due: number): void {
    c.advance(due);
    const discharging = c.dischargeW > 0;
    c.suspended = by;
    c.dischargeW = 0;
    c.powerW = by === '' ? this.chargingPowerW(c) : 0;
    // Back from discharging, the operation mode changes, not the charging state.
    if (discharging && by === '') this.host.version.reportDischarge?.(c, tx, due);
    else this.host.version.reportChargingState(c, tx, due);
  }

  /** OCPP 2.1 V2X: the EV gives `powerW` back until `resume` or the stop; the export register rises. */
  scriptDischarge(c: Connector, tx: Transaction, powerW: number, due: number): void {
    c.advance(due);
    c.suspended = '';
    c.powerW = 0;
    c.dischargeW = powerW;
    this.host.version.reportDischarge?.(c, tx, due);
  }

  scriptStop(c: Connector, reason: string | undefined, due: number): void {
    this.stopSession(c, reason ?? c.planned?.stopReason ?? 'Local', due);
  }

  scriptUnplug(c: Connector, due: number): void {
    this.unplug(c, due);
  }

  scriptSend(action: string, payload: JsonObject, due: number): void {
    // 2.1's SENDs (NotifyPeriodicEventStream) go out as SENDs: unanswered, never queued.
    if (isStationSend(this.host.group.version, action)) this.host.sendUnconfirmed(action, payload);
    else this.host.version.outlet.call(action, payload, null, due);
  }

  scriptStream(c: Connector, intervalMs: number, values: number, due: number): void {
    // OCPP gives a stream's interval in whole seconds.
    this.host.version.openStream?.(c, { intervalS: Math.max(1, Math.round(intervalMs / 1000)), values }, due);
  }

  sendRaw(frame: string, id: string | undefined): void {
    this.host.sendRaw(frame, id);
  }

  closeSocket(after: AfterClose.Reconnect | AfterClose.ReconnectNow): void {
    this.host.closeSocket(after);
  }

  softReboot(stopReason: string, cause: 'LocalReset'): void {
    this.host.softReboot(stopReason, cause);
  }

  // ---- authorization -----------------------------------------------------------------------
  /** Authorization answered by the CSMS (or locally): the script goes on, or a refusal ends the session. */
  onAuthorized(c: Connector, accepted: boolean, due: number): void {
    if (!c.awaitingAuth) return;
    c.awaitingAuth = false;
    if (!accepted) {
      this.ctx.count(this.group, 'authorizeRejected');
      this.releaseConnector(c, due);
      return;
    }
    c.step++;
    c.stepLeft = -1;
    this.runScript(c, due);
  }

  /**
   * An Authorize that got no real answer is no refusal (`authorizeRejected` counts only those): cut
   * off by the connection's end (`cutOff`: aborted, or never written), the station authorizes
   * locally once the close has come, as offline (authorizeOffline); a CALLERROR, an invalid answer
   * or a timeout leaves the vehicle without a session.
   */
  authorizeFailed(c: Connector, cutOff: boolean): void {
    if (!c.awaitingAuth || cutOff) return;
    c.awaitingAuth = false;
    this.releaseConnector(c, this.ctx.now());
  }

  /**
   * The connection closed: an Authorize still queued went with it (only transaction messages wait
   * for the next one), and its vehicle would wait forever; the station authorizes locally, as offline.
   */
  authorizeOffline(): void {
    if (this.ctx.stopping || this.host.state === StationState.Stopped) return;
    for (const c of this.connectors) if (c.awaitingAuth) this.onAuthorized(c, true, this.ctx.now());
  }

  // ---- a session's life --------------------------------------------------------------------
  private beginTransaction(c: Connector, due: number): void {
    const sessions = this.group.sessions;
    c.phase = Phase.Charging;
    c.suspended = '';
    c.advance(due);
    c.chargeFrom = due;
    c.powerW = this.chargingPowerW(c);
    const planned = c.planned;
    c.sessionFromWh = c.energyWh;
    c.sessionExportFromWh = c.exportWh;
    c.startSoc = sessions.ev === undefined ? undefined : (planned?.startSocPercent ?? typicalValue(sessions.ev.startSocPercent));
    c.sessionsStarted++;
    this.ctx.count(this.group, 'sessionsStarted');
    this.ctx.count(this.group, 'transactionsStarted');
    this.ctx.gauge(this.group, 'charging', 1);
    this.host.version.startTransaction(c, c.pendingTag, due);
    const tx = c.tx as Transaction;
    // A planned session ends when the plan says, even if it started late (the vehicle waited for
    // a station that was down, or for the Authorize answer); one the CSMS started lasts the typical time.
    tx.endsAt = planned === undefined ? due + sessions.durationMs : Math.max(due, this.epoch() + planned.arrivalMs + planned.durationMs);
  }

  /** The group's power, or a CSMS limit below it. */
  private chargingPowerW(c: Connector): number {
    const powerW = this.group.sessions.powerW;
    return c.limitW === undefined ? powerW : Math.min(c.limitW, powerW);
  }

  /** Stop the running transaction of `c` and let the vehicle leave (remote stop, refusal, unlock). */
  endSession(c: Connector, reason: string, due: number): void {
    if (this.stopSession(c, reason, due)) this.releaseConnector(c, due);
  }

  /** The CSMS refused the tag of a running transaction: stop it (StopTxOnInvalidId, 1.6 §5.18). */
  stopRefused(tx: Transaction): void {
    if (tx.ended) return;
    const c = this.connectors.find((x) => x.tx === tx);
    if (c) this.endSession(c, 'DeAuthorized', this.ctx.now());
  }

  /** Stop the running transaction of `c`; the vehicle stays plugged in (Finishing). */
  private stopSession(c: Connector, reason: string, due: number): boolean {
    const tx = c.tx;
    if (c.phase !== Phase.Charging || tx === null || tx.ended) return false;
    c.advance(due);
    tx.ended = true;
    c.powerW = 0;
    c.dischargeW = 0;
    c.suspended = '';
    c.phase = Phase.Finishing;
    this.ctx.gauge(this.group, 'charging', -1);
    this.ctx.count(this.group, 'sessionsCompleted');
    this.ctx.count(this.group, 'transactionsStopped');
    this.slots.clear(TimerKind.ConnectorBase + c.id - 1);
    this.host.version.stopTransaction(c, tx, reason, due);
    return true;
  }

  /** The vehicle leaves (a transaction still running is stopped first, EVDisconnected). */
  private unplug(c: Connector, now: number): void {
    this.stopSession(c, 'EVDisconnected', now);
    if (c.phase === Phase.Idle) return;
    const reportedFinishing = c.phase === Phase.Finishing;
    c.phase = Phase.Idle;
    this.host.version.afterRelease(c, now, reportedFinishing);
  }

  /** The session is over (its script ended, or a refusal or the CSMS ended it): the next arrival is drawn. */
  private releaseConnector(c: Connector, now: number): void {
    if (c.phase === Phase.Charging) this.stopSession(c, c.planned?.stopReason ?? 'Local', now);
    this.unplug(c, now);
    this.endScript(c);
    this.scheduleNextSession(c, now);
  }

  private endScript(c: Connector): void {
    c.step = -1;
    c.stepLeft = -1;
    c.awaitingAuth = false;
    c.suspended = '';
    c.pendingTag = '';
    c.pendingRemoteStartId = undefined;
    c.planned = undefined;
    c.startSoc = undefined;
  }

  /**
   * Stop every running transaction and script (end of run, reset, reboot, cold boot); their stop
   * messages wait in the queue while the station is offline. After a reboot the plan goes on:
   * arrivalsAfterBoot arms the connectors again.
   */
  stopAllSessions(reason: string): void {
    const now = this.ctx.now();
    for (const c of this.connectors) {
      if (c.phase === Phase.Charging || c.phase === Phase.Finishing) {
        this.stopSession(c, reason, now);
        this.unplug(c, now);
      }
      // A vehicle still authorizing leaves without a word: the station reports every status on its next boot.
      c.phase = Phase.Idle;
      this.endScript(c);
      this.slots.clear(TimerKind.ConnectorBase + c.id - 1);
    }
  }
}
