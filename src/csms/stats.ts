import { ACTION_NAMES, CallOutcome, type OcppVersion } from '../ocpp';
import type { NodeInfo } from './nodes';
import type { ServiceQueueStats } from './service-queue';

/**
 * What the embedded CSMS saw, as a plain JSON-able object. Tests and the fleet's own checks
 * compare these numbers with what the stations report: a station's "sent" for an action is the
 * CSMS's "received", its "ok" is "answered", its "callError" is "callErrors".
 */
export interface IncomingCounts {
  /** Station-initiated CALLs that arrived (including ones answered with a CALLERROR). */
  received: number;
  /** Answered with a CALLRESULT. */
  answered: number;
  /** Answered with a CALLERROR (NotImplemented, schema-invalid payload, ...). */
  callErrors: number;
}

export interface OutgoingCounts {
  /** CSMS-initiated CALLs written to the socket. */
  sent: number;
  /** Answered with a CALLRESULT that passed the response schema. */
  answered: number;
  callErrors: number;
  timeouts: number;
  /** Answered with a CALLRESULT that failed the response schema. */
  invalidResponses: number;
  /** The connection closed before the answer came. */
  aborted: number;
}

export interface CsmsStats {
  uptimeS: number;
  connections: {
    now: number;
    accepted: number;
    /** Upgrades refused: no OCPP subprotocol offered, no identity in the URL, auth failed, or a second connection refused. */
    refused: number;
    /** Refusals by the security profile: no Basic credentials, wrong ones, a certificate that does not name the station. */
    authFailures: { missingCredentials: number; badCredentials: number; badCertificate: number };
    /** Connections closed because the same identity connected again. */
    replaced: number;
    /** Upgrades refused with 409 because the identity was already connected (`secondConnection: refuse`). */
    secondRefused: number;
    byVersion: Record<OcppVersion, { now: number; accepted: number }>;
  };
  /** Station-initiated CALLs by action ("(unknown)" for names that are no OCPP action). */
  incoming: Record<string, IncomingCounts>;
  incomingTotal: IncomingCounts;
  /** CALLERRORs the CSMS sent, by what caused them. */
  callErrorsSent: { malformedFrame: number; invalidPayload: number; notImplemented: number; internalError: number };
  /** Frames that were not OCPP-J, whether or not they could be answered. */
  malformedFrames: number;
  /** CALLRESULT/CALLERROR frames for no outstanding CSMS call: unknown ids and late answers. */
  unexpectedAnswers: { unknownMessageId: number; lateResponse: number };
  /**
   * Boots by answer; `callsBeforeAccepted` counts the other CALLs a station sent while its boot
   * was not Accepted, which OCPP forbids (1.6 §4.2, 2.0.1 B02.FR.02 / B03.FR.04).
   */
  boots: { accepted: number; pending: number; rejected: number; callsBeforeAccepted: number };
  transactions: {
    started: number;
    stopped: number;
    active: number;
    /** 2.0.1: seqNo values still missing between the lowest and highest seen, over all transactions. */
    seqNoGaps: number;
    /** 2.0.1: events with a seqNo already seen; 1.6: StopTransaction for a transaction already stopped. */
    duplicates: number;
    /** Stops or events for transactions this CSMS never saw start (started before it, or bogus). */
    unknown: number;
  };
  /** Answers that carried status Invalid for an id tag / id token. */
  invalidTagsAnswered: number;
  /** CSMS-initiated CALLs by action. */
  outgoing: Record<string, OutgoingCounts>;
  outgoingTotal: OutgoingCounts;
  /** Ticks of the call rate that found no idle, accepted station to call. */
  outgoingSkipped: number;
  /** The CSMS's nodes (listeners): URL, whether it listens, connections open on it now. */
  nodes?: NodeInfo[];
  /**
   * Signed meter values (OCMF) received and checked: verified, or failed (= badSignature +
   * malformed + unknownKey: a signature that does not match, a value that is no OCMF string, a
   * key the station never declared).
   */
  signedMeterValues: { verified: number; failed: number; badSignature: number; malformed: number; unknownKey: number };
  /** With `serviceTimeMs`: the servers every station CALL passes through, and what they did. */
  serviceQueue?: ServiceQueueStats;
  /**
   * OCPP 2.1's SENDs from the stations (never answered): valid ones by action, and those that
   * failed their schema or were no SEND of the version (`invalid`, dropped unanswered).
   */
  sends: { received: Record<string, number>; receivedTotal: number; invalid: number };
  /** OCPP 2.1's CALLRESULTERRORs: sent about stations' answers that failed their schema, and received about the CSMS's. */
  callResultErrors: { sent: number; received: number };
}

/** Slot of names that are not OCPP actions (action code -1). */
const UNKNOWN = ACTION_NAMES.length;
const SLOTS = ACTION_NAMES.length + 1;

/**
 * Counters of one CSMS, updated on the hot path. Per-action counts live in typed arrays indexed
 * by action code, so counting a message costs an array increment, not a string lookup.
 */
export class CsmsCounters {
  readonly startedAt = Date.now();
  connectionsNow = 0;
  connectionsAccepted = 0;
  connectionsRefused = 0;
  /** Upgrades refused by the security profile, by reason. */
  readonly authFailures = { missingCredentials: 0, badCredentials: 0, badCertificate: 0 };
  connectionsReplaced = 0;
  connectionsSecondRefused = 0;
  readonly versionNow: Record<OcppVersion, number> = { '1.6': 0, '2.0.1': 0, '2.1': 0 };
  readonly versionAccepted: Record<OcppVersion, number> = { '1.6': 0, '2.0.1': 0, '2.1': 0 };

  readonly inReceived = new Float64Array(SLOTS);
  readonly inAnswered = new Float64Array(SLOTS);
  readonly inCallErrors = new Float64Array(SLOTS);

  readonly outSent = new Float64Array(SLOTS);
  readonly outAnswered = new Float64Array(SLOTS);
  readonly outCallErrors = new Float64Array(SLOTS);
  readonly outTimeouts = new Float64Array(SLOTS);
  readonly outInvalid = new Float64Array(SLOTS);
  readonly outAborted = new Float64Array(SLOTS);
  outgoingSkipped = 0;

  readonly sendsReceived = new Float64Array(SLOTS);
  sendsInvalid = 0;
  callResultErrorsSent = 0;
  callResultErrorsReceived = 0;

  errMalformed = 0;
  errInvalidPayload = 0;
  errNotImplemented = 0;
  errInternal = 0;
  malformedFrames = 0;
  unknownMessageId = 0;
  lateResponse = 0;

  bootsAccepted = 0;
  bootsPending = 0;
  bootsRejected = 0;
  callsBeforeAccepted = 0;
  invalidTagsAnswered = 0;

  txStarted = 0;
  txStopped = 0;
  txActive = 0;
  txSeqNoGaps = 0;
  txDuplicates = 0;
  txUnknown = 0;

  signedVerified = 0;
  signedBadSignature = 0;
  signedMalformed = 0;
  signedUnknownKey = 0;

  slot(code: number): number {
    return code < 0 ? UNKNOWN : code;
  }

  countOutcome(code: number, outcome: CallOutcome): void {
    const i = this.slot(code);
    switch (outcome) {
      case CallOutcome.Ok:
        this.outAnswered[i]++;
        return;
      case CallOutcome.CallError:
        this.outCallErrors[i]++;
        return;
      case CallOutcome.Timeout:
        this.outTimeouts[i]++;
        return;
      case CallOutcome.Invalid:
        this.outInvalid[i]++;
        return;
      case CallOutcome.Aborted:
        this.outAborted[i]++;
        return;
      default:
        return;
    }
  }

  snapshot(): CsmsStats {
    const incoming: Record<string, IncomingCounts> = {};
    const incomingTotal: IncomingCounts = { received: 0, answered: 0, callErrors: 0 };
    const outgoing: Record<string, OutgoingCounts> = {};
    const outgoingTotal: OutgoingCounts = { sent: 0, answered: 0, callErrors: 0, timeouts: 0, invalidResponses: 0, aborted: 0 };
    const sends: Record<string, number> = {};
    let sendsTotal = 0;
    for (let i = 0; i < SLOTS; i++) {
      const name = i === UNKNOWN ? '(unknown)' : (ACTION_NAMES[i] as string);
      if (this.sendsReceived[i] !== 0) {
        sends[name] = this.sendsReceived[i] as number;
        sendsTotal += this.sendsReceived[i] as number;
      }
      if (this.inReceived[i] !== 0) {
        const counts = { received: this.inReceived[i], answered: this.inAnswered[i], callErrors: this.inCallErrors[i] };
        incoming[name] = counts;
        addInto(incomingTotal, counts);
      }
      if (this.outSent[i] !== 0 || this.outAborted[i] !== 0) {
        const counts: OutgoingCounts = {
          sent: this.outSent[i],
          answered: this.outAnswered[i],
          callErrors: this.outCallErrors[i],
          timeouts: this.outTimeouts[i],
          invalidResponses: this.outInvalid[i],
          aborted: this.outAborted[i],
        };
        outgoing[name] = counts;
        addInto(outgoingTotal, counts);
      }
    }
    return {
      uptimeS: (Date.now() - this.startedAt) / 1000,
      connections: {
        now: this.connectionsNow,
        accepted: this.connectionsAccepted,
        refused: this.connectionsRefused,
        authFailures: { ...this.authFailures },
        replaced: this.connectionsReplaced,
        secondRefused: this.connectionsSecondRefused,
        byVersion: {
          '1.6': { now: this.versionNow['1.6'], accepted: this.versionAccepted['1.6'] },
          '2.0.1': { now: this.versionNow['2.0.1'], accepted: this.versionAccepted['2.0.1'] },
          '2.1': { now: this.versionNow['2.1'], accepted: this.versionAccepted['2.1'] },
        },
      },
      incoming,
      incomingTotal,
      callErrorsSent: {
        malformedFrame: this.errMalformed,
        invalidPayload: this.errInvalidPayload,
        notImplemented: this.errNotImplemented,
        internalError: this.errInternal,
      },
      malformedFrames: this.malformedFrames,
      unexpectedAnswers: { unknownMessageId: this.unknownMessageId, lateResponse: this.lateResponse },
      boots: {
        accepted: this.bootsAccepted,
        pending: this.bootsPending,
        rejected: this.bootsRejected,
        callsBeforeAccepted: this.callsBeforeAccepted,
      },
      transactions: {
        started: this.txStarted,
        stopped: this.txStopped,
        active: this.txActive,
        seqNoGaps: this.txSeqNoGaps,
        duplicates: this.txDuplicates,
        unknown: this.txUnknown,
      },
      invalidTagsAnswered: this.invalidTagsAnswered,
      outgoing,
      outgoingTotal,
      outgoingSkipped: this.outgoingSkipped,
      signedMeterValues: {
        verified: this.signedVerified,
        failed: this.signedBadSignature + this.signedMalformed + this.signedUnknownKey,
        badSignature: this.signedBadSignature,
        malformed: this.signedMalformed,
        unknownKey: this.signedUnknownKey,
      },
      sends: { received: sends, receivedTotal: sendsTotal, invalid: this.sendsInvalid },
      callResultErrors: { sent: this.callResultErrorsSent, received: this.callResultErrorsReceived },
    };
  }
}

function addInto<T extends object>(total: T, counts: T): void {
  const sum = total as Record<string, number>;
  for (const [key, value] of Object.entries(counts as Record<string, number>)) sum[key] = (sum[key] ?? 0) + value;
}

/** A few lines for people: what the CLI prints on shutdown. */
export function formatStats(stats: CsmsStats): string {
  const c = stats.connections;
  const lines = [
    `CSMS stats after ${stats.uptimeS.toFixed(1)} s`,
    `  connections: ${c.accepted} accepted (1.6: ${c.byVersion['1.6'].accepted}, 2.0.1: ${c.byVersion['2.0.1'].accepted}, 2.1: ${c.byVersion['2.1'].accepted}), ` +
      `${c.refused} refused, ${c.replaced} replaced, ${c.now} open`,
    `  boots: ${stats.boots.accepted} accepted, ${stats.boots.pending} pending, ${stats.boots.rejected} rejected`,
  ];
  if (stats.nodes !== undefined && stats.nodes.length > 1) {
    lines.push(`  nodes: ${stats.nodes.map((n) => `${n.url} ${n.listening ? 'listening' : 'stopped'}, ${n.connections} open`).join('; ')}`);
  }
  for (const [action, n] of Object.entries(stats.incoming)) {
    lines.push(`  <- ${action}: ${n.received} received, ${n.answered} answered, ${n.callErrors} CALLERROR`);
  }
  for (const [action, n] of Object.entries(stats.sends.received)) lines.push(`  <- ${action}: ${n} SENDs received`);
  if (stats.sends.invalid > 0) lines.push(`  invalid SENDs: ${stats.sends.invalid} (dropped unanswered)`);
  const r = stats.callResultErrors;
  if (r.sent + r.received > 0) lines.push(`  CALLRESULTERRORs: ${r.sent} sent, ${r.received} received`);
  const t = stats.transactions;
  lines.push(
    `  transactions: ${t.started} started, ${t.stopped} stopped, ${t.active} active, ` +
      `${t.seqNoGaps} seqNo gaps, ${t.duplicates} duplicates, ${t.unknown} unknown`,
  );
  for (const [action, n] of Object.entries(stats.outgoing)) {
    lines.push(
      `  -> ${action}: ${n.sent} sent, ${n.answered} answered, ${n.callErrors} CALLERROR, ` +
        `${n.timeouts} timeouts, ${n.invalidResponses} invalid, ${n.aborted} aborted`,
    );
  }
  const sv = stats.signedMeterValues;
  if (sv.verified + sv.failed > 0) {
    lines.push(
      `  signed meter values: ${sv.verified} verified, ${sv.failed} failed ` +
        `(${sv.badSignature} bad signature, ${sv.malformed} malformed, ${sv.unknownKey} unknown key)`,
    );
  }
  const q = stats.serviceQueue;
  if (q !== undefined) {
    lines.push(
      `  service queue: ${q.servers} × ${q.serviceTimeMs} ms (capacity ${Number(q.capacityPerSecond.toFixed(1))} calls/s): ` +
        `${q.served} served, ${q.queueLength} held, at most ${q.maxQueueLength} held, mean wait ${q.meanWaitMs.toFixed(1)} ms`,
    );
  }
  const e = stats.callErrorsSent;
  lines.push(
    `  CALLERRORs sent: ${e.malformedFrame} malformed frame, ${e.invalidPayload} invalid payload, ` +
      `${e.notImplemented} not implemented, ${e.internalError} internal`,
  );
  return lines.join('\n');
}
