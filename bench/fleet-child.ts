/**
 * The fleet under test, in a process of its own, driven through the same parts the CLI uses:
 * a plan from `planFleet`, group configs from `groupConfigs`, and either the real `FleetRun`
 * (piscina worker threads, the shared-memory pump, the coordinator: 'pool') or the worker's own
 * task function run on the main thread ('inline', for the memory case, where gc() and the heap
 * figures must see the stations).
 *
 * Not through `run()` (src/run/), on purpose: the bench reads its windows from its own aggregator
 * while the fleet runs (BenchAggregator: boots awaited, calls counted per window) and stops the
 * fleet once it has them; run() brings its own aggregator, fail fast and health judging, and writes
 * a results folder, work that would land inside what the bench measures.
 */
import { MessageChannel } from 'node:worker_threads';
import { FleetRun, WIND_DOWN_STOPS_PER_SEC } from '../src/coordinator/run-fleet';
import { groupConfigs } from '../src/coordinator/groups';
import { createGauges } from '../src/metrics/gauges';
import { createRing, RingReader } from '../src/metrics/ring';
import { validatorsFor } from '../src/ocpp';
import { planFleet, type FleetPlan } from '../src/scenario/plan';
import { parseScenario } from '../src/scenario/load';
import type { GroupSpec } from '../src/scenario/types';
import type { GroupConfig, WorkerMessage, WorkerResult } from '../src/thread/messages';
import runWorker = require('../src/worker/main');
import { BenchAggregator, BootSink, histogramMs } from './lib/bench-aggregator';
import { serveChild, type ChildIo } from './lib/child';
import { gcNow, memoryDelta, type MemorySnapshot } from './lib/memory';
import type { FleetResult, FleetSpec, MemoryResult } from './lib/specs';
import { cpuMicros, sleep } from './lib/stats';

/**
 * The bench's fleet, written as a scenario file and read by the scenario loader, so that it follows
 * the file format as the project changes it. Sessions are so rare that none starts during a bench:
 * the load is boot, status and heartbeats. The heartbeat interval is then set on the loaded group,
 * since the file's units stop at whole milliseconds and the closed loop needs fractions.
 */
export function benchPlan(spec: FleetSpec): { plan: FleetPlan; groups: GroupConfig[] } {
  const text = [
    'name: bench',
    `duration: ${Math.ceil(spec.capMs)}ms`,
    'seed: 1',
    'callTimeout: 30s',
    'gracefulStop: 200ms',
    'groups:',
    '  - name: bench',
    `    count: ${spec.stations}`,
    `    ocpp: "${spec.version}"`,
    `    connectors: ${spec.connectors}`,
    `    identity: "${spec.identity}-{index:05}"`,
    `    ramp: ${spec.rampPerSec > 0 ? `${spec.rampPerSec}/s` : 'all'}`,
    sessionsLine(spec),
    ...(spec.signed ? ['    signedMeterValues: ocmf'] : []),
    '',
  ].join('\n');
  const scenario = parseScenario(text, 'bench.yaml');
  // Meter values at fractions of a ms are set here, like the heartbeat: the file's units stop at ms.
  const groups: GroupSpec[] = scenario.groups.map((g) => ({
    ...g,
    heartbeatIntervalMs: spec.heartbeatMs,
    ...(spec.meterMs === undefined ? {} : { sessions: { ...g.sessions, meterIntervalMs: spec.meterMs } }),
  }));
  const plan = planFleet(scenario, scenario.seed, groups);
  return { plan, groups: groupConfigs(scenario, groups) };
}

/** The group's sessions: none during a bench, or one long session charging (meter values), or streaming. */
function sessionsLine(spec: FleetSpec): string {
  if (spec.streamS !== undefined) {
    return `    sessions: { idle: 100ms, duration: 500h, meterInterval: 1h, powerKw: 11, script: [plugIn, start, {stream: {interval: ${spec.streamS}s}}, {wait: 400h}] }`;
  }
  return spec.meterMs === undefined
    ? '    sessions: { idle: 500h, duration: 1m, meterInterval: 1m, powerKw: 11 }'
    : '    sessions: { idle: 100ms, duration: 500h, meterInterval: 1m, powerKw: 11 }';
}

interface Window {
  calls: number;
  ms: number;
  cpuUs: number;
  memory: MemoryResult | null;
}

/**
 * After all booted: the throughput measure hands control to the parent (ready, samples, finish);
 * the others warm up, then read memory, or count calls and CPU over their window.
 */
async function measureWindow(spec: FleetSpec, agg: BenchAggregator, memoryBefore: MemorySnapshot | null, io: ChildIo): Promise<Window> {
  if (spec.measure === 'throughput' || spec.measure === 'sends') {
    io.onSample(spec.measure === 'sends' ? () => agg.sendsSent : () => agg.callsOk);
    io.ready({ timeToAllBootedMs: agg.lastBootAtMs });
    await io.finishRequested();
    return { calls: 0, ms: 0, cpuUs: 0, memory: null };
  }
  if (spec.measure === 'latency') {
    let cpu0 = process.cpuUsage();
    let t0 = 0;
    let ms = 0;
    let cpuUs = 0;
    io.onSample(() => {
      if (t0 === 0) {
        cpu0 = process.cpuUsage();
        t0 = performance.now();
        agg.openWindow();
      } else {
        agg.closeWindow();
        ms = performance.now() - t0;
        cpuUs = cpuMicros(cpu0, process.cpuUsage());
      }
      return agg.windowCalls;
    });
    io.ready({ timeToAllBootedMs: agg.lastBootAtMs });
    await io.finishRequested();
    return { calls: agg.windowCalls, ms, cpuUs, memory: null };
  }
  await sleep(spec.warmupMs);
  if (spec.measure === 'memory') {
    const after = gcNow();
    return { calls: 0, ms: 0, cpuUs: 0, memory: memoryBefore ? memoryDelta(memoryBefore, after, spec.stations) : null };
  }
  if (spec.measure === 'ramp') return { calls: 0, ms: 0, cpuUs: 0, memory: null };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  agg.openWindow();
  await sleep(spec.windowMs);
  agg.closeWindow();
  const cpuUs = cpuMicros(cpu0, process.cpuUsage());
  return { calls: agg.windowCalls, ms: performance.now() - t0, cpuUs, memory: null };
}

function result(spec: FleetSpec, agg: BenchAggregator, w: Window | null, written: number): FleetResult {
  const calls = w?.calls ?? 0;
  const latency = spec.measure === 'latency';
  return {
    planned: spec.stations,
    booted: agg.booted,
    timeToAllBootedMs: agg.booted >= spec.stations ? agg.lastBootAtMs : null,
    connectP99Ms: agg.connect.latency.getValueAtPercentile(99) / 1000,
    errors: Object.fromEntries(agg.errors()),
    calls,
    windowMs: w?.ms ?? 0,
    perSec: w && w.ms > 0 ? (calls * 1000) / w.ms : 0,
    cpuUs: w?.cpuUs ?? 0,
    cpuUsPerCall: w && calls > 0 ? w.cpuUs / calls : 0,
    response: latency ? histogramMs(agg.windowResponse) : null,
    service: latency ? histogramMs(agg.windowService) : null,
    dispatch: latency ? histogramMs(agg.windowDispatch) : null,
    memory: w?.memory ?? null,
    recordsWritten: written,
    recordsRead: agg.ingested,
  };
}

/** Booted within the cap, or null: a fleet that cannot boot is reported, not waited for. */
async function bootedWithin(agg: BenchAggregator, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const ok = await Promise.race([agg.allBooted().then(() => true), timeout]);
  clearTimeout(timer);
  return ok;
}

async function runPool(spec: FleetSpec, io: ChildIo): Promise<FleetResult> {
  const { plan, groups } = benchPlan(spec);
  const agg = new BenchAggregator(spec.stations, groups.map((g) => g.name));
  const before = spec.measure === 'memory' ? gcNow() : null;
  const run = new FleetRun({
    plan,
    groups,
    baseUrl: spec.url,
    workers: spec.workers,
    ...(spec.ca === undefined ? {} : { security: { extraCa: spec.ca, verifyTls: true } }),
    durationMs: spec.capMs,
    gracefulStopMs: 200,
    aggregator: agg,
  });
  const running = run.run();
  let w: Window | null = null;
  if (await bootedWithin(agg, spec.capMs)) w = await measureWindow(spec, agg, before, io);
  else if (spec.measure === 'throughput' || spec.measure === 'latency') throw new Error(`${agg.booted} of ${spec.stations} stations booted within ${spec.capMs} ms`);
  // A second stop closes at once: the bench has what it needs, no transaction is running.
  run.stop();
  run.stop();
  const outcome = await running;
  return result(spec, agg, w, outcome.recordsWritten);
}

async function runInline(spec: FleetSpec, io: ChildIo): Promise<FleetResult> {
  validatorsFor(spec.version);
  if (spec.measure === 'memory') {
    // A small fleet first, booted and stopped: code compiled, lazy singletons made, so that the
    // "before" snapshot of the real run holds everything that does not grow with N.
    const warm: FleetSpec = { ...spec, identity: `${spec.identity}W`, stations: Math.min(50, spec.stations), measure: 'ramp' };
    await inlineOnce(warm, io);
  }
  return inlineOnce(spec, io);
}

/** The worker's task on this thread, draining into a BootSink; only boots and memory are measured. */
async function inlineOnce(spec: FleetSpec, _io: ChildIo): Promise<FleetResult> {
  const { plan, groups } = benchPlan(spec);
  const sink = new BootSink(spec.stations);
  const ring = createRing(1 << 16);
  const reader = new RingReader(ring);
  const { port1, port2 } = new MessageChannel();
  const gauges = createGauges(1);
  const before = gcNow();
  // The worker's own task, called as FleetRun's pool would (see bench/README.md: hooks).
  const task = runWorker({ workerIndex: 0, baseUrl: spec.url, security: { verifyTls: true }, groups, stations: plan.stations, gracefulStopMs: 200, windDownStopsPerSec: WIND_DOWN_STOPS_PER_SEC, ring, gauges, port: port2 });
  await new Promise<void>((resolve) => port1.once('message', (m: WorkerMessage) => m.type === 'ready' && resolve()));
  port1.postMessage({ type: 'start', epochWallMs: Date.now() });
  const drain = setInterval(() => reader.drain(sink), 25);
  let memory: MemoryResult | null = null;
  const booted = await Promise.race([sink.allBooted().then(() => true), sleep(spec.capMs).then(() => false)]);
  if (booted && spec.measure === 'memory') {
    await sleep(spec.warmupMs);
    memory = memoryDelta(before, gcNow(), spec.stations);
  }
  port1.postMessage({ type: 'stop', immediate: true });
  const done: WorkerResult = await task;
  clearInterval(drain);
  reader.drain(sink);
  port1.close();
  return {
    planned: spec.stations,
    booted: sink.booted,
    timeToAllBootedMs: sink.booted >= spec.stations ? sink.lastBootAtMs : null,
    connectP99Ms: 0,
    errors: sink.errors > 0 ? { any: sink.errors } : {},
    calls: 0,
    windowMs: 0,
    perSec: 0,
    cpuUs: 0,
    cpuUsPerCall: 0,
    response: null,
    service: null,
    dispatch: null,
    memory,
    recordsWritten: done.recordsWritten,
    recordsRead: sink.ingested,
  };
}

serveChild<FleetSpec, FleetResult>((spec, io) => (spec.mode === 'inline' ? runInline(spec, io) : runPool(spec, io)));
