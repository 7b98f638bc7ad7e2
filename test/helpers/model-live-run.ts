/**
 * A model of a live run against a CSMS of known capacity, on a virtual clock: the search's driver
 * is tested through the LiveRun interface with it, at once and to the byte (the end-to-end tests
 * drive the real live run, src/run/live-run.ts). Every window is a real Aggregator filled with
 * real call records, so SLOs are judged by the real evaluateThresholds on real HDR histograms.
 *
 * The CSMS: calls pass through servers with a fixed service time, `capacityPerSecond` in all;
 * each station offers `callsPerStation` calls per second. Below capacity the response time is an
 * M/D/1 queue's mean, T·(1 + ρ / (2(1 − ρ))); at or past it the backlog grows from the moment the
 * size was asked, so latency grows without bound, second by second. Within a window the calls'
 * response times spread evenly from half to one and a half times that figure (p50 ≈ it, p99 ≈
 * 1.49 × it). Stations removed retire at once, and owe nothing.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LiveEnd, LiveRun, LiveRunOptions, StartLiveRun, StepWindow } from '../../src/capacity/live';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS } from '../../src/ocpp';
import type { HealthResult, Summary } from '../../src/report/summary';
import type { RunResult } from '../../src/run/results';
import { RandomStream } from '../../src/scenario/random';
import { COUNTER_NAMES } from '../../src/station/counters';

export interface CsmsModel {
  readonly capacityPerSecond: number;
  readonly serviceMs: number;
  readonly callsPerStation: number;
  /** The generator's event-loop delay p99 reaches 50 ms at this many stations (default: never). */
  readonly generatorSaturatesAt?: number;
  /** The run ends by itself (the CSMS dies) once asked for this many stations. */
  readonly diesAt?: number;
  /** Past this many stations, boots fail (the `booted` check). */
  readonly bootsFailAbove?: number;
  /**
   * For this long after each resize only Heartbeats are answered: the stations' way to what the
   * SLOs measure (boots, status reports, the start of their sessions) behind a slow CSMS.
   */
  readonly startUpMs?: number;
  /** Response times multiplied by a seeded factor within ±share per window. */
  readonly noise?: { readonly seed: number; readonly share: number };
}

/** What the model saw of the search: for assertions. */
export interface ModelLog {
  options: LiveRunOptions | undefined;
  readonly resizes: Array<{ stations: number; rampMs: number; atMs: number }>;
  readonly windows: Array<{ fromMs: number; toMs: number; active: number }>;
  finished: number;
}

const TX = actionCode('TransactionEvent');
const HB = actionCode('Heartbeat');
/** Records per window at most: plenty for a p99, quick to fill. */
const MAX_RECORDS = 4000;

/** The model's p50 response time (ms) at `stations`, `overloadedMs` after the size was asked. */
export function modelLatencyMs(model: CsmsModel, stations: number, overloadedMs: number): number {
  const rho = (stations * model.callsPerStation) / model.capacityPerSecond;
  if (rho < 0.999) return model.serviceMs * (1 + rho / (2 * (1 - rho)));
  return model.serviceMs * 500 + (rho - 1) * overloadedMs;
}

class ModelRun implements LiveRun {
  active = 0;
  endedBy: LiveEnd | undefined;
  endMessage: string | undefined;
  retired = 0;
  readonly targets = ['ws://model-csms/ocpp'];
  private clock = 0;
  private resizedAt = 0;
  private readonly random: RandomStream;

  constructor(
    readonly maxStations: number,
    private readonly model: CsmsModel,
    private readonly options: LiveRunOptions,
    private readonly log: ModelLog,
  ) {
    this.random = new RandomStream(model.noise?.seed ?? 1);
    options.signal?.addEventListener('abort', () => this.end('interrupted', 'the run was interrupted (signal)'), { once: true });
  }

  resize(stations: number, rampMs: number): void {
    if (!Number.isInteger(stations) || stations < 0 || stations > this.maxStations) throw new RangeError(`resize(${stations}) outside 0..${this.maxStations}`);
    this.log.resizes.push({ stations, rampMs, atMs: this.clock });
    this.resizedAt = this.clock;
    if (stations < this.active) this.retired += this.active - stations;
    this.active = stations;
    if (this.model.diesAt !== undefined && stations >= this.model.diesAt) this.end('csmsDied', `the embedded CSMS died ${(this.clock / 1000).toFixed(1)} s into the run (killed by SIGKILL)`);
  }

  private end(why: LiveEnd, message: string): void {
    if (this.endedBy !== undefined) return;
    this.endedBy = why;
    this.endMessage = message;
  }

  now(): number {
    return this.clock;
  }

  async until(ms: number): Promise<void> {
    // A run that ended settles at once, without reaching `ms`.
    if (this.endedBy === undefined) this.clock = Math.max(this.clock, ms);
  }

  /** The model's records are its windows: always complete. */
  async recorded(): Promise<boolean> {
    return this.endedBy === undefined;
  }

  window(fromMs: number, toMs: number): StepWindow {
    if (toMs > this.clock) throw new RangeError(`window to ${toMs} is past now (${this.clock})`);
    const m = this.model;
    const holdMs = toMs - fromMs;
    const n = this.active;
    this.log.windows.push({ fromMs, toMs, active: n });
    const offered = n * m.callsPerStation;
    const answered = Math.min(offered, m.capacityPerSecond);
    const noise = m.noise === undefined ? 1 : 1 + m.noise.share * (2 * this.random.next() - 1);
    const latencyMs = modelLatencyMs(m, n, toMs - this.resizedAt) * noise;
    const aggregator = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['model'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
    const records = Math.min(MAX_RECORDS, Math.round((answered * holdMs) / 1000));
    const startingUp = m.startUpMs !== undefined && toMs - this.resizedAt <= m.startUpMs;
    for (let i = 0; i < records; i++) {
      // 3 TransactionEvents for 2 Heartbeats; a Heartbeat is answered in two thirds of the time.
      const tx = !startingUp && i % 5 < 3;
      const us = Math.max(1, Math.round(latencyMs * (tx ? 1 : 2 / 3) * (0.5 + i / records) * 1000));
      aggregator.ingest(packHeader(RecordKind.CallOk, 0, tx ? TX : HB), us, Math.min(us, m.serviceMs * 1000), fromMs + Math.floor((i * holdMs) / records));
    }
    const booted = m.bootsFailAbove !== undefined && n > m.bootsFailAbove ? m.bootsFailAbove : n;
    const eld = m.generatorSaturatesAt === undefined ? 2 : 2 + 48 * (n / m.generatorSaturatesAt) ** 2;
    const health: HealthResult[] = [
      { check: 'connected', value: 100, limit: 100, passed: true, detail: `connected ${n} of ${n} stations` },
      { check: 'booted', value: n === 0 ? null : Math.floor((booted / n) * 100_000) / 1000, limit: 100, passed: booted === n, detail: `booted ${booted} of ${n} stations` },
      { check: 'eventLoopDelay', value: Math.round(eld), limit: 200, passed: eld <= 200, detail: `event-loop delay p99 ${Math.round(eld)} ms` },
    ];
    return {
      fromMs,
      toMs,
      source: { aggregator, elapsedMs: holdMs },
      calls: Math.round((answered * holdMs) / 1000),
      callsPerSecond: answered,
      offeredCallsPerSecond: offered,
      stations: { active: n, connected: n, booted },
      health,
      generator: { eventLoopDelayP99Ms: Math.round(eld * 10) / 10, schedulerLagP99Ms: Math.round(eld * 5) / 10, cpuPerWorker: [Math.min(1, eld / 60)] },
    };
  }

  async finish(): Promise<RunResult> {
    this.log.finished++;
    const dir = resolve(this.options.out ?? 'results/model');
    mkdirSync(dir, { recursive: true });
    // The live run's own result carries a whole summary.json; the search reads only its target.
    const summary = { target: 'ws://model-csms/ocpp' } as Summary;
    return { summary, exitCode: 0, reason: 'passed', dir, thresholds: [] };
  }
}

/** A StartLiveRun over the model, logging what the search asked of it. */
export function modelStart(model: CsmsModel): { start: StartLiveRun; log: ModelLog } {
  const log: ModelLog = { options: undefined, resizes: [], windows: [], finished: 0 };
  const start: StartLiveRun = async (options) => {
    log.options = options;
    return new ModelRun(options.maxStations, model, options, log);
  };
  return { start, log };
}
