/**
 * Why compare's rank sum is its own code: simple-statistics' wilcoxonRankSum against the sum over
 * tied groups (src/report/compare-stats.ts) on whole-run histograms of N values a side.
 *
 *   node dist/bench/compare-stats-speed.js [N…]   (default 10000 100000 1000000)
 *
 * The values are drawn like loopback latencies (lognormal around 1 ms, µs resolution) and
 * recorded in an HDR histogram (3 digits), as a run records them; the library is given every
 * value (its input is one array element per value), the grouped sum the histogram's buckets.
 * Prints the time of each (best of three), the heap the library's call added, and the rank sums.
 */
import { build } from 'hdr-histogram-js';
import { wilcoxonRankSum } from 'simple-statistics';
import { grouped, rankTest, type Grouped } from '../src/report/compare-stats';
import { histogramGroups } from '../src/report/compare-totals';
import { RandomStream } from '../src/scenario/random';

/** Loopback-like latencies: lognormal around `medianUs`, whole µs. */
function lognormal(random: RandomStream, medianUs: number, sigma: number): number {
  return Math.round(medianUs * Math.exp(sigma * random.normal()));
}

function side(n: number, seed: number, medianUs: number): { values: number[]; groups: Grouped } {
  const random = new RandomStream(seed);
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (let i = 0; i < n; i++) h.recordValue(Math.max(1, lognormal(random, medianUs, 0.8)));
  const groups = histogramGroups(h);
  // What the library needs: every recorded value (the bucket's value, count times).
  const values: number[] = [];
  groups.values.forEach((v, i) => {
    for (let k = 0; k < (groups.counts[i] as number); k++) values.push(v);
  });
  return { values, groups };
}

function best(f: () => number): { ms: number; result: number } {
  let ms = Number.POSITIVE_INFINITY;
  let result = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    result = f();
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms, result };
}

function main(): void {
  const sizes = process.argv.slice(2).map(Number);
  for (const n of sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000]) {
    const base = side(n, 1, 1000);
    const cand = side(n, 2, 1050);
    const heapBefore = process.memoryUsage().heapUsed;
    const lib = best(() => wilcoxonRankSum(cand.values, base.values));
    const heapAfter = process.memoryUsage().heapUsed;
    const ours = best(() => rankTest(cand.groups, base.groups).u + (n * (n + 1)) / 2);
    const check = rankTest(grouped(cand.values.slice(0, 1000)), grouped(base.values.slice(0, 1000))).u + 1000 * 1001 / 2;
    const checkLib = wilcoxonRankSum(cand.values.slice(0, 1000), base.values.slice(0, 1000));
    process.stdout.write(
      `${n.toLocaleString('en-US')} values a side (${base.groups.values.length} + ${cand.groups.values.length} buckets): ` +
        `simple-statistics ${lib.ms.toFixed(1)} ms (heap +${((heapAfter - heapBefore) / 2 ** 20).toFixed(0)} MB), grouped ${ours.ms.toFixed(3)} ms; ` +
        `rank sums ${lib.result} / ${ours.result}${check === checkLib ? '' : ` (MISMATCH on 1000: ${check} vs ${checkLib})`}\n`,
    );
  }
}

main();
