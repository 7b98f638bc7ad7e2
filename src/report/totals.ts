/**
 * histograms-total.hlog: every histogram of a run as a single interval spanning the run, in the
 * HdrHistogram interval-log format. It is what makes shard results mergeable exactly: adding
 * histograms is exact, so the merge's percentiles are those of the union of all samples, per
 * action and per group, which per-second logs of top-level tags alone could not give.
 *
 * Tags: `<Action>`, `<Action>.service`, `<Action>.dispatch` over all groups;
 * `group=<name>/<Action>` (and `.service`, `.dispatch`) per group; `connect`; `boot`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Aggregator } from '../metrics/aggregator';
import type { CallStats } from '../metrics/histograms';
import { HistogramLogWriter, mergeIntervalLog, type Histogram } from '../metrics/intervals';

export const TOTALS_FILE = 'histograms-total.hlog';

export function groupTag(group: string, tag: string): string {
  return `group=${group}/${tag}`;
}

export function formatTotals(aggregator: Aggregator, startedAt: Date, durationMs: number): string {
  const chunks: string[] = [];
  const writer = new HistogramLogWriter((chunk) => chunks.push(chunk));
  writer.outputComment('[ocpp-fleet whole-run histograms, µs; one interval per tag spanning the run]');
  writer.outputLogFormatVersion();
  writer.outputStartTime(startedAt.getTime());
  writer.outputLegend();
  const end = Math.max(0.001, durationMs / 1000);
  const put = (tag: string, h: Histogram): void => {
    if (h.totalCount === 0) return;
    h.tag = tag;
    writer.outputIntervalHistogram(h, 0, end, 1000);
  };
  const putCalls = (prefix: (tag: string) => string, action: string, s: CallStats): void => {
    put(prefix(action), s.response);
    put(prefix(`${action}.service`), s.service);
    put(prefix(`${action}.dispatch`), s.dispatchDelay);
  };
  for (const [action, stats] of aggregator.actions()) putCalls((t) => t, action, stats);
  for (const [group, actions] of aggregator.groups()) {
    for (const [action, stats] of actions) putCalls((t) => groupTag(group, t), action, stats);
  }
  put('connect', aggregator.connect.latency);
  put('tls', aggregator.connect.tlsHandshake);
  put('boot', aggregator.boot.timeToAccepted);
  return chunks.join('');
}

export async function writeTotals(path: string, aggregator: Aggregator, startedAt: Date, durationMs: number): Promise<void> {
  await writeFile(path, formatTotals(aggregator, startedAt, durationMs));
}

/** The whole-run histograms of one or more runs, added per tag. */
export async function readTotals(path: string, into?: Map<string, Histogram>): Promise<Map<string, Histogram>> {
  return mergeIntervalLog(await readFile(path, 'utf8'), into);
}
