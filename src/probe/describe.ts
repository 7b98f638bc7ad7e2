import type { Answer, CloseInfo, ConnectResult } from './types';

/**
 * What came back, in the report's words: status codes, subprotocols, CALLERROR codes and close
 * codes exactly as received. Text that the CSMS chose (a status text, a CALLERROR description, a
 * close reason) is quoted and cut short; error messages of our own side are never shown, only
 * their codes (messages can carry hosts and paths).
 */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function quoted(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export function describeConnect(result: ConnectResult): string {
  switch (result.kind) {
    case 'open':
      return `101 Switching Protocols, subprotocol ${result.protocol === '' ? '(none)' : result.protocol}`;
    case 'http':
      return `HTTP ${result.status}${result.statusText === '' ? '' : ` ${result.statusText.slice(0, 60)}`}`;
    case 'timeout':
      return `no answer to the upgrade within ${seconds(result.ms)}`;
    case 'failed':
      switch (result.failure) {
        case 'unreachable':
          return `unreachable (${result.code})`;
        case 'tlsUntrusted':
          return `TLS: the CSMS's certificate is not trusted here (${result.code})`;
        case 'tlsRefused':
          return `TLS handshake refused by the CSMS (${result.code})`;
        case 'reset':
          return `connection closed before any HTTP answer (${result.code})`;
        case 'subprotocol':
          return `upgraded without the OCPP subprotocol offered (${result.code})`;
        default:
          return `failed (${result.code})`;
      }
  }
}

export function describeClose(close: CloseInfo): string {
  return `close code ${close.code}${close.reason === '' ? '' : ` ${quoted(close.reason)}`}`;
}

export function describeAnswer(answer: Answer): string {
  switch (answer.kind) {
    case 'result': {
      const body = JSON.stringify(answer.payload);
      return `CALLRESULT ${body.length > 100 ? `${body.slice(0, 100)}…` : body}${answer.schemaValid ? '' : ' (fails its response schema)'}`;
    }
    case 'error':
      return `CALLERROR ${answer.code} ${quoted(answer.description)}`;
    case 'closed':
      return `connection closed (${describeClose(answer.close)})`;
    case 'timeout':
      return `no answer within ${seconds(answer.ms)}`;
    case 'malformed':
      return `a frame that is not OCPP-J (${answer.problem})`;
  }
}

/** The `status` of a BootNotification answer (1.6 and 2.0.1 alike), if the answer is a CALLRESULT carrying one. */
export function bootStatus(answer: Answer): string | undefined {
  if (answer.kind !== 'result') return undefined;
  const status = answer.payload.status;
  return typeof status === 'string' ? status : undefined;
}
