import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { HIGHEST_TRACKABLE_US, newHistogram, record } from '../../src/metrics/histograms';

/** The library's own histogram with the project's settings: what newHistogram() must equal. */
function libraryHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    autoResize: false,
  });
}

interface Indexed {
  countsArrayIndex(value: number): number;
}

describe('newHistogram (the bucket index without Math.pow)', () => {
  it('finds the same bucket as hdr-histogram-js at every power-of-two boundary and for a million values', () => {
    const ours = newHistogram() as unknown as Indexed;
    const lib = libraryHistogram() as unknown as Indexed;
    const values: number[] = [0, 1, 2, 3, HIGHEST_TRACKABLE_US, 2 ** 32 - 1];
    for (let p = 0; p < 32; p++) values.push(2 ** p - 1, 2 ** p, 2 ** p + 1);
    let seed = 7;
    for (let i = 0; i < 1_000_000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      // Spread over every magnitude: a random mantissa shifted by a random exponent.
      values.push((seed >>> (seed & 31)) >>> 0);
    }
    for (const v of values) {
      if (v > HIGHEST_TRACKABLE_US) continue;
      assert.equal(ours.countsArrayIndex(v), lib.countsArrayIndex(v), `value ${v}`);
    }
    // Values that are not whole numbers below 2^32 take the library's own path.
    assert.equal(ours.countsArrayIndex(1234.5), lib.countsArrayIndex(1234.5));
  });

  it('records the same distribution: identical encoding, percentiles, min, max and count', () => {
    const ours = newHistogram();
    const lib = libraryHistogram();
    let seed = 11;
    for (let i = 0; i < 200_000; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const us = (seed >>> (seed & 31)) >>> 0;
      record(ours, us);
      lib.recordValue(us > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : us);
    }
    assert.equal(ours.totalCount, 200_000);
    assert.equal(ours.totalCount, lib.totalCount);
    assert.equal(ours.minNonZeroValue, lib.minNonZeroValue);
    assert.equal(ours.maxValue, lib.maxValue);
    for (const p of [50, 90, 99, 99.9, 100]) assert.equal(ours.getValueAtPercentile(p), lib.getValueAtPercentile(p), `p${p}`);
    assert.equal(encodeIntoCompressedBase64(ours), encodeIntoCompressedBase64(lib));
    // And they add up with the library's histograms (what merge and compare decode into).
    lib.add(ours);
    assert.equal(lib.totalCount, 400_000);
  });

  it('a value of one hour or more is clamped, not refused', () => {
    const h = newHistogram();
    record(h, 2 ** 32 - 1);
    assert.equal(h.totalCount, 1);
    assert.ok(Math.abs(h.maxValue - HIGHEST_TRACKABLE_US) / HIGHEST_TRACKABLE_US < 0.001);
  });
});
