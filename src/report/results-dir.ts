/**
 * A run's results folder: results/<UTC start, e.g. 20261123T221700Z>-<scenario>/ holding
 * summary.json, histograms.hlog and timeseries.csv. The timestamp first makes folders sort by
 * time; UTC keeps names the same whatever the machine's time zone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Aggregator } from '../metrics/aggregator';
import { writeHlog } from './hlog';
import { buildSummary, type RunInfo, type Summary, writeSummary } from './summary';
import { writeTimeseries } from './timeseries';

export const SUMMARY_FILE = 'summary.json';
export const HLOG_FILE = 'histograms.hlog';
export const TIMESERIES_FILE = 'timeseries.csv';

function utcStamp(date: Date): string {
  // 2026-11-23T22:17:00.000Z -> 20261123T221700Z
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** Scenario names come from users' files: anything that is not safe in a folder name becomes '-'. */
function safeName(scenario: string): string {
  const cleaned = scenario.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return cleaned === '' ? 'run' : cleaned;
}

export function resultsDirName(startedAt: Date, scenario: string): string {
  return join('results', `${utcStamp(startedAt)}-${safeName(scenario)}`);
}

/**
 * Closes the aggregator's open seconds (aggregator.finish()) and writes the three files into
 * `dir`, creating it. Call after the last drain of every ring. Returns what summary.json holds.
 */
export async function writeResults(dir: string, aggregator: Aggregator, run: RunInfo): Promise<Summary> {
  aggregator.finish();
  await mkdir(dir, { recursive: true });
  const summary = buildSummary(aggregator, run);
  await Promise.all([
    writeSummary(join(dir, SUMMARY_FILE), summary),
    writeHlog(join(dir, HLOG_FILE), aggregator.intervals, {
      startedAt: run.startedAt,
      version: run.version,
      scenario: run.scenario,
    }),
    writeTimeseries(join(dir, TIMESERIES_FILE), aggregator.seconds, run.startedAt),
  ]);
  return summary;
}
