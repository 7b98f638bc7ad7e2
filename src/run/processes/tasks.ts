import { join, resolve } from 'node:path';
import type { RunConfig } from '../config';
import type { RunSettings } from '../options';
import { isLoopback } from '../staging-safety';
import { portsPerTarget, processAddresses } from './count';
import type { ProcessTask } from './messages';

/** Where process `index` (from 0) writes its own results folder, inside the run's. */
export function processDir(out: string, index: number): string {
  return join(resolve(out), 'processes', String(index + 1));
}

/**
 * What each process of the run is given: the settings the run was given, with its shard, the
 * targets the parent resolved (the embedded CSMS's URLs when it started one), its source
 * addresses and its own folder; without what only the parent does (the metrics endpoint, the
 * dashboard, remote write, the history, JUnit: all of the whole fleet) and without a
 * confirmation to ask (the parent asked it).
 */
export function processTasks(config: RunConfig, targets: readonly string[], out: string): ProcessTask[] {
  const count = config.processes;
  const {
    metricsPort: _metricsPort, metricsHost: _metricsHost, dashboardPort: _dashboardPort, prometheusRemoteWrite: _rw, prometheusRemoteWriteInterval: _rwi,
    prometheusRemoteWriteLabel: _rwl, history: _history, historyKeep: _historyKeep, junit: _junit, processes: _processes, ...kept
  } = config.source.settings;
  // A station's connections go to its home target: each target takes its share of the fleet.
  const shortOfPorts = targets.every(isLoopback) && config.plan.stations.length / Math.max(1, targets.length) > portsPerTarget();
  return Array.from({ length: count }, (_v, index): ProcessTask => {
    const addresses = processAddresses(index, count, config.localAddresses, shortOfPorts);
    const settings: RunSettings = {
      ...kept,
      url: targets,
      shard: { index: index + 1, count },
      workers: config.workers,
      seed: config.seed,
      out: processDir(out, index),
      yes: true,
      ...(addresses === undefined ? {} : { localAddress: addresses }),
    };
    return { type: 'run', scenario: config.source.scenario, settings };
  });
}
