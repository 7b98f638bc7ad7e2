import type { ErrorKind } from './error-kinds';
import type { JsonObject } from './frame';
import type { NeverSent } from './never-sent';
import type { OcppVersion } from './version';

/** How a CALL of ours ended; the values are those of the call record kinds in the metrics pump. */
export const enum CallOutcome {
  Ok = 1,
  CallError = 2,
  Timeout = 3,
  Invalid = 4,
  Aborted = 5,
  /**
   * Never sent (the payload failed its schema, the action goes the other way, or the connection was
   * closing): not a call record, but a CallNotSent one with its reason (`recordNotSent`).
   */
  NotSent = 6,
}

/** What became of a SEND (OCPP 2.1's unconfirmed message), ours or the peer's. */
export const enum SendOutcome {
  /** Ours, written to the connection. */
  Sent = 1,
  /** Ours, not written: no open, booted connection (a SEND is never queued), or its payload failed its schema. */
  Dropped = 2,
  /** The peer's, valid. */
  Received = 3,
}

/** Where the session reports timings; the host binds it to a group and the metrics pump. */
export interface CallRecorder {
  /** `atMs`: the session's clock when the call ended (recorders that time-stamp records use it). */
  recordCall(outcome: CallOutcome, action: number, responseMs: number, serviceMs: number, atMs: number): void;
  recordIncoming(action: number, answered: boolean, answerMs: number): void;
  recordError(kind: ErrorKind): void;
  /**
   * The bytes of a frame (its UTF-8 text, before the WebSocket's framing and compression) of an
   * exchange of `action`: `incoming` the peer's CALL and its answer, else ours. Undefined: not
   * counted (the embedded CSMS's side).
   */
  recordBytes?(action: number, incoming: boolean, sent: number, received: number): void;
  /**
   * A CALL that never went on the wire (`action`: its code), and why. Never in `recordCall`: `sent`
   * counts only frames that were written. Undefined: not counted (the embedded CSMS's side).
   */
  recordNotSent?(action: number, reason: NeverSent): void;
  /** A SEND of `action` (2.1), and the bytes of its frame (0 when it was not written). Undefined: not counted. */
  recordSend?(action: number, outcome: SendOutcome, bytes: number): void;
  /**
   * Error samples (summary.json `errorSamples`): true while the host still wants a message for
   * `kind`. The session builds the text only then, so a run with a million timeouts builds one.
   */
  wantsSample?(kind: ErrorKind): boolean;
  sample?(kind: ErrorKind, text: string): void;
}

/**
 * Counts a frame written (`sent`) or read (`received`) under the exchanges of action `code`; -1: a
 * frame whose action could not be read, whose bytes only the connection's count holds.
 */
export function countFrameBytes(recorder: CallRecorder, code: number, incoming: boolean, sent: string, received: string): void {
  if (code < 0 || recorder.recordBytes === undefined) return;
  recorder.recordBytes(code, incoming, sent === '' ? 0 : Buffer.byteLength(sent), received === '' ? 0 : Buffer.byteLength(received));
}

/** What `beforeSend` says of a CALL about to leave the queue: true sends it; a reason drops it. */
export type SendVerdict = true | NeverSent;

export interface SessionHost<Tag> {
  /**
   * Write a frame; false when the transport cannot take it (closed or closing). A CALL that could
   * not be written was never sent: it goes back to the front of the queue if `keepOnClose` says so,
   * or is recorded as never sent (connectionClosed); nothing more goes out until `attach`.
   */
  sendFrame(text: string): boolean;
  onResult(action: string, payload: JsonObject, tag: Tag): void;
  /** `errorCode` and `errorDescription` are the peer's CALLERROR fields ('' for other outcomes). */
  onCallFailed(action: string, outcome: CallOutcome, tag: Tag, errorCode: string, errorDescription: string): void;
  /**
   * A valid CALL from the peer. Return the response payload, undefined for NotImplemented, or
   * DEFERRED and call `answerDeferred` later.
   */
  onIncoming(action: string, payload: JsonObject, id: string): JsonObject | undefined | typeof DEFERRED;
  /** OCPP 2.1: a valid SEND from the peer (never answered). Undefined: counted, and nothing more. */
  onSend?(action: string, payload: JsonObject): void;
  /** Runs once the answer to an incoming CALL is on the wire: follow-up CALLs go here. */
  afterIncoming(action: string): void;
  /** Last look at a queued CALL as it leaves the queue: true sends it; a reason drops it (recorded as never sent). */
  beforeSend(action: string, payload: JsonObject, tag: Tag): SendVerdict;
  /**
   * Whether a CALL must survive the loss of the connection (transaction messages, delivered in
   * order after reconnecting): a call cut off or not written then waits in the queue, and `detach`
   * records the others as never sent. Undefined: `detach` leaves the queue to the host.
   */
  keepOnClose?(action: string, tag: Tag): boolean;
  /**
   * An answer (`errorCode` '' for a CALLRESULT) whose id is not the outstanding call's: true when
   * the host knows it (frames it sent past the session, e.g. deliberately malformed ones); it is
   * then not counted as an unknown or late answer. Undefined: the host sends nothing of its own.
   */
  claimAnswer?(id: string, errorCode: string): boolean;
  /** Ask for `checkTimeout` to be called at `at` (clock ms). */
  armTimeout(at: number): void;
  /**
   * A rate limit on the host's CALLs (--max-rate): false holds the queue until the host calls
   * `resume()`. Undefined: no limit. Answers to the peer's CALLs are never held.
   */
  mayCall?(): boolean;
}

/** Returned by `onIncoming` when the host answers later with `answerDeferred` (a CSMS with a delay). */
export const DEFERRED: unique symbol = Symbol('ocpp.deferred');

export interface SessionOptions {
  version: OcppVersion;
  /** Which side of the connection this session is: it decides which actions go out and come in. */
  role?: 'station' | 'csms';
  callTimeoutMs: number;
  clock: () => number;
  /** Validate outgoing payloads too (on by default: it catches our own bugs for ~0.3 µs a call). */
  validateOutgoing?: boolean;
  /**
   * Validate what the peer sends: answers to our CALLs and its CALLs (on by default). Off, an
   * answer is never counted `invalid` and an incoming CALL is handed over unchecked: for
   * measuring what validation costs (bench case 7), not for runs.
   */
  validateIncoming?: boolean;
}
