/**
 * A live run's per-second ledger: what the aggregator counts, kept second by second, so that the
 * statistics of any window of whole seconds can be added up afterwards (window-part.ts) without
 * the cumulative run. The interval log (intervals.ts) keeps latencies per action over all groups
 * and no counts; a window must answer every threshold and health check (per group, errors by
 * kind, timeouts, never-sent calls, connects, boots), so this ledger keeps, per second: call
 * counts by outcome and response/service histograms per (group, action), connects, boots, error
 * kinds and counters per group, the lowest gauge levels, and the workers' own saturation.
 *
 * Only a live run has one: the pump hands it each record after the aggregator (a second sink,
 * one per worker), so an ordinary run pays nothing. Like the interval log, a second's histograms
 * are compressed once it has closed (a few hundred bytes each instead of ~94 KB); records for a
 * second already closed still count, their values kept apart until the next tick folds them in.
 */
import { encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { FleetGauges } from './gauges';
import { type CallCounts, HistogramPool, newCallCounts, record } from './histograms';
import { GeneratorCode, MAX_CODE, RecordKind, recordCode, recordGroup, recordKind } from './record';
import type { RecordSink } from './ring';
import { MAX_SECONDS } from './seconds';

/** Seconds kept open for late records (the pump is drained every 25 ms; workers flush every 20 ms). */
const OPEN_SECONDS = 3;

/** Histogram keys: a (group, action) pair's response and service times, connects, boots. */
export const enum Series {
  Response = 0,
  Service = 1,
}
export const CONNECT_KEY = -1;
export const BOOT_KEY = -2;

export function pairKey(group: number, code: number): number {
  return group * (MAX_CODE + 1) + code;
}

export function histogramKey(pair: number, series: Series): number {
  return pair * 2 + series;
}

/**
 * A closed second's histogram of one key, compressed (one text more per fold of late values). The
 * compressed form keeps the counts but not the exact extremes (a decoded histogram's max is its
 * bucket's top): they are kept beside it, so a window's max and min are those recorded.
 */
export interface ClosedSeries {
  readonly texts: string[];
  max: number;
  min: number;
}

/** One worker's saturation over one second: the delay buckets it gained, as (bucket, count) pairs. */
export class WorkerSecond {
  readonly loopDelay: number[] = [];
  readonly schedulerLag: number[] = [];
  busyUs = 0;
  idleUs = 0;
}

/** Everything one second holds. */
export class LedgerSecond {
  readonly calls = new Map<number, CallCounts>();
  /** Histograms while the second is open. */
  readonly open = new Map<number, Histogram>();
  /** Once closed: each histogram compressed (one more per fold of late values). */
  readonly closed = new Map<number, ClosedSeries>();
  isOpen = true;
  connectAttempts = 0;
  connectOk = 0;
  connectErrors = 0;
  bootsAccepted = 0;
  /** By pairKey(group, error kind code) and pairKey(group, counter code). */
  readonly errors = new Map<number, number>();
  readonly counters = new Map<number, number>();
  /** CallNotSent by reason index. */
  readonly neverSent: number[] = [];
  /** Indexed by worker. */
  readonly workers: (WorkerSecond | undefined)[] = [];
  /** Per group, the lowest level sampled in the second (undefined: no sample). */
  gauges: FleetGauges[] | undefined;
}

export class WindowLedger {
  private readonly seconds: (LedgerSecond | undefined)[] = [];
  private readonly pool = new HistogramPool();
  /** Values of seconds already closed, by second then key, folded in by `advanceTo`. */
  private readonly late = new Map<number, Map<number, Histogram>>();
  private maxSecond = -1;
  private closedThrough = -1;
  /** Records past MAX_SECONDS: not kept. */
  outOfRange = 0;

  /** Codes the ledger counts by name: the aggregator's errors `neverSent` and `timeout`. */
  constructor(private readonly neverSentCode: number) {}

  /** The sink of worker `worker`'s ring: the same records the aggregator gets. */
  sinkOf(worker: number): RecordSink {
    return { ingest: (w0, w1, w2, w3) => this.ingest(worker, w0, w1, w2, w3) };
  }

  ingest(worker: number, w0: number, w1: number, w2: number, w3: number): void {
    const second = Math.floor(w3 / 1000);
    const s = this.second(second);
    if (s === undefined) return;
    const kind = recordKind(w0);
    const group = recordGroup(w0);
    const code = recordCode(w0);
    switch (kind) {
      case RecordKind.CallOk: {
        this.sent(s, group, code).ok++;
        const pair = pairKey(group, code);
        this.record(s, second, histogramKey(pair, Series.Response), w1);
        this.record(s, second, histogramKey(pair, Series.Service), w2);
        return;
      }
      case RecordKind.CallError:
        this.sent(s, group, code).callErrors++;
        return;
      case RecordKind.CallInvalid:
        this.sent(s, group, code).invalid++;
        return;
      case RecordKind.CallAborted:
        this.sent(s, group, code).aborted++;
        return;
      case RecordKind.CallTimeout:
        this.sent(s, group, code).timeouts++;
        return;
      case RecordKind.CallNotSent: {
        this.counts(s, group, code).neverSent++;
        const reason = w1 < 256 ? w1 : 255;
        s.neverSent[reason] = (s.neverSent[reason] ?? 0) + 1;
        if (this.neverSentCode >= 0) add(s.errors, pairKey(group, this.neverSentCode), 1);
        return;
      }
      case RecordKind.ConnectOk:
        s.connectAttempts++;
        s.connectOk++;
        this.record(s, second, CONNECT_KEY, w1);
        return;
      case RecordKind.ConnectFail:
        s.connectAttempts++;
        s.connectErrors++;
        add(s.errors, pairKey(group, code), 1);
        return;
      case RecordKind.BootAccepted:
        s.bootsAccepted++;
        this.record(s, second, BOOT_KEY, w1);
        return;
      case RecordKind.Error:
        add(s.errors, pairKey(group, code), w1);
        return;
      case RecordKind.Counter:
        add(s.counters, pairKey(group, code), w1);
        return;
      case RecordKind.Generator:
        this.generator(s, worker, code, w1, w2);
        return;
      default:
      // Incoming calls and TLS handshakes are no window's question; unknown kinds are the aggregator's to count.
    }
  }

  /** The gauges summed over workers at `elapsedMs` since the epoch: each second keeps its lowest. */
  sampleGauges(elapsedMs: number, groups: readonly FleetGauges[]): void {
    const s = this.second(Math.floor(elapsedMs / 1000));
    if (s === undefined) return;
    if (s.gauges === undefined) {
      s.gauges = groups.map((g) => ({ ...g }));
      return;
    }
    groups.forEach((g, i) => {
      const low = s.gauges?.[i];
      if (low === undefined) return;
      low.connected = Math.min(low.connected, g.connected);
      low.booted = Math.min(low.booted, g.booted);
      low.charging = Math.min(low.charging, g.charging);
    });
  }

  /** A clock tick (`second` since the epoch): seconds older than the open window close. */
  advanceTo(second: number): void {
    this.closeThrough(second - OPEN_SECONDS);
    this.foldLate();
  }

  /** Closes every second (the run is over): its data stays readable. */
  finish(): void {
    this.closeThrough(this.maxSecond);
    this.foldLate();
  }

  /** The seconds held, by index (undefined: nothing happened that second); late values folded in first. */
  secondsFrom(from: number, to: number): (LedgerSecond | undefined)[] {
    this.foldLate();
    return this.seconds.slice(from, to);
  }

  private second(second: number): LedgerSecond | undefined {
    if (second > MAX_SECONDS || second < 0) {
      this.outOfRange++;
      return undefined;
    }
    let s = this.seconds[second];
    if (s === undefined) {
      s = new LedgerSecond();
      // A second that has closed already is born closed: its values go with the late ones.
      if (second <= this.closedThrough) s.isOpen = false;
      this.seconds[second] = s;
    }
    if (second > this.maxSecond) {
      this.maxSecond = second;
      this.closeThrough(second - OPEN_SECONDS);
    }
    return s;
  }

  private counts(s: LedgerSecond, group: number, code: number): CallCounts {
    const key = pairKey(group, code);
    let c = s.calls.get(key);
    if (c === undefined) {
      c = newCallCounts();
      s.calls.set(key, c);
    }
    return c;
  }

  /** The counts of a call that went on the wire: `sent` counted, the outcome left to the caller. */
  private sent(s: LedgerSecond, group: number, code: number): CallCounts {
    const c = this.counts(s, group, code);
    c.sent++;
    return c;
  }

  private record(s: LedgerSecond, second: number, key: number, us: number): void {
    let into: Map<number, Histogram>;
    if (s.isOpen) {
      into = s.open;
    } else {
      into = this.late.get(second) ?? new Map<number, Histogram>();
      this.late.set(second, into);
    }
    let h = into.get(key);
    if (h === undefined) {
      h = this.pool.take();
      into.set(key, h);
    }
    record(h, us);
  }

  private generator(s: LedgerSecond, worker: number, code: number, w1: number, w2: number): void {
    const w = s.workers[worker] ?? (s.workers[worker] = new WorkerSecond());
    if (code >= GeneratorCode.Utilisation) {
      w.busyUs += w1;
      w.idleUs += w2;
    } else if (code >= GeneratorCode.SchedulerLagBucket) {
      w.schedulerLag.push(code - GeneratorCode.SchedulerLagBucket, w1);
    } else {
      w.loopDelay.push(code - GeneratorCode.LoopDelayBucket, w1);
    }
  }

  private closeThrough(limit: number): void {
    if (limit <= this.closedThrough) return;
    for (let second = Math.max(0, this.closedThrough + 1); second <= limit; second++) {
      const s = this.seconds[second];
      if (s === undefined || !s.isOpen) continue;
      s.isOpen = false;
      for (const [key, h] of s.open) this.keep(s, key, h);
      s.open.clear();
    }
    this.closedThrough = limit;
  }

  private foldLate(): void {
    for (const [second, byKey] of this.late) {
      const s = this.seconds[second] as LedgerSecond;
      for (const [key, h] of byKey) this.keep(s, key, h);
    }
    this.late.clear();
  }

  /** Compress `h` into the closed second `s` and give it back to the pool. */
  private keep(s: LedgerSecond, key: number, h: Histogram): void {
    const text = encodeIntoCompressedBase64(h);
    const held = s.closed.get(key);
    if (held === undefined) {
      s.closed.set(key, { texts: [text], max: h.maxValue, min: h.minNonZeroValue });
    } else {
      held.texts.push(text);
      held.max = Math.max(held.max, h.maxValue);
      held.min = Math.min(held.min, h.minNonZeroValue);
    }
    this.pool.give(h);
  }
}

function add(counts: Map<number, number>, key: number, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}
