import { performance } from 'node:perf_hooks';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import {
  encodeCall,
  encodeCallError,
  encodeCallResult,
  MessageType,
  ParsedFrame,
  parseFrame,
  type JsonObject,
  validatorsFor,
} from '../../src/ocpp';
import { healthyAnswer } from './answers';

/**
 * A CSMS that misbehaves on purpose, for the tests of how the fleet survives one. It runs in the
 * test process on 127.0.0.1 and routes each station, by identity, to a behaviour; stations routed
 * to `healthy` (the default) get a correct, prompt CSMS. It keeps a log per identity of what the
 * station sent, so tests can check what the fleet answered (a CALLERROR where one is due) and
 * compare the fleet's counts with the server's.
 *
 * Behaviours marked "first connection" misbehave on a station's first connection only and are
 * healthy afterwards: the count of what happened is then exact, and the test sees the station
 * recover.
 */
export type Behaviour =
  | 'healthy'
  /** After the boot: not JSON, not an array, bad ids, CALLs of the wrong shape, an unknown message type, broken answers. */
  | 'garbage'
  /** Answers the first DUPLICATED calls of a connection twice; after the boot, a CALLRESULT and a CALLERROR for ids never used. */
  | 'strayAnswers'
  /** Every call but BootNotification answered by a CALLERROR. */
  | 'callErrors'
  /**
   * The first BootNotification and every Heartbeat answered with a schema-invalid payload; after
   * the boot, schema-invalid CALLs (INVALID_CALLS) and CALLs of actions the station does not take (UNKNOWN_CALLS).
   */
  | 'invalidPayloads'
  /** Boot accepted, then no answer to anything. */
  | 'silent'
  /** Boot accepted promptly, every other call answered `lateMs` later. */
  | 'late'
  /** First connection: the first call after the boot closes the connection (close 1011), unanswered. */
  | 'closeMidCall'
  /** First connection: the first call after the boot drops the TCP connection (no close frame), unanswered. */
  | 'dropMidCall'
  /** First connection: after answering the boot, stops reading: nothing is answered, no pong comes back. */
  | 'halfOpen'
  /** First connection: after the boot, a frame of HUGE_FRAME_BYTES. */
  | 'hugeFrame'
  /**
   * First connection: after the boot, a Reset, then stops reading (the answer and the station's
   * close frame stay unread: pausing after the answer would be too late, they come in one read).
   */
  | 'resetThenDeaf'
  | 'reject401'
  | 'reject404'
  | 'reject500'
  /** The upgrade succeeds with the other version's subprotocol. */
  | 'wrongSubprotocol'
  /** The upgrade succeeds with no subprotocol at all. */
  | 'noSubprotocol';

export const DUPLICATED = 3;
export const HUGE_FRAME_BYTES = 10 * 1024 * 1024;

let hugeFrame: Buffer | undefined;

/**
 * A well-formed CALL of HUGE_FRAME_BYTES, built once: building it per station while the healthy
 * stations wait for their answers would make this server, not the fleet, the slow part.
 */
function hugeFrameText(): Buffer {
  hugeFrame ??= Buffer.from(encodeCall('huge-1', 'DataTransfer', { vendorId: 'chaos', data: 'x'.repeat(HUGE_FRAME_BYTES) }));
  return hugeFrame;
}

/** The malformed frames `garbage` sends, with the CALLERROR the station owes for each (undefined: none is due). */
export interface GarbageFrame {
  readonly text: string;
  /** The id the CALLERROR must carry, and its code per version. */
  readonly reply?: { readonly id: string; readonly code: Readonly<Record<ChaosVersion, string>> };
}

/** The versions this chaos CSMS speaks. */
export type ChaosVersion = '1.6' | '2.0.1';

const RPC_FRAMEWORK = { '1.6': 'FormationViolation', '2.0.1': 'RpcFrameworkError' } as const;
const FORMAT = { '1.6': 'FormationViolation', '2.0.1': 'FormatViolation' } as const;

export const GARBAGE: readonly GarbageFrame[] = [
  // OCPP-J 1.6 §4.2.3 / 2.0.1 Part 4 §4.2.3: an unreadable id is answered with id "-1".
  { text: '[2,"g-1","Reset",{"type":', reply: { id: '-1', code: RPC_FRAMEWORK } },
  { text: '{"messageTypeId":2}', reply: { id: '-1', code: RPC_FRAMEWORK } },
  { text: 'null', reply: { id: '-1', code: RPC_FRAMEWORK } },
  { text: '[2,42,"Reset",{"type":"Soft"}]', reply: { id: '-1', code: RPC_FRAMEWORK } },
  { text: `[2,"${'x'.repeat(37)}","Reset",{"type":"Soft"}]`, reply: { id: '-1', code: RPC_FRAMEWORK } },
  { text: '[2,"g-2","Reset"]', reply: { id: 'g-2', code: RPC_FRAMEWORK } },
  { text: '[2,"g-3","Reset","Soft"]', reply: { id: 'g-3', code: FORMAT } },
  { text: '[2,"g-4",7,{}]', reply: { id: 'g-4', code: RPC_FRAMEWORK } },
  { text: '[7,"g-5","Reset",{}]', reply: { id: 'g-5', code: { '1.6': 'NotSupported', '2.0.1': 'MessageTypeNotSupported' } } },
  // Broken answers: a CALLRESULT or CALLERROR is never answered, however wrong.
  { text: '[3,"g-6"]' },
  { text: '[3,"g-7","done"]' },
  { text: '[4,"g-8","GenericError"]' },
  { text: '[4,"g-9",500,"x",{}]' },
];

/** The schema-invalid CALLs `invalidPayloads` sends after the boot, with the CALLERROR code due per version. */
export interface InvalidCall {
  readonly id: string;
  readonly action: Readonly<Record<ChaosVersion, string>>;
  readonly payload: Readonly<Record<ChaosVersion, JsonObject>>;
  readonly code: Readonly<Record<ChaosVersion, string>>;
}

export const INVALID_CALLS: readonly InvalidCall[] = [
  {
    id: 'i-1',
    action: { '1.6': 'Reset', '2.0.1': 'Reset' },
    payload: { '1.6': { type: 'Bogus' }, '2.0.1': { type: 'Bogus' } },
    code: { '1.6': 'PropertyConstraintViolation', '2.0.1': 'PropertyConstraintViolation' },
  },
  {
    id: 'i-2',
    action: { '1.6': 'Reset', '2.0.1': 'Reset' },
    payload: { '1.6': {}, '2.0.1': {} },
    code: { '1.6': 'OccurenceConstraintViolation', '2.0.1': 'OccurrenceConstraintViolation' },
  },
  {
    id: 'i-3',
    action: { '1.6': 'ChangeAvailability', '2.0.1': 'ChangeAvailability' },
    payload: { '1.6': { connectorId: 'one', type: 'Operative' }, '2.0.1': { operationalStatus: 1 } },
    code: { '1.6': 'TypeConstraintViolation', '2.0.1': 'TypeConstraintViolation' },
  },
  {
    id: 'i-4',
    action: { '1.6': 'Reset', '2.0.1': 'Reset' },
    payload: { '1.6': { type: 'Soft', when: 'now' }, '2.0.1': { type: 'OnIdle', when: 'now' } },
    code: { '1.6': 'FormationViolation', '2.0.1': 'FormatViolation' },
  },
];

/** CALLs of actions the station does not know, or that only a station sends: NotImplemented, counted as notImplemented. */
export const UNKNOWN_CALLS: readonly InvalidCall[] = [
  {
    id: 'u-1',
    action: { '1.6': 'FlyToTheMoon', '2.0.1': 'FlyToTheMoon' },
    payload: { '1.6': {}, '2.0.1': {} },
    code: { '1.6': 'NotImplemented', '2.0.1': 'NotImplemented' },
  },
  {
    id: 'u-2',
    action: { '1.6': 'StartTransaction', '2.0.1': 'TransactionEvent' },
    payload: { '1.6': {}, '2.0.1': {} },
    code: { '1.6': 'NotImplemented', '2.0.1': 'NotImplemented' },
  },
];

/** Answers that break the response schemas. */
const INVALID_BOOT_ANSWER: JsonObject = { status: 'Maybe', currentTime: 'yesterday', interval: -1 };
const INVALID_HEARTBEAT_ANSWER: JsonObject = { currentTime: 42 };

/** What one identity did at the chaos CSMS. */
export interface StationLog {
  readonly identity: string;
  readonly behaviour: Behaviour;
  /** Upgrades that completed (whatever the station then did with them). */
  connections: number;
  upgradesRefused: number;
  /** CALLs received from the station, by action. */
  readonly calls: Map<string, number>;
  /** CALLRESULTs and CALLERRORs the station sent, in order: the fleet's answers to our calls. */
  readonly replies: Array<{ type: MessageType.CallResult | MessageType.CallError; id: string; code: string }>;
  /** Frames from the station that this server could not parse. */
  malformed: number;
  /** What this server sent the station, by kind. */
  answered: number;
  callErrorsSent: number;
  invalidAnswersSent: number;
  duplicatesSent: number;
  lateSent: number;
  /** Close codes of the station's connections, as this server saw them. */
  readonly closeCodes: number[];
  /** performance.now() of each completed upgrade. */
  readonly connectedAt: number[];
  /** WebSocket pings received from the station (answered by ws unless the socket is paused). */
  pings: number;
}

export interface ChaosOptions {
  /** The behaviour of the station with this identity (the last segment of the URL's path). */
  route(identity: string): Behaviour;
  /** Delay of a `late` answer, ms. */
  lateMs?: number;
  /** Heartbeat interval given in BootNotification answers, s. */
  bootIntervalS?: number;
}

const PROTOCOLS: Readonly<Record<string, ChaosVersion>> = { 'ocpp1.6': '1.6', 'ocpp2.0.1': '2.0.1' };
const REFUSALS: Partial<Record<Behaviour, string>> = {
  reject401: '401 Unauthorized',
  reject404: '404 Not Found',
  reject500: '500 Internal Server Error',
};

function identityOf(req: IncomingMessage): string {
  const path = (req.url ?? '/').split('?')[0] as string;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

export class ChaosCsms {
  readonly logs = new Map<string, StationLog>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly timers = new Set<NodeJS.Timeout>();
  private port = 0;

  constructor(private readonly options: ChaosOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (protocols, req) => this.pickProtocol(protocols, req),
    });
    this.http = createServer((_req, res) => res.writeHead(404).end());
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.onConnection(ws, req));
  }

  async listen(): Promise<this> {
    // Compile the schemas now, not on the first boot: ~0.4 s that would make early answers late.
    validatorsFor('1.6');
    validatorsFor('2.0.1');
    hugeFrameText();
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = (this.http.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  log(identity: string): StationLog {
    let log = this.logs.get(identity);
    if (log === undefined) {
      log = {
        identity,
        behaviour: this.options.route(identity),
        connections: 0,
        upgradesRefused: 0,
        calls: new Map(),
        replies: [],
        malformed: 0,
        answered: 0,
        callErrorsSent: 0,
        invalidAnswersSent: 0,
        duplicatesSent: 0,
        lateSent: 0,
        closeCodes: [],
        connectedAt: [],
        pings: 0,
      };
      this.logs.set(identity, log);
    }
    return log;
  }

  /** The logs of the stations routed to `behaviour`. */
  logsOf(behaviour: Behaviour): StationLog[] {
    return [...this.logs.values()].filter((l) => l.behaviour === behaviour);
  }

  /** Sum of a numeric field over the stations routed to `behaviour`. */
  total(behaviour: Behaviour, field: 'answered' | 'callErrorsSent' | 'invalidAnswersSent' | 'duplicatesSent' | 'lateSent' | 'connections' | 'upgradesRefused' | 'malformed'): number {
    return this.logsOf(behaviour).reduce((t, l) => t + l[field], 0);
  }

  /** CALLs of `action` received from the stations routed to `behaviour`. */
  calls(behaviour: Behaviour, action: string): number {
    return this.logsOf(behaviour).reduce((t, l) => t + (l.calls.get(action) ?? 0), 0);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private pickProtocol(protocols: Set<string>, req: IncomingMessage): string | false {
    const behaviour = this.options.route(identityOf(req));
    const asked = [...protocols][0] ?? '';
    if (behaviour === 'noSubprotocol') return false;
    if (behaviour === 'wrongSubprotocol') return asked === 'ocpp1.6' ? 'ocpp2.0.1' : 'ocpp1.6';
    return asked;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const log = this.log(identityOf(req));
    const refusal = REFUSALS[log.behaviour];
    if (refusal !== undefined) {
      log.upgradesRefused++;
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const log = this.log(identityOf(req));
    log.connections++;
    log.connectedAt.push(performance.now());
    ws.on('ping', () => log.pings++);
    const version = PROTOCOLS[ws.protocol];
    ws.on('close', (code: number) => log.closeCodes.push(code));
    ws.on('error', () => undefined);
    if (version === undefined) return; // wrong or no subprotocol: the station is expected to leave
    new ChaosConnection(ws, version, log, log.connections === 1, this.options, this.timers);
  }
}

/** One station's connection to the chaos CSMS. */
class ChaosConnection {
  private readonly frame = new ParsedFrame();
  private booted = false;
  private callsAfterBoot = 0;
  private bootsAnswered = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly version: ChaosVersion,
    private readonly log: StationLog,
    /** Whether this is the station's first connection (the "first connection" behaviours). */
    private readonly first: boolean,
    private readonly options: ChaosOptions,
    private readonly timers: Set<NodeJS.Timeout>,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(isBinary ? '' : data.toString()));
  }

  private get behaviour(): Behaviour {
    const b = this.log.behaviour;
    const firstOnly = b === 'closeMidCall' || b === 'dropMidCall' || b === 'halfOpen' || b === 'hugeFrame' || b === 'resetThenDeaf';
    return firstOnly && !this.first ? 'healthy' : b;
  }

  private send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  private onFrame(text: string): void {
    const f = this.frame;
    if (!parseFrame(text, f)) {
      this.log.malformed++;
      return;
    }
    if (f.type === MessageType.CallResult || f.type === MessageType.CallError) {
      this.log.replies.push({ type: f.type, id: f.id, code: f.type === MessageType.CallError ? f.errorCode : '' });
      return;
    }
    if (f.type !== MessageType.Call) return;
    this.log.calls.set(f.action, (this.log.calls.get(f.action) ?? 0) + 1);
    this.onCall(f.id, f.action);
  }

  private onCall(id: string, action: string): void {
    const behaviour = this.behaviour;
    if (action === 'BootNotification') {
      this.onBoot(id, behaviour);
      return;
    }
    this.callsAfterBoot++;
    switch (behaviour) {
      case 'silent':
        return;
      case 'callErrors':
        this.log.callErrorsSent++;
        this.send(encodeCallError(id, 'InternalError', `chaos: ${action} failed`));
        return;
      case 'late': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (this.ws.readyState !== WebSocket.OPEN) return;
          this.log.lateSent++;
          this.answer(id, action);
        }, this.options.lateMs ?? 1000);
        this.timers.add(timer);
        return;
      }
      case 'closeMidCall':
        if (this.callsAfterBoot === 1) {
          this.ws.close(1011, 'chaos');
          return;
        }
        break;
      case 'dropMidCall':
        if (this.callsAfterBoot === 1) {
          this.ws.terminate();
          return;
        }
        break;
      case 'invalidPayloads':
        if (action === 'Heartbeat') {
          this.log.invalidAnswersSent++;
          this.send(encodeCallResult(id, INVALID_HEARTBEAT_ANSWER));
          return;
        }
        break;
      default:
        break;
    }
    this.answer(id, action);
  }

  private onBoot(id: string, behaviour: Behaviour): void {
    this.bootsAnswered++;
    if (behaviour === 'invalidPayloads' && this.bootsAnswered === 1) {
      this.log.invalidAnswersSent++;
      this.send(encodeCallResult(id, INVALID_BOOT_ANSWER));
      return;
    }
    this.answer(id, 'BootNotification');
    if (this.booted) return;
    this.booted = true;
    switch (behaviour) {
      case 'garbage':
        for (const g of GARBAGE) this.send(g.text);
        return;
      case 'strayAnswers':
        this.send(encodeCallResult('never-sent-1', {}));
        this.send(encodeCallError('never-sent-2', 'GenericError', 'chaos: an answer to nothing'));
        return;
      case 'invalidPayloads':
        for (const c of [...INVALID_CALLS, ...UNKNOWN_CALLS]) this.send(encodeCall(c.id, c.action[this.version], c.payload[this.version]));
        return;
      case 'halfOpen':
        // Stop reading: the station's frames and pings stay unread in the socket, so no answer
        // and no pong ever comes back, while TCP keeps the connection open.
        this.ws.pause();
        return;
      case 'resetThenDeaf':
        this.send(encodeCall('reset-1', 'Reset', this.version === '1.6' ? { type: 'Soft' } : { type: 'Immediate' }));
        this.ws.pause();
        return;
      case 'hugeFrame':
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(hugeFrameText(), { binary: false });
        return;
      default:
        return;
    }
  }

  private answer(id: string, action: string): void {
    const payload = healthyAnswer(this.version, action, this.options.bootIntervalS ?? 1);
    if (payload === undefined) {
      this.log.callErrorsSent++;
      this.send(encodeCallError(id, 'NotImplemented', `${action} is not implemented by the chaos CSMS`));
      return;
    }
    this.log.answered++;
    const text = encodeCallResult(id, payload);
    this.send(text);
    if (this.behaviour === 'strayAnswers' && this.log.duplicatesSent < DUPLICATED * this.log.connections) {
      this.log.duplicatesSent++;
      this.send(text);
    }
  }
}

export async function startChaosCsms(options: ChaosOptions): Promise<ChaosCsms> {
  return new ChaosCsms(options).listen();
}
