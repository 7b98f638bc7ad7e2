import { performance } from 'node:perf_hooks';
import { ACTION_NAMES, errorKindCode, type CallOutcome, type CallRecorder, type ErrorKind, type NeverSent, type SendOutcome } from '../ocpp';
import { Gauge, GaugeWriter } from '../metrics/gauges';
import { packHeader, RecordKind, toMicros } from '../metrics/record';
import { RingWriter } from '../metrics/ring';
import { counterCode, type CounterName } from '../station/counters';
import type { SharedTls, StationContext } from '../station/context';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { StationGroup } from '../station/group';
import type { TargetList } from '../station/targets';
import { redact } from '../station/redact';
import { openSocket, type ConnectFn } from '../station/socket-events';
import type { Station } from '../station/station';
import { TIMER_SLOTS, TimerKind } from '../station/station-timers';
import type { GroupOutcome, StationSecurity } from '../thread/messages';
import { RateGate, type Resumable } from './rate-gate';
import { Scheduler } from './scheduler';

/** The live fleet's scheduler key: a fault's is -1 - its index in the timeline, never this low. */
const FLEET_TIMER_KEY = -(2 ** 40);

const GAUGES = { connected: Gauge.Connected, booted: Gauge.Booted, charging: Gauge.Charging } as const;

/**
 * What a worker gives its stations: one clock, one scheduler, and the writing end of the pump.
 * Every record carries its completion time as ms since the run's epoch, so the coordinator can
 * put records of all workers on one time line.
 */
export class WorkerRuntime implements StationContext {
  readonly stations: Station[] = [];
  readonly scheduler: Scheduler;
  readonly outcomes: GroupOutcome[];
  stopping = false;
  private readonly ring: RingWriter;
  private readonly gauges: GaugeWriter;
  private readonly recorders: CallRecorder[];
  /** performance.now() of this thread at the run's epoch (set by `setEpoch` when the run starts). */
  private epochPerf = 0;
  /**
   * Per station: the call timeout last asked for, and the time of its one scheduler entry (-1:
   * none). Every call arms a timeout that is almost never reached; an entry per call would leave
   * `callTimeout × calls/s` stale entries in the heap (600,000 at 20,000 calls/s and 30 s), and
   * a heap that deep made the scheduler the worker's largest cost. With one entry per station,
   * a later deadline only updates `callDeadline`; the entry, when due, moves itself there.
   */
  private callDeadline = new Float64Array(0);
  private callEntryAt = new Float64Array(0);
  /**
   * Frame bytes per group, summed here and sent through the pump about once a second: a record
   * per frame would double the pump's traffic. Per group, 4 cells per action code: own calls
   * sent and received, the CSMS's calls sent and received.
   */
  private readonly bytes: Float64Array[];
  private bytesFlushedAt = 0;

  readonly tls: SharedTls;
  /** The stations' transports open real `ws` sockets (unit tests of the transport pass a fake). */
  readonly connect: ConnectFn = openSocket;
  readonly takeCallToken: ((station: Resumable) => boolean) | undefined;
  private readonly gate: RateGate | undefined;

  constructor(
    readonly baseUrl: string,
    security: StationSecurity,
    groups: readonly StationGroup[],
    ring: SharedArrayBuffer,
    gauges: SharedArrayBuffer,
    maxCallsPerSec?: number,
    readonly localAddresses: readonly string[] | undefined = undefined,
    readonly targets: TargetList | undefined = undefined,
  ) {
    this.tls = sharedTls(security);
    this.gate = maxCallsPerSec === undefined ? undefined : new RateGate(maxCallsPerSec, this.now);
    const gate = this.gate;
    this.takeCallToken = gate === undefined ? undefined : (station) => gate.take(station);
    this.ring = new RingWriter(ring);
    this.gauges = new GaugeWriter(gauges);
    this.scheduler = new Scheduler(this.now, (key, at) => this.dispatch(key, at));
    this.recorders = groups.map((g) => this.makeRecorder(g.index));
    this.bytes = groups.map(() => new Float64Array(ACTION_NAMES.length * 4));
    this.outcomes = groups.map(() => ({ planned: 0, attempted: 0, connected: 0, booted: 0 }));
  }

  /** Monotonic ms of this thread; an arrow so stations and sessions can hold it as a plain function. */
  readonly now = (): number => performance.now();

  setEpoch(epochWallMs: number): void {
    this.epochPerf = epochWallMs - performance.timeOrigin;
  }

  /** Monotonic time of a moment given as ms after the run's epoch. */
  atEpochOffset(ms: number): number {
    return this.epochPerf + ms;
  }

  /** Whole ms since the run's epoch of `at` on this thread's clock (`now()`). */
  private sinceEpoch(at: number = performance.now()): number {
    const t = at - this.epochPerf;
    return t > 0 ? Math.floor(t) : 0;
  }

  /** Timers of the worker itself (the faults timeline), keyed by a number of their own. */
  workerTimer: ((id: number, at: number) => void) | undefined = undefined;

  /** Call `workerTimer(id, at)` at `at`: negative keys of the one scheduler are the worker's. */
  scheduleWorker(id: number, at: number): void {
    this.scheduler.schedule(-1 - id, at);
  }

  /** A live run's fleet timer (worker/live-fleet.ts): one key of its own, far below the faults' ids. */
  fleetTimer: ((at: number) => void) | undefined = undefined;

  scheduleFleet(at: number): void {
    this.scheduler.schedule(FLEET_TIMER_KEY, at);
  }

  private dispatch(key: number, at: number): void {
    if (key < 0) {
      if (key === FLEET_TIMER_KEY) this.fleetTimer?.(at);
      else this.workerTimer?.(-1 - key, at);
      return;
    }
    const index = Math.floor(key / TIMER_SLOTS);
    const kind = key - index * TIMER_SLOTS;
    if (kind === TimerKind.CallTimeout) {
      // An entry left behind when the deadline moved earlier (rare: deadlines grow with the clock).
      if (this.callEntryAt[index] !== at) return;
      const deadline = this.callDeadline[index] as number;
      if (deadline > at) {
        this.callEntryAt[index] = deadline;
        this.scheduler.schedule(key, deadline);
        return;
      }
      this.callEntryAt[index] = -1;
    }
    (this.stations[index] as Station).onTimer(kind, at);
  }

  schedule(index: number, kind: number, at: number): void {
    if (kind === TimerKind.CallTimeout) this.scheduleCallTimeout(index, at);
    else this.scheduler.schedule(index * TIMER_SLOTS + kind, at);
  }

  private scheduleCallTimeout(index: number, at: number): void {
    if (index >= this.callDeadline.length) this.growCallTables(index + 1);
    this.callDeadline[index] = at;
    const entry = this.callEntryAt[index] as number;
    // An entry due no later than `at` is there already: it will move itself to `at` when due.
    if (entry >= 0 && entry <= at) return;
    this.callEntryAt[index] = at;
    this.scheduler.schedule(index * TIMER_SLOTS + TimerKind.CallTimeout, at);
  }

  private growCallTables(stations: number): void {
    const size = Math.max(stations, this.callDeadline.length * 2, 64);
    const deadline = new Float64Array(size).fill(-1);
    const entryAt = new Float64Array(size).fill(-1);
    deadline.set(this.callDeadline);
    entryAt.set(this.callEntryAt);
    this.callDeadline = deadline;
    this.callEntryAt = entryAt;
  }

  private write(kind: RecordKind, group: number, code: number, v1: number, v2: number): void {
    this.ring.write(packHeader(kind, group, code), v1, v2, this.sinceEpoch());
  }

  private makeRecorder(group: number): CallRecorder {
    // CallOutcome values equal the call RecordKinds (Ok = CallOk = 1 ... Aborted = CallAborted = 5).
    return {
      // The session's clock is `now`: its reading at the call's end time-stamps the record.
      recordCall: (outcome: CallOutcome, action: number, responseMs: number, serviceMs: number, atMs: number) =>
        this.ring.write(
          packHeader(outcome as number as RecordKind, group, action),
          toMicros(responseMs),
          toMicros(serviceMs),
          this.sinceEpoch(atMs),
        ),
      // An action that is no OCPP action has no name to count it under in `incoming`: it is
      // counted once, as errors.notImplemented, by the session.
      recordIncoming: (action: number, answered: boolean, answerMs: number) => {
        if (action >= 0) this.write(answered ? RecordKind.IncomingAnswered : RecordKind.IncomingReceived, group, action, toMicros(answerMs), 0);
      },
      recordError: (kind: ErrorKind) => this.write(RecordKind.Error, group, errorKindCode(kind), 1, 0),
      recordBytes: (action: number, incoming: boolean, sent: number, received: number) => {
        const cells = this.bytes[group] as Float64Array;
        const at = action * 4 + (incoming ? 2 : 0);
        cells[at] = (cells[at] as number) + sent;
        cells[at + 1] = (cells[at + 1] as number) + received;
      },
      recordNotSent: (action: number, reason: NeverSent) => this.write(RecordKind.CallNotSent, group, action, reason, 0),
      // One record per SEND, time-stamped as the calls are: a periodic stream's rate is read per second.
      recordSend: (action: number, outcome: SendOutcome, bytes: number) => {
        if (action >= 0) this.write(RecordKind.Send, group, action, outcome, bytes);
      },
      wantsSample: (kind: ErrorKind) => this.wantsErrorSample(kind),
      sample: (kind: ErrorKind, text: string) => this.errorSample(kind, redact(text)),
    };
  }

  recorderOf(group: StationGroup): CallRecorder {
    return this.recorders[group.index] as CallRecorder;
  }

  count(group: StationGroup, name: CounterName, n = 1): void {
    this.write(RecordKind.Counter, group.index, counterCode(name), n, 0);
  }

  error(group: StationGroup, kind: ErrorKind): void {
    this.write(RecordKind.Error, group.index, errorKindCode(kind), 1, 0);
  }

  recordConnect(group: StationGroup, ok: boolean, ms: number, kind: ErrorKind | undefined, status = 0): void {
    if (ok) this.write(RecordKind.ConnectOk, group.index, 0, toMicros(ms), 0);
    else this.write(RecordKind.ConnectFail, group.index, errorKindCode(kind ?? 'other'), toMicros(ms), status);
  }

  /**
   * The first redacted message of each error kind (summary.json `errorSamples`): at most one string
   * per kind, so the memory they take is bounded whatever the run meets.
   */
  readonly errorSamples = new Map<ErrorKind, string>();

  wantsErrorSample(kind: ErrorKind): boolean {
    return !this.errorSamples.has(kind);
  }

  errorSample(kind: ErrorKind, text: string): void {
    if (!this.errorSamples.has(kind)) this.errorSamples.set(kind, text);
  }

  recordBootAccepted(group: StationGroup, ms: number): void {
    this.write(RecordKind.BootAccepted, group.index, 0, toMicros(ms), 0);
  }

  recordTlsHandshake(group: StationGroup, ms: number): void {
    this.write(RecordKind.TlsHandshake, group.index, 0, toMicros(ms), 0);
  }

  gauge(group: StationGroup, which: 'connected' | 'booted' | 'charging', delta: number): void {
    this.gauges.add(group.index, GAUGES[which], delta);
  }

  /** A live run retired a station of group `group` (a count the coordinator reads with the gauges). */
  countRetired(group: number): void {
    this.gauges.add(group, Gauge.Retired, 1);
  }

  /** A live run's saturation figure for `second` (GeneratorCode), sent through the pump. */
  recordGenerator(code: number, v1: number, v2: number, second: number): void {
    this.ring.write(packHeader(RecordKind.Generator, 0, code), v1, v2, second * 1000);
  }

  stationMilestone(group: StationGroup, which: 'attempted' | 'connected' | 'booted'): void {
    (this.outcomes[group.index] as GroupOutcome)[which]++;
  }

  /** End of run: the rate limit's timer stops with the stations. */
  stopGate(): void {
    this.gate?.stop();
  }

  /** Move records the ring could not take yet; true when none are left behind. `final`: the bytes summed so far go too. */
  flush(final = false): boolean {
    const now = this.now();
    if (final || now - this.bytesFlushedAt >= 1000) {
      this.bytesFlushedAt = now;
      this.flushBytes();
    }
    this.ring.flush();
    return this.ring.backlog === 0;
  }

  /** A connection closed: its socket's bytes on the wire. */
  recordWireBytes(group: StationGroup, written: number, read: number): void {
    this.write(RecordKind.WireBytes, group.index, 0, Math.min(written, 0xffffffff), Math.min(read, 0xffffffff));
  }

  private flushBytes(): void {
    this.bytes.forEach((cells, group) => {
      for (let code = 0; code * 4 < cells.length; code++) {
        const at = code * 4;
        if (cells[at] !== 0 || cells[at + 1] !== 0) this.write(RecordKind.Bytes, group, code, cells[at] as number, cells[at + 1] as number);
        if (cells[at + 2] !== 0 || cells[at + 3] !== 0) this.write(RecordKind.IncomingBytes, group, code, cells[at + 2] as number, cells[at + 3] as number);
      }
      cells.fill(0);
    });
  }

  get recordsWritten(): number {
    return this.ring.written;
  }
}

/**
 * The TLS options every station of the worker shares. Node's `ca` option replaces the system's
 * trust store, so extra CAs (--ca) are added to the system's roots rather than given alone.
 */
function sharedTls(security: StationSecurity): SharedTls {
  const ca = security.extraCa === undefined ? undefined : [...rootCertificates, security.extraCa];
  const shared = ca !== undefined || security.clientCert !== undefined;
  return {
    context: shared ? createSecureContext({ ca, ...(security.clientCert ?? {}) }) : undefined,
    ca,
    rejectUnauthorized: security.verifyTls,
    ...(security.clientCertDir ? { clientCertDir: security.clientCertDir } : {}),
  };
}
