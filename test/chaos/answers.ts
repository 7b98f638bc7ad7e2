import { validatorsFor, type JsonObject, type OcppVersion } from '../../src/ocpp';

/**
 * Schema-valid answers of a well-behaved CSMS to what a station sends, for the chaos CSMS's
 * healthy paths. Written here rather than borrowed from the embedded CSMS: a test tool that
 * shares the code under test would share its bugs.
 */
let transactionIds = 1000;

function now(): string {
  return new Date().toISOString();
}

const ACCEPTED = { status: 'Accepted' } as const;

function answer16(action: string, bootIntervalS: number): JsonObject | undefined {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now(), interval: bootIntervalS };
    case 'Heartbeat':
      return { currentTime: now() };
    case 'Authorize':
    case 'StopTransaction':
      return { idTagInfo: ACCEPTED };
    case 'StartTransaction':
      return { idTagInfo: ACCEPTED, transactionId: transactionIds++ };
    case 'DataTransfer':
      return { status: 'UnknownVendorId' };
    case 'SignCertificate':
      return { status: 'Rejected' };
    default:
      return undefined;
  }
}

function answer201(action: string, bootIntervalS: number): JsonObject | undefined {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now(), interval: bootIntervalS };
    case 'Heartbeat':
      return { currentTime: now() };
    case 'Authorize':
      return { idTokenInfo: ACCEPTED };
    case 'DataTransfer':
      return { status: 'UnknownVendorId' };
    case 'SignCertificate':
      return { status: 'Rejected' };
    default:
      return undefined;
  }
}

/**
 * The answer to `action`, or undefined when this CSMS does not know it (the caller answers
 * NotImplemented). Every answer is checked against the official schema: a chaos CSMS whose healthy
 * answers were wrong would blame the fleet for its own mistakes.
 */
export function healthyAnswer(version: OcppVersion, action: string, bootIntervalS: number): JsonObject | undefined {
  const validate = validatorsFor(version).response(action);
  if (validate === undefined) return undefined;
  const payload = (version === '1.6' ? answer16(action, bootIntervalS) : answer201(action, bootIntervalS)) ?? {};
  if (!validate(payload)) throw new Error(`chaos CSMS: no valid ${version} answer to ${action} (${JSON.stringify(validate.errors)})`);
  return payload;
}
