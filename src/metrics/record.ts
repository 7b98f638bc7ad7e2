/**
 * The measurement record that crosses from a worker to the coordinator through the pump.
 *
 * A record is four unsigned 32-bit words, so a worker writes it into shared memory with no
 * allocation and the coordinator reads it with no parsing:
 *
 *   w0  kind (8 bits) << 24 | group (12 bits) << 12 | code (12 bits)
 *   w1  first value  (µs; meaning depends on kind)
 *   w2  second value (µs; meaning depends on kind)
 *   w3  completion time, ms since the run's epoch (the coordinator's start of run)
 *
 * `code` is an action code for call, incoming and CallNotSent records, an error-kind code for
 * ERROR and CONNECT_FAIL records. The tables that give codes their names belong to the layers that know
 * them (the OCPP layer for actions and error kinds); metrics stays a leaf and only counts numbers.
 */
export const RECORD_WORDS = 4;

export const enum RecordKind {
  /** A CALL answered by a valid CALLRESULT. w1 = response time (from due), w2 = service time (from sent). */
  CallOk = 1,
  /** A CALL answered by a CALLERROR. w1/w2 as for CallOk; not put into latency histograms. */
  CallError = 2,
  /** A CALL that got no answer within its timeout. w1 = time waited (µs). */
  CallTimeout = 3,
  /** A CALL answered by a CALLRESULT whose payload failed the response schema. */
  CallInvalid = 4,
  /** A CALL whose connection closed before it was answered. */
  CallAborted = 5,
  /** A connection opened (TCP + TLS + upgrade). w1 = connect time (µs). */
  ConnectOk = 6,
  /** A connection attempt that failed; code = error kind. w1 = time until failure (µs), w2 = the HTTP status of a refused upgrade (0: none). */
  ConnectFail = 7,
  /** BootNotification Accepted. w1 = time from the first connect attempt of this boot cycle (µs). */
  BootAccepted = 8,
  /** A CSMS-initiated CALL received (code = its action). */
  IncomingReceived = 9,
  /** A CSMS-initiated CALL answered by the station (CALLRESULT or CALLERROR). w1 = time to answer (µs). */
  IncomingAnswered = 10,
  /** A counted event with no latency; code = error kind, w1 = how many (usually 1). */
  Error = 11,
  /** A counted event of interest that is not an error (code = counter id, w1 = how many). */
  Counter = 12,
  /** A TLS handshake completed (part of the connect time, reported on its own). w1 = its time (µs). */
  TlsHandshake = 13,
  /**
   * A CALL that never went on the wire (code = action, w1 = reason index, see NEVER_SENT_REASONS):
   * not in `sent`; counted under the action's `neverSent` and as the error `neverSent`.
   */
  CallNotSent = 14,
  /**
   * The generator's own saturation over one second of a live run (never written by an ordinary
   * run): code = what (GeneratorCode), w1/w2 its values, w3 the second's start (ms since the epoch).
   */
  Generator = 15,
  /**
   * Bytes of the frames of the stations' own calls of one action (code), summed over about a
   * second in a worker: w1 sent (the CALLs), w2 received (their answers). The frames' UTF-8 text,
   * before WebSocket framing and compression.
   */
  Bytes = 16,
  /** As Bytes for the CSMS's calls of one action (code): w1 sent (the answers), w2 received (the CALLs). */
  IncomingBytes = 17,
  /**
   * A connection's bytes on the wire once it closed, as its TCP (or TLS) socket counted them:
   * the upgrade, WebSocket framing and compression included (over wss://, Node's TLS socket counts the
   * bytes under TLS, not TLS's records and handshake). w1 written, w2 read.
   */
  WireBytes = 18,
  /**
   * An OCPP 2.1 SEND (a message never answered) of one action (code): w1 = what became of it
   * (SendOutcome: 1 sent, 2 dropped, 3 received from the peer), w2 = its frame's bytes.
   */
  Send = 19,
}

/**
 * Codes of Generator records. A worker sends, once a second, the counts each delay bucket gained
 * (src/metrics/lag-buckets.ts) and its event loop's busy and idle time: a window adds them up.
 */
export const GeneratorCode = {
  /** + bucket: event-loop delay samples in that bucket (w1). */
  LoopDelayBucket: 0,
  /** + bucket: scheduler entries that fired that late (w1). */
  SchedulerLagBucket: 256,
  /** Event-loop utilisation: w1 = busy µs, w2 = idle µs. */
  Utilisation: 512,
} as const;

export const MAX_CODE = 0xfff;
export const MAX_GROUP = 0xfff;

export function packHeader(kind: RecordKind, group: number, code: number): number {
  // >>> 0 keeps the word unsigned once kind reaches bit 31.
  return ((kind << 24) | ((group & MAX_GROUP) << 12) | (code & MAX_CODE)) >>> 0;
}

export function recordKind(w0: number): RecordKind {
  return (w0 >>> 24) as RecordKind;
}

export function recordGroup(w0: number): number {
  return (w0 >>> 12) & MAX_GROUP;
}

export function recordCode(w0: number): number {
  return w0 & MAX_CODE;
}

/** Clamp a duration in ms to whole µs that fit a 32-bit word (about 71 minutes). */
export function toMicros(ms: number): number {
  if (!(ms > 0)) return 0;
  const us = Math.round(ms * 1000);
  return us > 0xffffffff ? 0xffffffff : us;
}
