import type { JsonObject } from '../ocpp';
import type { ResolvedCsmsOptions } from './options';
import type { StationRecord } from './stations';
import type { CsmsCounters } from './stats';

/** What a handler may touch: the CSMS-wide state and the calling station's record. */
export interface HandlerScope {
  readonly options: ResolvedCsmsOptions;
  readonly stats: CsmsCounters;
  readonly station: StationRecord;
  /** Next 1.6 transaction id: unique and increasing over the whole CSMS. */
  nextTransactionId(): number;
}

/**
 * Builds the answer to a station-initiated CALL whose payload already passed its request schema
 * (the session checks it before the host sees it), so handlers may read the fields the schema
 * requires without checking them again.
 */
export type Handler = (scope: HandlerScope, payload: JsonObject) => JsonObject;

/** Answers that carry nothing: one frozen object, since the encoder only reads it. */
export const EMPTY_ANSWER: JsonObject = Object.freeze({}) as JsonObject;

export function emptyAnswer(): JsonObject {
  return EMPTY_ANSWER;
}

/** The vendor id for which DataTransfer is Accepted; anything else is UnknownVendorId. */
export const FLEET_VENDOR_ID = 'ocpp-fleet';

/** Tags that are always Invalid, whatever the configured share: lets a scenario ask for a refusal. */
export const INVALID_TAG_PREFIX = 'INVALID';

/**
 * Whether the CSMS refuses `tag`. The verdict depends only on the tag and the share (an FNV-1a
 * hash mapped to [0, 1)), so a tag keeps its verdict across calls, connections and CSMS runs.
 */
export function isInvalidTag(tag: string, share: number): boolean {
  if (tag.startsWith(INVALID_TAG_PREFIX)) return true;
  if (share <= 0) return false;
  let hash = 0x811c9dc5;
  for (let i = 0; i < tag.length; i++) {
    hash ^= tag.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 4294967296 < share;
}

/** 'Accepted' or 'Invalid' for `tag`, counting the refusals. */
export function tagStatus(scope: HandlerScope, tag: string): 'Accepted' | 'Invalid' {
  if (isInvalidTag(tag, scope.options.invalidTagShare)) {
    scope.stats.invalidTagsAnswered++;
    return 'Invalid';
  }
  return 'Accepted';
}

/** Counts a boot verdict and remembers it for the station; returns the configured status. */
export function answerBoot(scope: HandlerScope): 'Accepted' | 'Pending' | 'Rejected' {
  const status = scope.station.boots++ < scope.options.pendingBoots ? 'Pending' : scope.options.bootStatus;
  if (status === 'Accepted') scope.stats.bootsAccepted++;
  else if (status === 'Pending') scope.stats.bootsPending++;
  else scope.stats.bootsRejected++;
  scope.station.accepted = status === 'Accepted';
  return status;
}

/**
 * DataTransfer, the same in both versions: only our own vendor id is known, and its data is
 * echoed so that a scenario can check a round trip end to end.
 */
export function dataTransfer(_scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<{ vendorId: string; data?: unknown }>(payload);
  if (request.vendorId !== FLEET_VENDOR_ID) return { status: 'UnknownVendorId' };
  return request.data === undefined ? { status: 'Accepted' } : { status: 'Accepted', data: request.data };
}

/** The interval of a boot answer: the heartbeat interval when accepted, else when to try again. */
export function bootInterval(scope: HandlerScope, status: 'Accepted' | 'Pending' | 'Rejected'): number {
  return status === 'Accepted' ? scope.options.heartbeatIntervalS : scope.options.bootRetryIntervalS;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** A validated request payload seen as its OCPP type (the session checked it against the schema). */
export function requestAs<T extends object>(payload: JsonObject): T {
  return payload as object as T;
}

/** An answer built as its OCPP type, handed to the session as a plain JSON object. */
export function answerOf<T extends object>(answer: T): JsonObject {
  return answer as object as JsonObject;
}
