/**
 * capacity()'s options, checked once, up front, each with a message naming it (piscina's way, as
 * run() does: `options.min must be ...`): the search's own (SLOs, sizes, hold, warm-up, ramp,
 * precision, growth), then every option the live run takes, through run()'s own resolution, so a
 * bad URL, scenario or credential file refuses the search before a CSMS or a worker starts.
 */
import type { Threshold } from '../report/thresholds';
import { resolveRunConfig, type RunConfig } from '../run/config';
import { RunOptionError, UsageError } from '../run/exit-codes';
import { checkHooks, checkOptionNames, wholeNumber, type RunHooks } from '../run/options';
import { parseRunThresholds } from '../run/thresholds';
import { MAX_TIMER_MS, MAX_TIMER_WORDS, parseDuration, parseRate } from '../scenario/units';
import { GENERATOR_LIMITS, type GeneratorLimits } from './judge';
import type { LiveRunOptions } from './live';
import type { SearchSettings } from './search';
import type { CapacityStep } from './steps';

/**
 * The most stations a search may grow to: one process holds at most ~20,000 sockets (its open
 * files; README, "Sharded runs"), and a search does not run sharded yet. Past it the generator
 * would fail to open connections, which the window would count against the CSMS.
 */
export const MAX_CAPACITY_STATIONS = 19_000;

export const CAPACITY_DEFAULTS = Object.freeze({
  min: 10,
  max: MAX_CAPACITY_STATIONS,
  holdMs: 30_000,
  warmupMs: 5_000,
  settleMs: 60_000,
  rampPerSecond: 500,
  precision: 0.05,
  growth: 2,
});

/** A hold shorter than this gives a p99 of a handful of calls. */
export const MIN_HOLD_MS = 1000;
export const MAX_GROWTH = 10;
export const MAX_PRECISION = 0.5;
export const MAX_RAMP_PER_SECOND = 100_000;

export interface CapacitySettings {
  /** SLOs in the threshold grammar, judged on each step's window: "TransactionEvent.p99 < 500ms". At least one. */
  readonly slo: readonly string[];
  /** Smallest fleet, the first step (default 10). */
  readonly min?: number;
  /** Largest fleet (default and most: 19,000). */
  readonly max?: number;
  /** How long each step is judged after its ramp and warm-up: "30s", or ms (default 30 s, at least 1 s). */
  readonly hold?: string | number;
  /** Discarded after each step's ramp: "5s", or ms (default 5 s; 0 for none). */
  readonly warmup?: string | number;
  /**
   * Longest a step waits past its warm-up for a backlog of the steps before to drain (the first
   * second on which every SLO passes starts the hold; settle.ts): "60s", or ms (default 60 s; 0: none).
   */
  readonly settle?: string | number;
  /** How fast stations are added or removed at a step: "500/s", or per second (default 500/s). */
  readonly ramp?: string | number;
  /** Relative precision of the answer: narrowing stops when (bad − good) / good ≤ it (default 0.05). */
  readonly precision?: number;
  /** Factor between growth steps until the first breach (default 2). */
  readonly growth?: number;
  /**
   * When the generator counts as saturated (judge.ts, GENERATOR_LIMITS): once one of the three is
   * exceeded. Limits not given stay at their defaults. Higher limits on a machine shared with other work, lower ones to see
   * how a search ends when the generator gives out first.
   */
  readonly generatorLimits?: Partial<GeneratorLimits>;
}

export interface CapacityHooks extends RunHooks {
  /** Each step once judged (the CLI prints one line per step). */
  readonly onStep?: (step: CapacityStep) => void;
}

/**
 * Options of run() that a capacity search sets itself, or that mean nothing for it, with why:
 * a JavaScript caller passing one gets that reason rather than silence.
 */
const NOT_FOR_CAPACITY: Readonly<Record<string, string>> = {
  cps: 'the search sets the fleet size itself (min, max)',
  duration: 'the search decides how long it runs (hold, warmup, ramp)',
  thresholds: 'give the criteria as slo: each step is judged on its own window',
  junit: 'capacity.json is the search\'s machine output',
  shard: 'a capacity search does not run sharded yet (README, "Capacity search")',
  maxRate: 'a cap on the call rate would make the capacity the cap\'s',
  maxStations: 'it is max',
  history: 'a search is no night to compare with another: capacity.json is its record',
  historyKeep: 'a search keeps no history',
};

type NotForCapacity = 'cps' | 'duration' | 'thresholds' | 'junit' | 'shard' | 'maxRate' | 'maxStations' | 'history' | 'historyKeep';

export type CapacityOptions = Omit<LiveRunOptions, NotForCapacity> & CapacitySettings & CapacityHooks;

/** Everything a search needs, resolved once; frozen, never re-checked. */
export interface CapacityConfig {
  readonly search: SearchSettings;
  readonly holdMs: number;
  readonly warmupMs: number;
  readonly settleMs: number;
  readonly rampPerSecond: number;
  readonly slos: readonly Threshold[];
  readonly generatorLimits: GeneratorLimits;
  /** The run as resolved at `max` stations: scenario, seed, workers, target (resolved again by the live run). */
  readonly run: RunConfig;
  /** What the live run is started with. */
  readonly live: LiveRunOptions;
  readonly onStep: ((step: CapacityStep) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

function fail(name: string, what: string): never {
  throw new RunOptionError(`options.${name} ${what}`);
}

function ms(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'number' ? (Number.isFinite(value) ? value : undefined) : typeof value === 'string' ? parseDuration(value) : undefined;
  if (parsed === undefined || parsed < min || parsed > MAX_TIMER_MS) {
    fail(name, `must be a duration such as "30s" or "500ms" (a number is ms) from ${min} ms to ${MAX_TIMER_WORDS}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function ratio(name: string, value: unknown, fallback: number, above: number, atMost: number, words: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= above || value > atMost) fail(name, `must be ${words}, got ${String(value)}`);
  return value;
}

export function resolveCapacityConfig(options: CapacityOptions): CapacityConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const given = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    const why = NOT_FOR_CAPACITY[key];
    if (why !== undefined) fail(key, `is not an option of capacity(): ${why}`);
  }
  const { slo, min: minOption, max: maxOption, hold, warmup, settle, ramp, precision: precisionOption, growth: growthOption, generatorLimits, onStep, ...live } = options;
  try {
    checkOptionNames(live);
  } catch (err) {
    if (err instanceof RunOptionError) throw new RunOptionError(err.message.replace(/of run\(\)$/, 'of capacity()'));
    throw err;
  }
  checkHooks(live);
  if (onStep !== undefined && typeof onStep !== 'function') fail('onStep', 'must be a function');
  if (!Array.isArray(slo) || slo.length === 0 || slo.some((s) => typeof s !== 'string' || s.trim() === '')) {
    fail('slo', 'must be an array of at least one SLO such as "TransactionEvent.p99 < 500ms"');
  }
  const min = minOption === undefined ? CAPACITY_DEFAULTS.min : wholeNumber('min', minOption, 1, MAX_CAPACITY_STATIONS);
  const max = maxOption === undefined ? Math.max(min, CAPACITY_DEFAULTS.max) : wholeNumber('max', maxOption, 1, MAX_CAPACITY_STATIONS);
  if (max < min) throw new UsageError(`options.max (${max}) is below options.min (${min}): the search grows from min to max`);
  const holdMs = ms('hold', hold, MIN_HOLD_MS, CAPACITY_DEFAULTS.holdMs);
  const warmupMs = ms('warmup', warmup, 0, CAPACITY_DEFAULTS.warmupMs);
  const settleMs = ms('settle', settle, 0, CAPACITY_DEFAULTS.settleMs);
  const rampPerSecond = ramp === undefined ? CAPACITY_DEFAULTS.rampPerSecond : typeof ramp === 'string' || typeof ramp === 'number' ? parseRate(ramp) : undefined;
  if (rampPerSecond === undefined || rampPerSecond > MAX_RAMP_PER_SECOND) {
    fail('ramp', `must be a rate of stations above 0 and at most ${MAX_RAMP_PER_SECOND.toLocaleString('en-US')}/s such as "500/s", got ${JSON.stringify(ramp)}`);
  }
  const precision = ratio('precision', precisionOption, CAPACITY_DEFAULTS.precision, 0, MAX_PRECISION, `a fraction above 0 and at most ${MAX_PRECISION} (0.05: within 5 %)`);
  const growth = ratio('growth', growthOption, CAPACITY_DEFAULTS.growth, 1, MAX_GROWTH, `a factor above 1 and at most ${MAX_GROWTH}`);

  // The run's own options, checked as run() checks them, at the largest size the search may reach.
  const { onProgress, onNotice, confirm, signal, hardStop, scenario, ...settings } = live;
  const run = resolveRunConfig(scenario, { ...settings, cps: max });
  const slos = parseSlos(slo, run);
  return Object.freeze({
    search: Object.freeze({ min, max, precision, growth }),
    holdMs,
    warmupMs,
    settleMs,
    rampPerSecond,
    slos: Object.freeze(slos),
    generatorLimits: resolveGeneratorLimits(generatorLimits),
    run,
    live: { ...live, maxStations: max },
    onStep,
    signal,
  });
}

/** Upper bounds of the generator's limits: past them a limit would never be reached. */
export const GENERATOR_LIMIT_RANGE: Readonly<Record<keyof GeneratorLimits, { max: number; words: string }>> = {
  eventLoopDelayP99Ms: { max: 60_000, words: 'a number of ms above 0 and at most 60000' },
  schedulerLagP99Ms: { max: 60_000, words: 'a number of ms above 0 and at most 60000' },
  cpuPerWorker: { max: 1, words: 'a share of one core above 0 and at most 1' },
};

function resolveGeneratorLimits(given: unknown): GeneratorLimits {
  if (given === undefined) return GENERATOR_LIMITS;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) fail('generatorLimits', 'must be an object such as {eventLoopDelayP99Ms: 100}');
  const out: Record<string, number> = { ...GENERATOR_LIMITS };
  for (const [key, value] of Object.entries(given)) {
    const range = GENERATOR_LIMIT_RANGE[key as keyof GeneratorLimits];
    if (range === undefined) fail(`generatorLimits.${key}`, `is not a generator limit (${Object.keys(GENERATOR_LIMITS).join(', ')})`);
    if (typeof value !== 'number' || !(value > 0 && value <= range.max)) fail(`generatorLimits.${key}`, `must be ${range.words}, got ${String(value)}`);
    out[key] = value;
  }
  return Object.freeze(out as unknown as GeneratorLimits);
}

/**
 * Each SLO in the threshold grammar, against the names that exist (actions, error kinds,
 * counters, the scenario's groups), named as --slo. The scenario's own `thresholds:` are not
 * SLOs: a search is judged on what its caller asks, given whole.
 */
function parseSlos(texts: readonly string[], run: RunConfig): Threshold[] {
  const scenario = { ...run.scenario, thresholds: undefined };
  const groups = run.groups.map((g) => g.name);
  return texts.map((text) => {
    let parsed: Threshold;
    try {
      [parsed] = parseRunThresholds(scenario, [text], groups) as [Threshold];
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new UsageError(`--slo "${text}": ${err.message.replace(`--threshold "${text}": `, '')}${hint(text)}`);
    }
    if (parsed.abortOnFail) throw new UsageError(`--slo "${text}": abortOnFail means nothing here: each step is judged on its own window`);
    if (parsed.window !== undefined) throw new UsageError(`--slo "${text}": [${parsed.window.text}] means nothing here: each step is judged on its own window (--hold)`);
    return Object.freeze({ ...parsed, source: '--slo' });
  });
}

/** `p99(TransactionEvent)` is how some tools write it: say how this grammar does. */
function hint(text: string): string {
  const m = /^\s*(p\d+(?:\.\d+)?|mean|min|max|avg|med)\s*\(\s*([A-Za-z][\w.:-]*)\s*\)/.exec(text);
  return m === null ? '' : ` (write the metric first: "${m[2]}.${m[1]}")`;
}
