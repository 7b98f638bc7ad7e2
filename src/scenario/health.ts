/**
 * The run's built-in health checks as configuration: their names, units and default limits, and
 * how a limit is written (the scenario's `health:` block and `run --health check=limit|off`). The
 * checks themselves are judged in src/report/health.ts; this file only says what is in force.
 */
import { parseDuration } from './units';

/** The checks, in the order summary.json, the end-of-run text and JUnit list them. */
export const HEALTH_CHECKS = ['connected', 'booted', 'incompleteCalls', 'openTransactions', 'csmsAlive', 'eventLoopDelay', 'schedulerLag'] as const;
export type HealthCheck = (typeof HEALTH_CHECKS)[number];

/** The fail-fast setting shares the block and the flag with the checks. */
export const UNREACHABLE_AFTER = 'unreachableAfter';

export type HealthUnit = '%' | 'count' | 'ms' | 'alive';

export const HEALTH_UNITS: Readonly<Record<HealthCheck, HealthUnit>> = {
  connected: '%',
  booted: '%',
  incompleteCalls: '%',
  openTransactions: 'count',
  csmsAlive: 'alive',
  eventLoopDelay: 'ms',
  schedulerLag: 'ms',
};

/**
 * Defaults: the whole fleet connects and boots; at most 1% of calls do not complete (a CSMS
 * under load may time out a few; more is a failure, not a latency figure); no transaction left
 * open; the embedded CSMS alive; the generator's own delays under 200 ms at p99 (beyond that
 * its latency figures measure itself as much as the CSMS).
 */
export const DEFAULT_HEALTH_LIMITS: Readonly<Record<HealthCheck, number>> = {
  connected: 100,
  booted: 100,
  incompleteCalls: 1,
  openTransactions: 0,
  csmsAlive: 1,
  eventLoopDelay: 200,
  schedulerLag: 200,
};

/**
 * Fail fast: no station connected this long after the first connection attempt stops the run
 * (exit 3). Shorter than the default connect timeout (30 s, the call timeout) on purpose: a
 * target that drops SYNs is reported in 10 s instead of after the first timeouts, and any CSMS
 * that works accepts its first connection within a second or two, even under a mass boot.
 */
export const DEFAULT_UNREACHABLE_AFTER_MS = 10_000;

/** Node's timers hold at most 2^31 − 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** A limit per check (null: the check is off) and the fail-fast time (null: off). */
export interface HealthSettings {
  readonly limits: Readonly<Record<HealthCheck, number | null>>;
  readonly unreachableAfterMs: number | null;
}

/** What a scenario or the flags change: only the keys they give. */
export interface HealthOverrides {
  readonly limits?: Readonly<Partial<Record<HealthCheck, number | null>>>;
  readonly unreachableAfterMs?: number | null;
}

/** A limit that cannot be read: the message says what was expected and what was found. */
export class HealthLimitError extends Error {
  override name = 'HealthLimitError';
}

export function isHealthKey(key: string): key is HealthCheck | typeof UNREACHABLE_AFTER {
  return key === UNREACHABLE_AFTER || (HEALTH_CHECKS as readonly string[]).includes(key);
}

function isOff(value: unknown): boolean {
  // `off` is a string to YAML 1.2 (the loader's default); `false` is what some people write.
  return value === 'off' || value === false;
}

const EXPECTED: Readonly<Record<HealthUnit, string>> = {
  '%': 'a share in percent from 0 to 100 such as 99 or "99.5%", or off',
  count: 'a whole number of 0 or more, or off',
  ms: 'a time such as 500 (ms), "500ms" or "2s", or off',
  alive: '1 (the embedded CSMS lives to the end of the run), or off',
};

function got(value: unknown): string {
  return `got ${JSON.stringify(value) ?? String(value)}`;
}

/** A check's limit as written (a number or a string with its unit); null for `off`. */
export function parseHealthLimit(check: HealthCheck, value: unknown): number | null {
  if (isOff(value)) return null;
  const unit = HEALTH_UNITS[check];
  const fail = (): HealthLimitError => new HealthLimitError(`expected ${EXPECTED[unit]}, ${got(value)}`);
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || text === '') throw fail();
  switch (unit) {
    case '%': {
      // A bare number is in percent here, the check's unit: 0.95 is 0.95%, never 95%.
      const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text);
      const n = m ? Number(m[1]) : NaN;
      if (!(n >= 0 && n <= 100)) throw fail();
      return n;
    }
    case 'count': {
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw fail();
      return Number(text);
    }
    case 'ms': {
      // A bare number is ms, as in thresholds: the check's unit.
      const m = /^(\d+(?:\.\d+)?)\s*(us|ms|s)?$/.exec(text);
      if (!m) throw fail();
      const factor = m[2] === 's' ? 1000 : m[2] === 'us' ? 0.001 : 1;
      return Number(m[1]) * factor;
    }
    case 'alive':
      if (text !== '1') throw fail();
      return 1;
  }
}

/** `unreachableAfter`: a duration with its unit ("10s", "1m"), or off. */
export function parseUnreachableAfter(value: unknown): number | null {
  if (isOff(value)) return null;
  const text = typeof value === 'string' ? value.trim() : '';
  // A bare number would be seconds in a scenario and ms beside the checks: a unit says which.
  const ms = /[a-z]$/.test(text) ? parseDuration(text) : undefined;
  if (ms === undefined || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new HealthLimitError(`expected a duration with its unit such as "10s" or "1m" (more than 0, at most 24 days), or off, ${got(value)}`);
  }
  return ms;
}

/** One key of the block or the flag, parsed. */
export function parseHealthEntry(key: HealthCheck | typeof UNREACHABLE_AFTER, value: unknown): HealthOverrides {
  if (key === UNREACHABLE_AFTER) return { unreachableAfterMs: parseUnreachableAfter(value) };
  return { limits: { [key]: parseHealthLimit(key, value) } };
}

/** Later overrides win (the flags come after the scenario). */
export function mergeHealthOverrides(...all: readonly (HealthOverrides | undefined)[]): HealthOverrides {
  let limits: Partial<Record<HealthCheck, number | null>> = {};
  let unreachable: { unreachableAfterMs?: number | null } = {};
  for (const o of all) {
    if (o === undefined) continue;
    limits = { ...limits, ...o.limits };
    if (o.unreachableAfterMs !== undefined) unreachable = { unreachableAfterMs: o.unreachableAfterMs };
  }
  return { limits, ...unreachable };
}

/** The settings in force: defaults, then the scenario's block, then the flags. */
export function resolveHealth(...overrides: readonly (HealthOverrides | undefined)[]): HealthSettings {
  const o = mergeHealthOverrides(...overrides);
  const limits = Object.fromEntries(
    HEALTH_CHECKS.map((c) => {
      const given = o.limits?.[c];
      return [c, given === undefined ? DEFAULT_HEALTH_LIMITS[c] : given];
    }),
  ) as Record<HealthCheck, number | null>;
  return { limits, unreachableAfterMs: o.unreachableAfterMs === undefined ? DEFAULT_UNREACHABLE_AFTER_MS : o.unreachableAfterMs };
}

/** summary.json's `settings.health`: each limit in force in its unit, or "off". */
export function describeHealthSettings(settings: HealthSettings): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const c of HEALTH_CHECKS) out[c] = settings.limits[c] ?? 'off';
  out.unreachableAfterMs = settings.unreachableAfterMs ?? 'off';
  return out;
}
