/** Human units of scenario files and flags: durations (`90s`, `10m`, `250ms`) and rates (`200/s`). */

/**
 * The longest duration a scenario or a flag may give: 2^31 − 1 ms (24.8 days), the longest wait
 * a Node.js timer can schedule. A longer one is refused rather than run in chained timers: no
 * load test runs for weeks in one process, and a longer wait given to setTimeout fires after 1 ms
 * (a 600h run would end at once and pass).
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Highest call rate taken (`maxRate`, `--max-rate`): far above what one process sends (FACTS: ~85,000 bare round trips/s). */
export const MAX_RATE_PER_SEC = 10_000_000;

/** The limit in words, for messages: `24.8 days (596h)`. */
export const MAX_TIMER_WORDS = '24.8 days (596h, the longest a timer can wait)';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const FACTOR: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration; a bare number is seconds. Undefined when `text` is not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * (FACTOR[m[2] ?? 's'] as number);
}

const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(ms|s|m|h)$/;

/** Events per second of a rate such as `200/s` or `3000/m`; a bare number is per second. */
export function parseRate(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const m = RATE.exec(value.trim());
  if (!m) {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }
  const rate = (Number(m[1]) * 1000) / (FACTOR[m[2] as string] as number);
  // "0/s" is refused like 0 and "0": a zero rate would pace connections infinitely far apart.
  return rate > 0 ? rate : undefined;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
