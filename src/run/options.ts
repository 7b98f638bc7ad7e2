import { isIP } from 'node:net';
import type { LiveView } from '../metrics/aggregator';
import type { GaugeTotals } from '../metrics/gauges';
import { HEALTH_CHECKS, HealthLimitError, isHealthKey, parseHealthEntry, UNREACHABLE_AFTER, type HealthOverrides } from '../scenario/health';
import { MAX_SHARDS, parseShard, type Shard } from '../scenario/plan';
import { MAX_RATE_PER_SEC, MAX_TIMER_MS, MAX_TIMER_WORDS, parseDuration, parseRate } from '../scenario/units';
import { RunOptionError, UsageError } from './exit-codes';
import type { ScenarioObject } from './load-scenario';
import type { RemoteWriteSettings } from './remote-write-option';
import type { SecurityFlags } from './security';
import type { ConfirmQuestion } from './staging-safety';
import { normalTargetUrl, targetUrlProblem } from './targets';

/**
 * The options of `run()`: the `run` command's flags in camelCase, with their values as the flags
 * take them ("30s", "500/s", "2/4", "connected=90%"), plus hooks. Each is checked once, here, with
 * a message naming it (piscina's way: `options.cps must be ...`); the run never re-checks.
 */
export interface RunSettings extends SecurityFlags, RemoteWriteSettings {
  /** CSMS URL(s), ws:// or wss://; without one, the scenario's `targets`, else the embedded CSMS. */
  readonly url?: string | readonly string[];
  /** Fleet size: the scenario's groups scaled to this many charge points in total. */
  readonly cps?: number;
  /** How long the load runs, with its unit: "30s", "10m". */
  readonly duration?: string;
  readonly workers?: number;
  readonly seed?: number;
  /** Results folder (default results/<UTC timestamp>-<scenario>). */
  readonly out?: string;
  /** Threshold texts, after the scenario's: "BootNotification.p99 < 800ms". */
  readonly thresholds?: readonly string[];
  /** Also write a JUnit XML report here. */
  readonly junit?: string;
  /** Health check limits after the scenario's `health:` block: "connected=90%", "schedulerLag=off", "off". */
  readonly health?: readonly string[];
  /** "I/N" or { index, count }: the I-th of N disjoint slices of the fleet. */
  readonly shard?: string | Shard;
  /** Serve Prometheus metrics during the run on this port (0 picks one; the notice says which). */
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  /** Serve the live dashboard on 127.0.0.1 at this port (0 picks one; the notice says which). */
  readonly dashboardPort?: number;
  /** Cap on the CALLs per second of the whole fleet: "500/s", or a number per second. */
  readonly maxRate?: string | number;
  /** Source IP addresses the connections are spread over. */
  readonly localAddress?: readonly string[];
  /** Confirms a run above `confirmAbove` stations against a target that is not this machine. */
  readonly yes?: boolean;
  readonly confirmAbove?: number;
  /**
   * Spread the fleet over this many processes on this machine ("auto": as many as the open-file
   * limit needs), each a shard with its own source addresses, judged as one fleet while it runs.
   */
  readonly processes?: number | 'auto';
  /** Append the run to the history in this folder (`ocpp-fleet trend` reads it). */
  readonly history?: string;
  /** Entries kept per series in the history (default 100); older ones are removed. Needs `history`. */
  readonly historyKeep?: number;
}

/** What a run reports while it goes, once a second: what the CLI's status line shows. */
/** Where a run stands: stations still due to connect, all due and running, or winding down. */
export type RunPhase = 'ramp' | 'steady' | 'stopping';

export interface RunProgress {
  /** Whole seconds since the run's start. */
  readonly second: number;
  readonly planned: number;
  /** The run's planned length (ms), its graceful stop aside. */
  readonly durationMs: number;
  readonly phase: RunPhase;
  readonly live: LiveView;
  readonly gauges: GaugeTotals;
  /** Errors so far by kind (summary.json's `errors`: timeouts included). */
  readonly errors: ReadonlyMap<string, number>;
}

/** A line the CLI prints on stderr when it happens: `run()` itself never writes to a stream. */
export interface RunNotice {
  readonly kind: 'metrics' | 'dashboard' | 'unreachable' | 'abortOnFail' | 'csmsDied' | 'remoteWrite' | 'processDied' | 'aggregator';
  readonly message: string;
}

export interface RunHooks {
  readonly onProgress?: (progress: RunProgress) => void;
  readonly onNotice?: (notice: RunNotice) => void;
  /** Asked before a run that needs confirming (see `yes`); without it such a run is refused. */
  readonly confirm?: ConfirmQuestion;
  /** Aborting it stops the run gracefully: running transactions end, results say `partial: true`. */
  readonly signal?: AbortSignal;
  /** true: aborting `signal` stops at once. A signal: aborting it stops at once (after `signal` or alone). */
  readonly hardStop?: boolean | AbortSignal;
}

export interface RunOptions extends RunSettings, RunHooks {
  /** A scenario file's path, or an object of its fields. */
  readonly scenario: string | ScenarioObject;
}

/** Largest seed: seeds are 32-bit (the scenario's `seed` has the same bound). */
export const MAX_SEED = 4294967295;
export const MAX_CPS = 1_000_000;
export const MAX_WORKERS = 64;

const SETTINGS: readonly (keyof RunOptions)[] = [
  'scenario', 'url', 'cps', 'duration', 'workers', 'seed', 'out', 'thresholds', 'junit', 'health', 'shard', 'metricsPort', 'metricsHost',
  'maxRate', 'localAddress', 'yes', 'confirmAbove', 'ca', 'insecure', 'passwordEnv', 'passwordFile', 'passwordTemplate', 'secretEnv',
  'secretFile', 'clientCert', 'clientKey', 'clientCerts', 'onProgress', 'onNotice', 'confirm', 'signal', 'hardStop', 'history', 'historyKeep',
  'prometheusRemoteWrite', 'prometheusRemoteWriteInterval', 'prometheusRemoteWriteLabel', 'dashboardPort', 'processes',
];

function fail(name: string, what: string): never {
  throw new RunOptionError(`options.${name} ${what}`);
}

/** A misspelt option would otherwise be ignored without a word. `of`: the function the message names. */
export function checkOptionNames(options: object, of = 'run()'): void {
  for (const key of Object.keys(options)) if (!(SETTINGS as readonly string[]).includes(key)) fail(key, `is not an option of ${of}`);
}

export function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) fail(name, `must be a whole number from ${min} to ${max}, got ${String(value)}`);
  return value;
}

export function text(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(name, 'must be a non-empty string');
  return value;
}

export function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, `must be a boolean, got ${typeof value}`);
  return value;
}

export function texts(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(name, 'must be an array of strings');
  return value as string[];
}

/** One URL or several, each a ws:// or wss:// URL without credentials; trailing slashes dropped. */
export function urls(value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : texts('url', value);
  if (list.length === 0) fail('url', 'must name at least one URL');
  return list.map((u) => {
    const problem = targetUrlProblem(u);
    if (problem !== undefined) fail('url', problem);
    return normalTargetUrl(u);
  });
}

export function durationMs(value: unknown): number {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms <= 0) fail('duration', `must be a duration with its unit such as "30s", "10m" or "500ms", got ${JSON.stringify(value)}`);
  if (ms > MAX_TIMER_MS) fail('duration', `must be at most ${MAX_TIMER_WORDS}, got ${JSON.stringify(value)}`);
  return ms;
}

export function ratePerSec(value: unknown): number {
  const perSec = typeof value === 'string' || typeof value === 'number' ? parseRate(value) : undefined;
  if (perSec === undefined || perSec > MAX_RATE_PER_SEC) {
    fail('maxRate', `must be a rate above 0 and at most ${MAX_RATE_PER_SEC.toLocaleString('en-US')}/s such as "500/s" or "3000/m", got ${JSON.stringify(value)}`);
  }
  return perSec;
}

export function shard(value: unknown): Shard {
  const given = typeof value === 'string' ? parseShard(value) : (value as Shard | undefined);
  const ok = typeof given === 'object' && given !== null && Number.isSafeInteger(given.index) && Number.isSafeInteger(given.count);
  if (!ok || given.count > MAX_SHARDS || given.index < 1 || given.index > given.count) {
    fail('shard', `must be "I/N" or { index, count } with 1 ≤ I ≤ N ≤ ${MAX_SHARDS}, got ${JSON.stringify(value)}`);
  }
  return { index: given.index, count: given.count };
}

export function addresses(value: unknown): readonly string[] {
  const list = texts('localAddress', value);
  const bad = list.find((a) => isIP(a) === 0);
  if (list.length === 0 || bad !== undefined) fail('localAddress', `must be IP addresses, got ${JSON.stringify(bad ?? value)}`);
  return list;
}

/**
 * One `--health` value, as the scenario's `health:` block parses it: check=limit, check=off, or
 * off (every check off; fail fast stays, turned off by unreachableAfter=off). `name` is how the
 * message names the option: "--health" for the CLI, "options.health" for run().
 */
export function parseHealthOption(value: string, name: string): HealthOverrides {
  const trimmed = value.trim();
  if (trimmed === 'off') return { limits: Object.fromEntries(HEALTH_CHECKS.map((c) => [c, null])) };
  const eq = trimmed.indexOf('=');
  const key = eq < 0 ? trimmed : trimmed.slice(0, eq).trim();
  if (eq < 0 || !isHealthKey(key)) {
    throw new UsageError(`${name} takes check=limit or check=off (checks: ${[...HEALTH_CHECKS, UNREACHABLE_AFTER].join(', ')}), or off, got "${value}"`);
  }
  try {
    return parseHealthEntry(key, trimmed.slice(eq + 1).trim());
  } catch (err) {
    if (err instanceof HealthLimitError) throw new UsageError(`${name} ${key}: ${err.message}`);
    throw err;
  }
}

/** The hooks, checked like the settings: a hook that is not a function would fail a second in. */
export function checkHooks(hooks: RunHooks): void {
  for (const name of ['onProgress', 'onNotice', 'confirm'] as const) {
    if (hooks[name] !== undefined && typeof hooks[name] !== 'function') fail(name, 'must be a function');
  }
  if (hooks.signal !== undefined && !(hooks.signal instanceof AbortSignal)) fail('signal', 'must be an AbortSignal');
  const hard = hooks.hardStop;
  if (hard !== undefined && typeof hard !== 'boolean' && !(hard instanceof AbortSignal)) fail('hardStop', 'must be a boolean or an AbortSignal');
}
