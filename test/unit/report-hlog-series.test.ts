import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newHistogram, record } from '../../src/metrics/histograms';
import { IntervalLog } from '../../src/metrics/intervals';
import { groupIntervalTag } from '../../src/metrics/seconds';
import { formatHlog } from '../../src/report/hlog';
import { readHlogSeries } from '../../src/report/html/hlog-series';

/**
 * The report's p99 per OCPP version adds its groups' interval histograms second by second: the
 * p99 of the union of their calls, which no average of the groups' p99s gives.
 */
test('a version\'s p99 per second is that of its groups\' calls together, and a group\'s is its own', () => {
  const log = new IntervalLog();
  const values: Record<string, number[][]> = {
    // Second 0: group a fast, group b slow; second 1: the other way round, with fewer calls.
    a: [[1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900], [50_000]],
    b: [[40_000, 41_000], [2000, 2100, 2200]],
    c: [[9_000_000], [9_000_000]],
  };
  const union: number[][] = [[], []];
  // Second by second, as the run's log holds them (and merge's, which sorts by time).
  for (const second of [0, 1]) {
    for (const [group, seconds] of Object.entries(values)) {
      const us = seconds[second] as number[];
      const h = newHistogram();
      for (const v of us) record(h, v);
      log.add(groupIntervalTag(group), second, h);
      if (group !== 'c') union[second]?.push(...us);
    }
  }
  const startedAt = new Date('2026-12-07T10:00:00Z');
  const text = formatHlog(log, { startedAt, version: 't', scenario: 's' });
  const versionOf: Record<string, string> = { [groupIntervalTag('a')]: 'OCPP 1.6', [groupIntervalTag('b')]: 'OCPP 1.6', [groupIntervalTag('c')]: 'OCPP 2.0.1' };
  const series = readHlogSeries(text, startedAt.getTime(), (tag) => tag in versionOf, (tag) => versionOf[tag]);
  union.forEach((us, second) => {
    const h = newHistogram();
    for (const v of us) record(h, v);
    // The log's histograms are decoded: a value reads as the top of its bucket, 0.1 % above at most.
    const expected = Math.min(h.getValueAtPercentile(99), h.maxValue) / 1000;
    const got = series.perSecond.get('OCPP 1.6')?.get(second);
    assert.ok(got !== undefined && Math.abs(got.p99 - expected) <= expected * 0.001 + 0.001, `second ${second}: ${JSON.stringify(got)} vs ${expected}`);
    assert.equal(got.count, us.length);
  });
  // Second 0: 12 calls, the two slow ones of b above p99's rank: the p99 is b's 41 ms, not a's (1.9) or an average of p99s.
  assert.ok(Math.abs((series.perSecond.get('OCPP 1.6')?.get(0)?.p99 ?? 0) - 41) < 0.05);
  assert.equal(series.perSecond.get('OCPP 2.0.1')?.get(1)?.count, 1);
  assert.ok(Math.abs((series.perSecond.get(groupIntervalTag('a'))?.get(1)?.p99 ?? 0) - 50) < 0.05);
  // A version's series has per-second figures only; each group keeps its whole-run histogram.
  assert.equal(series.merged.has('OCPP 1.6'), false);
  assert.equal(series.merged.get(groupIntervalTag('b'))?.totalCount, 5);
});
