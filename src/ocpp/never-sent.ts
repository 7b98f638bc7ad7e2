/**
 * Why a station's CALL never went on the wire. Stable names (summary.json's `neverSent`); the index
 * is the value carried by CallNotSent records (w1). Add new reasons at the end.
 */
export const NEVER_SENT_REASONS = [
  /** The socket was closed or closing when the call was to go out, and it was not kept to go again. */
  'connectionClosed',
  /** Our own payload failed its schema, or the action goes the other way. */
  'invalidPayload',
  /** Still queued when the run ended. */
  'runEnded',
  /** 1.6: a transaction message whose StartTransaction never got a transaction id from the CSMS. */
  'noTransactionId',
  /**
   * Queued when one of the scenario's own faults (drop, offline, restart, flapping) cut the
   * connection: the tool's doing, so the incompleteCalls check does not count it against the CSMS.
   */
  'faultCut',
] as const;

export type NeverSentReasonName = (typeof NEVER_SENT_REASONS)[number];

/** The reasons by index, as the session and the station pass them (NEVER_SENT_REASONS[reason] is the name). */
export const enum NeverSent {
  ConnectionClosed = 0,
  InvalidPayload = 1,
  RunEnded = 2,
  NoTransactionId = 3,
  FaultCut = 4,
}
