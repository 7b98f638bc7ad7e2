import { bootStatus, describeAnswer, describeClose, describeConnect } from './describe';
import type { Answer, CloseInfo, ConnectResult, Finding } from './types';

/**
 * From observations to verdicts: pure functions, so that each rule is tested with literal
 * observations. When in doubt a verdict is `inconclusive`, never `protected`: a probe that calls
 * a CSMS safe because something timed out would be worse than no probe.
 */

const exposed = (reason: string): Finding => ({ verdict: 'exposed', reason });
const safe = (reason: string): Finding => ({ verdict: 'protected', reason });
const unclear = (reason: string): Finding => ({ verdict: 'inconclusive', reason });
export const notApplicable = (reason: string): Finding => ({ verdict: 'n/a', reason });

/**
 * A connection that should have been refused (no credentials, a wrong password, an unknown
 * identity). An open WebSocket is judged by the boot that follows: a CSMS may take the socket
 * and then reject the station, which is a refusal too.
 */
export function accessFinding(result: ConnectResult, boot: Answer | undefined): Finding {
  if (result.kind === 'open') {
    if (boot === undefined) return unclear('the WebSocket opened; no BootNotification was sent');
    const status = bootStatus(boot);
    if (status === 'Accepted' || status === 'Pending') {
      return exposed(`let the station in: WebSocket open and BootNotification answered ${status}`);
    }
    if (status !== undefined) return safe(`opened the WebSocket but answered the boot ${status}`);
    if (boot.kind === 'error' || boot.kind === 'closed') return safe(`opened the WebSocket but refused the boot: ${describeAnswer(boot)}`);
    return unclear(`the WebSocket opened; the boot got ${describeAnswer(boot)}`);
  }
  if (result.kind === 'http') return safe(`refused the upgrade with HTTP ${result.status}`);
  if (result.kind === 'failed' && (result.failure === 'tlsRefused' || result.failure === 'reset')) {
    return safe(`refused the connection: ${describeConnect(result)}`);
  }
  return unclear(describeConnect(result));
}

/** ws:// URL: the baseline itself went over plain WebSocket. */
export function plainUrlFinding(baseline: ConnectResult): Finding {
  if (baseline.kind === 'open') return exposed('serves OCPP over plain ws://: frames, and any Basic-auth password, cross the network in clear');
  if (baseline.kind === 'http') {
    return exposed(`answers plain ws:// (HTTP ${baseline.status}): a station would send its password in clear`);
  }
  return unclear(describeConnect(baseline));
}

/** wss:// URL with --try-plain: a plain upgrade to the same host and port, without credentials. */
export function tryPlainFinding(result: ConnectResult): Finding {
  if (result.kind === 'open') return exposed('accepted a plain ws:// WebSocket on the TLS port, without credentials');
  if (result.kind === 'http') {
    if (result.status === 401) return exposed('asks for credentials over plain ws:// (HTTP 401): a station would send its password in clear');
    return safe(`refused the plain upgrade (HTTP ${result.status})`);
  }
  if (result.kind === 'failed' && (result.failure === 'reset' || result.failure === 'tlsRefused' || result.failure === 'unreachable')) {
    return safe(`no plain WebSocket on that port: ${describeConnect(result)}`);
  }
  return unclear(describeConnect(result));
}

/** OCPP-J 1.6 §4.2.3, 2.0.1 Part 4 §4.3: a payload that breaks its schema deserves a CALLERROR. */
export function schemaInvalidFinding(answer: Answer): Finding {
  switch (answer.kind) {
    case 'error':
      return safe(`answered CALLERROR ${answer.code}, as OCPP-J prescribes`);
    case 'result':
      return exposed('accepted a payload that breaks its schema (answered CALLRESULT)');
    case 'closed':
      return safe(`dropped the connection (${describeClose(answer.close)}) instead of answering a CALLERROR`);
    default:
      return unclear(describeAnswer(answer));
  }
}

/** Two Heartbeats with one message id, the second sent after the first was answered. */
export function duplicateIdFinding(first: Answer, second: Answer): Finding {
  if (first.kind !== 'result') return unclear(`the first Heartbeat got ${describeAnswer(first)}`);
  switch (second.kind) {
    case 'result':
      return exposed('answered both: a repeated message id is not detected, so a replayed message is processed twice');
    case 'error':
      return safe(`refused the repeat: CALLERROR ${second.code}`);
    case 'closed':
      return safe(`closed the connection on the repeat (${describeClose(second.close)})`);
    case 'timeout':
      return safe(`ignored the repeat (no answer within ${Math.round(second.ms / 1000)} s) after answering the first`);
    default:
      return unclear(`the repeat got ${describeAnswer(second)}`);
  }
}

/** What happened when a second connection of the same identity came while the first was open. */
export interface SecondConnectionObservation {
  second: ConnectResult;
  /** The second connection's BootNotification answer, when it opened. */
  secondBoot: Answer | undefined;
  /** How each connection closed while we watched, if it did. */
  firstClosed: CloseInfo | undefined;
  secondClosed: CloseInfo | undefined;
  /** A Heartbeat on the first connection after the second came, if both were still open. */
  firstHeartbeat: Answer | undefined;
}

export function secondConnectionFinding(o: SecondConnectionObservation): Finding {
  if (o.second.kind !== 'open') {
    const refused = accessFinding(o.second, undefined);
    if (refused.verdict !== 'protected') return unclear(`the second connection got ${describeConnect(o.second)}`);
    return safe(
      o.firstClosed === undefined
        ? `refused the second connection (${describeConnect(o.second)}); the first stays open`
        : `refused the second connection (${describeConnect(o.second)}) and closed the first (${describeClose(o.firstClosed)})`,
    );
  }
  if (o.firstClosed !== undefined && o.secondClosed === undefined) {
    return exposed(`the newcomer takes over: the first connection was closed (${describeClose(o.firstClosed)})`);
  }
  if (o.secondClosed !== undefined && o.firstClosed === undefined) {
    return safe(`closed the second connection right after it opened (${describeClose(o.secondClosed)}); the first stays`);
  }
  if (o.secondClosed !== undefined && o.firstClosed !== undefined) return safe('closed both connections of the identity');
  const status = o.secondBoot === undefined ? undefined : bootStatus(o.secondBoot);
  if (status === 'Rejected') return safe('kept the second WebSocket open but rejected its boot');
  if (o.firstHeartbeat?.kind === 'result') return exposed('kept both connections open: two live sessions for one identity');
  return unclear(`both connections stayed open; the first answered ${o.firstHeartbeat === undefined ? 'nothing' : describeAnswer(o.firstHeartbeat)}`);
}

/**
 * The CSMS cannot say it expected signed meter values unless it refuses plain ones, so an
 * accepted reading is reported as what it is: accepted unsigned.
 */
export function unsignedFinding(answer: Answer): Finding {
  switch (answer.kind) {
    case 'result':
      return exposed('accepted unsigned: if this CSMS is meant to require signed meter values (OCMF), it does not enforce it');
    case 'error':
      return safe(`refused unsigned meter values: CALLERROR ${answer.code}`);
    case 'closed':
      return safe(`closed the connection on unsigned meter values (${describeClose(answer.close)})`);
    default:
      return unclear(describeAnswer(answer));
  }
}
