import type { IncomingMessage } from 'node:http';
import { subprotocolOf, type ErrorKind } from '../ocpp';
import {
  BODY_SAMPLE_BYTES,
  classifySocketError,
  describeClose,
  describeRejection,
  describeSocketError,
  describeSubprotocolMismatch,
  isProtocolError,
} from './socket-errors';
import { readBody, terminate, type WireSocket } from './socket-events';
import { TimerKind } from './station-timers';
import type { Transport } from './transport';

/** How long a closing handshake (or a refusal's body) may take before the socket is terminated. */
export const CLOSE_GRACE_MS = 2000;

/*
 * What a transport reports when its socket fails: the kind of each failure, the HTTP status of a
 * refused upgrade, and the worker's error samples (one redacted message per kind, the first seen,
 * built only when the worker has none of that kind yet). Functions over the transport's fields, so
 * that the transport itself reads as connecting, keeping alive and closing.
 */

/** Keep `describe()` as the worker's sample of `kind` if it has none yet (built only then). */
export function sample(t: Transport, kind: ErrorKind, describe: () => string): void {
  if (t.ctx.wantsErrorSample?.(kind) === true) t.ctx.errorSample?.(kind, describe());
}

/** The server answered 101 with `protocol`: ws refuses it next if it is not ours, without saying what came. */
export function upgraded(t: Transport, protocol: string | undefined): void {
  const offered = subprotocolOf(t.group.version);
  if (protocol === offered) return;
  t.failedKind = 'subprotocolMismatch';
  sample(t, 'subprotocolMismatch', () => describeSubprotocolMismatch(offered, protocol, t.attemptUrl));
}

/** OCPP-J is text only: never an answer; the call it was meant to answer times out or is aborted. */
export function binaryFrame(t: Transport, bytes: number): void {
  t.ctx.error(t.group, 'binaryFrame');
  sample(t, 'binaryFrame', () => `a binary frame of ${bytes} bytes from the CSMS: OCPP-J is text only (${t.attemptUrl})`);
}

/** The upgrade was answered with something else than 101. */
export function rejected(t: Transport, ws: WireSocket, res: IncomingMessage): void {
  const mine = ws === t.ws;
  if (mine) {
    t.failedKind = 'handshakeRejected';
    t.failedStatus = res.statusCode ?? 0;
  }
  if (!mine || t.ctx.wantsErrorSample?.('handshakeRejected') !== true) {
    res.resume();
    terminate(ws);
    return;
  }
  // The worker's first refusal: its body says why. A bounded read, then the socket ends; the
  // close deadline ends a body that never comes.
  const status = t.failedStatus;
  const statusText = res.statusMessage ?? '';
  t.slots.set(TimerKind.CloseDeadline, t.ctx.now() + CLOSE_GRACE_MS);
  readBody(res, BODY_SAMPLE_BYTES, (body) => {
    t.ctx.errorSample?.('handshakeRejected', describeRejection(status, statusText, t.attemptUrl, body, [t.password]));
    terminate(ws);
  });
}

/** An error of the current attempt before it opened: the first one says why it failed. */
export function attemptError(t: Transport, err: Error): void {
  if (t.failedKind !== undefined) return;
  t.failedKind = classifySocketError(err);
  t.failedError = err;
}

/**
 * The sample of a failed attempt, taken once it is counted: an attempt the end of the run cuts
 * short fails too ("closed before the connection was established") but is no failure of the
 * target, and a sample of a kind the summary does not count would send the reader looking for it.
 */
export function attemptSample(t: Transport, kind: ErrorKind): void {
  const err = t.failedError;
  if (err !== undefined) sample(t, kind, () => describeSocketError(kind, err, t.attemptUrl, [t.password]));
}

/**
 * An error on an open connection. When the peer broke the WebSocket protocol (an oversized frame,
 * a text frame that is not UTF-8, a bad opcode…) ws closes the connection itself, and the close is
 * counted under that kind instead of connectionLost. True for such a protocol error.
 */
export function openSocketError(t: Transport, err: Error): boolean {
  if (!isProtocolError(err)) return false;
  if (t.lostKind === undefined) {
    const kind = classifySocketError(err);
    t.lostKind = kind;
    sample(t, kind, () => describeSocketError(kind, err, t.attemptUrl, [t.password]));
  }
  return true;
}

/**
 * The kind an unplanned close is counted under, with its sample: the station's own reason
 * (lostKind), or the CSMS closed it — before it accepted the boot (closedBeforeBoot: it let the
 * station in but never let it work) or after (connectionLost).
 */
export function closedKind(t: Transport, accepted: boolean, code: number, reason: Buffer | undefined): ErrorKind {
  if (t.lostKind !== undefined) return t.lostKind;
  const kind: ErrorKind = accepted ? 'connectionLost' : 'closedBeforeBoot';
  sample(t, kind, () => describeClose(code, reason, t.attemptUrl, accepted ? 'after the boot was accepted' : 'before the boot was accepted'));
  return kind;
}

/** An attempt that ended with neither an error nor a refusal: counted as `other`, with its close code. */
export function unexplainedAttempt(t: Transport, code: number, reason: Buffer | undefined): ErrorKind {
  sample(t, 'other', () => describeClose(code, reason, t.attemptUrl, 'before the upgrade completed'));
  return 'other';
}
