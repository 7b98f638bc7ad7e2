import type { ErrorMeaning } from './error-codes';
import { UNREADABLE_MESSAGE_ID } from './error-codes';
import { MAX_FRAME_DEPTH, nestsDeeperThan } from './json-depth';

/**
 * OCPP-J framing (OCPP-J 1.6 §4, OCPP 2.0.1 Part 4 §4): CALL [2,id,action,payload],
 * CALLRESULT [3,id,payload], CALLERROR [4,id,code,description,details]; OCPP 2.1 (Part 4 §4)
 * adds CALLRESULTERROR [5,id,code,description,details], the answer to a CALLRESULT that could
 * not be processed, and SEND [6,id,action,payload], a message that is never answered. Pure
 * functions over strings: no sockets, no timers, so that the codec is tested with literal frames.
 */
export const enum MessageType {
  Invalid = 0,
  Call = 2,
  CallResult = 3,
  CallError = 4,
  CallResultError = 5,
  Send = 6,
}

/** Longest message id the specification allows (1.6 and 2.0.1 alike). */
export const MAX_MESSAGE_ID_LENGTH = 36;

export type JsonObject = { [key: string]: unknown };

/**
 * The result of parsing one frame. One instance is reused for every frame of a connection so the
 * parser allocates nothing beyond what JSON.parse does; read the fields before the next parse.
 */
export class ParsedFrame {
  type: MessageType = MessageType.Invalid;
  id = '';
  action = '';
  payload: JsonObject = EMPTY;
  errorCode = '';
  errorDescription = '';
  errorDetails: JsonObject = EMPTY;
  /** Set when type is Invalid: what was wrong, and which CALLERROR answers it. */
  problem = '';
  meaning: ErrorMeaning = 'RpcFrameworkError';
  /** Whether the broken frame deserves a CALLERROR (only CALLs, and frames whose type is unknown). */
  replyable = false;
  /** Whether the broken frame was a CALLRESULT or CALLERROR: the answer to a CALL of ours, if its id is one. */
  brokenAnswer = false;
}

/** The empty payload (Heartbeat, and most answers without fields): frozen, shared, encoded without JSON.stringify. */
export const EMPTY_PAYLOAD: JsonObject = Object.freeze({}) as JsonObject;
const EMPTY = EMPTY_PAYLOAD;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(
  out: ParsedFrame,
  meaning: ErrorMeaning,
  problem: string,
  id: string,
  replyable: boolean,
): false {
  out.type = MessageType.Invalid;
  out.meaning = meaning;
  out.problem = problem;
  out.id = id;
  out.replyable = replyable;
  return false;
}

/**
 * Parse `text` into `out`. Returns true for a well-formed frame; on false, `out` says why.
 * `with21Types`: the connection speaks 2.1, whose types 5 and 6 are frames; to 1.6 and 2.0.1
 * they are unknown types, answered MessageTypeNotSupported as those versions prescribe.
 */
export function parseFrame(text: string, out: ParsedFrame, with21Types = false): boolean {
  out.brokenAnswer = false;
  let value: unknown;
  if (nestsDeeperThan(text, MAX_FRAME_DEPTH)) {
    return fail(out, 'RpcFrameworkError', `frame nests deeper than ${MAX_FRAME_DEPTH} levels`, UNREADABLE_MESSAGE_ID, true);
  }
  try {
    value = JSON.parse(text);
  } catch {
    return fail(out, 'RpcFrameworkError', 'frame is not valid JSON', UNREADABLE_MESSAGE_ID, true);
  }
  if (!Array.isArray(value)) {
    return fail(out, 'RpcFrameworkError', 'frame is not a JSON array', UNREADABLE_MESSAGE_ID, true);
  }
  const type: unknown = value[0];
  const rawId: unknown = value[1];
  const idReadable = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= MAX_MESSAGE_ID_LENGTH;
  const id = idReadable ? (rawId as string) : UNREADABLE_MESSAGE_ID;
  if (!knownType(type, with21Types)) {
    return fail(out, 'MessageTypeNotSupported', `unknown message type id ${JSON.stringify(type)}`, id, true);
  }
  out.brokenAnswer = type === MessageType.CallResult || type === MessageType.CallError;
  if (!idReadable) {
    const problem =
      typeof rawId === 'string'
        ? `message id must be 1..${MAX_MESSAGE_ID_LENGTH} characters, got ${rawId.length}`
        : `message id must be a string, got ${rawId === null ? 'null' : typeof rawId}`;
    return fail(out, 'RpcFrameworkError', problem, UNREADABLE_MESSAGE_ID, type === MessageType.Call);
  }
  switch (type) {
    case MessageType.Call:
      return parseCall(value, id, out, MessageType.Call);
    case MessageType.Send:
      return parseCall(value, id, out, MessageType.Send);
    case MessageType.CallResult:
      return parseCallResult(value, id, out);
    case MessageType.CallError:
      return parseCallError(value, id, out, MessageType.CallError);
    default:
      return parseCallError(value, id, out, MessageType.CallResultError);
  }
}

function knownType(type: unknown, with21Types: boolean): type is MessageType {
  if (type === MessageType.Call || type === MessageType.CallResult || type === MessageType.CallError) return true;
  return with21Types && (type === MessageType.Send || type === MessageType.CallResultError);
}

/** A CALL, or a SEND (same shape): a broken SEND is never answered, a broken CALL is. */
function parseCall(value: unknown[], id: string, out: ParsedFrame, type: MessageType.Call | MessageType.Send): boolean {
  const name = type === MessageType.Call ? 'CALL' : 'SEND';
  const replyable = type === MessageType.Call;
  if (value.length !== 4) {
    return fail(out, 'RpcFrameworkError', `${name} must have 4 elements, got ${value.length}`, id, replyable);
  }
  const action = value[2];
  if (typeof action !== 'string' || action.length === 0) {
    return fail(out, 'RpcFrameworkError', `${name} action must be a non-empty string`, id, replyable);
  }
  const payload = value[3];
  if (!isJsonObject(payload)) {
    return fail(out, 'FormatViolation', `${name} ${action} payload must be a JSON object`, id, replyable);
  }
  out.type = type;
  out.id = id;
  out.action = action;
  out.payload = payload;
  return true;
}

function parseCallResult(value: unknown[], id: string, out: ParsedFrame): boolean {
  if (value.length !== 3) {
    return fail(out, 'RpcFrameworkError', `CALLRESULT must have 3 elements, got ${value.length}`, id, false);
  }
  const payload = value[2];
  if (!isJsonObject(payload)) {
    return fail(out, 'FormatViolation', 'CALLRESULT payload must be a JSON object', id, false);
  }
  out.type = MessageType.CallResult;
  out.id = id;
  out.payload = payload;
  return true;
}

/** A CALLERROR, or a CALLRESULTERROR (same shape); neither is ever answered. */
function parseCallError(value: unknown[], id: string, out: ParsedFrame, type: MessageType.CallError | MessageType.CallResultError): boolean {
  const name = type === MessageType.CallError ? 'CALLERROR' : 'CALLRESULTERROR';
  if (value.length !== 5) {
    return fail(out, 'RpcFrameworkError', `${name} must have 5 elements, got ${value.length}`, id, false);
  }
  const [, , code, description, details] = value;
  if (typeof code !== 'string' || typeof description !== 'string' || !isJsonObject(details)) {
    return fail(out, 'FormatViolation', `${name} needs a string code, a string description and an object of details`, id, false);
  }
  out.type = type;
  out.id = id;
  out.errorCode = code;
  out.errorDescription = description;
  out.errorDetails = details;
  return true;
}

/**
 * Encoders. `id` and `action` of our own CALLs are known-safe strings (ids we generate, actions
 * from the schema tables), so they are concatenated without an intermediate array.
 */
export function encodeCall(id: string, action: string, payload: object): string {
  return '[2,"' + id + '","' + action + '",' + (payload === EMPTY ? '{}' : JSON.stringify(payload)) + ']';
}

/** A SEND (2.1): `id` and `action` are ours, as for a CALL. */
export function encodeSend(id: string, action: string, payload: object): string {
  return '[6,"' + id + '","' + action + '",' + (payload === EMPTY ? '{}' : JSON.stringify(payload)) + ']';
}

export function encodeCallResult(id: string, payload: object): string {
  return '[3,' + JSON.stringify(id) + ',' + JSON.stringify(payload) + ']';
}

/** OCPP 2.0.1 caps ErrorDescription at 255 characters; 1.6 peers accept that length too. */
export const MAX_ERROR_DESCRIPTION = 255;

export function encodeCallError(id: string, code: string, description: string, details: object = EMPTY): string {
  return encodeErrorFrame(MessageType.CallError, id, code, description, details);
}

/** 2.1's answer to a CALLRESULT that could not be processed (its id is the CALLRESULT's). */
export function encodeCallResultError(id: string, code: string, description: string, details: object = EMPTY): string {
  return encodeErrorFrame(MessageType.CallResultError, id, code, description, details);
}

function encodeErrorFrame(type: MessageType, id: string, code: string, description: string, details: object): string {
  let text = description;
  if (text.length > MAX_ERROR_DESCRIPTION) {
    // Cut before, not inside, a surrogate pair: half a pair is not a character.
    const high = text.charCodeAt(MAX_ERROR_DESCRIPTION - 1);
    text = text.slice(0, high >= 0xd800 && high <= 0xdbff ? MAX_ERROR_DESCRIPTION - 1 : MAX_ERROR_DESCRIPTION);
  }
  return '[' + type + ',' + JSON.stringify(id) + ',' + JSON.stringify(code) + ',' + JSON.stringify(text) + ',' + JSON.stringify(details) + ']';
}
