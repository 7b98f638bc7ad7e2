import { CallOutcome, EMPTY_PAYLOAD, NeverSent, OcppSession, type JsonObject, type SendVerdict, type SessionHost } from '../ocpp';
import type { Connector, Transaction } from './connector';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { FaultableSocket } from './faultable-socket';
import { isAnswerTo } from './script-steps';
import { AfterClose, StationState, TimerKind } from './station-socket';

export { StationState, TIMER_SLOTS, TimerKind } from './station-socket';

/** What a call was for: the connector or transaction it concerns, or nothing. */
export type CallTag = Connector | Transaction | null;

/**
 * What a virtual charge point says over its socket before any charging: the OCPP-J session with
 * its offline queue kept across connections, boot (Accepted, Pending, Rejected) and heartbeat.
 * The charging sessions built on top of it are `Station`'s.
 */
export abstract class StationLink extends FaultableSocket implements SessionHost<CallTag> {
  readonly session: OcppSession<CallTag>;
  protected heartbeatMs = 60_000;
  private everBooted = false;
  private isBooted = false;
  /** The station is closing its connection on purpose: no CALL goes out any more (see `holdCalls`). */
  private holding = false;
  /** A close asked for while a CALL was outstanding: it happens once that call has ended (0: none). */
  private deferredClose: AfterClose = AfterClose.Unplanned;

  constructor(index: number, identity: string, group: StationGroup, ctx: StationContext, seed: number) {
    super(index, identity, group, ctx, seed);
    this.session = new OcppSession<CallTag>(this, ctx.recorderOf(group), {
      version: group.version,
      callTimeoutMs: group.callTimeoutMs,
      clock: ctx.now,
      role: 'station',
    });
    if (group.heartbeatIntervalMs !== undefined) this.heartbeatMs = group.heartbeatIntervalMs;
  }

  // ---- what the layers above decide ------------------------------------------------------
  protected abstract bootPayload(): JsonObject;
  /** Whether a queued call must survive a disconnect (transaction messages are queued offline). */
  protected abstract isTransactionMessage(action: string, tag: CallTag): boolean;
  /** Boot accepted: what the station reports and schedules before ordinary calls flow again. */
  protected abstract onAccepted(now: number): void;
  /** Timers of kinds above the link's own (WindDown, connectors). */
  protected abstract onStationTimer(kind: number, at: number): void;
  /** A call of a session failed for good (`outcome`: how): the session must not hang waiting for it. */
  protected abstract onTransactionCallFailed(action: string, tag: CallTag, outcome: CallOutcome): void;
  abstract onIncoming(action: string, payload: JsonObject): JsonObject | undefined;
  /** A CALLRESULT to one of the station's CALLs, valid by its schema. */
  protected abstract onAnswer(action: string, payload: JsonObject, tag: CallTag): void;

  // ---- used by the handlers of CSMS-initiated calls ----------------------------------------
  now(): number {
    return this.ctx.now();
  }

  get heartbeatIntervalMs(): number {
    return this.heartbeatMs;
  }

  /** A new heartbeat interval from the CSMS (ChangeConfiguration / SetVariables). */
  setHeartbeatInterval(ms: number): void {
    this.heartbeatMs = ms;
    if (this.isBooted) this.setTimer(TimerKind.Heartbeat, this.ctx.now() + ms);
  }

  get booted(): boolean {
    return this.isBooted;
  }

  /** Nothing left to say: no call outstanding or queued. */
  get idle(): boolean {
    return !this.session.hasPending && this.session.queued === 0;
  }

  /**
   * Transaction messages wait in the queue for a connection: while they do, the station still
   * connects after the run began stopping, so that they are delivered within the graceful stop.
   */
  protected get mustDeliver(): boolean {
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
    const ws = this.ws;
    return ws !== null && ws.readyState === ws.OPEN && !this.holding;
  }

  /** Transaction messages survive a closed connection and go out, in order, after the next boot. */
  keepOnClose(action: string, tag: CallTag): boolean {
    return this.isTransactionMessage(action, tag);
  }

  // ---- the socket's hooks ------------------------------------------------------------------
  protected onConnected(now: number): void {
    this.holding = false;
    this.session.attach();
    this.sendBoot(now, false);
  }

  protected onDisconnected(): void {
    this.rawId = '';
    this.holding = false;
    this.deferredClose = AfterClose.Unplanned;
    this.leaveAccepted();
    this.clearTimer(TimerKind.CallTimeout);
    // Transaction messages wait for the next connection (an unanswered one is sent again); the
    // rest is stale by then, and recorded as never sent (runEnded once the station has stopped).
    this.session.detach(this.state === StationState.Stopped ? NeverSent.RunEnded : NeverSent.ConnectionClosed);
  }

  /** No longer in normal operation: not booted, no heartbeat, no boot retry. */
  private leaveAccepted(): void {
    if (this.isBooted) {
      this.isBooted = false;
      this.ctx.gauge(this.group, 'booted', -1);
    }
    this.clearTimer(TimerKind.Boot);
    this.clearTimer(TimerKind.Heartbeat);
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
    this.leaveAccepted();
  }

  /**
   * Close the connection on purpose (reboot, a script's disconnect). Calls stop going out at once.
   * If a transaction message is outstanding, the socket closes once it has been answered or has
   * timed out: its answer would be lost in the close (a CSMS stops answering once it has seen the
   * close frame), and it would go out a second time after reconnecting (a 1.6 StartTransaction
   * sent twice leaves the CSMS's first transaction open). Any other call is cut off at once.
   */
  override closeSocket(after: Exclude<AfterClose, AfterClose.Unplanned> = AfterClose.Stop): void {
    if (this.connected) {
      this.holdCalls();
      if (this.session.pendingKept) {
        // As for a close under way, a script's disconnect does not override a reboot.
        const reconnect = after === AfterClose.Reconnect || after === AfterClose.ReconnectNow;
        if (this.deferredClose === AfterClose.Unplanned || !reconnect) this.deferredClose = after;
        return;
      }
    }
    super.closeSocket(after);
  }

  /** The outstanding call has ended: a close that waited for it happens now. */
  private closeIfDeferred(): void {
    const after = this.deferredClose;
    if (after === AfterClose.Unplanned || this.session.hasPending) return;
    this.deferredClose = AfterClose.Unplanned;
    super.closeSocket(after);
  }

  onResult(action: string, payload: JsonObject, tag: CallTag): void {
    this.onAnswer(action, payload, tag);
    if (this.deferredClose !== AfterClose.Unplanned) this.closeIfDeferred();
  }

  protected onFrame(text: string): void {
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

  protected onLinkTimer(kind: number, at: number): void {
    switch (kind) {
      case TimerKind.Boot:
        this.sendBoot(at, true);
        return;
      case TimerKind.Heartbeat:
        this.heartbeat(at);
        return;
      case TimerKind.CallTimeout:
        // `at`, not the clock: the scheduler fires entries up to 0.5 ms early (Node timers have
        // 1 ms granularity), and a deadline judged not yet reached by the clock was never re-armed,
        // so the call waited for an answer for as long as the connection lived.
        this.session.checkTimeout(Math.max(at, this.ctx.now()));
        return;
      default:
        this.onStationTimer(kind, at);
    }
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
  protected get online(): boolean {
    return this.isBooted;
  }

  protected queueTransactionMessage(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (!this.isBooted) this.ctx.count(this.group, 'queuedOffline');
    this.session.call(action, payload, tag, due);
  }

  /** Ask the CSMS-visible status to be sent only when connected (stale statuses are not queued). */
  protected callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (this.isBooted) this.session.call(action, payload, tag, due);
  }

  // ---- boot and heartbeat ------------------------------------------------------------------
  private sendBoot(due: number, retry: boolean): void {
    if (!this.connected) return;
    if (retry) this.ctx.count(this.group, 'bootRetries');
    this.state = StationState.Booting;
    this.session.call('BootNotification', this.bootPayload(), null, due, true);
  }

  /** BootNotification answered (both versions share the shape of the answer we use). */
  protected onBootResult(status: string, intervalS: number): void {
    // Closing on purpose: the boot of the next connection is what counts.
    if (this.holding) return;
    const now = this.ctx.now();
    const intervalMs = intervalS > 0 ? intervalS * 1000 : 0;
    if (status === 'Accepted' && this.isBooted) {
      // A boot the CSMS triggered while already accepted: only the interval may change.
      if (this.group.heartbeatIntervalMs === undefined && intervalMs > 0) this.heartbeatMs = intervalMs;
      return;
    }
    if (status === 'Accepted') {
      this.state = StationState.Accepted;
      this.resetBackoff();
      if (this.group.heartbeatIntervalMs === undefined && intervalMs > 0) this.heartbeatMs = intervalMs;
      this.ctx.recordBootAccepted(this.group, now - this.bootCycleStartedAt);
      this.bootCycleStartedAt = -1;
      if (!this.everBooted) this.ctx.stationMilestone(this.group, 'booted');
      this.everBooted = true;
      this.isBooted = true;
      this.ctx.gauge(this.group, 'booted', 1);
      if (this.faults !== null && this.faults.awaiting !== null) {
        this.faults.awaiting.add('rebooted');
        this.faults.awaiting = null;
      }
      const replay = this.session.queued;
      if (replay > 0) this.ctx.count(this.group, 'replayed', replay);
      this.onAccepted(now);
      this.session.openGate(now);
      this.setTimer(TimerKind.Heartbeat, now + this.heartbeatMs);
      return;
    }
    // Pending: only BootNotification again after the interval (CSMS calls are still answered).
    // Rejected: nothing at all until the interval has passed. Interval 0: the station chooses.
    if (status === 'Pending') {
      this.state = StationState.Pending;
      this.ctx.count(this.group, 'bootPending');
      this.faults?.awaiting?.add('bootPending');
    } else {
      this.state = StationState.Rejected;
      this.ctx.error(this.group, 'bootRejected');
    }
    this.setTimer(TimerKind.Boot, now + (intervalMs > 0 ? intervalMs : this.fallbackBootRetryMs()));
  }

  /** After no answer, an error, or an interval of 0: retry within the reconnect bounds. */
  private fallbackBootRetryMs(): number {
    return Math.max(this.group.reconnect.minMs, Math.min(this.group.reconnect.maxMs, 30_000));
  }

  onCallFailed(action: string, outcome: CallOutcome, tag: CallTag, _errorCode: string): void {
    if (outcome === CallOutcome.Timeout) this.probeLink();
    if (action === 'BootNotification') {
      // Not after the connection's end (cut off, or not written into a closing socket): the next
      // connection boots anyway.
      if (outcome !== CallOutcome.Aborted && (outcome !== CallOutcome.NotSent || this.writable) && this.connected && !this.holding) {
        this.setTimer(TimerKind.Boot, this.ctx.now() + this.fallbackBootRetryMs());
      }
    } else if (outcome !== CallOutcome.Aborted || !this.isTransactionMessage(action, tag)) {
      // (A transaction message cut off by a disconnect is sent again after reconnecting.)
      this.onTransactionCallFailed(action, tag, outcome);
    }
    if (this.deferredClose !== AfterClose.Unplanned) this.closeIfDeferred();
  }

  private heartbeat(due: number): void {
    if (!this.isBooted) return;
    this.session.call('Heartbeat', EMPTY_PAYLOAD, null, due);
    this.setTimer(TimerKind.Heartbeat, due + this.heartbeatMs);
  }

  afterIncoming(_action: string): void {
    // Follow-ups to CSMS calls are scheduled by the version handlers.
  }

  beforeSend(_action: string, _payload: JsonObject, _tag: CallTag): SendVerdict {
    return true;
  }

  /** An answer to none of our real calls: the bad frames of a malformed fault may own it. */
  claimAnswer(id: string, errorCode: string): boolean {
    return this.faults?.malformed?.claim(id, errorCode) ?? false;
  }
}

export { EMPTY_PAYLOAD } from '../ocpp';
