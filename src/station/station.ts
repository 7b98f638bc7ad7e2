import { CallOutcome, type JsonObject } from '../ocpp';
import { SessionCursor } from '../scenario/sessions';
import { DEFAULT_SCRIPT, REMOTE_SCRIPT, type ScriptStep } from '../scenario/script';
import { typicalValue } from '../scenario/session-config';
import { Connector, Phase, type Transaction } from './connector';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { OcmfMeter } from './ocmf-meter';
import { runStep } from './script-steps';
import { StationLink, StationState, TimerKind, type CallTag } from './station-link';
import { AfterClose } from './station-timers';
import { CONNECTOR_TIMER, TIMER_TABLE } from './timer-table';
import { versionOf, type RebootCause, type StationVersion, type VersionFactory } from './version';

export { EMPTY_PAYLOAD, StationLink, StationState, TIMER_SLOTS, TimerKind, type CallTag } from './station-link';

/**
 * A virtual charge point: its link to the CSMS (StationLink) and the charging sessions on its
 * connectors, authorized, metered and stopped as the plan of each connector says (SessionCursor).
 * The station decides when something is said; what is said, per OCPP version, is its `version`
 * object's (version-16.ts, version-201.ts).
 */
export class Station extends StationLink {
  readonly connectors: Connector[] = [];
  /** What this station's OCPP version says and answers. */
  readonly version: StationVersion;
  /** Seed of the station's stream: its connectors' streams derive from it, never from the worker. */
  private readonly seed: number;
  /** The planned first connection, on the station clock (0 until `start`). */
  private connectAt = 0;
  private epochAt: number | undefined = undefined;

  constructor(index: number, identity: string, group: StationGroup, ctx: StationContext, seed: number, version: VersionFactory = versionOf) {
    super(index, identity, group, ctx, seed);
    this.seed = seed;
    this.version = version(this);
    for (let c = 1; c <= group.connectors; c++) {
      const connector = new Connector(c);
      connector.rampMs = group.sessions.rampUpMs ?? 0;
      connector.energyScale = group.sessions.timeScale ?? 1;
      this.connectors.push(connector);
    }
  }

  override start(at: number): void {
    this.connectAt = at;
    super.start(at);
  }

  /** The run's epoch on the station clock: plans count from it. */
  private epoch(): number {
    if (this.epochAt === undefined) this.epochAt = this.ctx.atEpochOffset(0);
    return this.epochAt;
  }

  /** Entry point of the worker's scheduler (see timer-table.ts). Stale timers (superseded or cleared) are ignored. */
  onTimer(kind: number, at: number): void {
    if (this.slots.take(kind, at)) (TIMER_TABLE[kind] ?? CONNECTOR_TIMER)(this, at, kind);
  }

  private meter: OcmfMeter | undefined;

  /** The station's signing meters (groups with signedMeterValues); the key pair is made on first use. */
  get ocmf(): OcmfMeter {
    return (this.meter ??= new OcmfMeter(this.identity, this.group, this.ctx, this.seed));
  }

  protected onAnswer(action: string, payload: JsonObject, tag: CallTag): void {
    if (action === 'BootNotification') {
      this.boot.answered(payload.status as string, payload.interval as number);
    } else if (action === 'Authorize') {
      if (tag instanceof Connector) this.onAuthorized(tag, this.version.authorizeAccepted(payload), this.ctx.now());
    } else {
      this.version.onTransactionResult(action, payload, tag);
    }
  }

  /**
   * An Authorize that got no real answer is no refusal (`authorizeRejected` counts only those): cut
   * off by the connection's end (Aborted, or never written), the station authorizes locally once the
   * close has come, as offline (onDisconnected); a CALLERROR, an invalid answer or a timeout
   * leaves the vehicle without a session.
   */
  protected onTransactionCallFailed(action: string, tag: CallTag, outcome: CallOutcome): void {
    if (action !== 'Authorize' || !(tag instanceof Connector) || !tag.awaitingAuth) return;
    if (outcome === CallOutcome.Aborted || (outcome === CallOutcome.NotSent && !this.writable)) return;
    tag.awaitingAuth = false;
    this.releaseConnector(tag, this.ctx.now());
  }

  /** The CSMS refused the tag of a running transaction: stop it (StopTxOnInvalidId, 1.6 §5.18). */
  stopRefused(tx: Transaction): void {
    if (tx.ended) return;
    const c = this.connectors.find((x) => x.tx === tx);
    if (c) this.endSession(c, 'DeAuthorized', this.ctx.now());
  }

  // ---- used by the version objects and their handlers of CSMS-initiated calls --------------
  get stopping(): boolean {
    return this.ctx.stopping;
  }

  countReset(): void {
    this.ctx.count(this.group, 'resets');
  }

  countRemoteStop(): void {
    this.ctx.count(this.group, 'remoteStops');
  }

  get hasOpenTransactions(): boolean {
    for (const c of this.connectors) if (c.tx !== null && !c.tx.ended) return true;
    return false;
  }

  /** A connector made Operative again takes vehicles: its arrival timer lapsed while it was Inoperative. */
  resumeArrivals(c: Connector): void {
    if (c.free) this.scheduleNextSession(c, this.now());
  }

  onAccepted(now: number): void {
    this.version.accepted(now);
    this.version.reportAllStatus(now);
    // Vehicles that arrived while the station was down have waited; the others come as planned.
    for (const c of this.connectors) if (c.free) this.scheduleNextSession(c, now);
  }

  // ---- charging sessions -------------------------------------------------------------------
  /** Arm the connector's timer for its next planned vehicle, at once if it is already due. */
  private scheduleNextSession(c: Connector, now: number): void {
    if (this.ctx.stopping) return;
    const epoch = this.epoch();
    const cursor = (c.cursor ??= new SessionCursor(this.group.sessions, this.identity, this.seed, c.id, this.connectAt - epoch));
    const nowMs = now - epoch;
    let s = c.next ?? cursor.next();
    // A vehicle whose whole visit fell while the connector was busy or the station down has gone.
    while (s.arrivalMs + s.durationMs < nowMs) s = cursor.next();
    c.next = s;
    this.setTimer(TimerKind.ConnectorBase + c.id - 1, epoch + Math.max(s.arrivalMs, nowMs));
  }

  /** Timer of connector `index` (0-based): a new vehicle arrives, or the step of the running script resumes. */
  connectorTimer(index: number, at: number): void {
    const c = this.connectors[index] as Connector;
    if (c.step >= 0) {
      this.runScript(c, at);
      return;
    }
    if (c.phase !== Phase.Idle || this.ctx.stopping || !c.operative || this.state === StationState.Stopped) return;
    const s = c.next;
    // A vehicle arriving while the station is down waits until it is back (onAccepted).
    if (s === undefined || !this.booted) return;
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

  // ---- what the script interpreter (script-steps.ts) does with the station -----------------
  scriptPlugIn(c: Connector, due: number): void {
    c.phase = Phase.Authorizing;
    this.version.reportPlugIn(c, due);
  }

  /** True when the tag counts as accepted at once; false when the Authorize answer is awaited. */
  scriptAuthorize(c: Connector, due: number): boolean {
    // Remote starts need no Authorize (AuthorizeRemoteTxRequests = false); offline, the station
    // authorizes locally, as a real one would from its cache.
    if (c.pendingRemoteStartId !== undefined || !this.online) return true;
    c.awaitingAuth = true;
    this.version.authorize(c, due);
    return false;
  }

  scriptStart(c: Connector, due: number): void {
    this.beginTransaction(c, due);
  }
  scriptTimer(c: Connector, at: number): void {
    this.setTimer(TimerKind.ConnectorBase + c.id - 1, at);
  }
  get meterIntervalMs(): number {
    return this.group.sessions.meterIntervalMs;
  }

  scriptMeterValues(c: Connector, tx: Transaction, due: number): void {
    this.version.sendMeterValues(c, tx, due);
  }

  scriptSuspend(c: Connector, tx: Transaction, by: Connector['suspended'], due: number): void {
    c.advance(due);
    c.suspended = by;
    c.powerW = by === '' ? this.chargingPowerW(c) : 0;
    this.version.reportChargingState(c, tx, due);
  }

  scriptStop(c: Connector, reason: string | undefined, due: number): void {
    this.stopSession(c, reason ?? c.planned?.stopReason ?? 'Local', due);
  }

  scriptUnplug(c: Connector, due: number): void {
    this.unplug(c, due);
  }
  scriptSend(action: string, payload: JsonObject, due: number): void {
    this.version.call(action, payload, null, due);
  }

  /**
   * A reboot the station goes through in order (a CSMS Reset, a script's reboot): calls stop going
   * out, its transactions stop with `stopReason` (their stop messages wait in the queue, delivered
   * in order once it is booted again), the socket closes cleanly, and it connects and boots again.
   */
  softReboot(stopReason: string, cause: RebootCause): void {
    if (this.ctx.stopping || this.state === StationState.Stopped) return;
    this.version.nextBootAfter(cause);
    this.holdCalls();
    this.stopAllSessions(stopReason);
    this.closeSocket(AfterClose.Reboot);
  }

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

  protected beginTransaction(c: Connector, due: number): void {
    const sessions = this.group.sessions;
    c.phase = Phase.Charging;
    c.suspended = '';
    c.advance(due);
    c.chargeFrom = due;
    c.powerW = this.chargingPowerW(c);
    const planned = c.planned;
    c.sessionFromWh = c.energyWh;
    c.startSoc = sessions.ev === undefined ? undefined : (planned?.startSocPercent ?? typicalValue(sessions.ev.startSocPercent));
    c.sessionsStarted++;
    this.ctx.count(this.group, 'sessionsStarted');
    this.ctx.count(this.group, 'transactionsStarted');
    this.ctx.gauge(this.group, 'charging', 1);
    this.version.startTransaction(c, c.pendingTag, due);
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

  /** Stop the running transaction of `c`; the vehicle stays plugged in (Finishing). */
  private stopSession(c: Connector, reason: string, due: number): boolean {
    const tx = c.tx;
    if (c.phase !== Phase.Charging || tx === null || tx.ended) return false;
    c.advance(due);
    tx.ended = true;
    c.powerW = 0;
    c.suspended = '';
    c.phase = Phase.Finishing;
    this.ctx.gauge(this.group, 'charging', -1);
    this.ctx.count(this.group, 'sessionsCompleted');
    this.ctx.count(this.group, 'transactionsStopped');
    this.clearTimer(TimerKind.ConnectorBase + c.id - 1);
    this.version.stopTransaction(c, tx, reason, due);
    return true;
  }

  /** The vehicle leaves (a transaction still running is stopped first, EVDisconnected). */
  private unplug(c: Connector, now: number): void {
    this.stopSession(c, 'EVDisconnected', now);
    if (c.phase === Phase.Idle) return;
    const reportedFinishing = c.phase === Phase.Finishing;
    c.phase = Phase.Idle;
    this.version.afterRelease(c, now, reportedFinishing);
  }

  /** The session is over (its script ended, or a refusal or the CSMS ended it): the next arrival is drawn. */
  protected releaseConnector(c: Connector, now: number): void {
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

  /** Stop the running transactions at `at` (end of run), without stopping new arrivals first. */
  windDownAt(at: number): void {
    this.setTimer(TimerKind.WindDown, at);
  }

  /** Stop every running transaction and script (end of run, reset, reboot). */
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
      this.clearTimer(TimerKind.ConnectorBase + c.id - 1);
    }
    // After a reboot the plan goes on: onAccepted arms the connectors again.
  }

  /**
   * A cold boot (power cut, watchdog): the connection drops with no close, running transactions
   * end with `reason` (PowerLoss or Reboot; their stop messages wait in the queue, as a station that
   * kept them through the outage sends them once booted again), and the station reconnects at
   * `reconnectAt` (clock ms) and boots. Returns how many transactions it stopped.
   */
  coldBoot(reason: 'PowerLoss' | 'Reboot', reconnectAt: number): number {
    if (this.state === StationState.Stopped || this.ctx.stopping) return 0;
    let running = 0;
    for (const c of this.connectors) if (c.phase === Phase.Charging) running++;
    this.cut(reconnectAt);
    this.version.nextBootAfter(reason);
    this.stopAllSessions(reason);
    return running;
  }

  override transportClosed(): void {
    super.transportClosed();
    // An Authorize still queued went with the connection (only transaction messages wait for the
    // next one): the vehicle would wait forever; the station authorizes locally, as offline.
    if (this.ctx.stopping || this.state === StationState.Stopped) return;
    for (const c of this.connectors) if (c.awaitingAuth) this.onAuthorized(c, true, this.ctx.now());
  }
}

