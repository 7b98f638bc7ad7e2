import { join } from 'node:path';
import { HistoryError, prepareHistory } from '../report/history-store';
import { REPORT_FILE } from '../report/html';
import { resultsDirName } from '../report/results-dir';
import { resolveRunConfig, type RunConfig } from './config';
import { UsageError } from './exit-codes';
import { runFleet } from './fleet';
import { checkHooks, type RunHooks, type RunOptions } from './options';
import { writeRunResults, type RunResult } from './results';
import { confirmTargets } from './staging-safety';

/**
 * A run in-process, as `ocpp-fleet run` makes it: the options resolved into one config (every
 * refusal before anything starts: RunOptionError, UsageError, ScenarioError), a confirmation
 * asked when the target is not this machine, the fleet run against the target or the embedded
 * CSMS, the results folder written, and the verdict with the CLI's exit code. Nothing is printed:
 * progress and notices come through the hooks.
 */
export async function run(options: RunOptions): Promise<RunResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkHooks(options);
  const { scenario, onProgress, onNotice, confirm, signal, hardStop, ...settings } = options;
  const config = resolveRunConfig(scenario, settings);
  return runResolved(config, { onProgress, onNotice, confirm, signal, hardStop });
}

/** A run of a config already resolved (the CLI resolves once, for --dry-run and its warnings). */
export async function runResolved(given: RunConfig, hooks: RunHooks): Promise<RunResult> {
  checkHooks(hooks);
  // Over several processes the folder is named before the start: each process writes its own inside it.
  const config = given.processes > 1 && given.out === undefined ? { ...given, out: resultsDirName(new Date(), given.scenario.name) } : given;
  const remote = config.remoteTargets;
  if (remote !== undefined) await confirmTargets(remote, config.plan.stations.length, config.confirmAbove, config.yes, hooks.confirm);
  if (config.history !== undefined) await usableHistory(config.history.dir);
  const fleet = await runFleet(config, hooks);
  let result: RunResult | undefined;
  try {
    result = await writeRunResults(config, fleet);
    return result;
  } finally {
    await fleet.dashboard?.finish(result === undefined ? undefined : join(result.dir, REPORT_FILE));
  }
}

/** A history folder that cannot be written refuses the run before it starts (exit 2), not after. */
async function usableHistory(dir: string): Promise<void> {
  try {
    await prepareHistory(dir);
  } catch (err) {
    throw err instanceof HistoryError ? new UsageError(err.message) : err;
  }
}
