import { CallOutcome, NeverSent, OcppSession, type JsonObject, type SendVerdict, type SessionHost } from '../ocpp';
import type { Connector, Transaction } from './connector';
import type { StationContext } from './context';
import type { CounterName } from './counters';
import type { FaultTally } from './fault-state';
import type { StationGroup } from './group';
import type { MalformedSender } from './malformed';
import { isAnswerTo } from './script-steps';
import { AfterClose, StationState, TimerKind } from './station-timers';
import { BootCycle } from './boot';
import { TimerSlots } from './timer-slots';
import { Transport, type TransportHost } from './transport';
import type { StationVersion } from './version';

export { StationState, TIMER_SLOTS, TimerKind } from './station-timers';

/** What a call was for: the connector or transaction it concerns, or nothing. */
export type CallTag = Connector | Transaction | null;

/**
 * What a virtual charge point says over its connection before any charging: the OCPP-J session
 * with its offline queue kept across connections, boot (Accepted, Pending, Rejected) and
 * heartbeat. The connection is a part of its own (`transport`: socket, reconnect, failover,
 * keep-alive, faults), the timers slots of `slots`; the charging sessions are `Station`'s.
 */
export abstract class StationLink implements SessionHost<CallTag>, TransportHost {
  readonly session: OcppSession<CallTag>;
  readonly slots: TimerSlots;
  readonly transport: Transport;
  readonly boot: BootCycle;
  /** The station is closing its connection on purpose: no CALL goes out any more (see `holdCalls`). */
  holding = false;
  /** A close asked for while a CALL was outstanding: it happens once that call has ended (0: none). */
  private deferredClose: AfterClose = AfterClose.Unplanned;

  constructor(
    readonly index: number,
    readonly identity: string,
    readonly group: StationGroup,
    protected readonly ctx: StationContext,
    seed: number,
  ) {
    this.slots = new TimerSlots(index, ctx, group.connectors);
    this.transport = new Transport(this, this.slots, ctx, group, identity, index, seed);
    this.session = new OcppSession<CallTag>(this, ctx.recorderOf(group), {
      version: group.version,
      callTimeoutMs: group.callTimeoutMs,
      clock: ctx.now,
      role: 'station',
    });
    this.boot = new BootCycle(this, this.session, this.transport, this.slots, ctx, group);
  }

  // ---- the station's face to the worker and the faults timeline (the transport does the work)
  /** Schedule the first connection at `at` (monotonic ms). */
  start(at: number): void {
    this.slots.set(TimerKind.Connect, at);
  }

  get state(): StationState {
    return this.transport.state;
  }

  get connected(): boolean {
    return this.transport.connected;
  }

  get everOpened(): boolean {
    return this.transport.everOpened;
  }

  get targetIndex(): number {
    return this.transport.targetIndex;
  }

  get password(): string | undefined {
    return this.transport.password;
  }

  set password(value: string | undefined) {
    this.transport.password = value;
  }

  setTimer(kind: number, at: number): void {
    this.slots.set(kind, at);
  }

  clearTimer(kind: number): void {
    this.slots.clear(kind);
  }

  /** Counted under `counters` in summary.json (the bad-frame sender counts through here). */
  countEvent(name: CounterName): void {
    this.ctx.count(this.group, name);
  }

  sendFrame(text: string): boolean {
    return this.transport.send(text);
  }

  cut(reconnectAt = -1): boolean {
    return this.transport.cut(reconnectAt);
  }

  loseTarget(index: number): void {
    this.transport.loseTarget(index);
  }

  goOffline(until: number): boolean {
    return this.transport.faultState().goOffline(until);
  }

  pauseReading(until: number, tally: FaultTally | null = null): boolean {
    return this.transport.faultState().pauseReading(until, tally);
  }

  flap(until: number, upMs: number, tally: FaultTally | null = null): void {
    this.transport.faultState().flap(until, upMs, tally);
  }

  sendMalformed(sender: MalformedSender): boolean {
    return this.transport.faultState().sendMalformed(sender);
  }

  expectReconnect(tally: FaultTally | null): void {
    this.transport.faultState().expectReconnect(tally);
  }

  /** End of run: nothing new starts; the socket closes now and no reconnect follows. */
  shutdown(): void {
    this.slots.clearAll();
    this.transport.shutdown();
  }

  // ---- what the station above decides ---------------------------------------------------
  /** What the station's OCPP version says and answers (version-16.ts, version-201.ts). */
  abstract readonly version: StationVersion;
  /** Boot accepted: what the station reports and schedules before ordinary calls flow again. */
  abstract onAccepted(now: number): void;
  /** A call of a session failed for good (`outcome`: how): the session must not hang waiting for it. */
  protected abstract onTransactionCallFailed(action: string, tag: CallTag, outcome: CallOutcome): void;
  /** A CALLRESULT to one of the station's CALLs, valid by its schema. */
  protected abstract onAnswer(action: string, payload: JsonObject, tag: CallTag): void;

  bootPayload(): JsonObject {
    return this.version.bootPayload();
  }

  /** Whether a queued call must survive a disconnect (transaction messages are queued offline). */
  protected isTransactionMessage(action: string, tag: CallTag): boolean {
    return this.version.isTransactionMessage(action, tag);
  }

  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    return this.version.onIncoming(action, payload);
  }

  // ---- used by the handlers of CSMS-initiated calls ----------------------------------------
  now(): number {
    return this.ctx.now();
  }

  get heartbeatIntervalMs(): number {
    return this.boot.heartbeatMs;
  }

  /** A new heartbeat interval from the CSMS (ChangeConfiguration / SetVariables). */
  setHeartbeatInterval(ms: number): void {
    this.boot.setHeartbeatInterval(ms);
  }

  get booted(): boolean {
    return this.boot.booted;
  }

  /** Nothing left to say: no call outstanding or queued. */
  get idle(): boolean {
    return !this.session.hasPending && this.session.queued === 0;
  }

  /**
   * Transaction messages wait in the queue for a connection: while they do, the station still
   * connects after the run began stopping, so that they are delivered within the graceful stop.
   */
  get mustDeliver(): boolean {
    return this.session.queued > 0;
  }

  /**
   * Whether the end of the run may come for this station: nothing left to say, or nothing it could
   * still say (stopped for good). A station offline with transaction messages queued is not done:
   * it reconnects to deliver them.
   */
  get settled(): boolean {
    return this.idle || this.state === StationState.Stopped;
  }

  /**
   * The run ended: what is still queued never went on the wire (recorded as never sent, runEnded).
   * Returns how many of those were transaction messages, counted as `undelivered`.
   */
  endRun(): number {
    const undelivered = this.session.abandon(NeverSent.RunEnded);
    if (undelivered > 0) this.ctx.count(this.group, 'undelivered', undelivered);
    return undelivered;
  }

  /** The socket takes frames: open, and not being closed by the station. */
  protected get writable(): boolean {
    return this.transport.open && !this.holding;
  }

  /** Transaction messages survive a closed connection and go out, in order, after the next boot. */
  keepOnClose(action: string, tag: CallTag): boolean {
    return this.isTransactionMessage(action, tag);
  }

  // ---- the transport's hooks ---------------------------------------------------------------
  transportOpened(now: number): void {
    this.holding = false;
    this.session.attach();
    this.boot.send(now, false);
  }

  transportClosed(): void {
    this.rawId = '';
    this.holding = false;
    this.deferredClose = AfterClose.Unplanned;
    this.boot.leave();
    this.clearTimer(TimerKind.CallTimeout);
    // Transaction messages wait for the next connection (an unanswered one is sent again); the
    // rest is stale by then, and recorded as never sent (runEnded once the station has stopped).
    this.session.detach(this.state === StationState.Stopped ? NeverSent.RunEnded : NeverSent.ConnectionClosed);
  }

  /**
   * The station is about to close its connection: from now on no CALL goes out (it would be lost
   * in the close, or go out after the CSMS stopped reading), the station counts as offline
   * (transaction messages wait in the queue for the next boot, statuses are not sent), and the
   * outstanding CALL may still be answered. CSMS calls are still answered while the socket is open.
   */
  protected holdCalls(): void {
    if (this.holding || !this.connected) return;
    this.holding = true;
    this.session.hold();
    this.boot.leave();
  }

  /**
   * Close the connection on purpose (reboot, a script's disconnect). Calls stop going out at once.
   * If a transaction message is outstanding, the socket closes once it has been answered or has
   * timed out: its answer would be lost in the close (a CSMS stops answering once it has seen the
   * close frame), and it would go out a second time after reconnecting (a 1.6 StartTransaction
   * sent twice leaves the CSMS's first transaction open). Any other call is cut off at once.
   */
  closeSocket(after: Exclude<AfterClose, AfterClose.Unplanned> = AfterClose.Stop): void {
    if (this.connected) {
      this.holdCalls();
      if (this.session.pendingKept) {
        // As for a close under way, a script's disconnect does not override a reboot.
        const reconnect = after === AfterClose.Reconnect || after === AfterClose.ReconnectNow;
        if (this.deferredClose === AfterClose.Unplanned || !reconnect) this.deferredClose = after;
        return;
      }
    }
    this.transport.close(after);
  }

  /** The outstanding call has ended: a close that waited for it happens now. */
  private closeIfDeferred(): void {
    const after = this.deferredClose;
    if (after === AfterClose.Unplanned || this.session.hasPending) return;
    this.deferredClose = AfterClose.Unplanned;
    this.transport.close(after);
  }

  onResult(action: string, payload: JsonObject, tag: CallTag): void {
    this.onAnswer(action, payload, tag);
    if (this.deferredClose !== AfterClose.Unplanned) this.closeIfDeferred();
  }

  transportFrame(text: string): void {
    // An answer to a raw CALL (a script's `raw` step) is its sender's, not an unknown id of the session.
    if (this.rawId !== '' && isAnswerTo(text, this.rawId)) {
      this.rawId = '';
      this.ctx.count(this.group, 'rawFramesAnswered');
      return;
    }
    this.session.receive(text);
  }

  private config: Map<string, string> | undefined;

  /** Configuration set by the CSMS; kept only where it differs from the group's, to stay small. */
  setConfig(key: string, value: string): void {
    (this.config ??= new Map()).set(key, value);
  }

  configValue(key: string): string | undefined {
    return this.config?.get(key);
  }

  /** Message id of the last raw CALL sent, whose answer is awaited ('' when none). */
  private rawId = '';

  /** Send a frame as written (a script's `raw` step); if it is a CALL with `id`, its answer is matched and counted. */
  sendRaw(frame: string, id: string | undefined): void {
    if (!this.sendFrame(frame)) return;
    this.ctx.count(this.group, 'rawFramesSent');
    if (id !== undefined) this.rawId = id;
  }

  /**
   * The CallTimeout timer. `at`, not the clock: the scheduler fires entries up to 0.5 ms early
   * (Node timers have 1 ms granularity), and a deadline judged not yet reached by the clock was
   * never re-armed, so the call waited for an answer for as long as the connection lived.
   */
  callTimeoutTimer(at: number): void {
    this.session.checkTimeout(Math.max(at, this.ctx.now()));
  }

  armTimeout(at: number): void {
    this.setTimer(TimerKind.CallTimeout, at);
  }

  mayCall(): boolean {
    return this.ctx.takeCallToken === undefined || this.ctx.takeCallToken(this);
  }

  /** The rate limit has a token again. */
  resumeCalls(): void {
    this.session.resume();
  }

  // ---- the offline queue -------------------------------------------------------------------
  /** Whether transaction messages should go on the wire now or wait in the offline queue. */
  get online(): boolean {
    return this.boot.booted;
  }

  queueTransactionMessage(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (!this.boot.booted) this.ctx.count(this.group, 'queuedOffline');
    this.session.call(action, payload, tag, due);
  }

  /** Ask the CSMS-visible status to be sent only when connected (stale statuses are not queued). */
  callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (this.boot.booted) this.session.call(action, payload, tag, due);
  }

  onCallFailed(action: string, outcome: CallOutcome, tag: CallTag, _errorCode: string): void {
    if (outcome === CallOutcome.Timeout) this.transport.probe();
    if (action === 'BootNotification') {
      // Not after the connection's end (cut off, or not written into a closing socket): the next
      // connection boots anyway.
      if (outcome !== CallOutcome.Aborted && (outcome !== CallOutcome.NotSent || this.writable) && this.connected && !this.holding) {
        this.boot.retryLater();
      }
    } else if (outcome !== CallOutcome.Aborted || !this.isTransactionMessage(action, tag)) {
      // (A transaction message cut off by a disconnect is sent again after reconnecting.)
      this.onTransactionCallFailed(action, tag, outcome);
    }
    if (this.deferredClose !== AfterClose.Unplanned) this.closeIfDeferred();
  }

  /** The answer to a CSMS call is on the wire: the follow-ups its version scheduled run now. */
  afterIncoming(action: string): void {
    this.version.afterIncoming(action);
  }

  beforeSend(action: string, payload: JsonObject, tag: CallTag): SendVerdict {
    return this.version.beforeSend(action, payload, tag);
  }

  /** An answer to none of our real calls: the bad frames of a malformed fault may own it. */
  claimAnswer(id: string, errorCode: string): boolean {
    return this.transport.faults?.malformed?.claim(id, errorCode) ?? false;
  }
}

export { EMPTY_PAYLOAD } from '../ocpp';
