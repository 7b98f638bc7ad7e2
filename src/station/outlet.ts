import type { JsonObject } from '../ocpp';
import type { Connector, Transaction } from './connector';

/** What a call was for: the connector or transaction it concerns, or nothing. */
export type CallTag = Connector | Transaction | null;

/**
 * The three ways a CALL of a version object leaves the station. Both version objects say
 * everything through one outlet (the station's link, station-link.ts), so a test records what a
 * station says by handing its version object another outlet that wraps the link
 * (test/helpers/recording-version.ts). Methods, not functions held per station: no closure per
 * message or per station.
 */
export interface Outlet {
  /** Now, or never if the session cannot take it (a heartbeat, a script's `send`, an Authorize). */
  call(action: string, payload: JsonObject, tag: CallTag, due: number): void;
  /** A transaction message: queued while offline, delivered in order after the next boot. */
  queue(action: string, payload: JsonObject, tag: CallTag, due: number): void;
  /** A status: stale once the connection is back, so dropped while offline rather than queued. */
  callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void;
}
