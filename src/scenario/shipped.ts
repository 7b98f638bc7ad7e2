import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The scenarios the package ships (its `scenarios/` folder), found from this module's place in
 * dist/, so an installed package (`npx ocpp-fleet run smoke`, `npm i -g`) finds them wherever the
 * user stands, not only a checkout's working directory.
 */
export const SHIPPED_DIR = join(__dirname, '..', '..', '..', 'scenarios');

/** The scenario a run without one plays (`npm start`, `ocpp-fleet run`). */
export const DEFAULT_SCENARIO_NAME = 'smoke';

/** A name is letters, digits, `.`, `_` and `-`, with or without `.yaml`: nothing that reads as a path. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ShippedScenario {
  readonly name: string;
  readonly path: string;
  /** The file's one-line `description:`, empty when it has none. */
  readonly description: string;
}

/** The shipped scenarios by name, in name order. */
export function shippedScenarios(dir = SHIPPED_DIR): ShippedScenario[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: basename(f, '.yaml'), path: join(dir, f), description: descriptionOf(join(dir, f)) }));
}

/**
 * The top-level `description:` line, read as text: listing ten files must not parse and validate
 * each (a shipped file is checked by the tests, not here).
 */
function descriptionOf(path: string): string {
  const line = /^description:[ \t]*(.*)$/m.exec(readFileSync(path, 'utf8'))?.[1]?.trim() ?? '';
  return /^(["']).*\1$/.test(line) ? line.slice(1, -1) : line;
}

/**
 * What a scenario argument names: a file that exists is that file; otherwise a bare name (`smoke`,
 * `smoke.yaml`) of a shipped scenario is the shipped file; anything else is returned as given, for
 * the loader to say it cannot read it.
 */
export function resolveScenarioPath(arg: string, dir = SHIPPED_DIR): string {
  if (existsSync(arg) || !NAME.test(arg)) return arg;
  const file = join(dir, arg.endsWith('.yaml') ? arg : `${arg}.yaml`);
  return existsSync(file) ? file : arg;
}

/** For an error about a scenario that could not be read: the names that can be given instead. */
export function shippedNamesHint(dir = SHIPPED_DIR): string {
  const names = shippedScenarios(dir).map((s) => s.name);
  return names.length === 0 ? '' : `; or name a shipped scenario: ${names.join(', ')}`;
}
