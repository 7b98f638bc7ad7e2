/**
 * The documented kinds of things that go wrong, counted under `errors` in summary.json. Stable
 * names: users' scripts and thresholds read them. The index is the code in measurement records.
 * README.md ("summary.json") explains each one; add new kinds at the end.
 */
export const ERROR_KINDS = [
  /** A frame from the peer that is not OCPP-J (bad JSON, wrong shape, unknown type id). */
  'malformedFrame',
  /** A CSMS-initiated CALL whose payload failed its schema (answered with a CALLERROR). */
  'invalidIncomingPayload',
  /** A CALLRESULT whose payload failed the response schema of the action it answers. */
  'invalidResponse',
  /** A CALLRESULT or CALLERROR for an id we are not waiting for (never sent, or already answered). */
  'unknownMessageId',
  /** A CALLRESULT or CALLERROR that arrived after its call had timed out. */
  'lateResponse',
  /** A CSMS-initiated action the station does not implement (answered NotImplemented). */
  'notImplemented',
  /** A payload the station itself built that failed its schema: a bug of ours, or a fault injected on purpose. */
  'invalidOutgoingPayload',
  /** The TCP connection was refused or the host unreachable. */
  'connectRefused',
  /** The connection or the WebSocket upgrade did not complete in time. */
  'connectTimeout',
  /** The server answered the upgrade with an HTTP error status (401, 404, 500, ...). */
  'handshakeRejected',
  /** The server picked a subprotocol other than the one the station asked for. */
  'subprotocolMismatch',
  /** TLS failed (certificate not trusted, handshake failure). */
  'tlsError',
  /** An open connection closed without the station asking for it. */
  'connectionLost',
  /** BootNotification answered Rejected. */
  'bootRejected',
  /** A CALLERROR received in answer to a station's CALL (per action under actions too). */
  'callError',
  /** A station's CALL that got no answer in time (per action under actions too). */
  'timeout',
  /** Anything else that failed on a connection (error text is not kept: it may hold secrets). */
  'other',
  /**
   * The station closed an open connection because a WebSocket ping got no pong in time: the CSMS
   * stopped reading, or the link is half-open. Counted instead of `connectionLost`.
   */
  'pingTimeout',
  /**
   * The station closed an open connection because the CSMS sent a frame above the station's size
   * cap (WebSocket close 1009). Counted instead of `connectionLost`.
   */
  'frameTooLarge',
  /** The CSMS host name could not be resolved (ENOTFOUND, EAI_AGAIN). Counted instead of `connectRefused`. */
  'dnsFailure',
  /** The CSMS closed the connection before accepting the station's BootNotification. Counted instead of `connectionLost`. */
  'closedBeforeBoot',
  /** A text frame from the CSMS that is not valid UTF-8 (the station closes with 1007): a protocol error. */
  'invalidUtf8',
  /** A binary frame from the CSMS: OCPP-J is text only, so it is never taken as an answer. A protocol error. */
  'binaryFrame',
  /** A station's CALL that never went on the wire; its reason is under `neverSent` in summary.json. */
  'neverSent',
  /**
   * OCPP 2.1: a SEND from the CSMS that is no SEND of its version or fails its schema. A SEND is
   * never answered, even when wrong: it is counted, and dropped.
   */
  'invalidSend',
  /** OCPP 2.1: a CALLRESULTERROR from the CSMS: it could not process one of the station's answers to its CALLs. */
  'callResultError',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

const CODES = new Map<string, number>(ERROR_KINDS.map((k, i) => [k, i]));

export function errorKindCode(kind: ErrorKind): number {
  return CODES.get(kind) as number;
}
