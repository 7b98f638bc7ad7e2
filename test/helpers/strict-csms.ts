import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { RPCServer, createRPCError, createValidator } from 'ocpp-rpc';
import type RpcServerClient from 'ocpp-rpc/lib/server-client';
import { CsmsCalls, type CallCounts } from './strict-csms-calls';

/**
 * An independent, strict CSMS for the tests, built on the npm package `ocpp-rpc` (not on this
 * project's OCPP layer, so a bug shared by the fleet and the embedded CSMS cannot hide): strict mode
 * validates both directions against ocpp-rpc's own 1.6 and 2.0.1 schemas. It answers every
 * station action correctly, counts every CALL frame it received per action, tracks which
 * transactions are open (1.6 by the integer ids it hands out, 2.0.1 by the station's ids from
 * TransactionEvent Started / Ended), and sends CSMS-initiated calls during sessions (see
 * strict-csms-calls.ts). It runs in a process of its own (strict-csms-main.ts).
 */

type Params = Record<string, unknown>;
type Handler = (station: StationEntry, params: Params) => Record<string, unknown>;

/** A connected station as the CSMS knows it. */
export interface StationEntry {
  readonly identity: string;
  readonly client: RpcServerClient;
  readonly version: '1.6' | '2.0.1' | '2.1';
  /** Its open transactions: 1.6 the CSMS's integer ids, 2.0.1 the station's string ids. */
  readonly open: Set<number | string>;
}

export interface TransactionTally {
  /** Distinct transactions started (1.6: ids handed out; 2.0.1: distinct Started ids). */
  started: number;
  /** Transactions closed by a stop message. */
  stopped: number;
  /** Started, never stopped: open at the CSMS now. */
  open: number;
  /** A 2.0.1 Started for a transaction already known (a message delivered twice). */
  duplicateStarts: number;
  /** A stop for a transaction not open (already stopped, or never started here). */
  unknownStops: number;
  /** Some of the open ones, `identity/id`, to say which when a test fails. */
  openSample: string[];
}

export interface StrictCsmsCounts {
  /** CALL frames received from the stations, per action (valid or not, answered or not). */
  received: Record<string, number>;
  /** Of those, answered with a CALLRESULT. */
  answered: Record<string, number>;
  /** Strict-mode schema failures: calls the stations sent, answers they gave, answers of ours. */
  validationFailures: { inbound: number; outbound: number; samples: string[] };
  /** Frames that are not OCPP-J RPC at all (ocpp-rpc's 'badMessage'). */
  badMessages: number;
  connections: { accepted: number; now: number };
  transactions: TransactionTally;
  /** CSMS-initiated calls per action. */
  calls: Record<string, CallCounts>;
}

export interface StrictCsmsOptions {
  /** CSMS-initiated calls per second over the connected stations (0: none). */
  callRate: number;
  /** Seed of its random choices (which station, which call). */
  seed: number;
  /** Heartbeat interval returned with every accepted boot, s. */
  heartbeatIntervalS: number;
}

const now = (): string => new Date().toISOString();

/**
 * ocpp-rpc 2.2.1 ships the OCA's 2.1 schemas under their own ids (`urn:BootNotificationRequest`)
 * but looks schemas up as `urn:BootNotification.req` / `.conf`, as in its 1.6 and 2.0.1 files: its
 * strict mode answers every 2.1 call ProtocolError ("Schema 'urn:BootNotification.req' is missing
 * from subprotocol schema 'ocpp2.1'"). The same schemas, under the names it looks for.
 */
function ocpp21Validator(): ReturnType<typeof createValidator> {
  const schemas = JSON.parse(readFileSync(require.resolve('ocpp-rpc/lib/schemas/ocpp2_1.json'), 'utf8')) as { $id: string }[];
  const renamed = schemas.map((s) => ({ ...s, $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf') }));
  return createValidator('ocpp2.1', renamed);
}

export class StrictCsms {
  private readonly rpc: RPCServer;
  private readonly http: Server;
  readonly stations = new Map<string, StationEntry>();
  private readonly received = new Map<string, number>();
  private readonly answered = new Map<string, number>();
  private readonly failures = { inbound: 0, outbound: 0, samples: [] as string[] };
  private badMessages = 0;
  private accepted = 0;
  private nextTransactionId = 1;
  private readonly tx = { started: 0, stopped: 0, duplicateStarts: 0, unknownStops: 0 };
  /** Every transaction ever started here, by `identity/id`: a 2.0.1 Started seen twice is a duplicate. */
  private readonly known = new Set<string>();
  readonly calls: CsmsCalls;

  constructor(private readonly options: StrictCsmsOptions) {
    this.rpc = new RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'], strictMode: true, strictModeValidators: [ocpp21Validator()], callTimeoutMs: 10_000 });
    this.rpc.on('client', (client: RpcServerClient) => this.onClient(client));
    this.http = createServer((req, res) => this.onRequest(req, res));
    this.http.on('upgrade', this.rpc.handleUpgrade);
    this.calls = new CsmsCalls(this.stations, options.seed);
  }

  /** Listen on 127.0.0.1 (a free port); returns the base URL stations connect to. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    const { port } = this.http.address() as AddressInfo;
    if (this.options.callRate > 0) this.calls.start(this.options.callRate);
    return `ws://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.calls.stop();
    await this.rpc.close({ force: true });
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  counts(): StrictCsmsCounts {
    const openSample: string[] = [];
    let open = 0;
    for (const s of this.stations.values()) {
      for (const id of s.open) {
        open++;
        if (openSample.length < 10) openSample.push(`${s.identity}/${id}`);
      }
    }
    return {
      received: sorted(this.received),
      answered: sorted(this.answered),
      validationFailures: { ...this.failures, samples: [...this.failures.samples] },
      badMessages: this.badMessages,
      connections: { accepted: this.accepted, now: this.connectedNow() },
      transactions: { ...this.tx, open, openSample },
      calls: this.calls.counts(),
    };
  }

  private connectedNow(): number {
    let n = 0;
    for (const s of this.stations.values()) if (s.client.state === 1) n++;
    return n;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.counts()));
      return;
    }
    res.writeHead(404).end();
  }

  private onClient(client: RpcServerClient): void {
    const identity = client.identity ?? '';
    const version = client.protocol === 'ocpp2.1' ? '2.1' : client.protocol === 'ocpp2.0.1' ? '2.0.1' : '1.6';
    // A station's transactions outlive its connections: its entry (and open ones) stay, the client changes.
    const open = this.stations.get(identity)?.open ?? new Set<number | string>();
    const entry: StationEntry = { identity, client, version, open };
    this.stations.set(identity, entry);
    this.accepted++;
    client.on('call', (e: { outbound: boolean; payload: unknown[] }) => {
      if (!e.outbound) bump(this.received, String(e.payload[2]));
    });
    client.on('callResult', (e: { outbound: boolean; method: string }) => {
      if (!e.outbound) bump(this.answered, e.method);
    });
    client.on('strictValidationFailure', (e: { outbound: boolean; isCall: boolean; method: string; error: Error }) => {
      // Inbound: a station's call or a station's answer to ours; outbound: an answer of ours.
      if (e.outbound && !e.isCall) this.failures.outbound++;
      else this.failures.inbound++;
      if (this.failures.samples.length < 10) this.failures.samples.push(`${identity} ${e.method}: ${e.error.message}`);
    });
    client.on('badMessage', () => this.badMessages++);
    const table = version === '1.6' ? this.handlers16 : version === '2.0.1' ? this.handlers201 : this.handlers21;
    client.handle(async ({ method, params }) => {
      const handler = method === undefined ? undefined : table[method];
      if (handler === undefined) throw createRPCError('NotImplemented', `${method ?? '?'} is not handled here`);
      return handler(entry, (params ?? {}) as Params);
    });
  }

  private startTransaction(station: StationEntry, id: number | string): void {
    const key = `${station.identity}/${id}`;
    if (this.known.has(key)) {
      this.tx.duplicateStarts++;
      return;
    }
    this.known.add(key);
    this.tx.started++;
    station.open.add(id);
  }

  private stopTransaction(station: StationEntry, id: number | string): void {
    if (station.open.delete(id)) this.tx.stopped++;
    else this.tx.unknownStops++;
  }

  private readonly handlers16: Record<string, Handler> = {
    BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: this.options.heartbeatIntervalS }),
    Heartbeat: () => ({ currentTime: now() }),
    StatusNotification: () => ({}),
    Authorize: () => ({ idTagInfo: { status: 'Accepted' } }),
    StartTransaction: (s) => {
      const transactionId = this.nextTransactionId++;
      this.startTransaction(s, transactionId);
      return { transactionId, idTagInfo: { status: 'Accepted' } };
    },
    StopTransaction: (s, p) => {
      this.stopTransaction(s, p.transactionId as number);
      return { idTagInfo: { status: 'Accepted' } };
    },
    MeterValues: () => ({}),
    DataTransfer: () => ({ status: 'Accepted' }),
    DiagnosticsStatusNotification: () => ({}),
    FirmwareStatusNotification: () => ({}),
  };

  private readonly handlers201: Record<string, Handler> = {
    BootNotification: () => ({ currentTime: now(), interval: this.options.heartbeatIntervalS, status: 'Accepted' }),
    Heartbeat: () => ({ currentTime: now() }),
    StatusNotification: () => ({}),
    Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
    TransactionEvent: (s, p) => {
      const id = (p.transactionInfo as { transactionId: string }).transactionId;
      if (p.eventType === 'Started') this.startTransaction(s, id);
      else if (p.eventType === 'Ended') this.stopTransaction(s, id);
      return p.idToken === undefined ? {} : { idTokenInfo: { status: 'Accepted' } };
    },
    MeterValues: () => ({}),
    NotifyReport: () => ({}),
    FirmwareStatusNotification: () => ({}),
    LogStatusNotification: () => ({}),
    DataTransfer: () => ({ status: 'Accepted' }),
  };

  /** 2.1 answers what 2.0.1 does (ocpp-rpc validates it against 2.1's schemas), and its streams' calls. */
  private readonly handlers21: Record<string, Handler> = {
    ...this.handlers201,
    OpenPeriodicEventStream: () => ({ status: 'Accepted' }),
    ClosePeriodicEventStream: () => ({}),
  };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sorted(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
