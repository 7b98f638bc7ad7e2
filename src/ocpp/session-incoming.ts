import type { ActionTable } from './action-table';
import { errorCodeFor, type ErrorMeaning } from './error-codes';
import type { ErrorKind } from './error-kinds';
import { encodeCallError, encodeCallResult, type JsonObject } from './frame';
import { schemaProblem } from './schemas';
import { clip } from './session-samples';
import { countFrameBytes, DEFERRED, type CallRecorder, type SessionHost, type SessionOptions } from './session-host';

/** A payload of ours that fails its schema: counted, and not to be sent (validateOutgoing). */
export function outgoingInvalid(options: SessionOptions, recorder: CallRecorder, validate: ((data: unknown) => boolean) | undefined, payload: JsonObject): boolean {
  if (options.validateOutgoing === false || !validate || validate(payload)) return false;
  recorder.recordError('invalidOutgoingPayload');
  return true;
}

/**
 * The peer's CALLs on one connection, for its OcppSession: each validated, handed to the host,
 * answered (at once or later: DEFERRED) or refused with a CALLERROR, counted with its bytes.
 * Answers are written only while the transport is open (`linked`, kept by the session).
 */
export class IncomingCalls<Tag> {
  linked = false;

  constructor(
    private readonly host: SessionHost<Tag>,
    private readonly recorder: CallRecorder,
    private readonly options: SessionOptions,
    private readonly actions: ActionTable,
  ) {}

  handle(id: string, action: string, payload: JsonObject, text: string): void {
    const receivedAt = this.options.clock();
    const info = this.actions.get(action);
    const code = info.code;
    this.recorder.recordIncoming(code, false, 0);
    countFrameBytes(this.recorder, code, true, '', text);
    if (!info.incoming) {
      this.refuse('notImplemented', id, 'NotImplemented', `${clip(action)} is not an action the ${this.options.role === 'csms' ? 'station' : 'CSMS'} sends in OCPP ${this.options.version}`, code);
      this.recorder.recordIncoming(code, true, this.options.clock() - receivedAt);
      return;
    }
    const validate = info.request;
    if (validate !== undefined && this.options.validateIncoming !== false && !validate(payload)) {
      const problem = schemaProblem(validate);
      this.refuse('invalidIncomingPayload', id, problem.meaning, `${action}: ${problem.message}`, code);
      this.recorder.recordIncoming(code, true, this.options.clock() - receivedAt);
      return;
    }
    const response = this.host.onIncoming(action, payload, id);
    if (response === DEFERRED) return;
    this.answer(id, action, response, receivedAt);
  }

  /** Answer an incoming CALL for which `onIncoming` returned DEFERRED. */
  answerDeferred(id: string, action: string, response: JsonObject | undefined, receivedAt: number): void {
    if (!this.linked) return;
    this.answer(id, action, response, receivedAt);
  }

  private answer(id: string, action: string, response: JsonObject | undefined, receivedAt: number): void {
    const info = this.actions.get(action);
    if (response === undefined) {
      this.refuse('notImplemented', id, 'NotImplemented', `${action} is not implemented by this ${this.options.role === 'csms' ? 'CSMS' : 'station'}`, info.code);
    } else if (outgoingInvalid(this.options, this.recorder, info.response, response)) {
      this.replyError(id, 'InternalError', `${action}: the answer built here failed its schema`, info.code);
      response = undefined;
    } else {
      this.send(encodeCallResult(id, response), info.code);
    }
    this.recorder.recordIncoming(info.code, true, this.options.clock() - receivedAt);
    // Follow-ups (a session after a remote start, a reboot after Reset) only after a real answer.
    if (response !== undefined) this.host.afterIncoming(action);
  }

  /** A peer's CALL refused with a CALLERROR: counted as `kind`, and its description is the sample. */
  private refuse(kind: ErrorKind, id: string, meaning: ErrorMeaning, description: string, code: number): void {
    this.recorder.recordError(kind);
    if (this.wants(kind)) this.recorder.sample?.(kind, description);
    this.replyError(id, meaning, description, code);
  }

  /** `code`: the action of the CALL answered (-1: none could be read; its bytes are in the connection's alone). */
  replyError(id: string, meaning: ErrorMeaning, description: string, code = -1): void {
    if (!this.linked) return;
    this.send(encodeCallError(id, errorCodeFor(this.options.version, meaning), description), code);
  }

  /** Writes an answer, and counts its bytes under the action of the CALL it answers once written. */
  private send(text: string, code: number): void {
    if (this.host.sendFrame(text)) countFrameBytes(this.recorder, code, true, text, '');
  }

  private wants(kind: ErrorKind): boolean {
    return this.recorder.wantsSample?.(kind) === true;
  }
}
