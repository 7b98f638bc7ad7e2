import { WebSocket, type ClientOptions, type RawData } from 'ws';
import {
  encodeCall,
  encodeCallError,
  errorCodeFor,
  MessageType,
  ParsedFrame,
  parseFrame,
  validatorsFor,
  type OcppVersion,
} from '../ocpp';
import type { Answer, CloseInfo, ConnectFailure, ConnectResult } from './types';

/**
 * The probe's station end of an OCPP-J connection: one attempt at a time, frames written by hand
 * (a probe must be able to send what a well-behaved station never would: a repeated id, a payload
 * that breaks its schema), every wait bounded. It is deliberately not the fleet's station: that
 * one follows the protocol; this one tests whether the CSMS does.
 */
export interface Attempt {
  url: string;
  version: OcppVersion;
  protocol: string;
  /** The Authorization header, when one is sent. Never logged. */
  authorization: string | undefined;
  tls: { ca?: (string | Buffer)[]; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean } | undefined;
  timeoutMs: number;
}

export interface Connection {
  result: ConnectResult;
  /** Set when `result.kind` is 'open'. */
  socket: ProbeSocket | undefined;
}

/** Largest frame taken from the CSMS: no OCPP answer to the probe comes near it. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** How long a close handshake may take before the socket is cut. */
const CLOSE_GRACE_MS = 2000;
const TLS_UNTRUSTED = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_CERT_)/;
const TLS_OTHER = /^(ERR_SSL_|ERR_TLS_|ERR_OSSL_)/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

/** Only the error's code is kept, never its message: messages can carry URLs and hosts' text. */
export function classifyConnectError(err: Error, timeoutMs: number): ConnectResult {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ETIMEDOUT' || /handshake has timed out/i.test(err.message)) return { kind: 'timeout', ms: timeoutMs };
  let failure: ConnectFailure = 'other';
  if (UNREACHABLE.has(code)) failure = 'unreachable';
  else if (TLS_UNTRUSTED.test(code)) failure = 'tlsUntrusted';
  else if (TLS_OTHER.test(code)) failure = 'tlsRefused';
  else if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(err.message)) failure = 'reset';
  else if (/subprotocol/i.test(err.message)) failure = 'subprotocol';
  return { kind: 'failed', failure, code: code === '' && failure === 'subprotocol' ? 'no matching subprotocol' : code || 'error' };
}

/** Open one WebSocket; resolves with how the attempt ended, never rejects, never takes longer than the timeout (+1 s). */
export function connect(attempt: Attempt): Promise<Connection> {
  return new Promise((resolve) => {
    let settled = false;
    const options: ClientOptions = {
      perMessageDeflate: false,
      handshakeTimeout: attempt.timeoutMs,
      followRedirects: false,
      maxPayload: MAX_FRAME_BYTES,
      headers: attempt.authorization === undefined ? {} : { Authorization: attempt.authorization },
      ...(attempt.tls ?? {}),
    };
    const ws = new WebSocket(attempt.url, attempt.protocol, options);
    const done = (result: ConnectResult, socket?: ProbeSocket): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve({ result, socket });
    };
    // ws's own handshake timeout covers the HTTP request; this one covers everything else.
    const guard = setTimeout(() => {
      done({ kind: 'timeout', ms: attempt.timeoutMs });
      ws.terminate();
    }, attempt.timeoutMs + 1000);
    ws.on('error', (err: Error) => done(classifyConnectError(err, attempt.timeoutMs)));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      done({ kind: 'http', status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' });
      ws.terminate();
    });
    ws.once('open', () => {
      if (settled) {
        ws.terminate();
        return;
      }
      done({ kind: 'open', protocol: ws.protocol }, new ProbeSocket(ws, attempt.version));
    });
  });
}

interface Waiter {
  id: string;
  action: string;
  resolve: (answer: Answer) => void;
  timer: NodeJS.Timeout;
}

export class ProbeSocket {
  /** CSMS-initiated actions received (each answered NotImplemented: the probe configures nothing). */
  readonly csmsCalls: string[] = [];
  private readonly parsed = new ParsedFrame();
  private waiter: Waiter | undefined = undefined;
  private closedWith: CloseInfo | undefined = undefined;
  private readonly closeListeners: ((close: CloseInfo) => void)[] = [];
  private nextId = 1;

  constructor(
    private readonly ws: WebSocket,
    readonly version: OcppVersion,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.onClose({ code, reason: reason.toString('utf8').slice(0, 120) }));
  }

  get isOpen(): boolean {
    return this.closedWith === undefined && this.ws.readyState === WebSocket.OPEN;
  }

  get closed(): CloseInfo | undefined {
    return this.closedWith;
  }

  /** A fresh message id for this connection. */
  newId(): string {
    return `probe-${this.nextId++}`;
  }

  /** Send a CALL (with `id` as given, even one already used) and wait for its answer. */
  call(action: string, payload: object, timeoutMs: number, id = this.newId()): Promise<Answer> {
    if (this.closedWith !== undefined) return Promise.resolve({ kind: 'closed', close: this.closedWith });
    if (this.waiter !== undefined) throw new Error('the probe sends one CALL at a time');
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
      this.waiter = { id, action, resolve, timer };
      this.ws.send(encodeCall(id, action, payload));
    });
  }

  /** Resolves with the close, or undefined if the connection is still open after `timeoutMs`. */
  waitClose(timeoutMs: number): Promise<CloseInfo | undefined> {
    if (this.closedWith !== undefined) return Promise.resolve(this.closedWith);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.closeListeners.push((close) => {
        clearTimeout(timer);
        resolve(close);
      });
    });
  }

  /** Close politely (1000), and cut the socket if the CSMS does not complete the close in time. */
  async close(): Promise<void> {
    if (this.closedWith !== undefined) return;
    this.ws.close(1000, 'probe done');
    if ((await this.waitClose(CLOSE_GRACE_MS)) === undefined) this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const frame = this.parsed;
    if (isBinary || !parseFrame(text, frame)) {
      this.settle({ kind: 'malformed', problem: isBinary ? 'a binary frame' : frame.problem });
      return;
    }
    if (frame.type === MessageType.Call) {
      this.csmsCalls.push(frame.action.slice(0, 60));
      const code = errorCodeFor(this.version, 'NotImplemented');
      this.ws.send(encodeCallError(frame.id, code, 'the ocpp-fleet probe answers no CSMS calls'));
      return;
    }
    const waiter = this.waiter;
    // An answer to no call of ours (or to an earlier one) is not the answer we wait for.
    if (waiter === undefined || frame.id !== waiter.id) return;
    if (frame.type === MessageType.CallError) {
      this.settle({ kind: 'error', code: frame.errorCode.slice(0, 60), description: frame.errorDescription.slice(0, 120) });
      return;
    }
    const validate = validatorsFor(this.version).response(waiter.action);
    this.settle({ kind: 'result', payload: frame.payload, schemaValid: validate === undefined || validate(frame.payload) });
  }

  private onClose(close: CloseInfo): void {
    this.closedWith = close;
    this.settle({ kind: 'closed', close });
    for (const listener of this.closeListeners.splice(0)) listener(close);
  }

  private settle(answer: Answer): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(answer);
  }
}
