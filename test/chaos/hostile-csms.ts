import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeCallResult, MessageType, ParsedFrame, parseFrame, validatorsFor, type OcppVersion } from '../../src/ocpp';
import { healthyAnswer } from './answers';

/**
 * CSMSs that fail a fleet in ways a real one does, for the tests of what the fleet then reports
 * (the error kind, its count, its sample). One server on 127.0.0.1 routes each station, by
 * identity, to a behaviour; `healthy` answers every call promptly and correctly. Unlike the chaos
 * CSMS (chaos-csms.ts), these misbehave on every connection, so each count is exact: what this
 * server did equals what the fleet must have counted.
 */
export type Hostile =
  | 'healthy'
  /** Accept every WebSocket and close it at once, with 1000 or 1011. */
  | 'close1000'
  | 'close1011'
  /** Answer every CALL correctly, but in a binary frame. */
  | 'binary'
  /** Answer every CALL with a text frame that is not UTF-8. */
  | 'invalidUtf8'
  /** Answer BootNotification with a CALLRESULT whose payload nests DEEP_JSON levels. */
  | 'deepJson'
  /** Refuse the upgrade with this status and a reason in the body (401 echoes the Authorization header). */
  | 'refuse401'
  | 'refuse403'
  | 'refuse404'
  | 'refuse409'
  /** A CSMS that speaks only ocpp2.0.1: a 1.6 station is refused with HTTP 400 … */
  | 'only201Http400'
  /** … or let in with a 101 that carries no subprotocol. 2.0.1 stations are served as `healthy`. */
  | 'only201NoProtocol'
  /** Answer the upgrade with a 101 whose Sec-WebSocket-Accept is wrong (ws: an `other` error). */
  | 'badAccept'
  /** Read the upgrade request and never answer it. */
  | 'neverUpgrade';

export const DEEP_JSON = 100_000;

export const REFUSALS: Readonly<Partial<Record<Hostile, { status: number; text: string; body: string }>>> = {
  refuse401: { status: 401, text: 'Unauthorized', body: 'invalid credentials' },
  refuse403: { status: 403, text: 'Forbidden', body: 'charge point blocked by the operator' },
  refuse404: { status: 404, text: 'Not Found', body: 'unknown charge point' },
  refuse409: { status: 409, text: 'Conflict', body: 'charge point already connected' },
};

export const ONLY_201_BODY = 'this CSMS speaks ocpp2.0.1 only';

/** What the server did, per behaviour: each one a count the fleet's summary must match. */
export interface HostileCounts {
  /** Upgrades completed. */
  upgrades: number;
  /** Upgrades refused with an HTTP status, by status. */
  refused: Map<number, number>;
  /** Connections closed by the server at once after the upgrade. */
  closed: number;
  binarySent: number;
  invalidUtf8Sent: number;
  deepSent: number;
  /** 101s sent with a wrong Sec-WebSocket-Accept. */
  badAccepts: number;
  /** Upgrade requests read and never answered. */
  held: number;
  /** CALLs received, by action. */
  readonly calls: Map<string, number>;
}

function identityOf(req: IncomingMessage): string {
  const path = (req.url ?? '/').split('?')[0] as string;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

function offers(req: IncomingMessage, protocol: string): boolean {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').some((p) => p.trim() === protocol);
}

/** A CALLRESULT for `id` whose payload nests DEEP_JSON levels: `{"a":{"a":…1…}}` (~600 KB). */
function deepAnswer(id: string): string {
  return `[3,${JSON.stringify(id)},${'{"a":'.repeat(DEEP_JSON)}1${'}'.repeat(DEEP_JSON)}]`;
}

const VERSIONS: Readonly<Record<string, OcppVersion>> = { 'ocpp1.6': '1.6', 'ocpp2.0.1': '2.0.1' };
/** Not UTF-8: a lone continuation byte and an overlong encoding inside what looks like a frame. */
const INVALID_UTF8 = Buffer.from([0x5b, 0x33, 0x2c, 0x22, 0x80, 0xc0, 0xaf, 0x22, 0x5d]);

export class HostileCsms {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly counts = new Map<Hostile, HostileCounts>();
  private readonly heldSockets = new Set<Duplex>();
  private readonly frame = new ParsedFrame();
  private port = 0;

  constructor(private readonly route: (identity: string) => Hostile) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      // `only201NoProtocol`: a 1.6 offer gets a 101 with no subprotocol (false: none).
      handleProtocols: (protocols, req) => {
        if (protocols.has('ocpp2.0.1')) return 'ocpp2.0.1';
        return this.route(identityOf(req)) === 'only201NoProtocol' || !protocols.has('ocpp1.6') ? false : 'ocpp1.6';
      },
    });
    this.http = createServer((_req, res) => res.writeHead(404).end());
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<this> {
    // Compile the schemas healthyAnswer checks its answers with now, not on the first boot: seconds
    // on a loaded machine, during which this server would answer nothing (handshakes time out).
    validatorsFor('1.6');
    validatorsFor('2.0.1');
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** What the server did to the stations routed to `behaviour`. */
  of(behaviour: Hostile): HostileCounts {
    let c = this.counts.get(behaviour);
    if (c === undefined) {
      c = { upgrades: 0, refused: new Map(), closed: 0, binarySent: 0, invalidUtf8Sent: 0, deepSent: 0, badAccepts: 0, held: 0, calls: new Map() };
      this.counts.set(behaviour, c);
    }
    return c;
  }

  async close(): Promise<void> {
    for (const s of this.heldSockets) s.destroy();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private refuse(socket: Duplex, c: HostileCounts, status: number, text: string, body: string): void {
    c.refused.set(status, (c.refused.get(status) ?? 0) + 1);
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let behaviour = this.route(identityOf(req));
    const c = this.of(behaviour);
    const refusal = REFUSALS[behaviour];
    if (refusal !== undefined) {
      // A CSMS that echoes what it got: the sample must show none of it.
      const auth = req.headers.authorization;
      this.refuse(socket, c, refusal.status, refusal.text, `${refusal.body}${auth === undefined ? '' : ` (got Authorization: ${auth})`}`);
      return;
    }
    const only201 = behaviour === 'only201Http400' || behaviour === 'only201NoProtocol';
    if (only201 && offers(req, 'ocpp2.0.1')) behaviour = 'healthy';
    else if (behaviour === 'only201Http400') {
      this.refuse(socket, c, 400, 'Bad Request', `${ONLY_201_BODY}; offered: ${req.headers['sec-websocket-protocol'] ?? 'none'}`);
      return;
    }
    if (behaviour === 'neverUpgrade') {
      c.held++;
      this.heldSockets.add(socket);
      socket.on('close', () => this.heldSockets.delete(socket));
      socket.on('error', () => undefined);
      // The station gave up (its handshake timeout): let the socket go rather than hold it half
      // open, where it would outlive the run in the test's own process.
      socket.on('end', () => socket.destroy());
      return;
    }
    if (behaviour === 'badAccept') {
      c.badAccepts++;
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n');
      return;
    }
    // only201NoProtocol and a 1.6 offer: a 101 with no subprotocol (handleProtocols), the station must leave.
    const counts = this.of(behaviour);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, behaviour, counts));
  }

  private connected(ws: WebSocket, behaviour: Hostile, c: HostileCounts): void {
    c.upgrades++;
    ws.on('error', () => undefined);
    if (behaviour === 'close1000' || behaviour === 'close1011') {
      c.closed++;
      ws.close(behaviour === 'close1000' ? 1000 : 1011, behaviour === 'close1000' ? 'go away' : 'chaos: internal error');
      return;
    }
    const version = VERSIONS[ws.protocol];
    if (version === undefined) return; // no subprotocol: the station is expected to leave
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const f = this.frame;
      if (isBinary || !parseFrame(data.toString(), f) || f.type !== MessageType.Call) return;
      c.calls.set(f.action, (c.calls.get(f.action) ?? 0) + 1);
      if (ws.readyState !== WebSocket.OPEN) return;
      if (behaviour === 'invalidUtf8') {
        c.invalidUtf8Sent++;
        ws.send(INVALID_UTF8, { binary: false });
        return;
      }
      if (behaviour === 'deepJson' && f.action === 'BootNotification') {
        c.deepSent++;
        ws.send(deepAnswer(f.id));
        return;
      }
      const text = encodeCallResult(f.id, healthyAnswer(version, f.action, 1) ?? {});
      if (behaviour === 'binary') {
        c.binarySent++;
        ws.send(Buffer.from(text), { binary: true });
        return;
      }
      ws.send(text);
    });
  }
}

export async function startHostileCsms(route: (identity: string) => Hostile): Promise<HostileCsms> {
  return new HostileCsms(route).listen();
}
