import { WebSocket, type RawData } from 'ws';
import {
  actionCode,
  CallOutcome,
  DEFERRED,
  OcppSession,
  SendOutcome,
  type CallRecorder,
  type ErrorKind,
  type JsonObject,
  type OcppVersion,
  type SessionHost,
} from '../ocpp';
import {
  checkOutgoingCall,
  CONNECTION_LOST,
  CsmsRequestError,
  INVALID_RESPONSE,
  NOT_SENT,
  OutgoingCall,
  TIMED_OUT,
  type CsmsCallResult,
} from './calls';
import type { Handler, HandlerScope } from './handlers-common';
import type { ResolvedCsmsOptions } from './options';
import type { ServiceQueue } from './service-queue';
import type { StationRecord } from './stations';
import type { CsmsCounters } from './stats';

/** What a connection needs from the CSMS that holds it. */
export interface CsmsCore {
  readonly options: ResolvedCsmsOptions;
  readonly counters: CsmsCounters;
  nextTransactionId(): number;
  /** Milliseconds to wait before answering a station's CALL; negative: answer synchronously. */
  /** ms to hold the answer to a station's `action` for, or -1 to answer at once. */
  answerDelay(action: string): number;
  /** The servers every station CALL passes through (`serviceTimeMs`), when the CSMS has them. */
  readonly serviceQueue: ServiceQueue<CsmsConnection, JsonObject> | undefined;
  /** The connection is gone: drop it from the registry. */
  forget(connection: CsmsConnection): void;
}

const CHAR_CALL = 0x32; // '2' in "[2,"
const CHAR_RESULT = 0x33;
const CHAR_ERROR = 0x34;
const CHAR_RESULT_ERROR = 0x35; // 2.1's CALLRESULTERROR

/** Close code for a connection superseded by a newer one of the same identity (4000-4999: ours). */
export const CLOSE_REPLACED = 4000;

export const clock = (): number => performance.now();

/**
 * One station's connection: host of its OCPP session, recorder of its counts and the scope its
 * handlers see, all in one object so a message costs no allocation of ours beyond the answer.
 * The recorder learns whether an answer was a CALLRESULT or a CALLERROR from the frame the
 * session just wrote (`lastSent`), and why a CALLERROR went out from the error it recorded just
 * before (`lastErrorKind`): the session always records before it replies.
 */
export class CsmsConnection implements SessionHost<OutgoingCall>, CallRecorder, HandlerScope {
  readonly session: OcppSession<OutgoingCall>;
  readonly options: ResolvedCsmsOptions;
  readonly stats: CsmsCounters;
  /** Position in the CSMS's list of live connections (kept by the registry). */
  index = -1;
  /** The CSMS node (listener) the station connected through. */
  node = 0;
  closed = false;
  /** Turn of this station in the call rate's mix, so each station sees every action of it. */
  mixTurn = 0;
  private readonly handlers: ReadonlyMap<string, Handler>;
  private lastSent = 0;
  private lastErrorKind: ErrorKind = 'other';
  private current: OutgoingCall | undefined = undefined;
  private currentSlot = 0;
  private sessionDeadline = 0;
  private callTimer: NodeJS.Timeout | undefined = undefined;
  private rawWaiter: ((reply: string | undefined) => void) | undefined = undefined;
  private rawTimer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly core: CsmsCore,
    readonly ws: WebSocket,
    readonly identity: string,
    readonly version: OcppVersion,
    readonly station: StationRecord,
    handlers: ReadonlyMap<string, Handler>,
  ) {
    this.options = core.options;
    this.stats = core.counters;
    this.handlers = handlers;
    this.session = new OcppSession<OutgoingCall>(this, this, {
      version,
      role: 'csms',
      callTimeoutMs: core.options.callTimeoutMs,
      clock,
    });
    ws.on('message', (data: RawData) => this.onMessage(data));
    ws.on('close', () => this.shutdown());
    // An 'error' is always followed by 'close'; without a listener it would crash the CSMS.
    ws.on('error', ignore);
    this.session.attach();
    this.session.openGate(clock());
  }

  nextTransactionId(): number {
    return this.core.nextTransactionId();
  }

  /** Whether the call rate may use this station now: booted, and no CSMS call in flight. */
  get idle(): boolean {
    return !this.closed && this.station.accepted && !this.session.hasPending && this.session.queued === 0;
  }

  private onMessage(data: RawData): void {
    if (this.closed) return;
    const text = textOf(data);
    const waiter = this.rawWaiter;
    if (waiter !== undefined) {
      this.endRaw(text);
      // The reply to a raw frame is the tester's, not the session's; but a CALL the station
      // happens to send meanwhile still deserves its answer.
      if (!/^\s*\[\s*2\s*,/.test(text)) return;
    }
    this.session.receive(text);
  }

  // --- SessionHost ---

  sendFrame(text: string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(text);
    const type = text.charCodeAt(1);
    if (type === CHAR_ERROR) this.countCallError();
    else if (type === CHAR_CALL) this.stats.outSent[this.currentSlot]++;
    else if (type === CHAR_RESULT_ERROR) this.stats.callResultErrorsSent++;
    this.lastSent = type;
    return true;
  }

  /**
   * The handler runs as the call arrives (the CSMS's state moves at once); with a service queue
   * only its answer, or the NotImplemented of an action without a handler, waits for a server.
   */
  onIncoming(action: string, payload: JsonObject, id: string): JsonObject | undefined | typeof DEFERRED {
    const handler = this.handlers.get(action);
    const queue = this.core.serviceQueue;
    if (handler === undefined) {
      if (queue === undefined) return undefined;
      queue.push(this, id, action, undefined);
      return DEFERRED;
    }
    if (!this.station.accepted && action !== 'BootNotification') this.stats.callsBeforeAccepted++;
    const answer = handler(this, payload);
    if (queue !== undefined) {
      queue.push(this, id, action, answer);
      return DEFERRED;
    }
    const delay = this.core.answerDelay(action);
    if (delay < 0) return answer;
    // Arguments instead of a closure: one timer object per delayed answer, nothing more.
    setTimeout(answerLater, delay, this, id, action, answer, clock());
    return DEFERRED;
  }

  /** A CSMS sends nothing of its own in reaction to an answer it gave. */
  afterIncoming(): void {}

  beforeSend(action: string, _payload: JsonObject, tag: OutgoingCall): true {
    this.current = tag;
    this.currentSlot = this.stats.slot(actionCode(action));
    return true;
  }

  /**
   * The session asks to be woken at its own deadline (the server's callTimeoutMs); each call may
   * carry a shorter or longer one, so the timer follows the call's and then tells the session its
   * deadline has come.
   */
  armTimeout(at: number): void {
    this.sessionDeadline = at;
    const timeoutMs = this.current === undefined ? this.options.callTimeoutMs : this.current.timeoutMs;
    this.callTimer = setTimeout(callTimedOut, timeoutMs, this);
  }

  /** The call's own timeout fired (the timer is cleared whenever the call ends earlier). */
  onTimer(): void {
    this.callTimer = undefined;
    this.session.checkTimeout(this.sessionDeadline);
  }

  onResult(_action: string, payload: JsonObject, tag: OutgoingCall): void {
    this.endCurrent();
    tag.settle({ result: payload });
  }

  onCallFailed(_action: string, outcome: CallOutcome, tag: OutgoingCall, errorCode: string, errorDescription: string): void {
    this.endCurrent();
    if (outcome === CallOutcome.CallError) tag.settle({ error: { code: errorCode, description: errorDescription } });
    else if (outcome === CallOutcome.Timeout) tag.settle(TIMED_OUT);
    else if (outcome === CallOutcome.Invalid) tag.settle(INVALID_RESPONSE);
    else if (outcome === CallOutcome.Aborted) tag.settle(CONNECTION_LOST);
    else tag.settle(NOT_SENT);
  }

  // --- CallRecorder ---

  recordCall(outcome: CallOutcome, action: number): void {
    this.stats.countOutcome(action, outcome);
  }

  recordIncoming(action: number, answered: boolean): void {
    const slot = this.stats.slot(action);
    if (!answered) this.stats.inReceived[slot]++;
    else if (this.lastSent === CHAR_RESULT) this.stats.inAnswered[slot]++;
    else if (this.lastSent === CHAR_ERROR) this.stats.inCallErrors[slot]++;
    this.lastSent = 0;
  }

  recordSend(action: number, outcome: SendOutcome): void {
    if (outcome === SendOutcome.Received) this.stats.sendsReceived[this.stats.slot(action)]++;
  }

  recordError(kind: ErrorKind): void {
    this.lastErrorKind = kind;
    if (kind === 'malformedFrame') this.stats.malformedFrames++;
    else if (kind === 'invalidSend') this.stats.sendsInvalid++;
    else if (kind === 'callResultError') this.stats.callResultErrorsReceived++;
    else if (kind === 'unknownMessageId') this.stats.unknownMessageId++;
    else if (kind === 'lateResponse') this.stats.lateResponse++;
  }

  private countCallError(): void {
    const kind = this.lastErrorKind;
    if (kind === 'malformedFrame') this.stats.errMalformed++;
    else if (kind === 'invalidIncomingPayload') this.stats.errInvalidPayload++;
    else if (kind === 'notImplemented') this.stats.errNotImplemented++;
    else this.stats.errInternal++;
  }

  // --- CSMS-initiated traffic ---

  /** Send a CSMS-initiated CALL; rejects (CsmsRequestError) when the action or payload is not one to send. */
  call(action: string, payload: unknown, timeoutMs: number): Promise<CsmsCallResult> {
    const checked = checkOutgoingCall(this.version, action, payload);
    return new Promise((resolve) => this.enqueue(new OutgoingCall(action, timeoutMs, resolve), checked));
  }

  /** A call from the call rate: nobody waits for it, the counts are its only trace. */
  callUnattended(action: string, payload: JsonObject): void {
    this.enqueue(new OutgoingCall(action, this.options.callTimeoutMs), payload);
  }

  private enqueue(call: OutgoingCall, payload: JsonObject): void {
    if (this.closed) {
      call.settle(CONNECTION_LOST);
      return;
    }
    this.session.call(call.action, payload, call, clock());
  }

  /** Write `text` as is and resolve with the next frame the station sends (undefined on timeout). */
  raw(text: string, timeoutMs: number): Promise<string | undefined> {
    if (this.rawWaiter !== undefined) {
      return Promise.reject(new CsmsRequestError('busy', `a raw frame to ${this.identity} is still waiting for its reply`));
    }
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.rawWaiter = resolve;
      this.rawTimer = setTimeout(rawTimedOut, timeoutMs, this);
      this.ws.send(text);
    });
  }

  endRaw(reply: string | undefined): void {
    const waiter = this.rawWaiter;
    if (waiter === undefined) return;
    this.rawWaiter = undefined;
    clearTimeout(this.rawTimer);
    this.rawTimer = undefined;
    waiter(reply);
  }

  private endCurrent(): void {
    if (this.callTimer !== undefined) clearTimeout(this.callTimer);
    this.callTimer = undefined;
    this.current = undefined;
  }

  // --- end of life ---

  /** A newer connection of this identity arrived: this one stops counting and is closed. */
  replace(): void {
    if (this.closed) return;
    this.stats.connectionsReplaced++;
    this.shutdown();
    this.ws.close(CLOSE_REPLACED, 'replaced by a newer connection of the same identity');
  }

  /** Idempotent: the socket closed, was replaced, or the CSMS is stopping. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.core.forget(this);
    this.stats.connectionsNow--;
    this.stats.versionNow[this.version]--;
    this.session.detach();
    this.session.retainQueued(this.dropQueued);
    this.endRaw(undefined);
  }

  /** CALLs still queued when the connection ends never went out: their callers learn it now. */
  private readonly dropQueued = (action: string, call: OutgoingCall): boolean => {
    this.stats.outAborted[this.stats.slot(actionCode(action))]++;
    call.settle(CONNECTION_LOST);
    return false;
  };
}

/** Give an answer held back (delay, service queue): the session writes it and records the time since `receivedAt`. */
export function answerLater(connection: CsmsConnection, id: string, action: string, answer: JsonObject | undefined, receivedAt: number): void {
  connection.session.answerDeferred(id, action, answer, receivedAt);
}

function callTimedOut(connection: CsmsConnection): void {
  connection.onTimer();
}

function rawTimedOut(connection: CsmsConnection): void {
  connection.endRaw(undefined);
}

function ignore(): void {}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
