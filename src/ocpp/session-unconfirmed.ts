import type { ActionTable } from './action-table';
import { errorCodeFor, type ErrorMeaning } from './error-codes';
import type { ErrorKind } from './error-kinds';
import { encodeCallResultError, encodeSend, type JsonObject } from './frame';
import { schemaProblem } from './schemas';
import { clip } from './session-samples';
import { countFrameBytes, SendOutcome, type CallRecorder, type SessionHost, type SessionOptions } from './session-host';
import { outgoingInvalid } from './session-incoming';

/**
 * OCPP 2.1's two frames that nothing answers (OCPP-J 2.1, Part 4 §4): SEND, a message that goes
 * out whatever CALL is outstanding and is never answered nor retried, and CALLRESULTERROR, the
 * word a receiver sends back about a CALLRESULT it could not process. Neither is a call: a SEND
 * has its own counts (SendOutcome), and a CALLRESULTERROR is an error kind of its own.
 */
export class UnconfirmedFrames<Tag> {
  /** SEND ids are "s1", "s2", …: never one of the session's CALL ids, which are bare numbers. */
  private nextId = 1;

  constructor(
    private readonly host: SessionHost<Tag>,
    private readonly recorder: CallRecorder,
    private readonly options: SessionOptions,
    private readonly actions: ActionTable,
  ) {}

  /**
   * Our SEND of `action`, written at once when `open` (the connection is up and its boot
   * accepted): it waits for nothing, and is dropped, never queued, otherwise. True when written.
   */
  send(action: string, payload: JsonObject, open: boolean): boolean {
    const info = this.actions.get(action);
    if (!info.sendOut) {
      this.recorder.recordError('invalidOutgoingPayload');
      this.recorder.recordSend?.(info.code, SendOutcome.Dropped, 0);
      return false;
    }
    if (!open || outgoingInvalid(this.options, this.recorder, info.request, payload)) {
      this.recorder.recordSend?.(info.code, SendOutcome.Dropped, 0);
      return false;
    }
    const text = encodeSend(`s${this.nextId++}`, action, payload);
    if (!this.host.sendFrame(text)) {
      this.recorder.recordSend?.(info.code, SendOutcome.Dropped, 0);
      return false;
    }
    this.recorder.recordSend?.(info.code, SendOutcome.Sent, Buffer.byteLength(text));
    return true;
  }

  /** The peer's SEND: checked, counted, handed to the host; never answered, even when wrong. */
  receive(action: string, payload: JsonObject, text: string): void {
    const info = this.actions.get(action);
    if (!info.sendIn) {
      this.invalid(`${clip(action)} is not a SEND the ${this.peer()} makes in OCPP ${this.options.version}`);
      return;
    }
    const validate = info.request;
    if (validate !== undefined && this.options.validateIncoming !== false && !validate(payload)) {
      this.invalid(`${action}: ${schemaProblem(validate).message}`);
      return;
    }
    this.recorder.recordSend?.(info.code, SendOutcome.Received, Buffer.byteLength(text));
    this.host.onSend?.(action, payload);
  }

  /** The peer could not process one of our CALLRESULTs (`id`: the CALL it answered). */
  resultRefused(id: string, errorCode: string, description: string): void {
    this.recorder.recordError('callResultError');
    if (this.wants('callResultError')) this.recorder.sample?.('callResultError', `our answer to ${clip(id)} refused: ${errorCode}: ${clip(description)}`);
  }

  /**
   * Tell the peer its CALLRESULT (to our CALL `id`, of action `code`) could not be processed; its
   * bytes count under that exchange.
   */
  refuseResult(id: string, code: number, meaning: ErrorMeaning, description: string): void {
    const text = encodeCallResultError(id, errorCodeFor(this.options.version, meaning), description);
    if (this.host.sendFrame(text)) countFrameBytes(this.recorder, code, false, text, '');
  }

  private invalid(description: string): void {
    this.recorder.recordError('invalidSend');
    if (this.wants('invalidSend')) this.recorder.sample?.('invalidSend', description);
  }

  private peer(): string {
    return this.options.role === 'csms' ? 'station' : 'CSMS';
  }

  private wants(kind: ErrorKind): boolean {
    return this.recorder.wantsSample?.(kind) === true;
  }
}
