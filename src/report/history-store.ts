/**
 * A history: a folder of plain files, one JSON entry per run, under `<DIR>/runs/`:
 *
 *   <DIR>/runs/20261207T021500123Z-3fa2c9d1e0b4-smoke-a1b2c3.json
 *              UTC start (ms)      series       scenario random
 *
 * No index to keep in step: the folder's listing is the history, so runs that finish at the same
 * time (parallel CI jobs sharing one DIR) each add their own file. An entry is written to a
 * hidden temporary name in the same folder and renamed into place, so a reader never sees half
 * of one (rename is atomic within a file system). The series is in the name, so retention keeps
 * the newest `keep` entries of a series from the listing alone; a run pruning a file another run
 * pruned first is no error.
 */
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHistoryEntry, type HistoryEntry } from './history-entry';

export const HISTORY_RUNS = 'runs';
/** Entries kept per series unless told otherwise: three months of nightly runs. */
export const DEFAULT_HISTORY_KEEP = 100;
export const MAX_HISTORY_KEEP = 100_000;
/** An entry is a few tens of KB; a file far larger is not ours. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

const ENTRY_NAME = /^(\d{8}T\d{9}Z)-([0-9a-f]{12})-([A-Za-z0-9._-]*)-([0-9a-f]{6})\.json$/;

/** A history folder that cannot be used: the message names it and says why. */
export class HistoryError extends Error {
  override name = 'HistoryError';
}

/** 2026-12-07T02:15:00.123Z → 20261207T021500123Z: names sort by time, to the ms. */
function stamp(iso: string): string {
  return `${iso.slice(0, 23).replace(/[-:.]/g, '')}Z`;
}

function safeName(scenario: string): string {
  const cleaned = scenario.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 60);
  return cleaned === '' ? 'run' : cleaned;
}

/** A new entry's id (its file name without `.json`). */
export function historyEntryId(startedAt: string, series: string, scenario: string): string {
  return `${stamp(startedAt)}-${series}-${safeName(scenario)}-${randomBytes(3).toString('hex')}`;
}

/** Creates `<dir>/runs` if needed and checks that it can be written: before a run, so a bad DIR refuses the run. */
export async function prepareHistory(dir: string): Promise<void> {
  const runs = join(dir, HISTORY_RUNS);
  try {
    await mkdir(runs, { recursive: true });
    await access(runs, constants.W_OK);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file of that name is in the way' : code === 'EACCES' || code === 'EPERM' ? 'not writable' : err instanceof Error ? err.message : String(err);
    throw new HistoryError(`--history ${dir}: cannot keep a history there (${why})`);
  }
}

export interface Appended {
  /** The entry's file. */
  readonly file: string;
  /** Older entries of its series removed to keep `keep`. */
  readonly removed: number;
}

/** Writes `entry` atomically, then removes its series' oldest entries beyond `keep`. */
export async function appendHistoryEntry(dir: string, entry: HistoryEntry, keep: number): Promise<Appended> {
  const runs = join(dir, HISTORY_RUNS);
  await mkdir(runs, { recursive: true });
  const file = join(runs, `${entry.id}.json`);
  const temporary = join(runs, `.${entry.id}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(entry, null, 1)}\n`);
  await rename(temporary, file);
  const ofSeries = (await readdir(runs)).filter((name) => ENTRY_NAME.exec(name)?.[2] === entry.series).sort();
  const old = ofSeries.slice(0, Math.max(0, ofSeries.length - keep));
  await Promise.all(old.map((name) => rm(join(runs, name), { force: true })));
  return { file, removed: old.length };
}

export interface HistoryRead {
  /** Every readable entry, oldest first (by start, then id). */
  readonly entries: readonly HistoryEntry[];
  /** Files in runs/ that are not entries this version reads, and why. */
  readonly skipped: readonly { readonly file: string; readonly problem: string }[];
}

/** Reads a history folder; a folder that is not one is a HistoryError naming it. */
export async function readHistory(dir: string): Promise<HistoryRead> {
  const runs = join(dir, HISTORY_RUNS);
  let names: string[];
  try {
    names = await readdir(runs);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    if (code === 'ENOENT') throw new HistoryError(`${dir} is not a history: ${runs} does not exist (write one with: ocpp-fleet run … --history ${dir})`);
    if (code === 'ENOTDIR') throw new HistoryError(`${dir} is not a history: ${runs} is not a folder`);
    throw err;
  }
  const entries: HistoryEntry[] = [];
  const skipped: { file: string; problem: string }[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const file = join(runs, name);
    const text = await readEntryFile(file);
    if (text === undefined) continue;
    if (typeof text !== 'string') {
      skipped.push({ file, problem: text.problem });
      continue;
    }
    const parsed = parseHistoryEntry(text);
    if (typeof parsed === 'string') skipped.push({ file, problem: parsed });
    else entries.push(parsed);
  }
  entries.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { entries, skipped };
}

/** An entry file's text; undefined when another run pruned it meanwhile, a problem when it is not a file of ours. */
async function readEntryFile(file: string): Promise<string | { problem: string } | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { problem: 'not a regular file' };
    if (info.size > MAX_ENTRY_BYTES) return { problem: `larger than ${MAX_ENTRY_BYTES / 1024 / 1024} MiB` };
    return await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
}
