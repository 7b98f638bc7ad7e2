import { InvalidArgumentError } from 'commander';
import { HEALTH_CHECKS, HealthLimitError, isHealthKey, parseHealthEntry, UNREACHABLE_AFTER, type HealthOverrides } from '../scenario/health';

/**
 * `--health check=limit|off`, repeatable, and `--health off` (every check off, for runs that push
 * a CSMS past its limit on purpose; fail fast stays, turned off by `unreachableAfter=off`). Each
 * value is parsed as the scenario's `health:` block parses it; the flags are applied after it.
 */
export function collectHealth(text: string, previous: HealthOverrides[]): HealthOverrides[] {
  const value = text.trim();
  if (value === 'off') return [...previous, { limits: Object.fromEntries(HEALTH_CHECKS.map((c) => [c, null])) }];
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq).trim();
  if (eq < 0 || !isHealthKey(key)) {
    throw new InvalidArgumentError(
      `--health takes check=limit or check=off (checks: ${[...HEALTH_CHECKS, UNREACHABLE_AFTER].join(', ')}), or off, got "${text}"`,
    );
  }
  try {
    return [...previous, parseHealthEntry(key, value.slice(eq + 1).trim())];
  } catch (err) {
    if (err instanceof HealthLimitError) throw new InvalidArgumentError(`--health ${key}: ${err.message}`);
    throw err;
  }
}
