import { isCsmsAction, schemaProblem, validatorsFor, type JsonObject, type OcppVersion } from '../ocpp';

/** How a CSMS-initiated CALL ended, as the admin API returns it. */
export type CsmsCallResult =
  | { result: JsonObject }
  | { error: { code: string; description: string } }
  | { timeout: true };

/**
 * A request the CSMS cannot carry out, by a stable code: the admin API maps `unknownStation` to
 * 404 and the others to 400.
 */
export type CsmsRequestErrorCode = 'unknownStation' | 'badRequest' | 'busy';

export class CsmsRequestError extends Error {
  constructor(
    readonly code: CsmsRequestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CsmsRequestError';
  }
}

/**
 * One CSMS-initiated CALL, the session's tag for it. Calls from the call rate have no one
 * waiting, so `done` is optional.
 */
export class OutgoingCall {
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
    private readonly done?: (result: CsmsCallResult) => void,
  ) {}

  settle(result: CsmsCallResult): void {
    if (this.done !== undefined) this.done(result);
  }
}

/** Error codes of outcomes that are not an OCPP CALLERROR: named like the fleet's error kinds. */
export const CONNECTION_LOST: CsmsCallResult = Object.freeze({
  error: Object.freeze({ code: 'connectionLost', description: 'the connection closed before the station answered' }),
});

export const INVALID_RESPONSE: CsmsCallResult = Object.freeze({
  error: Object.freeze({ code: 'invalidResponse', description: 'the station answered with a payload that fails the response schema' }),
});

/** The session refused to send it (checked before queueing, so only a bug of ours gets here). */
export const NOT_SENT: CsmsCallResult = Object.freeze({
  error: Object.freeze({ code: 'invalidOutgoingPayload', description: 'the call was not sent: its payload fails the request schema' }),
});

export const TIMED_OUT: CsmsCallResult = Object.freeze({ timeout: true as const });

/**
 * Checked before the session sees the call, so the caller gets a precise refusal at once rather
 * than a CALL the session declines to send.
 */
export function checkOutgoingCall(version: OcppVersion, action: string, payload: unknown): JsonObject {
  if (!isCsmsAction(version, action)) {
    throw new CsmsRequestError('badRequest', `${action} is not an action a CSMS sends in OCPP ${version}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new CsmsRequestError('badRequest', `${action}: payload must be a JSON object`);
  }
  const validate = validatorsFor(version).request(action);
  if (validate !== undefined && !validate(payload)) {
    throw new CsmsRequestError('badRequest', `${action}: ${schemaProblem(validate).message}`);
  }
  return payload as JsonObject;
}
