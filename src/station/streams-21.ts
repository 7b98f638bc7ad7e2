import type { JsonObject } from '../ocpp';

/**
 * OCPP 2.1's periodic event streams (Part 2, N: "Periodic event streams"), a station's side: the
 * station opens a stream for a variable it monitors (OpenPeriodicEventStream, a CALL), and once
 * the CSMS accepted it sends the monitored values as NotifyPeriodicEventStream SENDs: never
 * answered, at the stream's `interval`, `values` readings each. The CSMS may change a stream's
 * rate (AdjustPeriodicEventStream) and list the open ones (GetPeriodicEventStream); the station
 * closes it (ClosePeriodicEventStream) when what it monitors ends, here the session.
 *
 * One stream per connector, monitoring its power: what a CSMS would read to follow a fleet's
 * load second by second. Every stream of a station shares the station's one stream timer slot.
 */
export interface StreamHost {
  /** Write a SEND now; false when it was dropped (offline, not booted). */
  sendUnconfirmed(action: string, payload: JsonObject): boolean;
  /** A CALL of the station, for `connector` (its tag, by which the answer finds the stream). */
  callFor(connector: number, action: string, payload: JsonObject, due: number): void;
  /** Arm the station's stream timer at `at` (a later call replaces it). */
  setStreamTimer(at: number): void;
  /** The monitored value of `connector` now, as the SEND carries it (a string). */
  readingOf(connector: number, now: number): string;
}

/** A stream's rate as OCPP gives it: a SEND every `intervalS` seconds, `values` readings in each (PeriodicEventStreamParamsType). */
export interface StreamParams {
  readonly intervalS: number;
  readonly values: number;
}

const enum StreamState {
  /** OpenPeriodicEventStream sent, not yet answered. */
  Opening = 1,
  Open = 2,
}

interface Stream {
  readonly id: number;
  readonly variableMonitoringId: number;
  /** Opened by a session's script (closed with its transaction), else by a CSMS's monitor (kept until cleared). */
  readonly ofSession: boolean;
  state: StreamState;
  intervalS: number;
  values: number;
  nextAt: number;
  /** The readings since the last SEND, as [t (s from basetime), v]. */
  readonly pending: Array<{ t: number; v: string }>;
  basetimeMs: number;
}

/** The variable monitor a connector's stream reports: its power (ids above those of the device model's own monitors). */
const MONITOR_BASE = 1000;

/** Readings kept for a stream whose SENDs are dropped (offline): the oldest go first, so memory stays bounded. */
const MAX_PENDING = 100;

export class PeriodicStreams {
  /** By connector id; at most one stream each. */
  private readonly streams: (Stream | undefined)[] = [];
  private nextId = 1;

  constructor(
    private readonly host: StreamHost,
    /** The station clock's epoch in ms since 1970: basetime is wall-clock time, the scheduler's is monotonic. */
    private readonly wallClockAt: (now: number) => number,
  ) {}

  /**
   * Ask the CSMS to open a stream of `connector`'s power at `params`' rate: for a script's `stream`
   * step (`monitorId` undefined: the stream closes with the session), or for a Periodic monitor the
   * CSMS set with SetVariableMonitoring (its id; the stream stays until the monitor is cleared).
   * False when the connector streams already.
   */
  open(connector: number, params: StreamParams, due: number, monitorId?: number): boolean {
    if (this.streams[connector] !== undefined) return false;
    const stream: Stream = {
      id: this.nextId++,
      variableMonitoringId: monitorId ?? MONITOR_BASE + connector,
      ofSession: monitorId === undefined,
      state: StreamState.Opening,
      intervalS: params.intervalS,
      values: params.values,
      nextAt: 0,
      pending: [],
      basetimeMs: 0,
    };
    this.streams[connector] = stream;
    this.host.callFor(connector, 'OpenPeriodicEventStream', { constantStreamData: constantData(stream) }, due);
    return true;
  }

  /** The CSMS's answer to `connector`'s OpenPeriodicEventStream: accepted streams start now. */
  opened(connector: number, accepted: boolean, now: number): void {
    const stream = this.streams[connector];
    if (stream === undefined || stream.state !== StreamState.Opening) return;
    if (!accepted) {
      this.streams[connector] = undefined;
      return;
    }
    stream.state = StreamState.Open;
    stream.basetimeMs = now;
    stream.nextAt = now + intervalMs(stream);
    this.rearm();
  }

  /** `connector`'s session has ended: its session's stream closes, telling the CSMS if it was open. */
  sessionEnded(connector: number, due: number): void {
    if (this.streams[connector]?.ofSession === true) this.close(connector, due);
  }

  /** Whether `connector` has a stream, opening or open. */
  has(connector: number): boolean {
    return this.streams[connector] !== undefined;
  }

  /** Whether a stream reports the CSMS's monitor `monitorId`. */
  hasMonitor(monitorId: number): boolean {
    return this.streams.some((s) => s !== undefined && !s.ofSession && s.variableMonitoringId === monitorId);
  }

  /** The monitor `monitorId` was cleared (ClearVariableMonitoring): its stream closes. */
  monitorCleared(monitorId: number, due: number): void {
    const connector = this.streams.findIndex((s) => s !== undefined && !s.ofSession && s.variableMonitoringId === monitorId);
    if (connector >= 0) this.close(connector, due);
  }

  /** Close `connector`'s stream, telling the CSMS if it was open. */
  close(connector: number, due: number): void {
    const stream = this.streams[connector];
    if (stream === undefined) return;
    this.streams[connector] = undefined;
    if (stream.state === StreamState.Open) this.host.callFor(connector, 'ClosePeriodicEventStream', { id: stream.id }, due);
    this.rearm();
  }

  /** Every stream gone at once (a reboot): the CSMS forgets them with the connection. */
  clear(): void {
    this.streams.length = 0;
  }

  /** The stream timer fired: a reading and, when due, a SEND for every stream whose time came. */
  onTimer(now: number): void {
    // A loop, not forEach: this runs for every stream of every station each interval (no closure per tick).
    for (let connector = 0; connector < this.streams.length; connector++) {
      const stream = this.streams[connector];
      if (stream === undefined || stream.state !== StreamState.Open || stream.nextAt > now) continue;
      this.collect(stream, connector, now);
      stream.nextAt += intervalMs(stream);
      // A timer far behind (a stalled loop) sends once, not a burst of catch-up SENDs.
      if (stream.nextAt <= now) stream.nextAt = now + intervalMs(stream);
    }
    this.rearm();
  }

  /** AdjustPeriodicEventStream: a new rate for an open stream; Rejected for a stream this station does not have. */
  adjust(id: number, params: { interval?: number; values?: number }, now: number): JsonObject {
    const stream = this.streams.find((s) => s !== undefined && s.id === id && s.state === StreamState.Open);
    if (stream === undefined) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownStream' } };
    if (params.interval !== undefined) stream.intervalS = params.interval;
    if (params.values !== undefined) stream.values = params.values;
    stream.nextAt = now + intervalMs(stream);
    this.rearm();
    return { status: 'Accepted' };
  }

  /** GetPeriodicEventStream: the open streams, or none (the schema wants at least one item or no list). */
  list(): JsonObject {
    const open = this.streams.filter((s): s is Stream => s !== undefined && s.state === StreamState.Open).map(constantData);
    return open.length === 0 ? {} : { constantStreamData: open };
  }

  get openCount(): number {
    return this.streams.filter((s) => s !== undefined && s.state === StreamState.Open).length;
  }

  private collect(stream: Stream, connector: number, now: number): void {
    if (stream.pending.length === 0) stream.basetimeMs = now;
    stream.pending.push({ t: (now - stream.basetimeMs) / 1000, v: this.host.readingOf(connector, now) });
    if (stream.pending.length < Math.max(1, stream.values)) return;
    const payload = { id: stream.id, pending: 0, basetime: new Date(this.wallClockAt(stream.basetimeMs)).toISOString(), data: stream.pending.slice() };
    if (this.host.sendUnconfirmed('NotifyPeriodicEventStream', payload) || stream.pending.length >= MAX_PENDING) stream.pending.length = 0;
  }

  private rearm(): void {
    let next = Infinity;
    for (const s of this.streams) if (s !== undefined && s.state === StreamState.Open && s.nextAt < next) next = s.nextAt;
    if (next !== Infinity) this.host.setStreamTimer(next);
  }
}

/** A reading every interval; `values` readings make one SEND (interval 0: one a second, as fast as the stream is read here). */
function intervalMs(stream: Stream): number {
  const perSend = Math.max(1, stream.values);
  return (Math.max(stream.intervalS, 1) * 1000) / perSend;
}

function constantData(stream: Stream): JsonObject {
  return { id: stream.id, variableMonitoringId: stream.variableMonitoringId, params: { interval: stream.intervalS, values: stream.values } };
}
