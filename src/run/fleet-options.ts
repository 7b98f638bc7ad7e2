import { groupConfigs } from '../coordinator/groups';
import { WIND_DOWN_STOPS_PER_SEC, type FleetRunOptions } from '../coordinator/run-fleet';
import type { RunConfig } from './config';

/** What a FleetRun of this config is given about its stations and targets: the same in one process and in each of several. */
export type StationOptions = Pick<
  FleetRunOptions,
  'groups' | 'baseUrl' | 'targetUrls' | 'security' | 'passwordOf' | 'maxCallsPerSec' | 'localAddresses' | 'workers' | 'durationMs' | 'gracefulStopMs' | 'windDownStopsPerSec' | 'faults'
>;

export function stationOptions(config: RunConfig, targets: readonly string[]): StationOptions {
  const { scenario } = config;
  return {
    groups: groupConfigs(scenario, config.groups),
    baseUrl: targets[0] as string,
    ...(targets.length > 1 ? { targetUrls: targets } : {}),
    security: config.security.security,
    passwordOf: config.security.passwordOf,
    // A shard's share of the whole fleet's cap.
    ...(config.maxRatePerSec === undefined ? {} : { maxCallsPerSec: config.maxRatePerSec / (config.shard?.count ?? 1) }),
    ...(config.localAddresses === undefined ? {} : { localAddresses: config.localAddresses }),
    workers: config.workers,
    durationMs: config.durationMs,
    gracefulStopMs: scenario.gracefulStopMs,
    // A shard's share of the whole fleet's pace, as with the rate cap.
    windDownStopsPerSec: WIND_DOWN_STOPS_PER_SEC / (config.shard?.count ?? 1),
    ...(scenario.faults === undefined ? {} : { faults: scenario.faults }),
  };
}
