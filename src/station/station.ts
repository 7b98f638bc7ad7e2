import { CallOutcome, type JsonObject } from '../ocpp';
import { Charging, type ChargingHost } from './charging';
import { Connector } from './connector';
import type { StationContext } from './context';
import type { CounterName } from './counters';
import type { FaultTally } from './fault-state';
import type { StationGroup } from './group';
import type { MalformedOwner, MalformedSender } from './malformed';
import type { CallTag } from './outlet';
import { StationLink, type LinkHost } from './station-link';
import { AfterClose, StationState, TimerKind } from './station-timers';
import { CONNECTOR_TIMER, TIMER_TABLE } from './timer-table';
import { TimerSlots } from './timer-slots';
import { versionOf, type RebootCause, type StationVersion, type VersionFactory } from './version';

/**
 * A virtual charge point, composed of parts held as fields: its timer slots on the worker's
 * scheduler (`slots`, dispatched through timer-table.ts), its link to the CSMS (`link`: OCPP
 * session, offline queue, boot, connection), its charging sessions (`charging`: connectors and
 * their scripts) and what its OCPP version says and answers (`version`: version-16.ts,
 * version-201.ts). The parts call back through small host interfaces that the station implements
 * here; this file is their wiring and the station's face to the worker and the faults timeline.
 */
export class Station implements LinkHost, ChargingHost, MalformedOwner {
  readonly slots: TimerSlots;
  readonly link: StationLink;
  readonly charging: Charging;
  /** What this station's OCPP version says and answers. */
  readonly version: StationVersion;

  constructor(
    index: number,
    readonly identity: string,
    readonly group: StationGroup,
    readonly ctx: StationContext,
    seed: number,
    version: VersionFactory = versionOf,
  ) {
    this.slots = new TimerSlots(index, ctx, group.connectors);
    this.link = new StationLink(this, index, identity, seed);
    this.charging = new Charging(this, seed);
    this.version = version(this);
  }

  /** Schedule the first connection at `at` (monotonic ms); the connectors' plans start there. */
  start(at: number): void {
    this.charging.connectAt = at;
    this.slots.set(TimerKind.Connect, at);
  }

  /** Entry point of the worker's scheduler (see timer-table.ts). Stale timers (superseded or cleared) are ignored. */
  onTimer(kind: number, at: number): void {
    if (this.slots.take(kind, at)) (TIMER_TABLE[kind] ?? CONNECTOR_TIMER)(this, at, kind);
  }

  setTimer(kind: number, at: number): void {
    this.slots.set(kind, at);
  }

  now(): number {
    return this.ctx.now();
  }

  get stopping(): boolean {
    return this.ctx.stopping;
  }

  /** Counted under `counters` in summary.json (the bad-frame sender counts through here). */
  countEvent(name: CounterName): void {
    this.ctx.count(this.group, name);
  }

  // ---- its state, for the worker and the coordinator (the link's) ---------------------------
  get state(): StationState {
    return this.link.state;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get booted(): boolean {
    return this.link.booted;
  }

  get everOpened(): boolean {
    return this.link.transport.everOpened;
  }

  get targetIndex(): number {
    return this.link.transport.targetIndex;
  }

  get password(): string | undefined {
    return this.link.transport.password;
  }

  set password(value: string | undefined) {
    this.link.transport.password = value;
  }

  get idle(): boolean {
    return this.link.idle;
  }

  get mustDeliver(): boolean {
    return this.link.mustDeliver;
  }

  /** A session is under way on some connector: the end of the run has a stop to send. */
  get inSession(): boolean {
    return this.charging.inSession;
  }

  /** Nothing left to send: no wind-down still to come, and the link idle or stopped. */
  get settled(): boolean {
    return !this.slots.isSet(TimerKind.WindDown) && this.link.settled;
  }

  endRun(): number {
    return this.link.endRun();
  }

  // ---- faults and the end of the run ---------------------------------------------------------
  /** A CALL is on the wire, unanswered: a fault that cuts the connection now aborts it (its `callsCut`). */
  get callOutstanding(): boolean {
    return this.link.connected && this.link.callOutstanding;
  }

  cut(reconnectAt = -1): boolean {
    return this.link.transport.cut(reconnectAt);
  }

  loseTarget(index: number): void {
    this.link.transport.loseTarget(index);
  }

  goOffline(until: number): boolean {
    return this.link.transport.faultState().goOffline(until);
  }

  pauseReading(until: number, tally: FaultTally | null = null): boolean {
    return this.link.transport.faultState().pauseReading(until, tally);
  }

  flap(until: number, upMs: number, tally: FaultTally | null = null): void {
    this.link.transport.faultState().flap(until, upMs, tally);
  }

  sendMalformed(sender: MalformedSender): boolean {
    return this.link.transport.faultState().sendMalformed(sender);
  }

  expectReconnect(tally: FaultTally | null): void {
    this.link.transport.faultState().expectReconnect(tally);
  }

  /** End of run: nothing new starts; the socket closes now and no reconnect follows. */
  shutdown(): void {
    this.slots.clearAll();
    this.link.transport.shutdown();
  }

  /** Stop the running transactions at `at` (end of run), without stopping new arrivals first. */
  windDownAt(at: number): void {
    this.slots.set(TimerKind.WindDown, at);
  }

  /** Stop every running transaction and script (end of run, reset, reboot). */
  stopAllSessions(reason: string): void {
    this.charging.stopAllSessions(reason);
  }

  /**
   * A reboot the station goes through in order (a CSMS Reset, a script's reboot): calls stop going
   * out, its transactions stop with `stopReason` (their stop messages wait in the queue, delivered
   * in order once it is booted again), the socket closes cleanly, and it connects and boots again.
   */
  softReboot(stopReason: string, cause: RebootCause): void {
    if (this.ctx.stopping || this.state === StationState.Stopped) return;
    this.version.nextBootAfter(cause);
    this.link.holdCalls();
    this.charging.stopAllSessions(stopReason);
    this.link.closeSocket(AfterClose.Reboot);
  }

  /**
   * A cold boot (power cut, watchdog): the connection drops with no close, running transactions
   * end with `reason` (PowerLoss or Reboot; their stop messages wait in the queue, as a station that
   * kept them through the outage sends them once booted again), and the station reconnects at
   * `reconnectAt` (clock ms) and boots. Returns how many transactions it stopped.
   */
  coldBoot(reason: 'PowerLoss' | 'Reboot', reconnectAt: number): number {
    if (this.state === StationState.Stopped || this.ctx.stopping) return 0;
    const running = this.charging.running;
    this.cut(reconnectAt);
    this.version.nextBootAfter(reason);
    this.charging.stopAllSessions(reason);
    return running;
  }

  // ---- the link's host -----------------------------------------------------------------------
  onAccepted(now: number): void {
    this.version.accepted(now);
    this.version.reportAllStatus(now);
    this.charging.arrivalsAfterBoot(now);
  }

  onAnswer(action: string, payload: JsonObject, tag: CallTag): void {
    if (action === 'Authorize') {
      if (tag instanceof Connector) this.charging.onAuthorized(tag, this.version.authorizeAccepted(payload), this.ctx.now());
    } else {
      this.version.onTransactionResult(action, payload, tag);
    }
  }

  onTransactionCallFailed(action: string, tag: CallTag, outcome: CallOutcome): void {
    if (action !== 'Authorize' || !(tag instanceof Connector)) return;
    this.charging.authorizeFailed(tag, outcome === CallOutcome.Aborted || (outcome === CallOutcome.NotSent && !this.link.writable));
  }

  onLinkClosed(): void {
    this.charging.authorizeOffline();
  }

  // ---- the charging sessions' host -----------------------------------------------------------
  sendRaw(frame: string, id: string | undefined): void {
    this.link.sendRaw(frame, id);
  }

  sendUnconfirmed(action: string, payload: JsonObject): void {
    this.link.session.sendUnconfirmed(action, payload);
  }

  closeSocket(after: AfterClose.Reconnect | AfterClose.ReconnectNow): void {
    this.link.closeSocket(after);
  }
}
