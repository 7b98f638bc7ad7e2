/**
 * Case 9's generator: a mixed fleet with sessions and meter values for a long run, its memory
 * sampled after a forced GC (this process runs with --expose-gc).
 *
 * The stations run the worker's own task on this thread ('inline', as in the memory case), so that
 * gc() and the heap figures see them; their records are drained into the coordinator's real
 * `Aggregator` on the same thread, with the gauge tick FleetRun gives it, so the heap holds what a
 * run's coordinator holds too. One exception, measured apart: the aggregator's interval log
 * (`IntervalLog`, the lines of histograms.hlog) keeps every closed second's encoded histograms
 * until the run ends, by design, so it grows with the run's length whatever the fleet does. At
 * each sample its lines are counted, taken out, and the heap they held is measured (GC before and
 * after); the heap figure judged for leaks is the rest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapCodeStatistics, writeHeapSnapshot } from 'node:v8';
import { MessageChannel } from 'node:worker_threads';
import { groupConfigs } from '../src/coordinator/groups';
import { WIND_DOWN_STOPS_PER_SEC } from '../src/coordinator/run-fleet';
import { createGauges, sumGauges } from '../src/metrics/gauges';
import type { IntervalLog } from '../src/metrics/intervals';
import { createRing, RingReader } from '../src/metrics/ring';
import { validatorsFor } from '../src/ocpp';
import { parseScenario } from '../src/scenario/load';
import { planFleet } from '../src/scenario/plan';
import type { WorkerMessage, WorkerResult } from '../src/thread/messages';
import runWorker = require('../src/worker/main');
import { BenchAggregator } from './lib/bench-aggregator';
import { serveChild } from './lib/child';
import { gcNow } from './lib/memory';
import type { SoakResult, SoakSample, SoakSpec } from './lib/specs';
import { sleep } from './lib/stats';

/** The soak's fleet as a scenario file (like scenarios/soak.yaml, at a faster pace). */
export function soakScenarioText(spec: SoakSpec): string {
  const half16 = Math.ceil(spec.stations / 2);
  const group = (name: string, count: number, ocpp: string, identity: string, powerKw: number): string[] => [
    `  - name: ${name}`,
    `    count: ${count}`,
    `    ocpp: "${ocpp}"`,
    '    connectors: 2',
    `    identity: "${identity}-{index:05}"`,
    `    ramp: ${spec.rampPerSec > 0 ? `${spec.rampPerSec}/s` : 'all'}`,
    `    heartbeatInterval: ${spec.heartbeat}`,
    '    sessions:',
    `      arrival: {poisson: {meanIdle: ${spec.meanIdle}}}`,
    `      duration: {lognormal: {median: ${spec.sessionMedian}, sigma: 0.4}}`,
    `      powerKw: ${powerKw}`,
    `      meterInterval: ${spec.meterInterval}`,
  ];
  return [
    'name: soak-bench',
    // Longer than the soak: the child stops the run itself after its last sample.
    `duration: ${Math.ceil(spec.durationMs) + 60_000}ms`,
    'seed: 3',
    'callTimeout: 30s',
    'gracefulStop: 5s',
    'groups:',
    ...group('soak-16', half16, '1.6', 'SOAK16', 11),
    ...group('soak-201', spec.stations - half16, '2.0.1', 'SOAK201', 22),
    '',
  ].join('\n');
}

/**
 * The interval log's lines. They are private to IntervalLog; the soak reaches them to measure and
 * drop them (see the header). A change of that class shows here as an error, not as a wrong figure.
 */
function intervalEntries(log: IntervalLog): { text: string }[] {
  const entries = (log as unknown as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new Error('IntervalLog no longer keeps its lines in `entries`: update bench/soak-child.ts');
  return entries as { text: string }[];
}

/** VmRSS of another process in bytes (Linux), or NaN. */
function processRss(pid: number): number {
  if (pid <= 0) return Number.NaN;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const MB = 1048576;

async function soak(spec: SoakSpec): Promise<SoakResult> {
  const scenario = parseScenario(soakScenarioText(spec), 'soak-bench.yaml');
  const plan = planFleet(scenario, scenario.seed);
  const groups = groupConfigs(scenario, scenario.groups);
  validatorsFor('1.6');
  validatorsFor('2.0.1');
  const agg = new BenchAggregator(spec.stations, groups.map((g) => g.name));
  const ring = createRing(1 << 16);
  const reader = new RingReader(ring);
  const gauges = createGauges(groups.length);
  const { port1, port2 } = new MessageChannel();
  // The worker's own task, called as FleetRun's pool would (see bench/README.md: hooks).
  const task = runWorker({ workerIndex: 0, baseUrl: spec.url, security: { verifyTls: true }, groups, stations: plan.stations, gracefulStopMs: 5000, windDownStopsPerSec: WIND_DOWN_STOPS_PER_SEC, ring, gauges, port: port2 });
  await new Promise<void>((resolve) => port1.once('message', (m: WorkerMessage) => m.type === 'ready' && resolve()));
  const epoch = Date.now();
  port1.postMessage({ type: 'start', epochWallMs: epoch });
  // What FleetRun's coordinator does: drain every 25 ms, hand the gauges to the series every 200 ms.
  const drain = setInterval(() => reader.drain(agg), 25);
  const tick = setInterval(() => agg.sampleGauges(Math.floor((Date.now() - epoch) / 1000), sumGauges([gauges], groups.length)), 200);

  const samples: SoakSample[] = [];
  const snapshots: string[] = [];
  const count = Math.max(1, Math.floor(spec.durationMs / spec.sampleEveryMs));
  for (let k = 1; k <= count; k++) {
    await sleep(epoch + k * spec.sampleEveryMs - Date.now());
    reader.drain(agg);
    const atMs = Date.now() - epoch;
    const withLog = gcNow();
    const entries = intervalEntries(agg.intervals);
    let hlogChars = 0;
    for (const e of entries) hlogChars += e.text.length;
    const hlogLines = entries.length;
    entries.length = 0;
    const m = gcNow();
    // V8's compiled code and bytecode with their metadata: it grows as functions get hot, for
    // tens of minutes (heap snapshots: code, deopt data, relocation info), and is not the fleet's.
    // (The maps' dependent-code lists, V8's bookkeeping of optimised code, are not counted here.)
    const codeStats = getHeapCodeStatistics();
    const totals = sumGauges([gauges], groups.length).total;
    const live = agg.live(atMs);
    const steady = atMs >= spec.steadyAfterMs;
    const s: SoakSample = {
      atMs,
      steady,
      rss: m.rss,
      heap: m.heapUsed,
      code: codeStats.code_and_metadata_size + codeStats.bytecode_and_metadata_size,
      heapTotal: m.heapTotal,
      newSpace: m.newSpace,
      external: m.external,
      hlogHeap: withLog.heapUsed - m.heapUsed,
      hlogLines,
      hlogChars,
      csmsRss: processRss(spec.csmsPid),
      connected: totals.connected,
      charging: totals.charging,
      calls: live.calls,
      failures: live.errors,
    };
    samples.push(s);
    if (spec.printSamples) {
      const secs = Math.round(atMs / 1000);
      const t = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
      process.stdout.write(
        `  ${t}${steady ? ' ' : '*'} heap ${(s.heap / MB).toFixed(2)} MB (code ${(s.code / MB).toFixed(2)} MB, V8 total ${(s.heapTotal / MB).toFixed(1)} MB), RSS ${(s.rss / MB).toFixed(1)} MB, CSMS RSS ${(s.csmsRss / MB).toFixed(1)} MB, ` +
          `${s.connected} connected, ${s.charging} charging, ${s.calls} calls (${s.failures} failed), hlog +${(s.hlogHeap / 1024).toFixed(0)} KB\n`,
      );
    }
    const first = steady && !samples.slice(0, -1).some((x) => x.steady);
    if (spec.snapshotDir !== undefined && (first || k === count)) {
      // After the figures of this sample: writing a snapshot costs time and memory (RSS after it is not comparable).
      snapshots.push(writeHeapSnapshot(join(spec.snapshotDir, `soak-${Math.round(atMs / 1000)}s.heapsnapshot`)));
    }
  }

  port1.postMessage({ type: 'stop', immediate: false });
  const done: WorkerResult = await task;
  clearInterval(drain);
  clearInterval(tick);
  reader.drain(agg);
  port1.close();
  const sent: Record<string, number> = {};
  for (const [action, stats] of agg.actions()) sent[action] = stats.sent;
  return {
    planned: spec.stations,
    booted: agg.booted,
    samples,
    errors: Object.fromEntries(agg.errors()),
    counters: Object.fromEntries(agg.counters()),
    sent,
    recordsWritten: done.recordsWritten,
    recordsRead: agg.ingested,
    snapshots,
  };
}

serveChild<SoakSpec, SoakResult>((spec) => soak(spec));
