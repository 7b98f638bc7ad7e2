/**
 * How late the worker's scheduler fires its entries, kept in a fixed array of log buckets: it is
 * recorded once per entry on the hot path, so recording allocates nothing and costs a few integer
 * operations (no HDR histogram, no Math.log). The buckets are src/metrics/lag-buckets.ts's: eight
 * per power of two of microseconds, a resolution of 1/8 (12.5%); a percentile is reported as its
 * bucket's upper edge, so the generator's saturation is never understated.
 */
import { LAG_BUCKETS, lagBucketOf, lagQuantile } from '../metrics/lag-buckets';

export interface LagFigures {
  /** Entries recorded. */
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export class LagHistogram {
  private readonly buckets = new Uint32Array(LAG_BUCKETS);
  private total = 0;
  private maxUs = 0;

  /** Record `ms` of lateness (early entries, within the scheduler's half-millisecond horizon, count as 0). */
  record(ms: number): void {
    let us = ms > 0 ? Math.round(ms * 1000) : 0;
    if (us > 0x7fffffff) us = 0x7fffffff;
    (this.buckets[lagBucketOf(us)] as number)++;
    this.total++;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.total;
  }

  /** The value (ms) at or below which `q` (0–1) of the entries fell; 0 when empty. */
  quantile(q: number): number {
    return lagQuantile(this.buckets, this.total, q, this.maxUs);
  }

  figures(): LagFigures {
    return { count: this.total, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.maxUs / 1000 };
  }

  /**
   * Calls `emit(bucket, n)` for every bucket that gained `n` counts since `seen` was last brought
   * up to date, and brings it up to date: a live run sends each second's new counts (its window's
   * share) without a second histogram on the hot path.
   */
  emitNew(seen: Uint32Array, emit: (bucket: number, n: number) => void): void {
    const buckets = this.buckets;
    for (let b = 0; b < LAG_BUCKETS; b++) {
      const now = buckets[b] as number;
      const n = now - (seen[b] as number);
      if (n === 0) continue;
      seen[b] = now;
      emit(b, n);
    }
  }
}
