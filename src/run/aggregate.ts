import { resolveRunConfig } from './config';
import { UsageError } from './exit-codes';
import type { ScenarioObject } from './load-scenario';
import { checkHooks, wholeNumber, type RunHooks, type RunSettings } from './options';
import { MAX_SHARDS } from '../scenario/plan';
import type { RunResult } from './results';
import { runResolved } from './run';

/** What `aggregate()` takes besides a run's settings: where the shards connect, and how many. */
export interface AggregateOptions extends Pick<RunSettings, 'cps' | 'duration' | 'seed' | 'out' | 'thresholds' | 'junit' | 'health' | 'metricsPort' | 'metricsHost' | 'history' | 'historyKeep'>, RunHooks {
  readonly scenario: string | ScenarioObject;
  /** The shards that will connect (`run --shard I/N --aggregator URL`, N of them). */
  readonly shards: number;
  /** Port to listen on for them (0: a free one, picked by the system; the notice says which). */
  readonly port: number;
  /** Address to listen on (default 0.0.0.0: pods reach it over the cluster's network). */
  readonly host?: string;
  /** How long to wait for every shard to connect, ms (default 5 minutes: pods are scheduled, images pulled). */
  readonly waitMs?: number;
}

export const DEFAULT_SHARD_WAIT_MS = 300_000;

/**
 * The fleet-wide judge of a sharded run (a Kubernetes Indexed Job, or runs on several machines):
 * it runs no station itself. Its N shards connect to it (`run --shard I/N --aggregator URL`),
 * start on one epoch it gives, and send their records as they go; it judges the thresholds
 * (abortOnFail included: a breach stops every shard), fail fast and health on the whole fleet,
 * serves the one metrics endpoint, and writes the run's results folder from the union, as
 * `run --processes` does for processes of one machine. The scenario and its size (cps, seed,
 * duration) must be the shards' own, so that the plan it judges against is theirs.
 */
export async function aggregate(options: AggregateOptions): Promise<RunResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkHooks(options);
  const { scenario, shards, port, host = '0.0.0.0', waitMs = DEFAULT_SHARD_WAIT_MS, onProgress, onNotice, signal, hardStop, ...settings } = options;
  wholeNumber('shards', shards, 1, MAX_SHARDS);
  wholeNumber('port', port, 0, 65535);
  wholeNumber('waitMs', waitMs, 1, 86_400_000);
  const config = resolveRunConfig(scenario, { ...settings, processes: 1 });
  if (shards > config.plan.stations.length) throw new UsageError(`shards: ${shards} for a fleet of ${config.plan.stations.length} stations: at most one shard per station`);
  return runResolved({ ...config, aggregate: { host, port, shards, waitMs } }, { onProgress, onNotice, signal, hardStop });
}
