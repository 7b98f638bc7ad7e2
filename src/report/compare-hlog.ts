/**
 * Per-second latency figures of a run, from its histograms.hlog: for each tag (an action's
 * response time, or `connect`) the p1, p50, p99 and max of every second that had enough samples.
 * These per-second values are what `compare` tests a change against: how much a run's own
 * seconds differ from one another is the run-to-run noise a change must stand out from.
 */
import { readFile } from 'node:fs/promises';
import { HistogramLogReader, type Histogram } from 'hdr-histogram-js';

/** Seconds with fewer samples than this say little about their percentiles and are left out. */
export const MIN_SAMPLES_PER_SECOND = 5;

export interface SecondValues {
  /** ms, one value per second kept, in time order. */
  readonly p1: number[];
  readonly p50: number[];
  readonly p99: number[];
  readonly max: number[];
  /** How many values each second with any of them held, the thin ones too: how the run spread them. */
  counts?: number[];
}

export type PerSecond = Map<string, SecondValues>;

/** Actions and `connect`: not service times (response time from due is what users wait for), not groups. */
function compared(tag: string): boolean {
  return !tag.includes('.') && !tag.includes('=');
}

function ms(h: Histogram, p: number): number {
  return Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000;
}

export function perSecondFromLog(text: string): PerSecond {
  const out: PerSecond = new Map();
  const reader = new HistogramLogReader(text);
  // Intervals of one second are adjacent in our logs (sorted by second); a late interval for a
  // second already written comes in the same block and is added to it, so one block is one second.
  let blockStart = Number.NaN;
  let block = new Map<string, Histogram>();
  const flush = (): void => {
    for (const [tag, h] of block) {
      let values = out.get(tag);
      if (values === undefined) {
        values = { p1: [], p50: [], p99: [], max: [], counts: [] };
        out.set(tag, values);
      }
      values.counts?.push(h.totalCount);
      if (h.totalCount < MIN_SAMPLES_PER_SECOND) continue;
      values.p1.push(ms(h, 1));
      values.p50.push(ms(h, 50));
      values.p99.push(ms(h, 99));
      values.max.push(h.maxValue / 1000);
    }
    block = new Map();
  };
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    if (!compared(h.tag)) continue;
    if (h.startTimeStampMsec !== blockStart) {
      flush();
      blockStart = h.startTimeStampMsec;
    }
    const seen = block.get(h.tag);
    if (seen === undefined) block.set(h.tag, h);
    else seen.add(h);
  }
  flush();
  return out;
}

export async function readPerSecond(path: string): Promise<PerSecond> {
  return perSecondFromLog(await readFile(path, 'utf8'));
}
