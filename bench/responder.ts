/**
 * The bare responder: the minimal CSMS of the generator-bound cases, in a process of its own.
 *
 * It answers every CALL with a fixed CALLRESULT chosen by action (BootNotification Accepted, a
 * Heartbeat's currentTime, `{}` for the rest), found with two indexOf calls rather than a JSON
 * parse: it should cost as little as possible, so that what the bench measures is the client.
 * Optional behaviours, for the fidelity cases:
 *   --delay-ms D --jitter-ms J   answer after D ms, uniform ± J ms
 *   --stall-ms S --stall-every-ms P --stall-first-ms F
 *                                hold every answer during S ms every P ms, the first stall F ms
 *                                after the first Heartbeat arrives (a GC pause, a blocked loop)
 *
 * For the interleaved throughput cases the parent may say {type:'serve', only: 'BARE'}: answers to
 * connections whose identity does not start with `BARE-` are then held (each such client has its
 * one outstanding call waiting, so it pauses) until their class is served again. Two clients then
 * take turns on the same machine second by second, and a load that comes and goes on a shared
 * machine lands on both alike.
 * It tells its parent its port over IPC ({type:'listening'}); on {type:'stop'} it answers with
 * what it did ({type:'stats'}) and exits.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { Samples, type Percentiles } from './lib/stats';

export interface ResponderStats {
  readonly connections: number;
  readonly answered: number;
  /** How long answers were actually held (ms), delay and stalls included: the responder's own fidelity. */
  readonly holdMs: Percentiles;
  readonly stalls: number;
}

export type ResponderMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'serving'; readonly only: string | null }
  | { readonly type: 'reset' }
  | { readonly type: 'count'; readonly answered: number }
  | { readonly type: 'stats'; readonly stats: ResponderStats };

export type ToResponder =
  | { readonly type: 'serve'; readonly only: string | null }
  /** Forget the hold times so far: the parent's measurement window starts. */
  | { readonly type: 'reset' }
  /** How many CALLs it answered so far: a window's calls, counted alike for every client (case 12). */
  | { readonly type: 'count' }
  | { readonly type: 'stop' };

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`${name} must be a number >= 0`);
  return n;
}

const delayMs = flag('--delay-ms', 0);
const jitterMs = flag('--jitter-ms', 0);
const stallMs = flag('--stall-ms', 0);
const stallEveryMs = flag('--stall-every-ms', 10_000);
const stallFirstMs = flag('--stall-first-ms', 1_000);
const now = (): number => performance.now();

const CURRENT_TIME = JSON.stringify(new Date().toISOString());
const PAYLOADS: Readonly<Record<string, string>> = {
  BootNotification: `{"status":"Accepted","currentTime":${CURRENT_TIME},"interval":300}`,
  Heartbeat: `{"currentTime":${CURRENT_TIME}}`,
  Authorize: '{"idTagInfo":{"status":"Accepted"}}',
  // A bench's stations draw their first session far out, but a fleet of 40,000 draws a few within
  // minutes: answered as the schema asks, they are no errors of the run.
  StartTransaction: '{"transactionId":1,"idTagInfo":{"status":"Accepted"}}',
  // 2.1 streams (case 11); the SENDs that follow are no CALLs and get nothing.
  OpenPeriodicEventStream: '{"status":"Accepted"}',
};
const EMPTY = '{}';

let connections = 0;
let answered = 0;
let stalls = 0;
let firstHeartbeatAt = -1;
let holds = new Samples();
/** Identity class served now (null: all); answers to the others wait in `held`. */
let only: string | null = null;
const held = new Map<string, { ws: WebSocket; answer: string }[]>();

function classOf(url: string | undefined): string {
  const path = url ?? '';
  const identity = path.slice(path.lastIndexOf('/') + 1);
  const dash = identity.indexOf('-');
  return dash < 0 ? identity : identity.slice(0, dash);
}

function deliver(ws: WebSocket, cls: string, answer: string): boolean {
  if (only !== null && only !== cls) {
    let list = held.get(cls);
    if (!list) held.set(cls, (list = []));
    list.push({ ws, answer });
    return false;
  }
  if (ws.readyState === ws.OPEN) ws.send(answer);
  answered++;
  return true;
}

function serve(cls: string | null): void {
  only = cls;
  for (const [c, list] of held) {
    if (cls !== null && c !== cls) continue;
    held.delete(c);
    for (const h of list) if (h.ws.readyState === h.ws.OPEN) h.ws.send(h.answer);
    answered += list.length;
  }
}
const timed = delayMs > 0 || jitterMs > 0 || stallMs > 0;

/** When an answer to a CALL received at `t` may leave: after the delay, and never inside a stall. */
function releaseAt(t: number): number {
  let at = t + delayMs + (jitterMs > 0 ? (Math.random() * 2 - 1) * jitterMs : 0);
  if (stallMs > 0 && firstHeartbeatAt >= 0) {
    const since = at - (firstHeartbeatAt + stallFirstMs);
    if (since >= 0) {
      const inPeriod = since % stallEveryMs;
      if (inPeriod < stallMs) at += stallMs - inPeriod;
    }
  }
  return at;
}

function onFrame(ws: WebSocket, cls: string, text: string): void {
  // Our clients write CALLs as [2,"<id>","<Action>",{...}] with no spaces (encodeCall).
  if (!text.startsWith('[2,"')) return;
  const idEnd = text.indexOf('"', 4);
  const actionEnd = text.indexOf('"', idEnd + 3);
  if (idEnd < 0 || actionEnd < 0) return;
  const action = text.slice(idEnd + 3, actionEnd);
  if (firstHeartbeatAt < 0 && action === 'Heartbeat') firstHeartbeatAt = now();
  const answer = `[3,"${text.slice(4, idEnd)}",${PAYLOADS[action] ?? EMPTY}]`;
  if (!timed) {
    deliver(ws, cls, answer);
    return;
  }
  const received = now();
  const at = releaseAt(received);
  const send = (): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (deliver(ws, cls, answer)) holds.push(now() - received);
  };
  if (at <= received) send();
  else setTimeout(send, at - received);
}

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  backlog: 4096,
  perMessageDeflate: false,
  clientTracking: false,
  handleProtocols: (offered) => offered.values().next().value ?? false,
});
wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
  connections++;
  const cls = classOf(req.url);
  ws.on('message', (data: Buffer) => onFrame(ws, cls, data.toString()));
  ws.on('error', () => undefined);
});
wss.on('listening', () => {
  const address = wss.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  send({ type: 'listening', port });
});
if (stallMs > 0) {
  // Counted by the clock, not by traffic: a stall with no answer held is still a stall.
  const timer = setInterval(() => {
    if (firstHeartbeatAt < 0) return;
    const since = now() - (firstHeartbeatAt + stallFirstMs);
    if (since >= 0) stalls = Math.floor(since / stallEveryMs) + 1;
  }, 100);
  timer.unref();
}

function send(message: ResponderMessage, then?: () => void): void {
  if (process.send) process.send(message, undefined, undefined, then);
}

process.on('message', (m: ToResponder) => {
  if (m.type === 'reset') {
    holds = new Samples();
    send({ type: 'reset' });
    return;
  }
  if (m.type === 'count') {
    send({ type: 'count', answered });
    return;
  }
  if (m.type === 'serve') {
    serve(m.only);
    send({ type: 'serving', only: m.only });
    return;
  }
  send({ type: 'stats', stats: { connections, answered, holdMs: holds.percentiles(), stalls } }, () => process.exit(0));
});
process.once('disconnect', () => process.exit(0));
