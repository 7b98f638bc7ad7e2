/**
 * Reading a run for `compare`: a results folder, or a summary.json file (whose folder's
 * histograms.hlog and histograms-total.hlog are used when they are there). Whatever is wrong with an input is a CompareError
 * naming the path, reported in one line with exit code 2.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readPerSecond } from './compare-hlog';
import type { RunData } from './compare';
import { readWholeRun, type WholeRun } from './compare-totals';
import type { Summary } from './summary';

export class CompareError extends Error {
  override name = 'CompareError';
}

const SUMMARY_FILE = 'summary.json';
const HLOG_FILE = 'histograms.hlog';
const TOTALS_FILE = 'histograms-total.hlog';

export async function loadRun(path: string): Promise<RunData> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new CompareError(`${path}: no such results folder or summary file`);
  }
  const summaryPath = isDir ? join(path, SUMMARY_FILE) : path;
  const folder = isDir ? path : dirname(path);
  if (!existsSync(summaryPath)) throw new CompareError(`${path}: not a results folder (no ${SUMMARY_FILE} in it)`);
  const summary = parseSummary(await readFile(summaryPath, 'utf8'), summaryPath);
  // A summary file named on its own still brings its folder's histograms, unless it is not a
  // run's own summary.json (a copy renamed elsewhere): then the histograms may be another run's.
  const own = isDir || basename(path) === SUMMARY_FILE;
  const perSecond = await readIfThere(join(folder, HLOG_FILE), own, readPerSecond);
  const wholeRun = await readIfThere<WholeRun>(join(folder, TOTALS_FILE), own, readWholeRun);
  return { label: path, summary, perSecond, wholeRun };
}

async function readIfThere<T>(path: string, own: boolean, read: (path: string) => Promise<T>): Promise<T | undefined> {
  if (!own || !existsSync(path)) return undefined;
  try {
    return await read(path);
  } catch (err) {
    throw new CompareError(`${path}: not a readable HdrHistogram log (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Checks the fields compare reads; the rest of the summary is passed through untouched. */
function parseSummary(text: string, path: string): Summary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CompareError(`${path}: not JSON`);
  }
  const v = value as Partial<Summary> | null;
  if (v === null || typeof v !== 'object' || v.tool !== 'ocpp-fleet') throw new CompareError(`${path}: not an ocpp-fleet summary (no "tool": "ocpp-fleet")`);
  const missing = (['actions', 'connect', 'fleet', 'scenario', 'startedAt', 'durationMs'] as const).filter((k) => v[k] === undefined);
  if (missing.length > 0) throw new CompareError(`${path}: summary lacks ${missing.join(', ')}`);
  return v as Summary;
}
