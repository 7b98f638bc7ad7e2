import type { CallRecorder, ErrorKind } from '../../src/ocpp';
import type { StationContext } from '../../src/station/context';
import type { CounterName } from '../../src/station/counters';
import type { StationGroup } from '../../src/station/group';
import type { SocketEvents, WireSocket } from '../../src/station/socket-events';
import type { TargetList } from '../../src/station/targets';

/**
 * Seams for a station's parts without sockets: a fake socket handed out by the context's connect
 * function, and a context whose clock and scheduler the test moves itself.
 */
export class FakeSocket implements WireSocket {
  readyState = 0;
  protocol = '';
  extensions = '';
  readonly sent: string[] = [];
  pings = 0;
  closedWith = -1;
  terminated = false;
  paused = false;

  constructor(
    readonly events: SocketEvents,
    readonly url: string,
    readonly offered: string,
  ) {}

  send(data: Buffer | string): void {
    this.sent.push(data.toString());
  }
  ping(): void {
    this.pings++;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }

  /** The server accepted the upgrade with `protocol` (the offered one unless told). */
  accept(protocol = this.offered): void {
    this.protocol = protocol;
    this.readyState = 1;
    this.events.socketUpgraded(this, protocol);
    this.events.socketOpened(this);
  }

  /** The connection ended (`err`: the attempt failed so first). */
  drop(err?: Error, code = 1006): void {
    if (err !== undefined) this.events.socketError(this, err);
    this.readyState = 3;
    this.events.socketClosed(this, code, Buffer.alloc(0));
  }

  /** A text frame from the CSMS. */
  receive(text: string): void {
    this.events.socketMessage(text);
  }
}

export function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

export function fakeGroup(over: Partial<StationGroup> = {}): StationGroup {
  return {
    index: 0,
    name: 'fake',
    version: '1.6',
    connectors: 1,
    vendor: 'Acme',
    model: 'Sim-1',
    firmware: '1.0.0',
    heartbeatIntervalMs: undefined,
    callTimeoutMs: 30_000,
    reconnect: { minMs: 1_000, maxMs: 8_000, jitter: 0 },
    pingIntervalMs: 0,
    sessions: { meanIdleMs: 3_600_000_000, durationMs: 60_000, meterIntervalMs: 60_000, powerW: 11_000, invalidTagShare: 0 },
    ...over,
  };
}

/** A StationContext whose connect function hands out FakeSockets and whose scheduler only records. */
export class FakeContext implements StationContext {
  clock = 1_000;
  baseUrl = 'ws://csms.test/ocpp';
  targets: TargetList | undefined = undefined;
  stopping = false;
  readonly localAddresses = undefined;
  readonly tls = { context: undefined, ca: undefined, rejectUnauthorized: true };
  readonly sockets: FakeSocket[] = [];
  /** The latest due time asked for each timer kind. */
  readonly due = new Map<number, number>();
  /** Every timer asked for, in order. */
  readonly scheduled: { index: number; kind: number; at: number }[] = [];
  readonly counts = new Map<CounterName, number>();
  readonly errors: ErrorKind[] = [];
  readonly connects: { ok: boolean; kind: ErrorKind | undefined }[] = [];
  /** Error samples, the first of each kind (as the worker keeps them). */
  readonly samples = new Map<ErrorKind, string>();
  readonly connect = (events: SocketEvents, url: string, protocol: string): WireSocket => {
    const s = new FakeSocket(events, url, protocol);
    this.sockets.push(s);
    return s;
  };
  readonly now = (): number => this.clock;

  get socket(): FakeSocket {
    const s = this.sockets[this.sockets.length - 1];
    if (s === undefined) throw new Error('no socket opened yet');
    return s;
  }
  atEpochOffset(ms: number): number {
    return ms;
  }
  schedule(index: number, kind: number, at: number): void {
    this.due.set(kind, at);
    this.scheduled.push({ index, kind, at });
  }
  count(_group: StationGroup, name: CounterName, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
  error(_group: StationGroup, kind: ErrorKind): void {
    this.errors.push(kind);
  }
  recordConnect(_group: StationGroup, ok: boolean, _ms: number, kind: ErrorKind | undefined): void {
    this.connects.push({ ok, kind });
  }
  wantsErrorSample(kind: ErrorKind): boolean {
    return !this.samples.has(kind);
  }
  errorSample(kind: ErrorKind, text: string): void {
    if (!this.samples.has(kind)) this.samples.set(kind, text);
  }
  recordBootAccepted(): void {}
  recordTlsHandshake(): void {}
  recordWireBytes(): void {}
  gauge(): void {}
  stationMilestone(): void {}
  recorderOf(): CallRecorder {
    return { recordCall: () => {}, recordIncoming: () => {}, recordError: () => {} };
  }
}
