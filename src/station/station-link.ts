import { CallOutcome, NeverSent, OcppSession, type JsonObject, type SendVerdict, type SessionHost } from '../ocpp';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import type { CallTag, Outlet } from './outlet';
import { isAnswerTo } from './script-steps';
import { AfterClose, StationState, TimerKind } from './station-timers';
import { BootCycle, type BootHost } from './boot';
import type { TimerSlots } from './timer-slots';
import { Transport, type TransportHost } from './transport';
import type { StationVersion } from './version';

/** What the link asks of the station it carries (Station implements it: no closure per station). */
export interface LinkHost {
  /** The station's context, group and timer slots, shared by its parts (read through the host, not copied into each part). */
  readonly ctx: StationContext;
  readonly group: StationGroup;
  readonly slots: TimerSlots;
  /** What the station's OCPP version says and answers (version-16.ts, version-201.ts). */
  readonly version: StationVersion;
  /** Boot accepted: what the station reports and schedules before ordinary calls flow again. */
  onAccepted(now: number): void;
  /** A CALLRESULT to one of the station's CALLs other than its boot, valid by its schema. */
  onAnswer(action: string, payload: JsonObject, tag: CallTag): void;
  /** A call of a session failed for good (`outcome`: how): the session must not hang waiting for it. */
  onTransactionCallFailed(action: string, tag: CallTag, outcome: CallOutcome): void;
  /** The connection closed and the link has let go of it (not booted, the queue detached). */
  onLinkClosed(): void;
}

/**
 * What a virtual charge point says over its connection before any charging, a part of the
 * station: the OCPP-J session with its offline queue kept across connections, boot (Accepted,
 * Pending, Rejected) and heartbeat (`boot`), the connection (`transport`: socket, reconnect,
 * failover, keep-alive, faults), closes the station asks for (deferred while a transaction message
 * is out) and raw frames. It is the outlet both version objects say their CALLs through.
 */
export class StationLink implements SessionHost<CallTag>, TransportHost, BootHost, Outlet {
  readonly session: OcppSession<CallTag>;

  get callOutstanding(): boolean {
    return this.session.hasPending;
  }

  readonly transport: Transport;
  readonly boot: BootCycle;
  /** The station is closing its connection on purpose: no CALL goes out any more (see `holdCalls`). */
  holding = false;
  /** A close asked for while a CALL was outstanding: it happens once that call has ended (0: none). */
  private deferredClose: AfterClose = AfterClose.Unplanned;
  /** Configuration set by the CSMS; kept only where it differs from the group's, to stay small. */
  private config: Map<string, string> | undefined = undefined;
  /** Message id of the last raw CALL sent, whose answer is awaited ('' when none). */
  private rawId = '';

  constructor(private readonly host: LinkHost, index: number, identity: string, seed: number) {
    const { ctx, group, slots } = host;
    this.transport = new Transport(this, slots, ctx, group, identity, index, seed);
    this.session = new OcppSession<CallTag>(this, ctx.recorderOf(group), {
      version: group.version,
      callTimeoutMs: group.callTimeoutMs,
      clock: ctx.now,
      role: 'station',
    });
    this.boot = new BootCycle(this, this.session, this.transport, slots, ctx, group);
  }

  private get ctx(): StationContext {
    return this.host.ctx;
  }

  private get group(): StationGroup {
    return this.host.group;
  }

  // ---- its state, as the station shows it ------------------------------------------------
  get state(): StationState {
    return this.transport.state;
  }

  get connected(): boolean {
    return this.transport.connected;
  }

  get booted(): boolean {
    return this.boot.booted;
  }

  /** Whether transaction messages should go on the wire now or wait in the offline queue. */
  get online(): boolean {
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

  /** The socket takes frames: open, and not being closed by the station. */
  get writable(): boolean {
    return this.transport.open && !this.holding;
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

  // ---- the three ways out (Outlet) ---------------------------------------------------------
  call(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.session.call(action, payload, tag, due);
  }

  queue(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (!this.boot.booted) this.ctx.count(this.group, 'queuedOffline');
    this.session.call(action, payload, tag, due);
  }

  callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (this.boot.booted) this.session.call(action, payload, tag, due);
  }

  // ---- what the CSMS may change ------------------------------------------------------------
  get heartbeatIntervalMs(): number {
    return this.boot.heartbeatMs;
  }

  /** A new heartbeat interval from the CSMS (ChangeConfiguration / SetVariables). */
  setHeartbeatInterval(ms: number): void {
    this.boot.setHeartbeatInterval(ms);
  }

  setConfig(key: string, value: string): void {
    (this.config ??= new Map()).set(key, value);
  }

  configValue(key: string): string | undefined {
    return this.config?.get(key);
  }

  // ---- closes the station asks for ---------------------------------------------------------
  /**
   * The station is about to close its connection: from now on no CALL goes out (it would be lost
   * in the close, or go out after the CSMS stopped reading), the station counts as offline
   * (transaction messages wait in the queue for the next boot, statuses are not sent), and the
   * outstanding CALL may still be answered. CSMS calls are still answered while the socket is open.
   */
  holdCalls(): void {
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

  // ---- the boot cycle's host ---------------------------------------------------------------
  bootPayload(): JsonObject {
    return this.host.version.bootPayload();
  }

  onAccepted(now: number): void {
    this.host.onAccepted(now);
  }

  // ---- the transport's host ----------------------------------------------------------------
  transportOpened(now: number): void {
    this.holding = false;
    this.session.attach();
    this.boot.send(now, false);
  }

  transportClosed(byFault: boolean): void {
    this.rawId = '';
    this.holding = false;
    this.deferredClose = AfterClose.Unplanned;
    this.boot.leave();
    this.host.slots.clear(TimerKind.CallTimeout);
    // Transaction messages wait for the next connection (an unanswered one is sent again); the
    // rest is stale by then, and recorded as never sent (runEnded once the station has stopped,
    // faultCut when the scenario's own fault cut the connection).
    this.session.detach(this.state === StationState.Stopped ? NeverSent.RunEnded : byFault ? NeverSent.FaultCut : NeverSent.ConnectionClosed);
    this.host.onLinkClosed();
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

  // ---- the OCPP session's host -------------------------------------------------------------
  sendFrame(text: string): boolean {
    return this.transport.send(text);
  }

  onResult(action: string, payload: JsonObject, tag: CallTag): void {
    // Both versions share the shape of the boot's answer as far as it is used.
    if (action === 'BootNotification') this.boot.answered(payload.status as string, payload.interval as number);
    else this.host.onAnswer(action, payload, tag);
    if (this.deferredClose !== AfterClose.Unplanned) this.closeIfDeferred();
  }

  onCallFailed(action: string, outcome: CallOutcome, tag: CallTag, _errorCode: string): void {
    if (outcome === CallOutcome.Timeout) this.transport.probe();
    if (action === 'BootNotification') {
      // Not after the connection's end (cut off, or not written into a closing socket): the next
      // connection boots anyway.
      if (outcome !== CallOutcome.Aborted && (outcome !== CallOutcome.NotSent || this.writable) && this.connected && !this.holding) {
        this.boot.retryLater();
      }
    } else if (outcome !== CallOutcome.Aborted || !this.host.version.isTransactionMessage(action, tag)) {
      // (A transaction message cut off by a disconnect is sent again after reconnecting.)
      this.host.onTransactionCallFailed(action, tag, outcome);
    }
    if (this.deferredClose !== AfterClose.Unplanned) this.closeIfDeferred();
  }

  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    return this.host.version.onIncoming(action, payload);
  }

  /** The answer to a CSMS call is on the wire: the follow-ups its version scheduled run now. */
  afterIncoming(action: string): void {
    this.host.version.afterIncoming(action);
  }

  beforeSend(action: string, payload: JsonObject, tag: CallTag): SendVerdict {
    return this.host.version.beforeSend(action, payload, tag);
  }

  /** Transaction messages survive a closed connection and go out, in order, after the next boot. */
  keepOnClose(action: string, tag: CallTag): boolean {
    return this.host.version.isTransactionMessage(action, tag);
  }

  /** An answer to none of our real calls: the bad frames of a malformed fault may own it. */
  claimAnswer(id: string, errorCode: string): boolean {
    return this.transport.faults?.malformed?.claim(id, errorCode) ?? false;
  }

  armTimeout(at: number): void {
    this.host.slots.set(TimerKind.CallTimeout, at);
  }

  mayCall(): boolean {
    return this.ctx.takeCallToken === undefined || this.ctx.takeCallToken(this);
  }

  /** The rate limit has a token again. */
  resumeCalls(): void {
    this.session.resume();
  }
}
