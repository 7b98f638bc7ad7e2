import type { OcppVersion } from './version';

/**
 * CALLERROR codes, named by what went wrong rather than by how one version spells it:
 * OCPP-J 1.6 §4.2.3 and OCPP 2.0.1 Part 4 §4.3 differ in spelling (FormationViolation /
 * FormatViolation, OccurenceConstraintViolation / OccurrenceConstraintViolation) and 2.0.1 adds
 * codes 1.6 lacks. Callers pick a meaning; `errorCodeFor` gives the wire string for a version.
 */
export type ErrorMeaning =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormatViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'MessageTypeNotSupported'
  | 'RpcFrameworkError';

const V16: Readonly<Record<ErrorMeaning, string>> = {
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  InternalError: 'InternalError',
  ProtocolError: 'ProtocolError',
  SecurityError: 'SecurityError',
  FormatViolation: 'FormationViolation',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  TypeConstraintViolation: 'TypeConstraintViolation',
  GenericError: 'GenericError',
  // 1.6 has no code for these; the closest it defines are used.
  MessageTypeNotSupported: 'NotSupported',
  RpcFrameworkError: 'FormationViolation',
};

const V201: Readonly<Record<ErrorMeaning, string>> = {
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  InternalError: 'InternalError',
  ProtocolError: 'ProtocolError',
  SecurityError: 'SecurityError',
  FormatViolation: 'FormatViolation',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  OccurrenceConstraintViolation: 'OccurrenceConstraintViolation',
  TypeConstraintViolation: 'TypeConstraintViolation',
  GenericError: 'GenericError',
  MessageTypeNotSupported: 'MessageTypeNotSupported',
  RpcFrameworkError: 'RpcFrameworkError',
};

export function errorCodeFor(version: OcppVersion, meaning: ErrorMeaning): string {
  return version === '1.6' ? V16[meaning] : V201[meaning];
}

const KNOWN_16 = new Set(Object.values(V16));
const KNOWN_201 = new Set(Object.values(V201));

/** Whether a CALLERROR code received from a peer is one its version defines. */
export function isKnownErrorCode(version: OcppVersion, code: string): boolean {
  return version === '1.6' ? KNOWN_16.has(code) : KNOWN_201.has(code);
}

/**
 * The message id to use in a CALLERROR when the offending frame's id could not be read
 * (OCPP 2.0.1 Part 4 §4.2.3: "-1"; 1.6 says nothing, and the same convention is understood).
 */
export const UNREADABLE_MESSAGE_ID = '-1';
