/**
 * A run's results folder: results/<UTC start, e.g. 20261123T221700Z>-<scenario>/ holding
 * summary.json, histograms.hlog, timeseries.csv, histograms-total.hlog and report.html. The timestamp first makes
 * folders sort by time; UTC keeps names the same whatever the machine's time zone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Aggregator } from '../metrics/aggregator';
import { writeHlog } from './hlog';
import { writeHtmlReport } from './html';
import { buildSummary, type RunInfo, type Summary, writeSummary } from './summary';
import { writeTimeseries } from './timeseries';
import { TOTALS_FILE, writeTotals } from './totals';

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
 * `dir`, creating it, then report.html built from those files as written (what `ocpp-fleet report`
 * rebuilds). `judge` completes the summary with its verdict before it is written. Call after the
 * last drain of every ring. Returns what summary.json holds.
 */
export async function writeResults(dir: string, aggregator: Aggregator, run: RunInfo, judge?: (summary: Summary) => Summary): Promise<Summary> {
  aggregator.finish();
  await mkdir(dir, { recursive: true });
  // The verdict (health checks) is judged on the summary itself, before it is written.
  const built = buildSummary(aggregator, run);
  const summary = judge === undefined ? built : judge(built);
  await Promise.all([
    writeSummary(join(dir, SUMMARY_FILE), summary),
    writeHlog(join(dir, HLOG_FILE), aggregator.intervals, {
      startedAt: run.startedAt,
      version: run.version,
      scenario: run.scenario,
    }),
    writeTimeseries(join(dir, TIMESERIES_FILE), aggregator.seconds, run.startedAt),
    // Whole-run histograms of every action and group: what `merge` adds up, exactly, across shards.
    writeTotals(join(dir, TOTALS_FILE), aggregator, run.startedAt, run.endedAt.getTime() - run.startedAt.getTime()),
  ]);
  try {
    await writeHtmlReport(dir);
  } catch (err) {
    // The three files are the run's result; the page is a view of them that can be rebuilt, so
    // failing to write it must not turn a finished run into a failed one.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`warning: report.html not written (${message}); rebuild it with: ocpp-fleet report ${dir}\n`);
  }
  return summary;
}
