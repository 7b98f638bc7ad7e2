/**
 * Whole-run latency distributions of a run, from its histograms-total.hlog: what `compare` tests
 * when a figure has too few seconds with samples to be tested second by second (boots, connects,
 * a storm, an action a few stations send now and then). Kept as tied groups (bucket value and
 * count), never as one array element per call: a histogram of a million calls is ~1,300 buckets.
 */
import { readFile } from 'node:fs/promises';
import type { Histogram } from 'hdr-histogram-js';
import { mergeIntervalLog } from '../metrics/intervals';
import { forEachRecorded } from '../metrics/histogram-scan';
import type { Grouped } from './compare-stats';

/** Tag → values in ms. Tags: each action's response time, `connect`, `boot` (time to accepted). */
export type WholeRun = Map<string, Grouped>;

/** Per-group, service-time, dispatch and TLS histograms are not compared. */
function compared(tag: string): boolean {
  return !tag.includes('.') && !tag.includes('/') && tag !== 'tls';
}

/** A histogram's recorded values as tied groups, each bucket at its highest equivalent value (as its percentiles are). */
export function histogramGroups(h: Histogram, unitsPerValue = 1): Grouped {
  const values: number[] = [];
  const counts: number[] = [];
  forEachRecorded(h, (value, count) => {
    values.push(value / unitsPerValue);
    counts.push(count);
  });
  return { values, counts, total: counts.reduce((a, b) => a + b, 0) };
}

export function wholeRunFromLog(text: string): WholeRun {
  const out: WholeRun = new Map();
  for (const [tag, h] of mergeIntervalLog(text)) if (compared(tag) && h.totalCount > 0) out.set(tag, histogramGroups(h, 1000));
  return out;
}

export async function readWholeRun(path: string): Promise<WholeRun> {
  return wholeRunFromLog(await readFile(path, 'utf8'));
}
