import { BootClock } from '../../coordinator/boot-clock';
import { mergeOutcomes, mergeTargets, type FleetRunResult, type GeneratorCost } from '../../coordinator/run-fleet';
import type { DelayFigures } from '../../coordinator/saturation';
import type { Aggregator, LiveView } from '../../metrics/aggregator';
import type { FleetGauges, GaugeTotals } from '../../metrics/gauges';
import type { FleetPlan } from '../../scenario/plan';
import type { ParentMessage, ProcessMessage } from './messages';
import type { ShardLink, ShardLinks } from './links';
import { ingestBatch } from './record-batch';

export interface ProcessFleetOptions {
  /** The whole fleet's plan (each shard runs its part of it). */
  readonly plan: FleetPlan;
  /** Gets every record of every shard: the whole fleet's measurements, live. */
  readonly aggregator: Aggregator;
  /** The shards: child processes (forkLinks), or pods over WebSockets (ws-links.ts). */
  readonly links: ShardLinks;
  readonly onStart?: (epochWallMs: number) => void;
  /** Once a second, with the whole fleet's live view and gauges. */
  readonly onTick?: (second: number, live: LiveView, gauges: GaugeTotals) => void;
  /** A shard died or failed while the run went: what it said. The run stops; what the others measured is kept. */
  readonly onProcessDied?: (message: string) => void;
}

/** One shard and what it has reported. */
interface Child {
  readonly index: number;
  readonly link: ShardLink;
  gauges: GaugeTotals | undefined;
  ready: boolean;
  result: { outcome: FleetRunResult; dir: string } | undefined;
  failure: string | undefined;
  exited: Promise<void>;
}

/**
 * A fleet over several processes, as FleetRun is a fleet over several workers: the same stop,
 * the same hooks, the same aggregator fed with every record. Each process (child-main.ts) runs
 * its shard in its own workers, on its own source addresses, and all start on one epoch, so their
 * records share one clock and the aggregator here holds exactly what one process would have
 * measured: thresholds, abortOnFail, health, the status line and the metrics endpoint judge the
 * whole fleet while it runs. Its processes run in sessions of their own (a terminal's Ctrl-C
 * reaches this process only, which stops them as FleetRun stops its workers), and stop at once
 * when this process goes.
 */
export class ProcessFleet {
  private readonly children: Child[] = [];
  private stopRequested = 0;
  private started = false;
  private died: string | undefined;

  constructor(private readonly options: ProcessFleetOptions) {}

  get stopping(): boolean {
    return this.stopRequested > 0;
  }

  /** A first call winds every process down cleanly, a second closes them at once. */
  stop(): void {
    this.stopRequested++;
    this.tell({ type: 'stop', immediate: this.stopRequested > 1 });
  }

  loseTarget(index: number, forMs: number): void {
    this.tell({ type: 'loseTarget', target: index, forMs });
  }

  async run(): Promise<FleetRunResult> {
    const { plan, aggregator } = this.options;
    const groups = plan.groups.length;
    try {
      const links = await this.options.links.open();
      links.forEach((link, index) => this.children.push(this.attach(link, index)));
      await this.allReady();
    } catch (err) {
      this.stop();
      this.stop();
      await Promise.all(this.children.map((c) => c.exited));
      throw err;
    }
    const epoch = Date.now();
    this.started = true;
    this.tell({ type: 'start', epochWallMs: epoch });
    this.options.onStart?.(epoch);
    const planned = plan.groups.map(() => 0);
    for (const s of plan.stations) planned[s.group] = (planned[s.group] ?? 0) + 1;
    const boots = new BootClock(planned, plan.groups.map((g) => g.startAtMs));
    let lastSecond = -1;
    const tick = setInterval(() => {
      const second = Math.floor((Date.now() - epoch) / 1000);
      const totals = this.gauges(groups);
      aggregator.sampleGauges(second, totals);
      boots.sample(Date.now() - epoch, totals.groups, totals.total);
      if (second === lastSecond) return;
      lastSecond = second;
      this.options.onTick?.(second, aggregator.live(Date.now() - epoch), totals);
    }, 200);
    try {
      await Promise.all(this.children.map((c) => c.exited));
    } finally {
      clearInterval(tick);
    }
    const endedAt = Date.now();
    aggregator.sampleGauges(Math.floor((endedAt - epoch) / 1000), this.gauges(groups));
    return this.merged(new Date(epoch), new Date(endedAt), boots);
  }

  /** Each shard's results folder as it reported it, in order (undefined: it wrote none). */
  get dirs(): (string | undefined)[] {
    return this.children.map((c) => c.result?.dir);
  }

  /** The first process that failed or died, said as the run's notice would. */
  get death(): string | undefined {
    return this.died;
  }

  private attach(link: ShardLink, index: number): Child {
    const child: Child = { index, link, gauges: undefined, ready: false, result: undefined, failure: undefined, exited: Promise.resolve() };
    link.onMessage((m) => this.onMessage(child, m));
    const { noun, count } = this.options.links;
    child.exited = link.ended.then((how) => {
      // Its stations are gone with it, ended or dead: its last gauges must not count them as
      // connected (its last ones came while they were; the run's last second reads none, as a
      // single process reads its workers' gauges once they ended).
      child.gauges = undefined;
      if (child.result !== undefined) return;
      this.fail(`${noun} ${index + 1} of ${count} ${child.failure === undefined ? how : `failed: ${child.failure}`}`);
    });
    return child;
  }

  private onMessage(child: Child, m: ProcessMessage): void {
    switch (m.type) {
      case 'records':
        ingestBatch(m.words, this.options.aggregator);
        break;
      case 'gauges':
        child.gauges = m.totals;
        break;
      case 'ready':
        child.ready = true;
        this.readyChanged?.();
        break;
      case 'result':
        child.result = { outcome: m.outcome, dir: m.dir };
        break;
      case 'failed':
        child.failure = m.message;
        break;
    }
  }

  private readyChanged: (() => void) | undefined;

  /** Every process's workers ready; rejects when one exits first. */
  private allReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.died !== undefined) reject(new Error(this.died));
        else if (this.children.every((c) => c.ready)) resolve();
      };
      this.readyChanged = check;
      for (const c of this.children) void c.exited.then(check);
      check();
    });
  }

  /** A process is gone before its result: said once, and the others stop (what they measured is kept). */
  private fail(message: string): void {
    if (this.died !== undefined) return;
    this.died = message;
    if (!this.started) {
      this.readyChanged?.();
      return;
    }
    this.options.onProcessDied?.(message);
    if (this.stopRequested === 0) this.stop();
  }

  private tell(message: ParentMessage): void {
    for (const c of this.children) c.link.send(message);
  }

  private gauges(groups: number): GaugeTotals {
    const zero = (): FleetGauges => ({ connected: 0, booted: 0, charging: 0 });
    const out: GaugeTotals = { total: zero(), groups: Array.from({ length: groups }, zero) };
    for (const c of this.children) {
      if (c.gauges === undefined) continue;
      add(out.total, c.gauges.total);
      c.gauges.groups.forEach((g, i) => add(out.groups[i] as FleetGauges, g));
    }
    return out;
  }

  /** The processes' outcomes as one fleet's: counts added, the first sample of each error kind, the worst delays. */
  private merged(startedAt: Date, endedAt: Date, boots: BootClock): FleetRunResult {
    const results = this.children.flatMap((c) => (c.result === undefined ? [] : [c.result.outcome]));
    const groups = this.options.plan.groups.length;
    const sumGroups = mergeOutcomes(results, groups);
    // A process that died never reported its stations: they count as planned, never started.
    const planned = countPlanned(this.options.plan);
    sumGroups.forEach((g, i) => (g.planned = planned[i] ?? 0));
    const errorSamples: Record<string, string> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errorSamples)) errorSamples[k] ??= v;
    return {
      startedAt,
      endedAt,
      partial: this.stopRequested > 0 || results.length < this.children.length || results.some((r) => r.partial),
      groups: sumGroups,
      recordsWritten: results.reduce((n, r) => n + r.recordsWritten, 0),
      undelivered: results.reduce((n, r) => n + r.undelivered, 0),
      groupsTimeToAllBootedMs: boots.groupsMs,
      ...(results.some((r) => r.targets !== undefined) ? { targets: mergeTargets(results, Math.max(...results.map((r) => r.targets?.length ?? 0))) } : {}),
      faults: results.flatMap((r) => r.faults),
      errorSamples,
      saturation: worstSaturation(results),
      generator: generatorCost(results, boots.fleetMs, this.options.plan.stations.length),
    };
  }
}

function add(into: FleetGauges, g: FleetGauges): void {
  into.connected += g.connected;
  into.booted += g.booted;
  into.charging += g.charging;
}

function countPlanned(plan: FleetPlan): number[] {
  const out = plan.groups.map(() => 0);
  for (const s of plan.stations) out[s.group] = (out[s.group] ?? 0) + 1;
  return out;
}

/** The worst worker of every process decides, as within one process; workers are numbered across processes. */
function worstSaturation(results: readonly FleetRunResult[]): FleetRunResult['saturation'] {
  let out: FleetRunResult['saturation'];
  let offset = 0;
  for (const r of results) {
    const s = r.saturation;
    if (s === undefined) continue;
    out = {
      workers: (out?.workers ?? 0) + s.workers,
      eventLoopDelayMs: worse(out?.eventLoopDelayMs, s.eventLoopDelayMs, offset),
      schedulerLagMs: worse(out?.schedulerLagMs, s.schedulerLagMs, offset),
    };
    offset += s.workers;
  }
  return out;
}

/** The figures with the higher p99 (`next`'s worker moved past the processes before it), and the higher max. */
function worse(sofar: DelayFigures | undefined, next: DelayFigures, offset: number): DelayFigures {
  const max = Math.max(next.max, sofar?.max ?? 0);
  if (sofar !== undefined && sofar.p99 >= next.p99) return { ...sofar, max };
  return { ...next, worker: next.worker + offset, max };
}

/** What the processes cost together: their CPU and memory added (this process's own is small and left out). */
function generatorCost(results: readonly FleetRunResult[], timeToAllBootedMs: number | null, stations: number): GeneratorCost {
  const sum = (pick: (g: GeneratorCost) => number): number => Math.round(results.reduce((n, r) => n + pick(r.generator), 0) * 10) / 10;
  const rssStartMb = sum((g) => g.rssStartMb);
  const rssPeakMb = sum((g) => g.rssPeakMb);
  const sat = worstSaturation(results);
  return {
    timeToAllBootedMs,
    rssStartMb,
    rssPeakMb,
    rssPerStationKb: Math.round((((rssPeakMb - rssStartMb) * 1024) / Math.max(1, stations)) * 10) / 10,
    cpuUserS: sum((g) => g.cpuUserS),
    cpuSystemS: sum((g) => g.cpuSystemS),
    ...(sat === undefined ? {} : { eventLoopDelayMs: { p99: sat.eventLoopDelayMs.p99, max: sat.eventLoopDelayMs.max }, schedulerLagMs: { p99: sat.schedulerLagMs.p99, max: sat.schedulerLagMs.max } }),
  };
}
