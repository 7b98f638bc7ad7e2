import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Aggregator, LiveView } from '../metrics/aggregator';
import { createGauges, type Gauge, sumGauge, sumGauges, type GaugeTotals } from '../metrics/gauges';
import { createRing, RingReader, type RecordSink } from '../metrics/ring';
import type { FaultSpec } from '../scenario/faults';
import type { FleetPlan } from '../scenario/plan';
import { BootClock } from './boot-clock';
import { reduceSaturation, type FleetSaturation } from './saturation';
import type {
  CoordinatorMessage,
  FaultOutcome,
  GroupConfig,
  GroupOutcome,
  LiveOutcome,
  StationSecurity,
  TargetCount,
  WorkerMessage,
  WorkerResult,
  WorkerTask,
} from '../thread/messages';
import { splitOverWorkers } from './split';
import { workerPool } from './worker-pool';

export interface FleetRunOptions {
  readonly plan: FleetPlan;
  readonly groups: readonly GroupConfig[];
  readonly baseUrl: string;
  /** Several CSMS endpoints (`baseUrl` is the first): stations spread over them by identity and fail over. */
  readonly targetUrls?: readonly string[];
  readonly security?: StationSecurity;
  /** Each station's Basic auth password, if the target asks for one. */
  readonly passwordOf?: (identity: string) => string | undefined;
  readonly workers: number;
  /**
   * Run the one share (workers 1) on this thread's event loop instead of a worker thread: a
   * process of a fleet over several, whose main thread has little else to do.
   */
  readonly inThread?: boolean;
  /** --local-address: source addresses the stations' connections are spread over. */
  readonly localAddresses?: readonly string[];
  /** --max-rate: CALLs per second for this process's whole fleet, split evenly over its workers. */
  readonly maxCallsPerSec?: number;
  readonly durationMs: number;
  readonly gracefulStopMs: number;
  /**
   * End-of-run transaction stops per second for this process's fleet, split evenly over its
   * workers (default WIND_DOWN_STOPS_PER_SEC; a process of several gets its share).
   */
  readonly windDownStopsPerSec?: number;
  /** The scenario's faults timeline (each worker applies it to its own stations). */
  readonly faults?: readonly FaultSpec[];
  readonly aggregator: Aggregator;
  /** Records per worker ring; the backlog absorbs bursts beyond it, so this only sizes the fast path. */
  readonly ringCapacity?: number;
  /** Called once a second with the live view and the gauges, for the status line. */
  readonly onTick?: (second: number, live: LiveView, gauges: GaugeTotals) => void;
  /** Called once the workers were told to start, with the run's epoch (wall-clock ms). */
  readonly onStart?: (epochWallMs: number) => void;
  /**
   * The epoch decided elsewhere: called once the workers are ready, the run starts when it
   * resolves, on the epoch it gives (a process of a fleet spread over several: every process on
   * one start, so that their records share one clock). Without it the run starts at once.
   */
  readonly startAt?: () => Promise<number>;
  /** Every record drained also goes here (a process of a fleet over several forwards them). */
  readonly tee?: RecordSink;
  /** Called at every gauge tick (5 a second) with the gauges summed over workers. */
  readonly onSample?: (elapsedMs: number, gauges: GaugeTotals) => void;
  /**
   * A live run (src/run/live-run.ts): no stations start until `resize`, no duration (it lasts
   * until `end` or `stop`), and the pump's records also go to the sink each worker's ring is given
   * here (its window ledger); `onSample` gets the gauges at every tick (5 a second).
   */
  readonly live?: {
    readonly sinkOf: (worker: number) => RecordSink;
    readonly onSample: (elapsedMs: number, gauges: GaugeTotals) => void;
  };
}

/** The whole fleet's pace of end-of-run transaction stops: a thousand a second (src/worker/wind-down.ts). */
export const WIND_DOWN_STOPS_PER_SEC = 1000;

/** What the load generator itself cost (its own process, all threads): summary.json's `generator`. */
export interface GeneratorCost {
  /** ms from the run's start until every planned station had been accepted once; null if never. */
  timeToAllBootedMs: number | null;
  /** Resident memory of the generator process before the stations were created, and at its peak. */
  rssStartMb: number;
  rssPeakMb: number;
  /** (peak − start) / planned stations: what one station costs, socket included. */
  rssPerStationKb: number;
  cpuUserS: number;
  cpuSystemS: number;
  /** The worst worker's event-loop delay and how late its scheduler fired due entries, ms (health checks eventLoopDelay, schedulerLag). */
  eventLoopDelayMs?: { p99: number; max: number };
  schedulerLagMs?: { p99: number; max: number };
}

export interface FleetRunResult {
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly partial: boolean;
  readonly groups: GroupOutcome[];
  readonly recordsWritten: number;
  readonly undelivered: number;
  readonly generator: GeneratorCost;
  /** Per group: ms from its `startAt` until all its stations had been accepted once; null if never. */
  readonly groupsTimeToAllBootedMs: readonly (number | null)[];
  /** With targetUrls: per target (same order), stations on it at the end and how many were connected. */
  readonly targets?: TargetCount[];
  /** Each worker's outcome of each fault of the timeline (empty without faults). */
  readonly faults: readonly (readonly FaultOutcome[] | undefined)[];
  /** One redacted message per error kind: each worker's first, the lowest worker index first. */
  readonly errorSamples: Record<string, string>;
  /** The generator's own delays, the worst worker's (undefined if no worker measured them). */
  readonly saturation: FleetSaturation | undefined;
  /** A live run's starts and retirements per group, summed over workers. */
  readonly live?: LiveOutcome;
}

const DRAIN_EVERY_MS = 25;

/**
 * Runs a fleet: one piscina worker per share of the plan, a ring and a gauge block each, and the
 * coordinator draining the rings into the aggregator until every record written has been read.
 */
export class FleetRun {
  private readonly rings: SharedArrayBuffer[] = [];
  private readonly readers: RingReader[] = [];
  private readonly gauges: SharedArrayBuffer[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly sinks: RecordSink[] = [];
  private stopRequested = 0;
  private endRequested = false;
  private partial = false;
  private resolveStop: (() => void) | undefined;

  constructor(private readonly options: FleetRunOptions) {}

  /** Whether a stop or the planned end was asked for: the fleet winds down. */
  get stopping(): boolean {
    return this.stopRequested > 0 || this.endRequested;
  }

  /** Stop before the planned end (Ctrl-C): a first call winds down cleanly, a second closes at once. */
  stop(): void {
    this.stopRequested++;
    this.partial = true;
    this.resolveStop?.();
    if (this.stopRequested > 1) for (const p of this.ports) p.postMessage({ type: 'stop', immediate: true });
  }

  /** The planned end of a live run (not an interruption): the fleet winds down gracefully. */
  end(): void {
    this.endRequested = true;
    this.resolveStop?.();
  }

  /**
   * A live run's new size: `perWorker[w][g]` of worker w's stations of group g run, starting (or
   * stopping) spread over `rampMs` from `atMs` after the epoch.
   */
  resize(perWorker: readonly (readonly number[])[], rampMs: number, atMs: number): void {
    this.ports.forEach((p, w) => {
      const message: CoordinatorMessage = { type: 'resize', active: perWorker[w] ?? [], rampMs, atMs };
      p.postMessage(message);
    });
  }

  /** One gauge summed over workers, per group (a live run reads Gauge.Retired). */
  gaugeOf(gauge: Gauge): number[] {
    return sumGauge(this.gauges, this.options.plan.groups.length, gauge);
  }

  /**
   * Target `index` of targetUrls is lost for `forMs`: every worker drops its stations' connections
   * to it and they skip it until the time is up (see coordinator/node-loss.ts).
   */
  loseTarget(index: number, forMs: number): void {
    const message: CoordinatorMessage = { type: 'loseTarget', target: index, forMs };
    for (const p of this.ports) p.postMessage(message);
  }

  async run(): Promise<FleetRunResult> {
    const { plan, workers, aggregator } = this.options;
    const rssStart = process.memoryUsage.rss();
    const cpuStart = process.cpuUsage();
    let rssPeak = rssStart;
    const shares = splitOverWorkers(plan, workers, this.options.passwordOf);
    const pool = workerPool(shares.length, this.options.inThread === true);
    const ready: Promise<void>[] = [];
    const tasks: Promise<WorkerResult>[] = shares.map((stations, w) => {
      const ring = createRing(this.options.ringCapacity ?? 1 << 16);
      const gauges = createGauges(plan.groups.length);
      const { port1, port2 } = new MessageChannel();
      this.rings.push(ring);
      this.readers.push(new RingReader(ring));
      const more = this.options.live?.sinkOf(w);
      const first = this.options.tee === undefined ? aggregator : both(aggregator, this.options.tee);
      this.sinks.push(more === undefined ? first : both(first, more));
      this.gauges.push(gauges);
      this.ports.push(port1);
      ready.push(new Promise((resolve) => port1.once('message', (m: WorkerMessage) => m.type === 'ready' && resolve())));
      const task: WorkerTask = {
        workerIndex: w,
        baseUrl: this.options.baseUrl,
        ...(this.options.targetUrls === undefined ? {} : { targetUrls: this.options.targetUrls }),
        security: this.options.security ?? { verifyTls: true },
        ...(this.options.localAddresses === undefined ? {} : { localAddresses: this.options.localAddresses }),
        ...(this.options.maxCallsPerSec === undefined ? {} : { maxCallsPerSec: this.options.maxCallsPerSec / shares.length }),
        groups: this.options.groups,
        stations,
        gracefulStopMs: this.options.gracefulStopMs,
        windDownStopsPerSec: (this.options.windDownStopsPerSec ?? WIND_DOWN_STOPS_PER_SEC) / shares.length,
        ...(this.options.faults === undefined || this.options.faults.length === 0 ? {} : { faults: this.options.faults }),
        ring,
        gauges,
        port: port2,
        ...(this.options.live === undefined ? {} : { live: true }),
      };
      return pool.run(task);
    });
    // A worker that fails while starting must not leave the run waiting for its 'ready'.
    const ended = Promise.all(tasks).then(() => {
      throw new Error('the workers ended before the run started');
    });
    try {
      await Promise.race([Promise.all(ready), ended]);
    } catch (err) {
      await pool.destroy();
      throw err;
    }
    ended.catch(() => undefined);

    const planned = plan.groups.map(() => 0);
    for (const s of plan.stations) planned[s.group] = (planned[s.group] ?? 0) + 1;
    const boots = new BootClock(planned, plan.groups.map((g) => g.startAtMs));
    let epoch = Date.now();
    if (this.options.startAt !== undefined) {
      try {
        epoch = await this.options.startAt();
      } catch (err) {
        await pool.destroy();
        // A share on this thread, waiting for its start, is not ended by destroy(): a closed port
        // no longer holds the process.
        for (const p of this.ports) p.close();
        throw err;
      }
    }
    const startedAt = new Date(epoch);
    for (const p of this.ports) p.postMessage({ type: 'start', epochWallMs: epoch });
    this.options.onStart?.(epoch);
    const drain = setInterval(() => this.drain(), DRAIN_EVERY_MS);
    let lastSecond = -1;
    const tick = setInterval(() => {
      // Sampled every tick, so a second's row holds the levels near its end (the last sample wins).
      const second = Math.floor((Date.now() - epoch) / 1000);
      const totals = sumGauges(this.gauges, plan.groups.length);
      aggregator.sampleGauges(second, totals);
      this.options.live?.onSample(Date.now() - epoch, totals);
      this.options.onSample?.(Date.now() - epoch, totals);
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      boots.sample(Date.now() - epoch, totals.groups, totals.total);
      if (second === lastSecond) return;
      lastSecond = second;
      this.options.onTick?.(second, aggregator.live(Date.now() - epoch), totals);
    }, 200);

    await this.waitForEnd();
    for (const p of this.ports) p.postMessage({ type: 'stop', immediate: this.stopRequested > 1 });
    let results: WorkerResult[];
    try {
      results = await Promise.all(tasks);
    } finally {
      clearInterval(drain);
      clearInterval(tick);
      await pool.destroy();
    }
    const endedAt = new Date();
    const cpu = process.cpuUsage(cpuStart);
    this.drain();
    const final = Math.floor((endedAt.getTime() - epoch) / 1000);
    const saturation = reduceSaturation(results);
    aggregator.sampleGauges(final, sumGauges(this.gauges, plan.groups.length));
    return {
      startedAt,
      endedAt,
      partial: this.partial,
      groups: mergeOutcomes(results, plan.groups.length),
      recordsWritten: this.readers.reduce((n, r) => n + r.produced, 0),
      undelivered: results.reduce((n, r) => n + r.undelivered, 0),
      groupsTimeToAllBootedMs: boots.groupsMs,
      ...(this.options.targetUrls === undefined ? {} : { targets: mergeTargets(results, this.options.targetUrls.length) }),
      faults: results.map((r) => r.faults),
      errorSamples: mergeErrorSamples(results),
      saturation,
      ...(this.options.live === undefined ? {} : { live: mergeLive(results, plan.groups.length) }),
      generator: {
        timeToAllBootedMs: boots.fleetMs,
        rssStartMb: round(rssStart / 1048576),
        rssPeakMb: round(rssPeak / 1048576),
        rssPerStationKb: round((rssPeak - rssStart) / 1024 / Math.max(1, plan.stations.length)),
        cpuUserS: round(cpu.user / 1e6),
        cpuSystemS: round(cpu.system / 1e6),
        ...(saturation === undefined ? {} : { eventLoopDelayMs: pick(saturation.eventLoopDelayMs), schedulerLagMs: pick(saturation.schedulerLagMs) }),
      },
    };
  }

  private waitForEnd(): Promise<void> {
    return new Promise((resolve) => {
      // A live run has no duration: it lasts until end() or stop().
      const timer = this.options.live === undefined ? setTimeout(resolve, this.options.durationMs) : undefined;
      this.resolveStop = () => {
        clearTimeout(timer);
        resolve();
      };
      if (this.stopRequested > 0 || this.endRequested) this.resolveStop();
    });
  }

  /** Moves every record the workers have published into the aggregator (and a live run's ledger). */
  drain(): void {
    this.readers.forEach((r, w) => r.drain(this.sinks[w] as RecordSink));
  }
}

/** A sink that hands each record to `first`, then to `second`. */
function both(first: RecordSink, second: RecordSink): RecordSink {
  return {
    ingest(w0: number, w1: number, w2: number, w3: number): void {
      first.ingest(w0, w1, w2, w3);
      second.ingest(w0, w1, w2, w3);
    },
  };
}

function pick(d: { p99: number; max: number }): { p99: number; max: number } {
  return { p99: d.p99, max: d.max };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Stations and connections per target added over the outcomes of workers (or of processes). */
export function mergeTargets(results: readonly { readonly targets?: readonly TargetCount[] }[], size: number): TargetCount[] {
  const out: TargetCount[] = Array.from({ length: size }, () => ({ stations: 0, connected: 0 }));
  for (const r of results) {
    r.targets?.forEach((t, i) => {
      const o = out[i];
      if (o === undefined) return;
      o.stations += t.stations;
      o.connected += t.connected;
    });
  }
  return out;
}

/** Each kind's sample from the lowest worker index that has one (results are in worker order). */
export function mergeErrorSamples(results: readonly WorkerResult[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of [...results].sort((a, b) => a.workerIndex - b.workerIndex)) {
    for (const [kind, text] of Object.entries(r.errorSamples ?? {})) out[kind] ??= text;
  }
  return out;
}

function mergeLive(results: readonly WorkerResult[], groups: number): LiveOutcome {
  const sum = (pick: (o: LiveOutcome) => readonly number[]): number[] =>
    Array.from({ length: groups }, (_v, g) => results.reduce((n, r) => n + (r.live === undefined ? 0 : (pick(r.live)[g] ?? 0)), 0));
  return { activations: sum((o) => o.activations), retired: sum((o) => o.retired), forced: sum((o) => o.forced) };
}

/** Each group's counts added over the outcomes of workers (or of processes). */
export function mergeOutcomes(results: readonly { readonly groups: readonly GroupOutcome[] }[], groups: number): GroupOutcome[] {
  const out: GroupOutcome[] = Array.from({ length: groups }, () => ({ planned: 0, attempted: 0, connected: 0, booted: 0 }));
  for (const r of results) {
    r.groups.forEach((g, i) => {
      const o = out[i] as GroupOutcome;
      o.planned += g.planned;
      o.attempted += g.attempted;
      o.connected += g.connected;
      o.booted += g.booted;
    });
  }
  return out;
}
