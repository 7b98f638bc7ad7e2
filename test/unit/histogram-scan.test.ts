import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { build, HistogramLogReader, HistogramLogWriter, type Histogram } from 'hdr-histogram-js';
import type JsHistogram from 'hdr-histogram-js/dist/JsHistogram';
import { forEachRecorded, meanOf } from '../../src/metrics/histogram-scan';
import { HIGHEST_TRACKABLE_US, newHistogram, record } from '../../src/metrics/histograms';

/** What the library's own iterator reports: the reference the loop must equal. */
function libraryBuckets(h: Histogram): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const it = (h as unknown as JsHistogram).recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    out.push([v.valueIteratedTo, v.countAtValueIteratedTo]);
  }
  return out;
}

function scanned(h: Histogram): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachRecorded(h, (value, count) => out.push([value, count]));
  return out;
}

/** A deterministic stream of µs values over every magnitude, zero and the top of the range included. */
function values(seed: number, n: number): number[] {
  const out = [0, 1, HIGHEST_TRACKABLE_US];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.min(HIGHEST_TRACKABLE_US, (s >>> (s & 31)) >>> 0));
  }
  return out;
}

/** The histograms the project reads: recorded, added up, decoded from a log, resizable. */
function histograms(): Array<[string, Histogram]> {
  const recorded = newHistogram();
  for (const v of values(3, 20_000)) record(recorded, v);
  const narrow = newHistogram();
  for (let i = 0; i < 5_000; i++) record(narrow, 2_000 + ((i * 7919) % 45_000));
  const single = newHistogram();
  record(single, 12_345);
  const added = newHistogram();
  added.add(recorded);
  added.add(narrow);
  let line = '';
  new HistogramLogWriter((text) => (line += text)).outputIntervalHistogram(narrow, 0, 1, 1000);
  const decoded = new HistogramLogReader(line).nextIntervalHistogram() as Histogram;
  const resizable = build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000, numberOfSignificantValueDigits: 3, autoResize: true });
  for (const v of values(11, 2_000)) resizable.recordValue(v);
  return [['recorded over every magnitude', recorded], ['narrow (2–47 ms)', narrow], ['one value', single], ['two added', added], ['decoded from a log line', decoded], ['resizable, grown', resizable]];
}

describe('histogram-scan: the recorded buckets without the library iterator', () => {
  for (const [name, h] of histograms()) {
    it(`${name}: the same buckets and counts as recordedValuesIterator, and the same mean to the last bit`, () => {
      const expected = libraryBuckets(h);
      assert.ok(expected.length > 0);
      assert.deepEqual(scanned(h), expected);
      assert.equal(meanOf(h), h.mean);
    });
  }

  it('an empty histogram, and one reset after recording: no bucket, mean 0', () => {
    const h = newHistogram();
    assert.deepEqual(scanned(h), []);
    assert.equal(meanOf(h), 0);
    record(h, 500);
    h.reset();
    assert.deepEqual(scanned(h), []);
    assert.equal(meanOf(h), 0);
  });

  it('a WebAssembly-free histogram of another word size (Float64) takes the same path and agrees', () => {
    const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3, bitBucketSize: 64 });
    for (const v of values(5, 3_000)) h.recordValue(v);
    assert.deepEqual(scanned(h), libraryBuckets(h));
    assert.equal(meanOf(h), h.mean);
  });

  it('a histogram that is not a JS one is refused with a TypeError, not read as empty', () => {
    const other = { totalCount: 3, mean: 5 } as unknown as Histogram;
    assert.throws(() => meanOf(other), TypeError);
    assert.throws(() => forEachRecorded(other, () => undefined), TypeError);
  });
});
