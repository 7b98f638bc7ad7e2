/**
 * histograms.hlog: an HdrHistogram interval log (format 1.3), readable by HdrHistogram tools
 * (HistogramLogProcessor, HdrHistogramVisualizer, hdr-histogram-js's HistogramLogReader).
 *
 * One interval a second per tag: `<Action>` is the response time from the due moment,
 * `<Action>.service` the service time, `group=<name>` the response time of every action of that
 * fleet group, `connect` the connect time. Values are µs; the
 * Interval_Max column is in ms. Interval timestamps are seconds since the run started, made
 * absolute by the StartTime header.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { HistogramLogWriter, type Histogram, type IntervalLog, mergeIntervalLog } from '../metrics/intervals';

export interface HlogHeader {
  startedAt: Date;
  version: string;
  scenario: string;
}

export function formatHlog(intervals: IntervalLog, header: HlogHeader): string {
  return hlogText(intervals.lines(), header);
}

/** A log of these interval lines (IntervalLog's) under our header: the whole log, or a stretch of it to decode. */
export function hlogText(lines: Iterable<string>, header: HlogHeader): string {
  const chunks: string[] = [];
  const writer = new HistogramLogWriter((chunk) => chunks.push(chunk));
  writer.outputComment(`[Logged with ocpp-fleet ${header.version}, scenario ${header.scenario}]`);
  writer.outputComment('[Values in microseconds; tags: <Action> response time from due, <Action>.service, group=<name> (all its actions), connect]');
  writer.outputLogFormatVersion();
  writer.outputStartTime(header.startedAt.getTime());
  writer.outputLegend();
  for (const line of lines) chunks.push(line);
  return chunks.join('');
}

/** Call after aggregator.finish(), which closes the last seconds into the interval log. */
export async function writeHlog(path: string, intervals: IntervalLog, header: HlogHeader): Promise<void> {
  await writeFile(path, formatHlog(intervals, header));
}

/** The histograms of a log added up per tag (values in the log's unit: µs for ours). */
export async function readHlog(path: string, into?: Map<string, Histogram>): Promise<Map<string, Histogram>> {
  return mergeIntervalLog(await readFile(path, 'utf8'), into);
}
