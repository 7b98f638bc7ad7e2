import { performance } from 'node:perf_hooks';
import { LiveSplit } from '../coordinator/live-split';
import { workerCount } from '../coordinator/split';
import { Gauge } from '../metrics/gauges';
import { WindowLedger, type LedgerSecond } from '../metrics/window-ledger';
import { ERROR_KINDS } from '../ocpp';
import { MAX_TIMER_MS } from '../scenario/units';
import { resolveRunConfig, type RunConfig } from './config';
import { RunOptionError } from './exit-codes';
import { startFleet, type StartedFleet } from './fleet';
import { checkHooks, checkOptionNames, MAX_CPS, wholeNumber, type RunHooks, type RunNotice, type RunOptions } from './options';
import { writeRunResults, type LiveSettings, type RunResult } from './results';
import { confirmTargets } from './staging-safety';
import { stepWindow, type StepWindow } from './live-window';

export type { StepWindow } from './live-window';

export interface LiveRunOptions extends RunOptions {
  /** Most stations the run may ever hold: the scenario's groups are scaled to this, in proportion (largest remainder). */
  readonly maxStations: number;
}

/**
 * Why a live run ended by itself: the embedded CSMS died, nothing connected in time (fail fast),
 * the caller's `signal` (Ctrl-C), or the fleet itself failed (finish() then throws its error).
 */
export type LiveEnd = 'csmsDied' | 'unreachable' | 'interrupted' | 'failed';

/** A run whose fleet size changes while it runs (the capacity search's, issue 12). */
export interface LiveRun {
  readonly maxStations: number;
  /** Stations currently asked to be active (the whole fleet's, with a shard). */
  readonly active: number;
  /** The CSMS URLs the stations use (the embedded CSMS's when there was no target). */
  readonly targets: readonly string[];
  /**
   * Grow or shrink to `stations` (0..maxStations), every group kept in proportion (the same
   * largest-remainder split for the same n, and always each group's first stations in plan
   * order: the same n gives the same stations). New stations connect spread evenly over `rampMs`;
   * removed ones stop their sessions (spread the same way), and once every message is answered
   * they disconnect and count as retired, not as failures. Ignored once the run ended by itself
   * (see endedBy); a RangeError for a size or ramp out of range; an Error after finish().
   */
  resize(stations: number, rampMs: number): void;
  /** ms since the run's epoch (the clock windows are measured on). */
  now(): number;
  /** Resolves at run time `ms` (at once when past), or as soon as the run ended by itself (check endedBy). */
  until(ms: number): Promise<void>;
  /**
   * What happened between run times fromMs and toMs (toMs <= now()): the whole seconds within
   * them, from the run's per-second ledger, never the cumulative run. Also after finish().
   */
  window(fromMs: number, toMs: number): StepWindow;
  /**
   * Resolves true once every worker's records of the run time before `ms` have been read, so that
   * a window ending at `ms` holds every call that ended before it: workers publish their records
   * every 20 ms and after each second a saturation record of that second, which comes after every
   * record of it. False when a worker said nothing of that second within RECORDED_WAIT_MS past
   * `ms` (a worker that stalls that long is saturated: the window shows it), or when the run ended.
   */
  recorded(ms: number): Promise<boolean>;
  /** Set when the run ended by itself: why (`endMessage` says it in words, on one line). */
  readonly endedBy: LiveEnd | undefined;
  readonly endMessage: string | undefined;
  /** Stations retired so far (disconnected after a shrink), over the whole fleet of this process. */
  readonly retired: number;
  /** Graceful stop; the results folder is written as for any run (summary.json etc.). Once; later calls return the same. */
  finish(): Promise<RunResult>;
}

const LIVE_ONLY_REFUSED: Readonly<Partial<Record<keyof RunOptions, string>>> = {
  cps: 'the fleet is scaled to options.maxStations',
  duration: 'a live run lasts until finish()',
  history: 'a fleet that changes size while it runs is no night to compare with another (run() keeps histories)',
  historyKeep: 'a live run keeps no history',
};

/** How long recorded() waits past its time for a worker's records (see there). */
export const RECORDED_WAIT_MS = 2000;
/** How often recorded() reads the rings while it waits. */
const RECORDED_POLL_MS = 10;

/**
 * Starts a live run with 0 active stations: options checked as run() checks them (plus
 * maxStations; cps and duration have no meaning here), the target confirmed if it needs to be,
 * the embedded CSMS started when there is no target, and the workers ready with every station
 * built. Rejects with the error of whatever could not start.
 */
export async function startLiveRun(options: LiveRunOptions): Promise<LiveRun> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkHooks(options);
  const { scenario, onProgress, onNotice, confirm, signal, hardStop, maxStations, ...settings } = options;
  checkOptionNames(settings, 'startLiveRun()');
  const max = wholeNumber('maxStations', maxStations, 1, MAX_CPS);
  for (const [name, why] of Object.entries(LIVE_ONLY_REFUSED)) {
    if (name in settings) throw new RunOptionError(`options.${name} is not an option of startLiveRun(): ${why}`);
  }
  const config = resolveRunConfig(scenario, { ...settings, cps: max });
  const remote = config.remoteTargets;
  if (remote !== undefined) await confirmTargets(remote, max, config.confirmAbove, config.yes, confirm);
  const ledger = new WindowLedger(ERROR_KINDS.indexOf('neverSent'));
  let self: LiveFleetRun | undefined;
  const hooks: RunHooks = {
    onProgress,
    onNotice: (n: RunNotice) => {
      self?.noticed(n);
      onNotice?.(n);
    },
    confirm,
    signal,
    hardStop,
  };
  const fleet = await startFleet(config, hooks, {
    sinkOf: (w) => ledger.sinkOf(w),
    onSample: (elapsedMs, gauges) => {
      ledger.sampleGauges(elapsedMs, gauges.groups);
      ledger.advanceTo(Math.floor(elapsedMs / 1000));
    },
  });
  self = new LiveFleetRun(config, fleet, ledger, max, signal);
  return self;
}

class LiveFleetRun implements LiveRun {
  readonly maxStations: number;
  active = 0;
  endedBy: LiveEnd | undefined;
  endMessage: string | undefined;
  private readonly split: LiveSplit;
  /** Every resize: when, the whole fleet's size, and this process's stations per group. */
  private readonly history: { atMs: number; stations: number; rampMs: number; local: number[] }[] = [];
  private readonly waiters = new Set<() => void>();
  private finished: Promise<RunResult> | undefined;
  private failFastArmed = false;
  private readonly onAbort = (): void => this.ended('interrupted', 'the run was interrupted (signal)');

  constructor(
    private readonly config: RunConfig,
    private readonly fleet: StartedFleet,
    private readonly ledger: WindowLedger,
    max: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.maxStations = max;
    this.split = new LiveSplit(config.plan, config.workers, config.shard);
    signal?.addEventListener('abort', this.onAbort);
    if (signal?.aborted === true) this.onAbort();
    fleet.outcome.then(
      () => this.ended('interrupted', 'the run ended'),
      (err: unknown) => this.ended('failed', err instanceof Error ? err.message : String(err)),
    );
  }

  get targets(): readonly string[] {
    return this.fleet.targets;
  }

  get retired(): number {
    return this.fleet.run.gaugeOf(Gauge.Retired).reduce((a, b) => a + b, 0);
  }

  /** A notice of the run's watches: the CSMS's death and fail fast end the run. */
  noticed(n: RunNotice): void {
    if (n.kind === 'csmsDied') this.ended('csmsDied', inOneLine(n.message));
    else if (n.kind === 'unreachable') this.ended('unreachable', inOneLine(n.message));
  }

  private ended(why: LiveEnd, message: string): void {
    if (this.finished !== undefined || this.endedBy !== undefined) return;
    this.endedBy = why;
    this.endMessage = message;
    this.wakeAll();
  }

  now(): number {
    return performance.timeOrigin + performance.now() - this.fleet.epochWallMs;
  }

  resize(stations: number, rampMs: number): void {
    if (this.finished !== undefined) throw new Error('resize() after finish(): the live run is over');
    if (!Number.isSafeInteger(stations) || stations < 0 || stations > this.maxStations) {
      throw new RangeError(`resize(stations, rampMs): stations must be a whole number from 0 to ${this.maxStations} (maxStations), got ${String(stations)}`);
    }
    if (typeof rampMs !== 'number' || !Number.isFinite(rampMs) || rampMs < 0 || rampMs > MAX_TIMER_MS) {
      throw new RangeError(`resize(stations, rampMs): rampMs must be a number of ms from 0 to ${MAX_TIMER_MS}, got ${String(rampMs)}`);
    }
    if (this.endedBy !== undefined) return;
    const perGroup = this.split.groupsAt(stations);
    const perWorker = this.split.perWorker(perGroup);
    const local = perGroup.map((_n, g) => perWorker.reduce((sum, w) => sum + (w[g] ?? 0), 0));
    const atMs = Math.max(0, Math.floor(this.now()));
    this.history.push({ atMs, stations, rampMs, local });
    if (!this.failFastArmed && local.some((n) => n > 0)) {
      this.failFastArmed = true;
      this.fleet.armFailFast(atMs);
    }
    this.fleet.run.resize(perWorker, rampMs, atMs);
    this.active = stations;
  }

  until(ms: number): Promise<void> {
    if (typeof ms !== 'number' || Number.isNaN(ms)) throw new RangeError(`until(ms): ms must be a number of ms since the run's start, got ${String(ms)}`);
    if (ms <= this.now() || this.endedBy !== undefined || this.finished !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      // Node's timers run on a whole-ms clock and may fire a fraction of a ms before now() reaches
      // `ms`: the caller reads a window up to `ms` next, so wait out the rest.
      const arm = (): void => {
        const wait = ms - this.now();
        if (wait <= 0) done();
        else timer = setTimeout(arm, Math.min(Math.ceil(wait), MAX_TIMER_MS));
      };
      this.waiters.add(done);
      arm();
    });
  }

  window(fromMs: number, toMs: number): StepWindow {
    const now = this.now();
    if (typeof fromMs !== 'number' || typeof toMs !== 'number' || !(fromMs >= 0 && fromMs < toMs && toMs <= now)) {
      throw new RangeError(`window(fromMs, toMs): expected 0 <= fromMs < toMs <= now() (${Math.floor(now)}), got ${String(fromMs)}, ${String(toMs)}`);
    }
    const fromSecond = Math.ceil(fromMs / 1000);
    const toSecond = Math.floor(toMs / 1000);
    if (toSecond <= fromSecond) {
      throw new RangeError(`window(fromMs, toMs): ${String(fromMs)}..${String(toMs)} holds no whole second of the run (windows are whole seconds)`);
    }
    // What the workers have published so far, so the last second is as complete as it can be.
    if (this.finished === undefined && this.endedBy === undefined) this.fleet.run.drain();
    return stepWindow(
      {
        names: this.fleet.aggregator.names,
        ledger: this.ledger,
        activeAt: (ms) => this.activeAt(ms),
        limits: this.config.health.limits,
        embeddedCsms: this.fleet.supervision !== undefined,
        csmsDeath: this.fleet.supervision?.deathSummary,
        workers: workerCount(this.config.plan, this.config.workers),
        epochWallMs: this.fleet.epochWallMs,
      },
      fromSecond,
      toSecond,
    );
  }

  async recorded(ms: number): Promise<boolean> {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new RangeError(`recorded(ms): ms must be a number of ms since the run's start, got ${String(ms)}`);
    // The last whole second before `ms`: each worker's saturation record of it (or of a later one).
    const second = Math.floor(ms / 1000) - 1;
    if (second < 0) return true;
    const workers = workerCount(this.config.plan, this.config.workers);
    const deadline = Math.max(ms, this.now()) + RECORDED_WAIT_MS;
    for (;;) {
      if (this.finished !== undefined || this.endedBy !== undefined) return false;
      this.fleet.run.drain();
      if (workersReported(this.ledger.secondsFrom(second, Math.floor(this.now() / 1000) + 1), workers)) return true;
      if (this.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, RECORDED_POLL_MS));
    }
  }

  finish(): Promise<RunResult> {
    this.finished ??= this.finishOnce();
    return this.finished;
  }

  private async finishOnce(): Promise<RunResult> {
    this.wakeAll();
    this.fleet.run.end();
    try {
      const outcome = await this.fleet.outcome;
      this.ledger.finish();
      const live: LiveSettings = {
        maxStations: this.maxStations,
        activeAtEnd: this.active,
        resizes: this.history.map(({ atMs, stations, rampMs }) => ({ atMs, stations, rampMs })),
      };
      return await writeRunResults(this.config, outcome, live);
    } finally {
      this.signal?.removeEventListener('abort', this.onAbort);
    }
  }

  /** Per group, this process's stations asked to run at run time `ms`. */
  private activeAt(ms: number): readonly number[] {
    let local: readonly number[] = this.split.groupCounts.map(() => 0);
    for (const h of this.history) {
      if (h.atMs > ms) break;
      local = h.local;
    }
    return local;
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/**
 * A notice as the end of a live run says it: its first line, without what the CLI adds around it
 * (`error: `, the CSMS's last lines, `stopping the run`), which the notice itself still carries.
 */
function inOneLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/^error: /, '').replace(/; (its last lines:|stopping the run)$/, '');
}

/**
 * Every worker sent its saturation record of the first of `seconds` or of a later one (a late
 * publication covers the seconds it missed under the first of them, so a later one counts too).
 */
function workersReported(seconds: readonly (LedgerSecond | undefined)[], workers: number): boolean {
  for (let w = 0; w < workers; w++) {
    if (!seconds.some((s) => s !== undefined && (s.workers[w]?.busyUs ?? 0) + (s.workers[w]?.idleUs ?? 0) > 0)) return false;
  }
  return true;
}
