/**
 * The closed per-second interval histograms, kept already encoded.
 *
 * A histogram is ~94 KB in memory and a few hundred bytes once compressed, so each interval is
 * encoded the moment its second closes (by hdr-histogram-js's own HistogramLogWriter, so the
 * lines are exactly what HdrHistogram tools read) and its histogram goes back to the pool.
 * Timestamps in the lines are seconds since the run's epoch; the log's StartTime header (written
 * by the report) makes them absolute.
 */
import { build, HistogramLogReader, HistogramLogWriter, type Histogram } from 'hdr-histogram-js';
import { HIGHEST_TRACKABLE_US } from './histograms';

// The report writes the log's header with the same writer; it imports it from here so that
// metrics stays the one place that knows the histogram library.
export { HistogramLogWriter };
export type { Histogram };

export interface IntervalLine {
  /** Second since the run's epoch the interval starts at. */
  second: number;
  /** One complete log line, newline included. */
  text: string;
}

export class IntervalLog {
  private readonly entries: IntervalLine[] = [];
  private current = 0;
  private readonly writer = new HistogramLogWriter((text) => {
    this.entries.push({ second: this.current, text });
  });

  /** Encodes one interval; `histogram` holds µs values and may be reset right after. */
  add(tag: string, second: number, histogram: Histogram): void {
    this.current = second;
    histogram.tag = tag;
    // maxValueUnitRatio 1000: the log's Interval_Max column is in ms, as HdrHistogram tools expect.
    this.writer.outputIntervalHistogram(histogram, second, second + 1, 1000);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The lines of seconds `from` to `to` (inclusive) whose tag is one of `tags`, in time order: a
   * trailing window's histograms, decoded by the caller (mergeIntervalLog) only for what it needs.
   */
  linesBetween(from: number, to: number, tags: ReadonlySet<string>): string[] {
    const prefixes = [...tags].map((tag) => `Tag=${tag},`);
    return this.entries
      .filter((e) => e.second >= from && e.second <= to && prefixes.some((p) => e.text.startsWith(p)))
      .sort((a, b) => a.second - b.second)
      .map((e) => e.text);
  }

  /** Lines in time order (late intervals are appended when they are found, out of order). */
  lines(): string[] {
    const sorted = this.entries.slice();
    // Array.prototype.sort is stable, so intervals of one second keep their order.
    sorted.sort((a, b) => a.second - b.second);
    return sorted.map((entry) => entry.text);
  }
}

/**
 * Reads an HdrHistogram interval log (ours or another tool's) and adds up its intervals per tag;
 * untagged intervals come under "NO TAG". Adding is exact, so shards merge the same way.
 */
export function mergeIntervalLog(text: string, into = new Map<string, Histogram>()): Map<string, Histogram> {
  const reader = new HistogramLogReader(text);
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    let merged = into.get(h.tag);
    if (merged === undefined) {
      // Resizable: a log written by another tool may track values beyond our one-hour range.
      merged = build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3, autoResize: true });
      merged.tag = h.tag;
      into.set(h.tag, merged);
    }
    merged.add(h);
  }
  return into;
}
