/**
 * Case 5's measuring process: one producer thread (pump-worker.ts), the consumer on the main
 * thread, CPU read for the whole process (both threads). The ring is the fleet's own
 * (src/metrics/ring.ts), drained the way FleetRun drains it; the sinks are a plain counter (the
 * pump alone) or the fleet's Aggregator (pump + HDR histograms, what a run pays per record).
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Aggregator } from '../src/metrics/aggregator';
import { packHeader, RecordKind } from '../src/metrics/record';
import { createRing, RingReader, RingWriter, type RecordSink } from '../src/metrics/ring';
import { ACTION_NAMES, ERROR_KINDS } from '../src/ocpp';
import { COUNTER_NAMES } from '../src/station/counters';
import { serveChild } from './lib/child';
import type { PumpMode, PumpWorkerData, PumpWorkerMessage } from './pump-worker';

export interface PumpSpec {
  /** 'ring-single': writer and reader on one thread, timed apart (what each end costs by itself). */
  readonly mode: PumpMode | 'ring-single';
  readonly sink: 'count' | 'aggregator';
  readonly ms: number;
  readonly rate: number;
  readonly batch: number;
  /** ring-paced: how often the consumer drains (FleetRun: 25 ms); ring: 0 = as fast as it can. */
  readonly drainEveryMs: number;
}

export interface PumpResult {
  /** ring-single only: best ns per record of the writing end, of the reading end. */
  readonly writeNs?: number;
  readonly drainNs?: number;
  readonly records: number;
  readonly ms: number;
  readonly perSec: number;
  readonly cpuUs: number;
  readonly nsPerRecord: number;
  /** CPU time over wall time: 1 = one core busy. */
  readonly cores: number;
}

class Counter implements RecordSink {
  n = 0;
  check = 0;
  ingest(w0: number, w1: number, w2: number, w3: number): void {
    this.n++;
    this.check = (this.check + w0 + w1 + w2 + w3) | 0;
  }
}

function sinkOf(kind: PumpSpec['sink']): RecordSink & { readonly count: () => number } {
  if (kind === 'count') {
    const c = new Counter();
    return { ingest: (a, b, d, e) => c.ingest(a, b, d, e), count: () => c.n };
  }
  const agg = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['bench'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  return { ingest: (a, b, d, e) => agg.ingest(a, b, d, e), count: () => agg.ingested };
}

/** Write a ring's worth, drain it, many times on one thread; the best round of each, ns/record. */
function singleThread(ms: number): PumpResult & { writeNs: number; drainNs: number } {
  const ring = createRing(1 << 16);
  const writer = new RingWriter(ring);
  const reader = new RingReader(ring);
  const sink = new Counter();
  const per = 1 << 15;
  let writeNs = Number.POSITIVE_INFINITY;
  let drainNs = Number.POSITIVE_INFINITY;
  let records = 0;
  const header = packHeader(RecordKind.CallOk, 0, 2);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const a = performance.now();
    for (let i = 0; i < per; i++) writer.write(header, 1000 + (i & 255), 900, i >>> 10);
    writer.flush();
    const b = performance.now();
    reader.drain(sink);
    const c = performance.now();
    writeNs = Math.min(writeNs, ((b - a) * 1e6) / per);
    drainNs = Math.min(drainNs, ((c - b) * 1e6) / per);
    records += per;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (sink.n !== records) throw new Error('single-thread ring lost records');
  const cpuUs = cpu.user + cpu.system;
  return { records, ms: wall, perSec: (records * 1000) / wall, cpuUs, nsPerRecord: (cpuUs * 1000) / records, cores: cpuUs / 1000 / wall, writeNs, drainNs };
}

async function run(spec: PumpSpec): Promise<PumpResult> {
  if (spec.mode === 'ring-single') return singleThread(spec.ms);
  const ring = spec.mode.startsWith('ring') ? createRing(1 << 16) : undefined;
  const reader = ring ? new RingReader(ring) : undefined;
  const sink = sinkOf(spec.sink);
  const data: PumpWorkerData = { mode: spec.mode, ms: spec.ms, ring, rate: spec.rate, batch: spec.batch };
  // Timed from the producer's 'started': thread start-up and module loading are not the pump's.
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let started: () => void = () => undefined;
  const producing = new Promise<void>((resolve) => (started = resolve));
  const worker = new Worker(join(__dirname, 'pump-worker.js'), { workerData: data });
  let producerDone = false;
  let written = -1;
  worker.on('message', (m: PumpWorkerMessage) => {
    if (m.type === 'started') {
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      started();
    } else if (m.type === 'each') sink.ingest(m.w0, m.w1, m.w2, m.w3);
    else if (m.type === 'batch') {
      const w = m.words;
      for (let i = 0; i < m.records; i++) sink.ingest(w[4 * i] as number, w[4 * i + 1] as number, w[4 * i + 2] as number, w[4 * i + 3] as number);
    } else {
      producerDone = true;
      written = m.written;
    }
  });
  const exited = new Promise<void>((resolve, reject) => {
    worker.once('exit', () => resolve());
    worker.once('error', reject);
  });
  await producing;
  if (reader) {
    // Drain as FleetRun does (a timer) or as fast as the loop turns (setImmediate).
    await new Promise<void>((resolve) => {
      const step = (): void => {
        reader.drain(sink);
        if (producerDone && reader.consumed >= written) {
          resolve();
          return;
        }
        if (spec.drainEveryMs > 0) setTimeout(step, spec.drainEveryMs);
        else setImmediate(step);
      };
      step();
    });
  }
  await exited;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const records = sink.count();
  if (written >= 0 && records !== written) throw new Error(`pump lost records: ${written} written, ${records} read`);
  const cpuUs = cpu.user + cpu.system;
  return { records, ms, perSec: (records * 1000) / ms, cpuUs, nsPerRecord: (cpuUs * 1000) / Math.max(1, records), cores: cpuUs / 1000 / ms };
}

serveChild<PumpSpec, PumpResult>((spec) => run(spec));
