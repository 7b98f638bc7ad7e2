/**
 * Reading every recorded value bucket of a histogram, without hdr-histogram-js's iterators.
 *
 * Its `mean` getter and its `recordedValuesIterator` walk every bucket through an iterator object
 * that calls several methods and fills a result object per bucket: about 1 ms per histogram of the
 * one-hour range whatever it holds (3 per action and group in every summary.json, one per action
 * and group in every Prometheus scrape). A plain loop over the counts, up to the max's bucket,
 * reads the same buckets in the same order in a few µs per thousand buckets, so the sums and the
 * results are the same to the last bit (unit test: histogram-scan).
 */
import { JsHistogram, type Histogram } from 'hdr-histogram-js';

/**
 * Calls `visit` for each bucket holding samples, in ascending order of value, with the bucket's
 * highest equivalent value (the value the library's iterators report, and its percentiles) and its
 * count.
 */
export function forEachRecorded(h: Histogram, visit: (highest: number, count: number) => void): void {
  const js = asJs(h);
  eachBucket(js, (index, count) => visit(js.highestEquivalentValue(js.valueFromIndex(index)), count));
}

/** The mean as the library computes it (each bucket's median equivalent value times its count), 0 when empty. */
export function meanOf(h: Histogram): number {
  if (h.totalCount === 0) return 0;
  const js = asJs(h);
  let total = 0;
  eachBucket(js, (index, count) => {
    total += js.medianEquivalentValue(js.valueFromIndex(index)) * count;
  });
  return total / js.totalCount;
}

/** Each bucket index holding samples, in order; none lies past the max's bucket (clamped for a resizing histogram not grown to it yet). */
function eachBucket(js: JsHistogram, visit: (index: number, count: number) => void): void {
  if (js.totalCount === 0) return;
  const last = Math.min(js.countsArrayIndex(js.maxValue), js.countsArrayLength - 1);
  for (let i = 0; i <= last; i++) {
    const count = js.getCountAtIndex(i);
    if (count > 0) visit(i, count);
  }
}

/**
 * Every histogram of the project is a JS one (metrics/histograms.ts says why); a WebAssembly one
 * has neither these methods nor the iterator, and would be read as empty without a word.
 */
function asJs(h: Histogram): JsHistogram {
  if (h instanceof JsHistogram) return h;
  throw new TypeError('a WebAssembly hdr-histogram-js histogram cannot be read here: the project\'s histograms are JS ones (newHistogram, build() without useWebAssembly)');
}
