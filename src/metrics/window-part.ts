/**
 * A window of whole seconds of a live run, added up from its per-second ledger (window-ledger.ts):
 * the aggregator's statistics of those seconds alone (for Aggregator.addPart, so thresholds and
 * health checks read it as they read a run), the lowest gauge levels, and each worker's own
 * saturation. HDR histograms add up exactly, so a window's p99 is the p99 of its own calls.
 */
import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { AggregatorPart, GroupCount } from './aggregator-part';
import type { FleetGauges } from './gauges';
import { addCallCounts, CallStats, newHistogram } from './histograms';
import { LAG_BUCKETS, lagQuantile } from './lag-buckets';
import { MAX_CODE } from './record';
import { BOOT_KEY, CONNECT_KEY, histogramKey, type LedgerSecond, Series, type WindowLedger } from './window-ledger';

/** One worker's saturation over a window. */
export interface WorkerWindow {
  readonly worker: number;
  /** Event-loop delay samples and their p99 and largest bucket, ms (upper bucket edges). */
  readonly loopDelay: DelayFigures;
  /** Scheduler entries fired and how late, ms. */
  readonly schedulerLag: DelayFigures;
  /** Share of the window the worker's thread was busy (event-loop utilisation), 0..1; null: not measured. */
  readonly busyShare: number | null;
}

export interface DelayFigures {
  readonly samples: number;
  readonly p99: number;
  readonly max: number;
}

export interface WindowPart {
  /** For Aggregator.addPart. */
  readonly part: AggregatorPart;
  /** Per group, the lowest level sampled in any second of the window (zeros: none sampled). */
  readonly lowestGauges: FleetGauges[];
  /** The whole fleet's lowest level in any second of the window (each second: the sum of its groups' lowest). */
  readonly lowestTotal: FleetGauges;
  /** Per worker that reported, in worker order. */
  readonly workers: WorkerWindow[];
}

/** Seconds [fromSecond, toSecond) of `ledger`, for `groups` groups. */
export function windowPart(ledger: WindowLedger, fromSecond: number, toSecond: number, groups: number): WindowPart {
  const seconds = ledger.secondsFrom(fromSecond, toSecond);
  return {
    part: aggregatorPart(seconds),
    lowestGauges: lowestGauges(seconds, groups),
    lowestTotal: lowestTotal(seconds),
    workers: workerWindows(seconds),
  };
}

function aggregatorPart(seconds: readonly (LedgerSecond | undefined)[]): AggregatorPart {
  const calls = new Map<number, CallStats>();
  const connect = { attempts: 0, ok: 0, errors: 0, latency: newHistogram() };
  const boot = { accepted: 0, timeToAccepted: newHistogram() };
  const errors = new Map<number, number>();
  const counters = new Map<number, number>();
  const neverSent: number[] = [];
  for (const s of seconds) {
    if (s === undefined) continue;
    for (const [pair, c] of s.calls) {
      let stats = calls.get(pair);
      if (stats === undefined) {
        stats = new CallStats();
        calls.set(pair, stats);
      }
      addCallCounts(stats, c);
      addSeries(s, histogramKey(pair, Series.Response), stats.response);
      addSeries(s, histogramKey(pair, Series.Service), stats.service);
    }
    connect.attempts += s.connectAttempts;
    connect.ok += s.connectOk;
    connect.errors += s.connectErrors;
    addSeries(s, CONNECT_KEY, connect.latency);
    boot.accepted += s.bootsAccepted;
    addSeries(s, BOOT_KEY, boot.timeToAccepted);
    for (const [key, n] of s.errors) errors.set(key, (errors.get(key) ?? 0) + n);
    for (const [key, n] of s.counters) counters.set(key, (counters.get(key) ?? 0) + n);
    s.neverSent.forEach((n, reason) => (neverSent[reason] = (neverSent[reason] ?? 0) + n));
  }
  return {
    calls: [...calls].map(([pair, stats]) => ({ ...unpair(pair), stats })),
    connect,
    boot,
    errors: groupCounts(errors),
    counters: groupCounts(counters),
    neverSent,
  };
}

/**
 * The second's histograms of `key` (still open, or compressed once closed) added into `into`,
 * with the extremes recorded: a decoded histogram's max is its bucket's top, the kept one is exact.
 */
function addSeries(s: LedgerSecond, key: number, into: Histogram): void {
  const open = s.open.get(key);
  const closed = s.closed.get(key);
  if (open === undefined && closed === undefined) return;
  const before = into.totalCount;
  let max = before > 0 ? into.maxValue : 0;
  let min = before > 0 ? into.minNonZeroValue : Number.MAX_SAFE_INTEGER;
  if (open !== undefined && open.totalCount > 0) {
    into.add(open);
    max = Math.max(max, open.maxValue);
    min = Math.min(min, open.minNonZeroValue);
  }
  if (closed !== undefined) {
    for (const text of closed.texts) into.add(decodeFromCompressedBase64(text));
    max = Math.max(max, closed.max);
    min = Math.min(min, closed.min);
  }
  if (into.totalCount === before) return;
  // The fields the histogram keeps its extremes in (JsHistogram's own, public there).
  const extremes = into as unknown as { maxValue: number; minNonZeroValue: number };
  extremes.maxValue = max;
  extremes.minNonZeroValue = min;
}

function unpair(pair: number): { group: number; code: number } {
  return { group: Math.floor(pair / (MAX_CODE + 1)), code: pair % (MAX_CODE + 1) };
}

function groupCounts(counts: ReadonlyMap<number, number>): GroupCount[] {
  return [...counts].map(([pair, n]) => ({ ...unpair(pair), n }));
}

function lowestGauges(seconds: readonly (LedgerSecond | undefined)[], groups: number): FleetGauges[] {
  let low: FleetGauges[] | undefined;
  for (const s of seconds) {
    if (s?.gauges === undefined) continue;
    if (low === undefined) {
      low = s.gauges.map((g) => ({ ...g }));
      continue;
    }
    s.gauges.forEach((g, i) => {
      const l = low?.[i];
      if (l === undefined) return;
      l.connected = Math.min(l.connected, g.connected);
      l.booted = Math.min(l.booted, g.booted);
      l.charging = Math.min(l.charging, g.charging);
    });
  }
  return low ?? Array.from({ length: groups }, () => ({ connected: 0, booted: 0, charging: 0 }));
}

function lowestTotal(seconds: readonly (LedgerSecond | undefined)[]): FleetGauges {
  let low: FleetGauges | undefined;
  for (const s of seconds) {
    if (s?.gauges === undefined) continue;
    const t = s.gauges.reduce((a, g) => ({ connected: a.connected + g.connected, booted: a.booted + g.booted, charging: a.charging + g.charging }), { connected: 0, booted: 0, charging: 0 });
    low = low === undefined ? t : { connected: Math.min(low.connected, t.connected), booted: Math.min(low.booted, t.booted), charging: Math.min(low.charging, t.charging) };
  }
  return low ?? { connected: 0, booted: 0, charging: 0 };
}

function workerWindows(seconds: readonly (LedgerSecond | undefined)[]): WorkerWindow[] {
  const acc: { loop: Uint32Array; lag: Uint32Array; busy: number; idle: number }[] = [];
  for (const s of seconds) {
    s?.workers.forEach((w, i) => {
      if (w === undefined) return;
      const a = (acc[i] ??= { loop: new Uint32Array(LAG_BUCKETS), lag: new Uint32Array(LAG_BUCKETS), busy: 0, idle: 0 });
      addPairs(a.loop, w.loopDelay);
      addPairs(a.lag, w.schedulerLag);
      a.busy += w.busyUs;
      a.idle += w.idleUs;
    });
  }
  const out: WorkerWindow[] = [];
  acc.forEach((a, worker) => {
    const time = a.busy + a.idle;
    out.push({ worker, loopDelay: delayFigures(a.loop), schedulerLag: delayFigures(a.lag), busyShare: time > 0 ? a.busy / time : null });
  });
  return out;
}

function addPairs(into: Uint32Array, pairs: readonly number[]): void {
  for (let i = 0; i < pairs.length; i += 2) into[pairs[i] as number] = (into[pairs[i] as number] as number) + (pairs[i + 1] as number);
}

function delayFigures(buckets: Uint32Array): DelayFigures {
  const samples = buckets.reduce((a, b) => a + b, 0);
  return { samples, p99: lagQuantile(buckets, samples, 0.99), max: lagQuantile(buckets, samples, 1) };
}
