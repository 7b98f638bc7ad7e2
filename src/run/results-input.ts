import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareRuns, resolveCompareOptions, type Comparison, type CompareSettings } from '../report/compare';
import { loadRun } from '../report/compare-load';
import { mergeResults, MergeError } from '../report/merge';
import { HLOG_FILE, SUMMARY_FILE, TIMESERIES_FILE } from '../report/results-dir';
import type { Summary } from '../report/summary';
import { TOTALS_FILE } from '../report/totals';
import { inputFileProblem } from '../scenario/input-file';
import { UsageError } from './exit-codes';

/**
 * Results folders read back: `compare` and `merge` as a library offers them, with the checks the
 * commands make first, so a script meets the same refusals (UsageError) as the command line.
 */

/**
 * The files of a results folder (or a summary file named alone) that `compare` and `merge` read,
 * checked for type and size first (512 MiB: the longest text Node can hold). Missing files are
 * left to the commands, which say what a results folder needs.
 */
export function checkResultsInput(path: string): void {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return;
  }
  const files = folder ? [SUMMARY_FILE, HLOG_FILE, TOTALS_FILE, TIMESERIES_FILE].map((f) => join(path, f)).filter((f) => existsSync(f)) : [path];
  for (const file of files) {
    const problem = inputFileProblem(file, 'results');
    if (problem !== undefined) throw new UsageError(`${file}: ${problem}`);
  }
}

/** A candidate run against a baseline (results folders or summary.json files); `regressions > 0` is the CLI's exit 1. */
export async function compare(baseline: string, candidate: string, options: CompareSettings = {}): Promise<Comparison> {
  checkResultsInput(baseline);
  checkResultsInput(candidate);
  const [base, cand] = await Promise.all([loadRun(baseline), loadRun(candidate)]);
  return compareRuns(base, cand, resolveCompareOptions(options));
}

/** The shards' results folders of a sharded run merged into `out`, exactly: counts add, histograms merge. */
export async function merge(dirs: readonly string[], out: string): Promise<Summary> {
  for (const dir of dirs) checkResultsInput(dir);
  try {
    return await mergeResults(dirs, resolve(out));
  } catch (err) {
    throw err instanceof MergeError ? new UsageError(err.message) : err;
  }
}
