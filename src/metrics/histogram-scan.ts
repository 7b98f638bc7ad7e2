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
 * count. A histogram of another kind (WebAssembly) goes through the library's iterator.
 */
export function forEachRecorded(h: Histogram, visit: (highest: number, count: number) => void): void {
  if (h.totalCount === 0) return;
  if (!(h instanceof JsHistogram)) {
    const it = (h as unknown as JsHistogram).recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      visit(v.valueIteratedTo, v.countAtValueIteratedTo);
    }
    return;
  }
  const last = lastIndex(h);
  for (let i = 0; i <= last; i++) {
    const count = h.getCountAtIndex(i);
    if (count > 0) visit(h.highestEquivalentValue(h.valueFromIndex(i)), count);
  }
}

/** The mean as the library computes it (each bucket's median equivalent value times its count), 0 when empty. */
export function meanOf(h: Histogram): number {
  if (h.totalCount === 0) return 0;
  if (!(h instanceof JsHistogram)) return h.mean;
  const last = lastIndex(h);
  let total = 0;
  for (let i = 0; i <= last; i++) {
    const count = h.getCountAtIndex(i);
    if (count > 0) total += h.medianEquivalentValue(h.valueFromIndex(i)) * count;
  }
  return total / h.totalCount;
}

/** No sample lies past the max's bucket; clamped for a max a resizing histogram has not grown to yet. */
function lastIndex(h: JsHistogram): number {
  return Math.min(h.countsArrayIndex(h.maxValue), h.countsArrayLength - 1);
}
