/**
 * Merging the results of a sharded run (`--shard I/N` on several machines) into one results
 * folder, exactly: counts add; latencies are recomputed from the shards' whole-run histograms
 * added together, so a merged p99 is the p99 of the union of every shard's samples, never an
 * average of percentiles; the per-second log and the time series are put on one wall-clock
 * time line (shards start within a few hundred ms of each other, not at the same instant).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HistogramLogReader, type Histogram } from 'hdr-histogram-js';
import { newHistogram } from '../metrics/histograms';
import { usToMs } from './format';
import { writeHtmlReport } from './html';
import { MergeError, mergeSummaries, type ShardSummary as Shard } from './merge-summary';
import { HLOG_FILE, SUMMARY_FILE, TIMESERIES_FILE } from './results-dir';
import type { Summary } from './summary';
import { TIMESERIES_COLUMNS } from './timeseries';
import { readTotals, TOTALS_FILE } from './totals';

export { MergeError };

async function loadShard(dir: string): Promise<Shard> {
  for (const file of [SUMMARY_FILE, TOTALS_FILE, HLOG_FILE, TIMESERIES_FILE]) {
    if (!existsSync(join(dir, file))) throw new MergeError(`${dir}: no ${file} (is it a results folder of ocpp-fleet 0.1 or later?)`);
  }
  const summary = JSON.parse(await readFile(join(dir, SUMMARY_FILE), 'utf8')) as Summary;
  if (summary.tool !== 'ocpp-fleet') throw new MergeError(`${dir}/${SUMMARY_FILE}: not an ocpp-fleet summary`);
  return { dir, summary, startMs: Date.parse(summary.startedAt) };
}

/** The per-second log of every shard, its interval starts moved onto the merged start time. */
async function mergeHlog(shards: Shard[], startMs: number): Promise<{ text: string; perSecond: Map<number, Histogram> }> {
  const lines: { at: number; text: string }[] = [];
  const perSecond = new Map<number, Histogram>();
  for (const shard of shards) {
    const text = await readFile(join(shard.dir, HLOG_FILE), 'utf8');
    const offset = (shard.startMs - startMs) / 1000;
    for (const line of text.split('\n')) {
      const m = /^(Tag=[^,]*,)?(\d+(?:\.\d+)?),(.*)$/.exec(line);
      if (!m) continue;
      const at = Number(m[2]) + offset;
      lines.push({ at, text: `${m[1] ?? ''}${at.toFixed(3)},${m[3]}` });
    }
    // Response-time intervals of every action, added per wall-clock second for the time series.
    const reader = new HistogramLogReader(text);
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      if (h.tag.includes('.') || h.tag === 'connect' || h.tag.startsWith('group=')) continue;
      const second = Math.floor((h.startTimeStampMsec - startMs) / 1000);
      let sum = perSecond.get(second);
      if (sum === undefined) perSecond.set(second, (sum = newHistogram()));
      sum.add(h);
    }
  }
  lines.sort((a, b) => a.at - b.at);
  const header =
    '#[Merged by ocpp-fleet from ' + shards.length + ' shards]\n' +
    '#[Histogram log format version 1.3]\n' +
    `#[StartTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch), ${new Date(startMs).toUTCString()}]\n` +
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n';
  return { text: header + lines.map((l) => l.text).join('\n') + '\n', perSecond };
}

const SUMMED = ['connected', 'booted', 'charging', 'calls', 'ok', 'errors', 'timeouts'] as const;

/** Rows of every shard added per wall-clock second; percentiles from the merged intervals. */
async function mergeTimeseries(shards: Shard[], startMs: number, perSecond: Map<number, Histogram>): Promise<string> {
  const rows = new Map<number, Record<string, number | undefined>>();
  for (const shard of shards) {
    const [head, ...body] = (await readFile(join(shard.dir, TIMESERIES_FILE), 'utf8')).trim().split('\n');
    const cols = (head ?? '').split(',');
    for (const line of body) {
      const cells = line.split(',');
      const at = Date.parse(cells[cols.indexOf('time')] ?? '');
      if (Number.isNaN(at)) continue;
      const second = Math.floor((at - startMs) / 1000 + 0.5);
      const row = rows.get(second) ?? {};
      for (const c of SUMMED) {
        const cell = cells[cols.indexOf(c)];
        if (cell !== undefined && cell !== '') row[c] = (row[c] ?? 0) + Number(cell);
      }
      rows.set(second, row);
    }
  }
  const last = Math.max(0, ...rows.keys());
  const out = [TIMESERIES_COLUMNS.join(',')];
  for (let s = 0; s <= last; s++) {
    const row = rows.get(s) ?? {};
    const h = perSecond.get(s);
    const pct = (p: number): string => (h && h.totalCount > 0 ? String(usToMs(Math.min(h.getValueAtPercentile(p), h.maxValue))) : '');
    out.push(
      [
        s,
        new Date(startMs + s * 1000).toISOString(),
        ...SUMMED.map((c) => (row[c] === undefined ? (c === 'calls' || c === 'ok' || c === 'errors' || c === 'timeouts' ? '0' : '') : String(row[c]))),
        pct(50),
        pct(99),
        h && h.totalCount > 0 ? String(usToMs(h.maxValue)) : '',
      ].join(','),
    );
  }
  return `${out.join('\n')}\n`;
}

/** Merge the results folders `dirs` into `outDir`; returns the merged summary. */
export async function mergeResults(dirs: readonly string[], outDir: string): Promise<Summary> {
  if (dirs.length === 0) throw new MergeError('nothing to merge: give at least one results folder');
  const shards = await Promise.all(dirs.map(loadShard));
  const totals = new Map<string, Histogram>();
  for (const shard of shards) await readTotals(join(shard.dir, TOTALS_FILE), totals);
  const summary = mergeSummaries(shards, totals);
  const startMs = Date.parse(summary.startedAt);
  const hlog = await mergeHlog(shards, startMs);
  await mkdir(outDir, { recursive: true });
  const totalsText = (await Promise.all(shards.map((s) => readFile(join(s.dir, TOTALS_FILE), 'utf8')))).join('');
  await Promise.all([
    writeFile(join(outDir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`),
    writeFile(join(outDir, HLOG_FILE), hlog.text),
    writeFile(join(outDir, TIMESERIES_FILE), await mergeTimeseries(shards, startMs, hlog.perSecond)),
    // The shards' whole-run logs one after the other: readers add intervals per tag, so a merge
    // of merges stays exact.
    writeFile(join(outDir, TOTALS_FILE), totalsText),
  ]);
  await writeHtmlReport(outDir);
  return summary;
}
