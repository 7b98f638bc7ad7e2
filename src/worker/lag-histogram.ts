/**
 * How late the worker's scheduler fires its entries, kept in a fixed array of log buckets: it is
 * recorded once per entry on the hot path, so recording allocates nothing and costs a few integer
 * operations (no HDR histogram, no Math.log). Eight buckets per power of two of microseconds give
 * a resolution of 1/8 (12.5%); a percentile is reported as its bucket's upper edge, so the
 * generator's saturation is never understated.
 */

/** Sub-buckets per power of two: 2^SUB_BITS. */
const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;
/** Values of 2^31 µs (36 min) and more share the last bucket. */
const BUCKETS = 32 * SUB;

/** Bucket of a whole number of µs: exact below 2·SUB, then SUB buckets per power of two. */
function bucketOf(us: number): number {
  if (us < 2 * SUB) return us;
  const octave = 31 - Math.clz32(us);
  return ((octave - SUB_BITS + 1) << SUB_BITS) + ((us >>> (octave - SUB_BITS)) & (SUB - 1));
}

/** Largest µs value that falls in `bucket`. */
function upperEdge(bucket: number): number {
  if (bucket < 2 * SUB) return bucket;
  const octave = (bucket >>> SUB_BITS) + SUB_BITS - 1;
  const sub = bucket & (SUB - 1);
  return (SUB + sub + 1) * 2 ** (octave - SUB_BITS) - 1;
}

export interface LagFigures {
  /** Entries recorded. */
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export class LagHistogram {
  private readonly buckets = new Uint32Array(BUCKETS);
  private total = 0;
  private maxUs = 0;

  /** Record `ms` of lateness (early entries, within the scheduler's half-millisecond horizon, count as 0). */
  record(ms: number): void {
    let us = ms > 0 ? Math.round(ms * 1000) : 0;
    if (us > 0x7fffffff) us = 0x7fffffff;
    (this.buckets[bucketOf(us)] as number)++;
    this.total++;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.total;
  }

  /** The value (ms) at or below which `q` (0–1) of the entries fell; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.buckets[b] as number;
      if (seen >= rank) return Math.min(upperEdge(b), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  figures(): LagFigures {
    return { count: this.total, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.maxUs / 1000 };
  }
}
