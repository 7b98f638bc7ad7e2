import type { ErrorKind } from '../../src/ocpp/error-kinds';
import type { JsonObject } from '../../src/ocpp/frame';
import type { NeverSent } from '../../src/ocpp/never-sent';
import {
  OcppSession,
  type CallOutcome,
  type CallRecorder,
  type DEFERRED,
  type SendOutcome,
  type SendVerdict,
  type SessionHost,
  type SessionOptions,
} from '../../src/ocpp/session';

/**
 * A socket-free host for OcppSession: it collects the frames the session writes, the results it
 * hands back and everything it records, on a clock the test advances by hand.
 */
export interface CallRecord {
  outcome: CallOutcome;
  action: number;
  responseMs: number;
  serviceMs: number;
}

export interface IncomingRecord {
  action: number;
  answered: boolean;
  answerMs: number;
}

export type IncomingHandler = (action: string, payload: JsonObject, id: string) => JsonObject | undefined | typeof DEFERRED;

export class Harness {
  now = 0;
  /** Frames written, in order. */
  readonly sent: string[] = [];
  /** Everything the session told the host, in order, as short strings ("result Heartbeat t1"). */
  readonly events: string[] = [];
  readonly results: { action: string; payload: JsonObject; tag: string }[] = [];
  readonly failures: { action: string; outcome: CallOutcome; tag: string; errorCode: string }[] = [];
  readonly armed: number[] = [];
  readonly calls: CallRecord[] = [];
  /** The clock each call record was stamped with (recordCall's `atMs`), in order. */
  readonly callEnds: number[] = [];
  readonly incoming: IncomingRecord[] = [];
  readonly errors: ErrorKind[] = [];
  /** 2.1's SENDs as recorded (action code, SendOutcome, bytes), and those the host was handed. */
  readonly sends: { action: number; outcome: SendOutcome; bytes: number }[] = [];
  readonly sendsIn: { action: string; payload: JsonObject }[] = [];
  /** CALLs recorded as never sent: action code and reason, in order. */
  readonly notSent: { action: number; reason: NeverSent }[] = [];
  /** Error samples, the first of each kind (as a worker keeps them). */
  readonly samples = new Map<ErrorKind, string>();
  /** How many times the session built a sample's text (it must not, once a kind has one). */
  samplesBuilt = 0;
  /** What onIncoming answers; by default NotImplemented (undefined). */
  onIncoming: IncomingHandler = () => undefined;
  /** What beforeSend answers. */
  beforeSend: (action: string, tag: string) => SendVerdict = () => true;
  /** The host's keepOnClose; undefined: the host has none (detach leaves the queue alone). */
  keepOnClose: ((action: string, tag: string) => boolean) | undefined = undefined;
  /** What sendFrame answers. */
  writable = true;
  readonly session: OcppSession<string>;

  constructor(options: Omit<SessionOptions, 'clock' | 'callTimeoutMs'> & { callTimeoutMs?: number }) {
    // The host getter below reads the harness, not the host.
    const harness = this;
    const host: SessionHost<string> = {
      sendFrame: (text) => {
        this.events.push(`send ${text}`);
        if (!this.writable) return false;
        this.sent.push(text);
        return true;
      },
      onResult: (action, payload, tag) => {
        this.events.push(`result ${action} ${tag}`);
        this.results.push({ action, payload, tag });
      },
      onCallFailed: (action, outcome, tag, errorCode) => {
        this.events.push(`failed ${action} ${tag}`);
        this.failures.push({ action, outcome, tag, errorCode });
      },
      onIncoming: (action, payload, id) => {
        this.events.push(`incoming ${action} ${id}`);
        return this.onIncoming(action, payload, id);
      },
      afterIncoming: (action) => {
        this.events.push(`after ${action}`);
      },
      onSend: (action, payload) => {
        this.events.push(`send-in ${action}`);
        this.sendsIn.push({ action, payload });
      },
      beforeSend: (action, _payload, tag) => this.beforeSend(action, tag),
      // A getter: a test may give or take the host's keepOnClose at any time.
      get keepOnClose() {
        return harness.keepOnClose;
      },
      armTimeout: (at) => {
        this.armed.push(at);
      },
    };
    const recorder: CallRecorder = {
      recordCall: (outcome, action, responseMs, serviceMs, atMs) => {
        this.calls.push({ outcome, action, responseMs, serviceMs });
        this.callEnds.push(atMs);
      },
      recordIncoming: (action, answered, answerMs) => {
        this.incoming.push({ action, answered, answerMs });
      },
      recordError: (kind) => {
        this.errors.push(kind);
      },
      recordNotSent: (action, reason) => {
        this.notSent.push({ action, reason });
      },
      recordSend: (action, outcome, bytes) => {
        this.sends.push({ action, outcome, bytes });
      },
      wantsSample: (kind) => !this.samples.has(kind),
      sample: (kind, text) => {
        this.samplesBuilt++;
        if (!this.samples.has(kind)) this.samples.set(kind, text);
      },
    };
    this.session = new OcppSession<string>(host, recorder, {
      callTimeoutMs: 30_000,
      ...options,
      clock: () => this.now,
    });
  }

  /** The frames written since the last `take`, emptied. */
  take(): string[] {
    return this.sent.splice(0, this.sent.length);
  }
}
