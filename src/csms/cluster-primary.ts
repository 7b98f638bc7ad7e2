import { fork, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { handleAdminRequest, isAdminPath, type AdminApi } from './admin-http';
import { CsmsRequestError, type CsmsCallResult } from './calls';
import type { PrimaryMessage, WorkerMessage, WorkerReply } from './cluster-messages';
import { sumStats } from './cluster-stats';
import type { NodeInfo } from './nodes';
import type { ResolvedCsmsOptions } from './options';
import { identityOf } from './server';
import type { CsmsStats } from './stats';
import { processOf, requestTarget } from './sticky';
import type { OcppVersion } from '../ocpp';

/**
 * The embedded CSMS over several processes (`--processes N`), for more stations than one
 * process's open-file limit allows: this process owns the port; each connection's request is read
 * up to the end of its headers (a WebSocket client sends nothing more before the 101), and the
 * socket, with those bytes, is handed to the process its station's identity hashes to
 * (sticky.ts), a CSMS of its own (cluster-worker.ts). So a station always meets the same
 * process, which keeps its state. The admin API is served here, for the whole CSMS: `/stats`
 * adds every process's, `/stations` lists them all, `/call` and `/raw` go to the station's process.
 */
export interface CsmsCluster extends AdminApi {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  readonly urls: readonly string[];
  readonly processes: number;
  /**
   * Each process's own URL, in order: a station of identity `id` belongs to the process
   * `processOf(id, processes)` (the same hash as a fleet's home target among several URLs).
   */
  readonly processUrls: readonly string[];
  /** Every process closed (connections cut after their grace); resolves with the final counts, added. */
  close(): Promise<CsmsStats>;
}

/** Headers longer than this end the connection: no station's upgrade request comes near it. */
const MAX_HEAD_BYTES = 16 * 1024;
/** A connection that has not sent its request's headers within this is closed. */
const HEAD_TIMEOUT_MS = 10_000;
const LISTEN_BACKLOG = 4096;

interface Pending {
  readonly worker: number;
  resolve(value: WorkerReply | undefined): void;
  reject(err: Error): void;
}

/** `onDeath`: a process ended while the CSMS ran (killed, crashed): what to say of it. */
export async function startCsmsCluster(options: ResolvedCsmsOptions, onDeath: (message: string) => void): Promise<CsmsCluster> {
  const cluster = new Cluster(options, onDeath);
  await cluster.start();
  return cluster;
}

class Cluster implements CsmsCluster {
  private readonly workers: ChildProcess[] = [];
  private readonly workerPorts: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private readonly server: Server;
  private readonly admin = createHttpServer((req, res) => handleAdminRequest(this, req, res));

  constructor(
    private readonly options: ResolvedCsmsOptions,
    private readonly onDeath: (message: string) => void,
  ) {
    this.server = createServer((socket) => this.route(socket));
  }

  get processes(): number {
    return this.options.processes;
  }

  get host(): string {
    return this.options.host;
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  get url(): string {
    return this.urlAt(this.port);
  }

  get urls(): readonly string[] {
    return [this.url];
  }

  get processUrls(): readonly string[] {
    return this.workerPorts.map((p) => this.urlAt(p));
  }

  private urlAt(port: number): string {
    return `ws://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}`;
  }

  async start(): Promise<void> {
    const count = this.options.processes;
    // Each process takes its share of the CSMS-initiated call rate: the whole is what was asked.
    const options: ResolvedCsmsOptions = { ...this.options, callRate: this.options.callRate / count };
    const listening = Array.from({ length: count }, (_v, i) => this.spawn(i, options));
    try {
      await Promise.all(listening);
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen({ port: this.options.port, host: this.options.host, backlog: LISTEN_BACKLOG }, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.closing = true;
      for (const w of this.workers) w.kill('SIGKILL');
      throw err;
    }
  }

  private spawn(index: number, options: ResolvedCsmsOptions): Promise<void> {
    // Its stderr is ours (an error it prints reaches whoever reads this CSMS's); not detached: it goes with us.
    const worker = fork(join(__dirname, 'cluster-worker.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [], serialization: 'advanced' });
    this.workers[index] = worker;
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'listening') {
          started = true;
          this.workerPorts[index] = m.port;
          resolve();
        } else if (m.type === 'failed') reject(new Error(`CSMS process ${index + 1}: ${m.message}`));
        // Its acknowledgement of the handle came first on this channel, and closed our copy of it.
        else if (m.type === 'received') worker.send({ type: 'serve', id: m.id } satisfies PrimaryMessage);
        else if (m.type === 'reply') this.settle(m.id, m.value, m.error === undefined ? undefined : m.error.code === 'internal' ? new Error(m.error.message) : new CsmsRequestError(m.error.code, m.error.message));
      });
      worker.once('exit', (code, signal) => {
        const how = signal === null ? `code ${code}` : signal;
        for (const [id, p] of this.pending) if (p.worker === index) this.settle(id, undefined, new Error(`CSMS process ${index + 1} exited (${how})`));
        if (!started) reject(new Error(`CSMS process ${index + 1} exited (${how}) before it started`));
        else if (!this.closing) this.onDeath(`CSMS process ${index + 1} of ${this.options.processes} exited with ${how}`);
      });
      worker.send({ type: 'start', options, index } satisfies PrimaryMessage);
    });
  }

  /**
   * Reads a connection's headers, then serves it here (the admin API) or hands it to its station's
   * process. Node keeps our copy of a handle sent open, still reading and dropping what it reads,
   * until the process acknowledges it; a station whose 101 came before that would see its first
   * frame (its BootNotification) read here and lost. So the process serves the connection (and
   * answers the upgrade) only after a round trip: its 'received' follows its acknowledgement on
   * the channel, which closed our copy, and our 'serve' answers it.
   */
  private route(socket: Socket): void {
    let head: Buffer = Buffer.alloc(0);
    socket.setTimeout(HEAD_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const target = requestTarget(head);
      if (target === undefined) return;
      const complete = head.indexOf('\r\n\r\n') >= 0;
      if (target === null || (!complete && head.length > MAX_HEAD_BYTES)) {
        socket.destroy();
        return;
      }
      if (!complete) return;
      socket.off('data', onData);
      socket.pause();
      socket.setTimeout(0);
      if (isAdminPath(target)) {
        socket.unshift(head);
        this.admin.emit('connection', socket);
        socket.resume();
        return;
      }
      const identity = identityOf(target);
      const worker = this.workers[identity === undefined ? 0 : processOf(identity, this.workers.length)];
      if (worker === undefined || !worker.connected) {
        socket.destroy();
        return;
      }
      // Served once the process says it received it (route's comment): our copy must be closed first.
      worker.send({ type: 'conn', id: this.nextId++, head } satisfies PrimaryMessage, socket, (err) => {
        if (err) socket.destroy();
      });
    };
    socket.on('data', onData);
  }

  private ask(worker: number, message: PrimaryMessage): Promise<WorkerReply | undefined> {
    const child = this.workers[worker];
    if (child === undefined || !child.connected) return Promise.reject(new Error(`CSMS process ${worker + 1} is not running`));
    return new Promise((resolve, reject) => {
      this.pending.set((message as { id: number }).id, { worker, resolve, reject });
      child.send(message);
    });
  }

  private settle(id: number, value: WorkerReply | undefined, error: Error | undefined): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (error === undefined) p.resolve(value);
    else p.reject(error);
  }

  private all<T>(make: (id: number) => PrimaryMessage): Promise<T[]> {
    return Promise.all(this.workers.map((_w, i) => this.ask(i, make(this.nextId++)) as Promise<T>));
  }

  async stats(): Promise<CsmsStats> {
    return sumStats(await this.all<CsmsStats>((id) => ({ type: 'stats', id })));
  }

  /** The CSMS's one node: this process's listener, with every process's connections. */
  private node(connections: number): NodeInfo {
    return { index: 0, url: this.url, port: this.port, listening: this.server.listening, connections };
  }

  /** Every process's stations, each with the process that holds it (from 1). */
  async stations(): Promise<{ identity: string; version: OcppVersion; process: number }[]> {
    const lists = await this.all<{ identity: string; version: OcppVersion }[]>((id) => ({ type: 'stations', id }));
    return lists.flatMap((list, i) => list.map((s) => ({ ...s, process: i + 1 })));
  }

  async sendCall(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<CsmsCallResult> {
    if (typeof identity !== 'string') throw new CsmsRequestError('badRequest', 'identity must be a string');
    const id = this.nextId++;
    return (await this.ask(processOf(identity, this.workers.length), { type: 'call', id, identity, action, payload, ...(timeoutMs === undefined ? {} : { timeoutMs }) })) as CsmsCallResult;
  }

  async sendRaw(identity: string, frame: string, timeoutMs?: number): Promise<string | undefined> {
    if (typeof identity !== 'string') throw new CsmsRequestError('badRequest', 'identity must be a string');
    const id = this.nextId++;
    const r = (await this.ask(processOf(identity, this.workers.length), { type: 'raw', id, identity, frame, ...(timeoutMs === undefined ? {} : { timeoutMs }) })) as { reply: string | null };
    return r.reply ?? undefined;
  }

  async nodes(): Promise<NodeInfo[]> {
    return [this.node((await this.stats()).connections.now)];
  }

  stopNode(): Promise<NodeInfo> {
    return Promise.reject(new CsmsRequestError('badRequest', 'a CSMS over several processes has one node: --nodes and --processes do not go together'));
  }

  startNode(): Promise<NodeInfo> {
    return this.stopNode();
  }

  async close(): Promise<CsmsStats> {
    this.closing = true;
    this.server.close();
    const finals = await this.all<CsmsStats>((id) => ({ type: 'close', id }));
    const exited = this.workers.map((w) => (w.exitCode !== null || w.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => w.once('exit', () => r()))));
    for (const w of this.workers) if (w.connected) w.disconnect();
    await Promise.all(exited);
    return sumStats(finals);
  }
}
