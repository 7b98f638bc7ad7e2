import { actionTable, type ActionInfo, type ActionTable } from './action-table';
import { CallQueue, type QueuedCall } from './call-queue';
import { encodeCall, MessageType, ParsedFrame, parseFrame, type JsonObject } from './frame';
import type { ErrorKind } from './error-kinds';
import { NEVER_SENT_REASONS, NeverSent } from './never-sent';
import { schemaProblem } from './schemas';
import { clip, strayAnswerText, TimedOutIds } from './session-samples';
import { CallOutcome, countFrameBytes, type CallRecorder, type SessionHost, type SessionOptions } from './session-host';
import { IncomingCalls, outgoingInvalid } from './session-incoming';
import { UnconfirmedFrames } from './session-unconfirmed';
import type { OcppVersion } from './version';

export { CallOutcome, DEFERRED, SendOutcome, type CallRecorder, type SendVerdict, type SessionHost, type SessionOptions } from './session-host';

/**
 * One parsed frame per thread, shared by every session (an object less per station). `receive`
 * reads the fields it needs before it hands anything to the host (whose sendFrame, onResult or
 * onIncoming could make another session parse a frame): keep it so when changing `receive`.
 */
const PARSED = new ParsedFrame();

/**
 * The call/answer engine of one station's OCPP-J connection, with no I/O of its own: the host
 * writes frames, arms timers and receives results. It enforces one outstanding CALL per
 * direction (OCPP-J 1.6 §4.1.1, 2.0.1 Part 4 §4.1.1): later CALLs wait in order, and each is
 * timed from the moment it was due, so time spent queued behind a slow CSMS stays visible. The
 * peer's CALLs are IncomingCalls' (session-incoming.ts).
 */
export class OcppSession<Tag> {
  private readonly actions: ActionTable;
  private readonly queue = new CallQueue<QueuedCall<Tag>>();
  private nextId = 1;
  /** The peer's CALLs: answered, refused, counted (answers only while the transport is open). */
  private readonly incoming: IncomingCalls<Tag>;
  /** OCPP 2.1's SEND and CALLRESULTERROR; undefined on 1.6 and 2.0.1, to which those types are unknown. */
  private readonly unconfirmed: UnconfirmedFrames<Tag> | undefined;
  /** CALLs may go out (false from `hold` or a frame that could not be written, until `attach`). */
  private attached = false;
  private gateOpen = false;

  private pendingId = '';
  private pendingAction = '';
  private pendingInfo: ActionInfo | undefined = undefined;
  private pendingTag: Tag | undefined = undefined;
  private pendingPayload: JsonObject | undefined = undefined;
  private pendingDueAt = 0;
  private pendingSentAt = 0;
  private pendingDeadline = 0;
  /** Ids of the last calls that timed out (their answers are late, not unknown); made on the first timeout. */
  private timedOut: TimedOutIds | undefined = undefined;

  constructor(
    private readonly host: SessionHost<Tag>,
    private readonly recorder: CallRecorder,
    private readonly options: SessionOptions,
  ) {
    this.actions = actionTable(options.version, options.role ?? 'station');
    this.incoming = new IncomingCalls(host, recorder, options, this.actions);
    this.unconfirmed = options.version === '2.1' ? new UnconfirmedFrames(host, recorder, options, this.actions) : undefined;
  }

  get version(): OcppVersion {
    return this.options.version;
  }

  get hasPending(): boolean {
    return this.pendingId !== '';
  }

  /** The outstanding CALL is one the host keeps on close (a transaction message, sent again if cut off). */
  get pendingKept(): boolean {
    return this.pendingId !== '' && this.host.keepOnClose?.(this.pendingAction, this.pendingTag as Tag) === true;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The transport is open: calls may go out (only gate-bypassing ones until `openGate`). */
  attach(): void {
    this.incoming.linked = true;
    this.attached = true;
    this.gateOpen = false;
    // Gate-bypassing CALLs queued while detached (a BootNotification asked for before the socket
    // opened) go out now, not at the next `call`.
    this.pump();
  }

  /** Closing on purpose: nothing more goes out; the outstanding CALL may still be answered, the peer's CALLs still are. */
  hold(): void {
    this.attached = false;
    this.gateOpen = false;
  }

  /**
   * The transport closed. The outstanding CALL counts as aborted (sent, never answered); if the
   * host's `keepOnClose` says so, it goes back to the front of the queue, to go again on the next
   * connection, as do the queued CALLs it keeps; the others are recorded as never sent (`reason`).
   * A host without `keepOnClose` deals with the queue itself.
   */
  detach(reason: NeverSent = NeverSent.ConnectionClosed): void {
    this.incoming.linked = false;
    this.attached = false;
    this.gateOpen = false;
    const keep = this.host.keepOnClose;
    if (this.pendingId !== '') {
      const entry: QueuedCall<Tag> = { action: this.pendingAction, info: this.pendingInfo as ActionInfo, payload: this.pendingPayload as JsonObject,
        tag: this.pendingTag as Tag, dueAt: this.pendingDueAt, bypassGate: false };
      this.finish(CallOutcome.Aborted, '');
      if (keep !== undefined && keep.call(this.host, entry.action, entry.tag)) this.queue.unshift(entry);
    }
    if (keep === undefined) return;
    this.queue.retain((entry) => {
      if (keep.call(this.host, entry.action, entry.tag)) return true;
      this.notSent(entry.info.code, reason, entry.action);
      return false;
    });
  }

  /** Record every queued CALL as never sent (`reason`), emptying the queue; returns how many the host keeps on close. */
  abandon(reason: NeverSent): number {
    let kept = 0;
    for (let entry = this.queue.take(); entry !== undefined; entry = this.queue.take()) {
      if (this.host.keepOnClose?.(entry.action, entry.tag) === true) kept++;
      this.notSent(entry.info.code, reason, entry.action);
    }
    return kept;
  }

  /** Let ordinary CALLs flow; those queued meanwhile are timed from now (a replay is not a backlog). */
  openGate(now: number): void {
    this.gateOpen = true;
    for (let i = 0; i < this.queue.length; i++) {
      const entry = this.queue.at(i);
      if (entry.dueAt < now) entry.dueAt = now;
    }
    this.pump();
  }

  closeGate(): void {
    this.gateOpen = false;
  }

  /** Keep only the queued CALLs for which `keep` is true (e.g. transaction messages while offline). */
  retainQueued(keep: (action: string, tag: Tag) => boolean): number {
    return this.queue.retain((entry) => keep(entry.action, entry.tag));
  }

  /**
   * Send `action` now, or queue it behind the outstanding CALL. `dueAt` is when it should have
   * gone out (its scheduled time): response time is measured from there.
   */
  call(action: string, payload: JsonObject, tag: Tag, dueAt: number, bypassGate = false): void {
    const info = this.actions.get(action);
    if (this.queue.length === 0 && this.mayGo(bypassGate)) {
      // Nothing waits and the rule allows it: out at once, with no queue entry to allocate.
      this.dispatch(action, info, payload, tag, dueAt);
      return;
    }
    const entry: QueuedCall<Tag> = { action, info, payload, tag, dueAt, bypassGate };
    if (bypassGate) {
      // Ahead of ordinary CALLs, but behind earlier gate-bypassing ones: they too go out in order.
      let at = 0;
      while (at < this.queue.length && this.queue.at(at).bypassGate) at++;
      this.queue.insert(at, entry);
    } else {
      this.queue.push(entry);
    }
    this.pump();
  }

  /**
   * OCPP 2.1: send `action` as a SEND, at once, whatever CALL is outstanding or queued; dropped
   * (and counted so) unless the connection is open and booted, or on another version. True when written.
   */
  sendUnconfirmed(action: string, payload: JsonObject): boolean {
    return this.unconfirmed?.send(action, payload, this.attached && this.gateOpen) === true;
  }

  /** The host may call again (a rate limit let it): send what waits. */
  resume(): void {
    this.pump();
  }

  /** Called by the host's scheduler at (or after) the armed deadline. */
  checkTimeout(now: number): void {
    if (this.pendingId === '' || now < this.pendingDeadline) return;
    (this.timedOut ??= new TimedOutIds()).remember(this.pendingId);
    this.recorder.recordError('timeout');
    if (this.wants('timeout')) this.recorder.sample?.('timeout', `${this.pendingAction} got no answer within ${this.options.callTimeoutMs} ms`);
    this.finish(CallOutcome.Timeout, '');
    this.pump();
  }

  /** Handle one text frame from the peer. */
  receive(text: string): void {
    const frame = PARSED;
    if (!parseFrame(text, frame, this.unconfirmed !== undefined)) {
      this.recorder.recordError('malformedFrame');
      if (this.wants('malformedFrame')) this.recorder.sample?.('malformedFrame', `${frame.problem}: ${clip(text)}`);
      if (frame.replyable) this.incoming.replyError(frame.id, frame.meaning, frame.problem);
      else if (frame.brokenAnswer && frame.id === this.pendingId && this.pendingId !== '') this.completeInvalid();
      return;
    }
    switch (frame.type) {
      case MessageType.Call:
        this.incoming.handle(frame.id, frame.action, frame.payload, text);
        return;
      case MessageType.CallResult:
        if (!this.isAnswerToPending(frame.id, '')) return;
        countFrameBytes(this.recorder, (this.pendingInfo as ActionInfo).code, false, '', text);
        this.handleResult(frame.payload);
        return;
      case MessageType.CallError:
        if (!this.isAnswerToPending(frame.id, frame.errorCode)) return;
        countFrameBytes(this.recorder, (this.pendingInfo as ActionInfo).code, false, '', text);
        this.recorder.recordError('callError');
        if (this.wants('callError')) this.recorder.sample?.('callError', `${this.pendingAction} answered ${frame.errorCode}: ${clip(frame.errorDescription)}`);
        this.finish(CallOutcome.CallError, frame.errorCode, frame.errorDescription);
        this.pump();
        return;
      case MessageType.Send:
        this.unconfirmed?.receive(frame.action, frame.payload, text);
        return;
      case MessageType.CallResultError:
        this.unconfirmed?.resultRefused(frame.id, frame.errorCode, frame.errorDescription);
        return;
      default:
        return;
    }
  }

  private isAnswerToPending(id: string, errorCode: string): boolean {
    if (id === this.pendingId && id !== '') return true;
    if (this.host.claimAnswer?.(id, errorCode) === true) return false;
    const late = this.timedOut?.has(id) === true;
    const kind = late ? 'lateResponse' : 'unknownMessageId';
    this.recorder.recordError(kind);
    if (this.wants(kind)) this.recorder.sample?.(kind, strayAnswerText(late, id, errorCode));
    return false;
  }

  private handleResult(payload: JsonObject): void {
    const validate = (this.pendingInfo as ActionInfo).response;
    if (validate !== undefined && this.options.validateIncoming !== false && !validate(payload)) {
      const problem = schemaProblem(validate);
      if (this.wants('invalidResponse')) this.recorder.sample?.('invalidResponse', `${this.pendingAction} answer: ${problem.message}`);
      // 2.1 tells the peer so; earlier versions have no frame for it.
      this.unconfirmed?.refuseResult(this.pendingId, (this.pendingInfo as ActionInfo).code, problem.meaning, `${this.pendingAction} answer: ${problem.message}`);
      this.completeInvalid();
      return;
    }
    const action = this.pendingAction;
    const tag = this.pendingTag as Tag;
    this.record(CallOutcome.Ok);
    this.clearPending();
    this.host.onResult(action, payload, tag);
    this.pump();
  }

  private completeInvalid(): void {
    this.recorder.recordError('invalidResponse');
    this.finish(CallOutcome.Invalid, '');
    this.pump();
  }

  /** Answer an incoming CALL for which `onIncoming` returned DEFERRED. */
  answerDeferred(id: string, action: string, response: JsonObject | undefined, receivedAt: number): void {
    this.incoming.answerDeferred(id, action, response, receivedAt);
  }

  /** Writes a CALL, and counts its bytes under its action once written. */
  private send(text: string, code: number): boolean {
    if (!this.host.sendFrame(text)) return false;
    countFrameBytes(this.recorder, code, false, text, '');
    return true;
  }

  /** Whether a CALL may go out now: attached, none outstanding, the gate (or its bypass), the rate limit. */
  private mayGo(bypassGate: boolean): boolean {
    if (!this.attached || this.pendingId !== '' || (!this.gateOpen && !bypassGate)) return false;
    return this.host.mayCall === undefined || this.host.mayCall();
  }

  /** Send the next queued CALL if the rule of one outstanding CALL allows it. */
  private pump(): void {
    while (this.queue.length > 0 && this.mayGo(this.queue.at(0).bypassGate)) {
      const head = this.queue.take() as QueuedCall<Tag>;
      this.dispatch(head.action, head.info, head.payload, head.tag, head.dueAt);
    }
  }

  /** A CALL allowed out: checked by the host and the schema, then sent (or failed, and the host told). */
  private dispatch(action: string, info: ActionInfo, payload: JsonObject, tag: Tag, dueAt: number): void {
    const verdict = this.host.beforeSend(action, payload, tag);
    if (verdict !== true) {
      this.notSent(info.code, verdict, action);
      return;
    }
    if (!info.outgoing || outgoingInvalid(this.options, this.recorder, info.request, payload)) {
      if (!info.outgoing) this.recorder.recordError('invalidOutgoingPayload');
      this.notSent(info.code, NeverSent.InvalidPayload, action);
      // The host must learn of it, or whatever waits for the answer would wait forever.
      this.host.onCallFailed(action, CallOutcome.NotSent, tag, '', '');
      return;
    }
    const id = String(this.nextId++);
    const now = this.options.clock();
    this.pendingId = id;
    this.pendingAction = action;
    this.pendingInfo = info;
    this.pendingTag = tag;
    this.pendingPayload = payload;
    this.pendingDueAt = dueAt;
    this.pendingSentAt = now;
    this.pendingDeadline = now + this.options.callTimeoutMs;
    if (!this.send(encodeCall(id, action, payload), info.code)) {
      this.unwritten(action, info, payload, tag, dueAt);
      return;
    }
    this.host.armTimeout(this.pendingDeadline);
  }

  /**
   * The transport refused the frame (closed or closing): the call never left, so it is not `sent`.
   * One the host keeps on close goes back to the front of the queue, any other is never sent; and
   * nothing more goes out until `attach` (the rest of the queue is not drained into failures).
   */
  private unwritten(action: string, info: ActionInfo, payload: JsonObject, tag: Tag, dueAt: number): void {
    this.clearPending();
    this.attached = false;
    this.gateOpen = false;
    if (this.host.keepOnClose?.(action, tag) === true) {
      this.queue.unshift({ action, info, payload, tag, dueAt, bypassGate: false });
      return;
    }
    this.notSent(info.code, NeverSent.ConnectionClosed, action);
    this.host.onCallFailed(action, CallOutcome.NotSent, tag, '', '');
  }

  private notSent(code: number, reason: NeverSent, action: string): void {
    this.recorder.recordNotSent?.(code, reason);
    if (this.wants('neverSent')) this.recorder.sample?.('neverSent', `${action} never went on the wire: ${NEVER_SENT_REASONS[reason] ?? reason}`);
  }

  private wants(kind: ErrorKind): boolean {
    return this.recorder.wantsSample?.(kind) === true;
  }

  private record(outcome: CallOutcome): void {
    const now = this.options.clock();
    const due = this.pendingDueAt < this.pendingSentAt ? this.pendingDueAt : this.pendingSentAt;
    // `now` goes along so the recorder need not read the clock again for the record's time stamp.
    this.recorder.recordCall(outcome, (this.pendingInfo as ActionInfo).code, now - due, now - this.pendingSentAt, now);
  }

  private finish(outcome: CallOutcome, errorCode: string, errorDescription = ''): void {
    const action = this.pendingAction;
    const tag = this.pendingTag as Tag;
    this.record(outcome);
    this.clearPending();
    this.host.onCallFailed(action, outcome, tag, errorCode, errorDescription);
  }

  private clearPending(): void {
    this.pendingId = '';
    this.pendingAction = '';
    this.pendingInfo = undefined;
    this.pendingTag = undefined;
    this.pendingPayload = undefined;
  }
}

