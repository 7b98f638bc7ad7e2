/**
 * Events worth counting that are not errors, reported under `counters` in summary.json. Stable
 * names (users read them); the index is the code in measurement records. Add at the end.
 */
export const COUNTER_NAMES = [
  /** Connections re-opened after a drop (not the first connection of a station). */
  'reconnects',
  /** Transaction messages created while offline and queued for later. */
  'queuedOffline',
  /** Queued transaction messages delivered after reconnecting. */
  'replayed',
  /** BootNotification answered Pending (the station retried after the interval). */
  'bootPending',
  /** BootNotifications sent again (after Pending, Rejected, an error or no answer). */
  'bootRetries',
  /** Charging sessions started (transaction started at the CSMS or queued offline). */
  'sessionsStarted',
  /** Charging sessions that ended with a stop message sent. */
  'sessionsCompleted',
  /** Authorize answered with a status other than Accepted (no session started). */
  'authorizeRejected',
  /** Transaction messages dropped because the CSMS never gave the transaction an id (1.6). */
  'droppedNoTransactionId',
  /** Transaction messages still queued when the run ended (never delivered). */
  'undelivered',
  /** Sessions started by a CSMS remote start request. */
  'remoteStarts',
  /** Sessions stopped by a CSMS remote stop request. */
  'remoteStops',
  /** Stations rebooted by a CSMS Reset. */
  'resets',
  /** Connection attempts sent to another target than the last one (several targets: a failed connect or a drop). */
  'failovers',
  /** OCMF-signed meter values built (signedMeterValues groups), tampered ones included. */
  'signedMeterValues',
  /** Signed meter values sent with a reading changed after signing (signedMeterValues.tamperShare). */
  'tamperedMeterValues',
  /** Faults timeline (scenario `faults:`): open connections cut by a drop. */
  'faultDrops',
  /** Stations taken offline by an offline fault. */
  'faultOffline',
  /** Stations cold-booted by a restart fault. */
  'faultRestarts',
  /** Open connections paused by a halfOpen fault (the station stops reading and sending). */
  'faultHalfOpen',
  /** Connections cut by a flapping fault at the end of their up-time. */
  'faultFlaps',
  /** Bad frames sent by a malformed fault (besides the normal traffic; never in latency figures). */
  'malformedSent',
  /** Bad frames the CSMS answered with a CALLERROR. */
  'malformedCallErrors',
  /** Bad frames the CSMS answered with a CALLRESULT, as if they were valid. */
  'malformedAccepted',
  /** Bad frames with no answer within the call timeout. */
  'malformedUnanswered',
  /** Bad frames still awaiting an answer when their connection closed. */
  'malformedConnectionClosed',
  /** Raw frames sent by session scripts (`raw` steps), as written. */
  'rawFramesSent',
  /** Answers (CALLRESULT or CALLERROR) to raw frames that were CALLs, matched by their message id. */
  'rawFramesAnswered',
  /** Transactions started by the stations (1.6 StartTransaction, 2.0.1 TransactionEvent Started created, sent or queued). */
  'transactionsStarted',
  /** Transactions whose stop message the stations created (1.6 StopTransaction, 2.0.1 TransactionEvent Ended). */
  'transactionsStopped',
  /** Stop messages the CSMS answered with a CALLRESULT: the transaction is closed at the CSMS too. */
  'stopsAcknowledged',
  /** Connections on which the CSMS took the permessage-deflate the group offered (`compression`). */
  'compressedConnections',
  /** Connections on which the CSMS declined it: their frames went uncompressed. */
  'compressionDeclined',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

const CODES = new Map<string, number>(COUNTER_NAMES.map((n, i) => [n, i]));

export function counterCode(name: CounterName): number {
  return CODES.get(name) as number;
}
