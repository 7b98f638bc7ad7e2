/**
 * report.html: built from a results folder's files alone (summary.json, timeseries.csv,
 * histograms.hlog), so `ocpp-fleet report DIR` rebuilds exactly what the run wrote, and a folder
 * made another way (merged shards) gets the same report. The output holds no clock reading of its
 * own: the same files give the same bytes.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Summary } from '../summary';
import { buildCharts } from './charts';
import { renderPage, type ChartLibrary } from './page';
import { parseTimeseries, TimeseriesFormatError } from './timeseries-csv';

export const REPORT_FILE = 'report.html';
// The other names are written by results-dir.ts; repeated here, as they are a file contract, so
// that this folder does not import the module that imports it.
const SUMMARY_FILE = 'summary.json';
const TIMESERIES_FILE = 'timeseries.csv';
const HLOG_FILE = 'histograms.hlog';

/** The folder is not one the report can be built from: a file is missing or not ours. */
export class ResultsFolderError extends Error {
  override name = 'ResultsFolderError';
}

let library: ChartLibrary | undefined;

/** uPlot's browser build, stylesheet and licence, read once from node_modules. */
export function chartLibrary(): ChartLibrary {
  if (library !== undefined) return library;
  const packageJson = require.resolve('uplot/package.json');
  const root = dirname(packageJson);
  const meta: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  const version = typeof meta === 'object' && meta !== null && 'version' in meta ? String(meta.version) : 'unknown';
  library = {
    name: 'uPlot',
    version,
    script: readFileSync(join(root, 'dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(join(root, 'dist/uPlot.min.css'), 'utf8'),
    license: readFileSync(join(root, 'LICENSE'), 'utf8'),
  };
  return library;
}

async function readResultsFile(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (code === 'ENOENT') throw new ResultsFolderError(`${join(dir, name)} not found: is ${dir} a results folder of ocpp-fleet run?`);
    throw err;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * summary.json's fields that the report reads, checked once here; past this point the summary is
 * trusted as the run wrote it.
 */
export function parseSummary(text: string, where: string): Summary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ResultsFolderError(`${where} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(value) || value.tool !== 'ocpp-fleet') {
    throw new ResultsFolderError(`${where} is not an ocpp-fleet summary (no "tool": "ocpp-fleet")`);
  }
  const objects = ['actions', 'fleet', 'connect', 'boot', 'errors', 'counters', 'settings'];
  const missing = objects.filter((key) => !isRecord(value[key]));
  if (!Array.isArray(value.thresholds)) missing.push('thresholds');
  if (typeof value.startedAt !== 'string' || Number.isNaN(Date.parse(value.startedAt))) missing.push('startedAt');
  if (missing.length > 0) throw new ResultsFolderError(`${where} lacks or has a wrong ${missing.join(', ')}`);
  return value as unknown as Summary;
}

/** The report of the results folder `dir`, as HTML text. */
export async function buildHtmlReport(dir: string): Promise<string> {
  // Read together; of several missing, the first in this order is named, whichever failed first.
  const read = await Promise.allSettled([SUMMARY_FILE, TIMESERIES_FILE, HLOG_FILE].map((name) => readResultsFile(dir, name)));
  const failed = read.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const [summaryText, csv, hlog] = read.map((r) => (r as PromiseFulfilledResult<string>).value) as [string, string, string];
  const summary = parseSummary(summaryText, join(dir, SUMMARY_FILE));
  let timeseries;
  try {
    timeseries = parseTimeseries(csv);
  } catch (err) {
    if (err instanceof TimeseriesFormatError) throw new ResultsFolderError(`${join(dir, TIMESERIES_FILE)}: ${err.message}`);
    throw err;
  }
  const charts = buildCharts(summary, timeseries, hlog);
  return renderPage({ summary, charts, library: chartLibrary() });
}

/** Writes report.html into `dir` (or to `out`) and returns its path. */
export async function writeHtmlReport(dir: string, out = join(dir, REPORT_FILE)): Promise<string> {
  await writeFile(out, await buildHtmlReport(dir));
  return out;
}
