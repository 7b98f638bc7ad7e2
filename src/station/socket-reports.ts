import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
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
import { readBody, terminate } from './socket-events';
import { StationClock } from './station-clock';
import { TimerKind } from './station-timers';

/** How long a closing handshake (or a refusal's body) may take before the socket is terminated. */
export const CLOSE_GRACE_MS = 2000;

/**
 * What a station's socket reports when it fails: the kind of each failure, the HTTP status of a
 * refused upgrade, and the worker's error samples (one redacted message per kind, the first seen,
 * built only when the worker has none of that kind yet). StationSocket, above, connects and
 * reconnects; the socket events that only say what went wrong are handled here.
 */
export abstract class SocketReports extends StationClock {
  /** HTTP Basic auth password (security profiles 1 and 2); never logged, never in a result. */
  password: string | undefined = undefined;
  protected ws: WebSocket | null = null;
  /** Index in `ctx.targets` of the target the station is on or last tried (-1: none yet); the station's own to set. */
  targetIndex = -1;
  /** Why the current attempt failed, as its socket's events said (undefined: not known). */
  protected failedKind: ErrorKind | undefined = undefined;
  /** The HTTP status of a refused upgrade (0: none), counted under `connect.rejectedByStatus`. */
  protected failedStatus = 0;
  /** Why the station itself ends an open connection; counted instead of `connectionLost`. */
  protected lostKind: ErrorKind | undefined = undefined;

  /** The URL of the current attempt (or connection), as a sample shows it. */
  protected get attemptUrl(): string {
    const base = this.ctx.targets?.urlOf(this.targetIndex) ?? this.ctx.baseUrl;
    return `${base}/${encodeURIComponent(this.identity)}`;
  }

  /** Keep `describe()` as the worker's sample of `kind` if it has none yet (built only then). */
  protected sample(kind: ErrorKind, describe: () => string): void {
    if (this.ctx.wantsErrorSample?.(kind) === true) this.ctx.errorSample?.(kind, describe());
  }

  socketUpgraded(ws: WebSocket, protocol: string | undefined): void {
    const offered = subprotocolOf(this.group.version);
    if (ws !== this.ws || protocol === offered) return;
    // ws refuses the upgrade next ("Server sent no subprotocol"), without saying what came back.
    this.failedKind = 'subprotocolMismatch';
    this.sample('subprotocolMismatch', () => describeSubprotocolMismatch(offered, protocol, this.attemptUrl));
  }

  socketBinary(ws: WebSocket, bytes: number): void {
    if (ws !== this.ws) return;
    // OCPP-J is text only: never an answer; the call it was meant to answer times out or is aborted.
    this.ctx.error(this.group, 'binaryFrame');
    this.sample('binaryFrame', () => `a binary frame of ${bytes} bytes from the CSMS: OCPP-J is text only (${this.attemptUrl})`);
  }

  socketRejected(ws: WebSocket, res: IncomingMessage): void {
    const mine = ws === this.ws;
    if (mine) {
      this.failedKind = 'handshakeRejected';
      this.failedStatus = res.statusCode ?? 0;
    }
    if (!mine || this.ctx.wantsErrorSample?.('handshakeRejected') !== true) {
      res.resume();
      terminate(ws);
      return;
    }
    // The worker's first refusal: its body says why. A bounded read, then the socket ends; the
    // close deadline ends a body that never comes.
    const status = this.failedStatus;
    const statusText = res.statusMessage ?? '';
    this.setTimer(TimerKind.CloseDeadline, this.ctx.now() + CLOSE_GRACE_MS);
    readBody(res, BODY_SAMPLE_BYTES, (body) => {
      this.ctx.errorSample?.('handshakeRejected', describeRejection(status, statusText, this.attemptUrl, body, [this.password]));
      terminate(ws);
    });
  }

  /** An error of the current attempt before it opened: the first one says why it failed. */
  protected attemptError(err: Error): void {
    if (this.failedKind !== undefined) return;
    const kind = classifySocketError(err);
    this.failedKind = kind;
    this.sample(kind, () => describeSocketError(kind, err, this.attemptUrl, [this.password]));
  }

  /**
   * An error on an open connection. When the peer broke the WebSocket protocol (an oversized frame,
   * a text frame that is not UTF-8, a bad opcode…) ws closes the connection itself, and the close is
   * counted under that kind instead of connectionLost. True for such a protocol error.
   */
  protected openSocketError(err: Error): boolean {
    if (!isProtocolError(err)) return false;
    if (this.lostKind === undefined) {
      const kind = classifySocketError(err);
      this.lostKind = kind;
      this.sample(kind, () => describeSocketError(kind, err, this.attemptUrl, [this.password]));
    }
    return true;
  }

  /**
   * The kind an unplanned close is counted under, with its sample: the station's own reason
   * (lostKind), or the CSMS closed it — before it accepted the boot (closedBeforeBoot: it let the
   * station in but never let it work) or after (connectionLost).
   */
  protected closedKind(accepted: boolean, code: number, reason: Buffer | undefined): ErrorKind {
    if (this.lostKind !== undefined) return this.lostKind;
    const kind: ErrorKind = accepted ? 'connectionLost' : 'closedBeforeBoot';
    this.sample(kind, () => describeClose(code, reason, this.attemptUrl, accepted ? 'after the boot was accepted' : 'before the boot was accepted'));
    return kind;
  }

  /** An attempt that ended with neither an error nor a refusal: counted as `other`, with its close code. */
  protected unexplainedAttempt(code: number, reason: Buffer | undefined): ErrorKind {
    this.sample('other', () => describeClose(code, reason, this.attemptUrl, 'before the upgrade completed'));
    return 'other';
  }
}
