import { InvalidArgumentError } from 'commander';
import { UsageError } from '../run/exit-codes';
import { parseHealthOption } from '../run/options';
import type { HealthOverrides } from '../scenario/health';

/**
 * `--health check=limit|off`, repeatable, and `--health off` (every check off, for runs that push
 * a CSMS past its limit on purpose). Parsed as run() parses its `health` option, so a bad value is
 * commander's error (exit 2) as the command line is read.
 */
export function collectHealth(text: string, previous: HealthOverrides[]): HealthOverrides[] {
  try {
    return [...previous, parseHealthOption(text, '--health')];
  } catch (err) {
    if (err instanceof UsageError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

/** The collector `run` uses: the texts, each checked as it comes; run() reads them again. */
export function collectHealthText(text: string, previous: string[]): string[] {
  collectHealth(text, []);
  return [...previous, text];
}
