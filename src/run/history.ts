/**
 * `run --history DIR`: the run appended to a history (src/report/history-store.ts) with the series
 * it belongs to. Two runs are of one series, and so compared by `trend`, when they ran the same
 * load with the same settings:
 *
 * - the scenario's fingerprint: a hash of what it asks of the fleet (groups, ramps, sessions,
 *   scripts, faults, timings, seed), without what only judges a run (thresholds, health limits),
 *   what only locates it (its file's path, lines, its description) and the embedded CSMS's
 *   `csms:` block: that is the system under test, whose change a trend is there to show;
 * - the settings: stations, workers, duration, seed, target (`embedded`, or the URLs), shard,
 *   rate cap, source addresses, security profile.
 *
 * Identities' passwords never enter the fingerprint (nor the entry).
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { buildHistoryEntry, historyHistograms, type HistorySettings } from '../report/history-entry';
import { appendHistoryEntry, historyEntryId, type Appended } from '../report/history-store';
import type { Summary } from '../report/summary';
import { formatTotals } from '../report/totals';
import type { Aggregator } from '../metrics/aggregator';
import type { RunConfig } from './config';
import { redactUrl } from './targets';

/** Keys left out of the scenario's fingerprint, at any depth. */
const NOT_LOAD = new Set(['source', 'description', 'thresholds', 'health', 'csms', 'targets', 'line', 'field', 'identityLine', 'written', 'path', 'password']);

function canonical(value: unknown, drop: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, drop));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && !drop.has(key)) out[key] = canonical(v, drop);
  }
  return out;
}

function hash(value: unknown, drop: ReadonlySet<string> = new Set()): string {
  return createHash('sha256').update(JSON.stringify(canonical(value, drop))).digest('hex');
}

/** The settings a run's series is the hash of. */
export function historySettings(config: RunConfig): HistorySettings {
  const remote = config.remoteTargets;
  return {
    scenario: config.scenario.name,
    scenarioHash: hash(config.scenario, NOT_LOAD).slice(0, 16),
    stations: config.plan.stations.length,
    workers: Math.min(config.workers, config.plan.stations.length),
    durationMs: config.durationMs,
    seed: config.seed,
    target: remote === undefined ? 'embedded' : remote.map(redactUrl).join(', '),
    ...(config.shard === undefined ? {} : { shard: `${config.shard.index}/${config.shard.count}` }),
    ...(config.maxRatePerSec === undefined ? {} : { maxRatePerSec: config.maxRatePerSec }),
    ...(config.localAddresses === undefined ? {} : { localAddresses: config.localAddresses.length }),
    ...(Object.keys(config.security.describe).length === 0 ? {} : { security: config.security.describe }),
  };
}

export function seriesOf(settings: HistorySettings): string {
  return hash(settings).slice(0, 12);
}

export interface RunVerdict {
  readonly reason: string;
  readonly exitCode: number;
  readonly dir: string;
}

/** Appends the finished run to `config.history`; the entry's file and what retention removed. */
export async function appendRunHistory(config: RunConfig, summary: Summary, aggregator: Aggregator, verdict: RunVerdict): Promise<Appended | undefined> {
  const history = config.history;
  if (history === undefined) return undefined;
  const settings = historySettings(config);
  const series = seriesOf(settings);
  const entry = buildHistoryEntry(summary, {
    id: historyEntryId(summary.startedAt, series, summary.scenario),
    series,
    settings,
    machine: { cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    reason: verdict.reason,
    exitCode: verdict.exitCode,
    resultsDir: resolve(verdict.dir),
    histograms: historyHistograms(formatTotals(aggregator, new Date(summary.startedAt), summary.durationMs)),
  });
  return appendHistoryEntry(history.dir, entry, history.keep);
}
