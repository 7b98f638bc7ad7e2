import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions as TlsServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { OCPP_VERSIONS, subprotocolOf, versionOfSubprotocol, type JsonObject, type OcppVersion } from '../ocpp';
import { handleAdminRequest, type AdminApi } from './admin-http';
import { CallRateDriver } from './call-rate';
import { CsmsRequestError, type CsmsCallResult } from './calls';
import { answerLater, clock, CsmsConnection, type CsmsCore } from './connection';
import { HANDLERS_16 } from './handlers-16';
import { HANDLERS_201 } from './handlers-201';
import { HANDLERS_21 } from './handlers-21';
import { CsmsNode, type NodeInfo } from './nodes';
import { actionList, csmsOptionProblem, resolveCsmsOptions, type CsmsOptions, type ResolvedCsmsOptions } from './options';
import { StationAuth, tlsMaterial } from './security';
import { ServiceQueue } from './service-queue';
import { StationRecord } from './stations';
import { CsmsCounters, type CsmsStats } from './stats';

export interface CsmsServer extends AdminApi {
  readonly port: number;
  readonly host: string;
  /** `ws://host:port` (`wss://` with TLS) of node 0; stations append `/<identity>`. */
  readonly url: string;
  /** Every node's URL, node 0 first (one unless started with `nodes`). */
  readonly urls: readonly string[];
  stats(): CsmsStats;
  /** Identities connected now, with the OCPP version each negotiated and (with several nodes) the node it is on. */
  stations(): { identity: string; version: OcppVersion; node?: number }[];
  nodes(): NodeInfo[];
  /**
   * Send a CSMS-initiated CALL to a connected station. Resolves with its outcome; rejects with a
   * CsmsRequestError when the station is not connected ('unknownStation') or the action or
   * payload is not one a CSMS may send in the station's version ('badRequest').
   */
  sendCall(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<CsmsCallResult>;
  /** Write `frame` as is; resolves with the station's next frame, or undefined after `timeoutMs` (default 5 s). */
  sendRaw(identity: string, frame: string, timeoutMs?: number): Promise<string | undefined>;
  /**
   * Serve a connection another process accepted and handed over, with the bytes it already read
   * (`head`, put back before anything reads the socket). False when the CSMS is closing.
   */
  adopt(socket: Socket, head: Buffer): boolean;
  close(): Promise<void>;
}

/** Largest frame accepted from a station; ws's default (100 MiB) is far beyond any OCPP message. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** How long stations get to answer our close frame before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;
const DEFAULT_RAW_TIMEOUT_MS = 5000;

/** Start an OCPP 1.6J + 2.0.1 CSMS; options are checked first (TypeError naming the option). */
export async function startCsmsServer(options: CsmsOptions): Promise<CsmsServer> {
  const resolved = resolveCsmsOptions(options);
  // Validators load on an action's first call (generated at build time, ~1 ms each): loading
  // every station action of both versions up front cost 74 ms of CPU in each CSMS process, most of
  // it for actions a run never sends.
  const server = new OcppCsms(resolved);
  await server.listen();
  return server;
}

class OcppCsms implements CsmsServer, CsmsCore {
  readonly counters = new CsmsCounters();
  private readonly nodeList: CsmsNode[];
  private readonly wss: WebSocketServer;
  private readonly connections = new Map<string, CsmsConnection>();
  private readonly live: CsmsConnection[] = [];
  private readonly records = new Map<string, StationRecord>();
  private readonly tls: boolean;
  private readonly auth: StationAuth;
  private readonly driver: CallRateDriver;
  private readonly answersDelayed: boolean;
  /** The actions whose answers are delayed; undefined: every action. */
  private readonly delayedActions: ReadonlySet<string> | undefined;
  readonly serviceQueue: ServiceQueue<CsmsConnection, JsonObject> | undefined;
  private lastTransactionId = 0;
  private closing: Promise<void> | undefined = undefined;

  constructor(readonly options: ResolvedCsmsOptions) {
    this.answersDelayed = options.delayMs > 0 || options.jitterMs > 0;
    const only = actionList(options.delayActions);
    this.delayedActions = only.length === 0 ? undefined : new Set(only);
    // resolveCsmsOptions refuses a service time together with a delay: one or the other answers.
    this.serviceQueue =
      options.serviceTimeMs > 0 ? new ServiceQueue<CsmsConnection, JsonObject>(options.servers, options.serviceTimeMs, answerLater, clock) : undefined;
    const tls = tlsMaterial(options);
    this.tls = tls !== undefined;
    this.auth = new StationAuth(options);
    const makeServer = (node: number): Server => this.makeServer(tls, node);
    this.nodeList = Array.from(
      { length: options.nodes },
      (_, i) => new CsmsNode(i, options.host, options.port === 0 ? 0 : options.port + i, makeServer),
    );
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // Taken when a station offers it (OCPP 2.0.1 and 2.1 ask a CSMS to support it): every frame
      // compressed, however short. A connection that does not offer it costs nothing more.
      perMessageDeflate: { threshold: 0 },
      maxPayload: MAX_FRAME_BYTES,
      handleProtocols: (offered) => {
        const version = pickVersion(offered);
        return version === undefined ? false : subprotocolOf(version);
      },
    });
    this.driver = new CallRateDriver(options.callRate, this.live, this.counters);
  }

  get host(): string {
    return this.options.host;
  }

  get port(): number {
    return (this.nodeList[0] as CsmsNode).port;
  }

  get url(): string {
    return this.urlOf(0);
  }

  get urls(): string[] {
    return this.nodeList.map((n) => this.urlOf(n.index));
  }

  private urlOf(node: number): string {
    const port = this.nodeList[node]?.port ?? 0;
    return `${this.tls ? 'wss' : 'ws'}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}`;
  }

  /** One node's HTTP server: the admin API and the WebSocket endpoint, upgrades tagged with the node. */
  private makeServer(tls: TlsServerOptions | undefined, node: number): Server {
    const admin = (req: IncomingMessage, res: ServerResponse): void => handleAdminRequest(this, req, res);
    const server = tls === undefined ? createServer(admin) : createTlsServer(tls, admin);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head, node));
    return server;
  }

  async listen(): Promise<void> {
    try {
      for (const node of this.nodeList) await node.start();
    } catch (err) {
      for (const node of this.nodeList) node.stop();
      throw err;
    }
    this.driver.start();
  }

  /**
   * Refusals happen here, on the HTTP server's 'upgrade' event, rather than in ws's verifyClient
   * (which ws's README discourages) or handleProtocols (which cannot refuse: returning false
   * accepts the connection without a subprotocol, and it is not called at all when the client
   * offers none). Here a client that offers no OCPP subprotocol gets a plain HTTP 400 that says why.
   */
  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, node: number): void {
    socket.on('error', ignore);
    if (this.closing !== undefined) return this.refuse(socket, 503, 'the CSMS is shutting down');
    if (this.nodeList[node]?.listening !== true) return this.refuse(socket, 503, `node ${node} is stopped`);
    const identity = identityOf(req.url ?? '/');
    if (identity === undefined) return this.refuse(socket, 400, 'the URL path must end with the station identity');
    const header = req.headers['sec-websocket-protocol'];
    const version = header === undefined ? undefined : pickVersion(new Set(header.split(',').map((p) => p.trim())));
    if (version === undefined) {
      const supported = OCPP_VERSIONS.map(subprotocolOf).join(', ');
      return this.refuse(socket, 400, `no supported OCPP subprotocol offered (got ${header ?? 'none'}; supported: ${supported})`);
    }
    const verdict = this.auth.check(req, identity);
    if (verdict !== 'ok') {
      this.counters.authFailures[verdict]++;
      if (verdict === 'badCertificate') return this.refuse(socket, 403, 'the client certificate does not name this station');
      return this.refuse(socket, 401, 'unknown station or wrong password', 'WWW-Authenticate: Basic realm="OCPP"\r\n');
    }
    // After authentication, so that only the station itself learns whether it is connected.
    if (this.options.secondConnection === 'refuse' && this.connections.has(identity)) {
      this.counters.connectionsSecondRefused++;
      return this.refuse(socket, 409, 'this station is already connected');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, identity, version, node));
  }

  private refuse(socket: Duplex, status: number, message: string, extraHeaders = ''): void {
    this.counters.connectionsRefused++;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n${extraHeaders}` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  }

  private accept(ws: WebSocket, identity: string, version: OcppVersion, node: number): void {
    if (this.closing !== undefined || this.nodeList[node]?.listening !== true) {
      ws.terminate();
      return;
    }
    // OCPP lets one connection per identity live; the newest wins (the old one is likely dead).
    this.connections.get(identity)?.replace();
    let record = this.records.get(identity);
    if (record === undefined) {
      record = new StationRecord(identity);
      this.records.set(identity, record);
    }
    const stats = this.counters;
    stats.connectionsAccepted++;
    stats.connectionsNow++;
    stats.versionAccepted[version]++;
    stats.versionNow[version]++;
    const connection = new CsmsConnection(this, ws, identity, version, record, version === '1.6' ? HANDLERS_16 : version === '2.1' ? HANDLERS_21 : HANDLERS_201);
    connection.node = node;
    this.connections.set(identity, connection);
    connection.index = this.live.length;
    this.live.push(connection);
  }

  // --- CsmsCore ---

  nextTransactionId(): number {
    return ++this.lastTransactionId;
  }

  answerDelay(action: string): number {
    if (!this.answersDelayed || (this.delayedActions !== undefined && !this.delayedActions.has(action))) return -1;
    const { delayMs, jitterMs } = this.options;
    return Math.max(0, delayMs + (Math.random() * 2 - 1) * jitterMs);
  }

  forget(connection: CsmsConnection): void {
    if (this.connections.get(connection.identity) === connection) this.connections.delete(connection.identity);
    const at = connection.index;
    if (at < 0 || this.live[at] !== connection) return;
    const last = this.live.pop() as CsmsConnection;
    if (last !== connection) {
      this.live[at] = last;
      last.index = at;
    }
    connection.index = -1;
  }

  // --- CsmsServer ---

  stats(): CsmsStats {
    const queue = this.serviceQueue;
    return { ...this.counters.snapshot(), nodes: this.nodes(), ...(queue === undefined ? {} : { serviceQueue: queue.snapshot() }) };
  }

  stations(): { identity: string; version: OcppVersion; node?: number }[] {
    // `node` only with several nodes: a single-node CSMS answers as it always has.
    if (this.nodeList.length === 1) return this.live.map((c) => ({ identity: c.identity, version: c.version }));
    return this.live.map((c) => ({ identity: c.identity, version: c.version, node: c.node }));
  }

  nodes(): NodeInfo[] {
    const open = new Array<number>(this.nodeList.length).fill(0);
    for (const c of this.live) open[c.node] = (open[c.node] ?? 0) + 1;
    return this.nodeList.map((n) => ({ index: n.index, url: this.urlOf(n.index), port: n.port, listening: n.listening, connections: open[n.index] ?? 0 }));
  }

  /** Close node `index`'s listener and cut the station connections it holds; the others go on. */
  async stopNode(index: number): Promise<NodeInfo> {
    const node = this.nodeOf(index);
    node.stop();
    for (const c of [...this.live]) {
      if (c.node !== index) continue;
      // Out of the registry now, so a CSMS call right after never goes to a connection being cut.
      c.shutdown();
      c.ws.terminate();
    }
    return this.nodes()[index] as NodeInfo;
  }

  /** Listen again on node `index`'s port. */
  async startNode(index: number): Promise<NodeInfo> {
    if (this.closing !== undefined) throw new CsmsRequestError('badRequest', 'the CSMS is shutting down');
    await this.nodeOf(index).start();
    return this.nodes()[index] as NodeInfo;
  }

  private nodeOf(index: number): CsmsNode {
    const node = Number.isInteger(index) ? this.nodeList[index] : undefined;
    if (node === undefined) throw new CsmsRequestError('badRequest', `no node ${String(index)}: nodes are 0 to ${this.nodeList.length - 1}`);
    return node;
  }

  async sendCall(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<CsmsCallResult> {
    return this.connectionOf(identity).call(action, payload, checkTimeout(timeoutMs, this.options.callTimeoutMs));
  }

  async sendRaw(identity: string, frame: string, timeoutMs?: number): Promise<string | undefined> {
    if (typeof frame !== 'string') throw new CsmsRequestError('badRequest', 'frame must be a string');
    return this.connectionOf(identity).raw(frame, checkTimeout(timeoutMs, DEFAULT_RAW_TIMEOUT_MS));
  }

  private connectionOf(identity: string): CsmsConnection {
    const connection = this.connections.get(identity);
    if (connection === undefined) throw new CsmsRequestError('unknownStation', `no station ${JSON.stringify(identity)} is connected`);
    return connection;
  }

  adopt(socket: Socket, head: Buffer): boolean {
    if (this.closing !== undefined) return false;
    if (head.length > 0) socket.unshift(head);
    return (this.nodeList[0] as CsmsNode).adopt(socket);
  }

  close(): Promise<void> {
    if (this.closing === undefined) this.closing = this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.driver.stop();
    this.serviceQueue?.stop();
    const sockets = this.live.map((c) => c.ws);
    for (const connection of [...this.live]) connection.shutdown();
    for (const ws of sockets) ws.close(1001, 'CSMS shutting down');
    const cut = setTimeout(() => {
      for (const ws of sockets) ws.terminate();
    }, CLOSE_GRACE_MS);
    await Promise.all(this.nodeList.map((n) => n.close(CLOSE_GRACE_MS)));
    clearTimeout(cut);
    this.wss.close();
  }
}

/** The client's first offered subprotocol that this CSMS speaks (the client lists by preference). */
function pickVersion(offered: ReadonlySet<string>): OcppVersion | undefined {
  for (const protocol of offered) {
    const version = versionOfSubprotocol(protocol);
    if (version !== undefined) return version;
  }
  return undefined;
}

/** The station identity: the last path segment of the URL, percent-decoded (OCPP-J §3.1.1). */
export function identityOf(url: string): string | undefined {
  const path = url.split('?', 1)[0] as string;
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (last === '') return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}

function checkTimeout(timeoutMs: number | undefined, fallback: number): number {
  if (timeoutMs === undefined) return fallback;
  const problem = csmsOptionProblem('callTimeoutMs', timeoutMs);
  if (problem !== undefined) throw new CsmsRequestError('badRequest', `timeoutMs ${problem}, got ${String(timeoutMs)}`);
  return timeoutMs;
}

function ignore(): void {}
