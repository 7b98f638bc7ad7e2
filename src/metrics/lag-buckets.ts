/**
 * The log buckets of the generator's own delays (event-loop delay, scheduler lag): eight buckets
 * per power of two of microseconds, a resolution of 1/8 (12.5%). The worker records into them
 * (src/worker/lag-histogram.ts) and, in a live run, sends each second's new counts through the
 * pump; the coordinator adds a window's seconds up and reads its percentiles here. A percentile
 * is its bucket's upper edge, so the generator's saturation is never understated.
 */

/** Sub-buckets per power of two: 2^SUB_BITS. */
const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;
/** Values of 2^31 µs (36 min) and more share the last bucket. */
export const LAG_BUCKETS = 32 * SUB;

/** Bucket of a whole number of µs: exact below 2·SUB, then SUB buckets per power of two. */
export function lagBucketOf(us: number): number {
  if (us < 2 * SUB) return us;
  const octave = 31 - Math.clz32(us);
  return ((octave - SUB_BITS + 1) << SUB_BITS) + ((us >>> (octave - SUB_BITS)) & (SUB - 1));
}

/** Largest µs value that falls in `bucket`. */
export function lagUpperEdge(bucket: number): number {
  if (bucket < 2 * SUB) return bucket;
  const octave = (bucket >>> SUB_BITS) + SUB_BITS - 1;
  const sub = bucket & (SUB - 1);
  return (SUB + sub + 1) * 2 ** (octave - SUB_BITS) - 1;
}

/**
 * The value (ms) at or below which `q` (0–1) of the counts fell: its bucket's upper edge, capped
 * at `maxUs` (the largest value seen, when known). 0 when there are no counts.
 */
export function lagQuantile(buckets: ArrayLike<number>, total: number, q: number, maxUs = Infinity): number {
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let b = 0; b < buckets.length; b++) {
    seen += buckets[b] as number;
    if (seen >= rank) return Math.min(lagUpperEdge(b), maxUs) / 1000;
  }
  return Math.min(lagUpperEdge(buckets.length - 1), maxUs) / 1000;
}
