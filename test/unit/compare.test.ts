import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFloors, parseTolerances } from '../../src/cli/compare-command';
import { newHistogram } from '../../src/metrics/histograms';
import { IntervalLog } from '../../src/metrics/intervals';
import { compareRuns, resolveCompareOptions, type ComparisonRow, type RunData } from '../../src/report/compare';
import { comparisonSuite, formatComparison } from '../../src/report/compare-format';
import { MIN_SAMPLES_PER_SECOND, perSecondFromLog, type PerSecond, type SecondValues } from '../../src/report/compare-hlog';
import { CompareError, loadRun } from '../../src/report/compare-load';
import { formatHlog } from '../../src/report/hlog';
import { formatJunit } from '../../src/report/junit';
import type { ActionSummary, Summary } from '../../src/report/summary';
import { tempDir } from '../helpers/temp-dir';

function latency(p50: number, p99: number, max: number): ActionSummary['latencyMs'] {
  return { min: p50 / 2, mean: p50, p50, p90: p99, p99, p999: max, max };
}

function action(sent: number, failed: number, l: ActionSummary['latencyMs']): ActionSummary {
  return { sent, ok: sent - failed, callErrors: failed, timeouts: 0, invalid: 0, aborted: 0, latencyMs: l, serviceTimeMs: l, dispatchDelayMs: { p50: 0, p99: 0, max: 0 } };
}

function summary(actions: Record<string, ActionSummary>): Summary {
  return {
    tool: 'ocpp-fleet', version: '0.1.0', scenario: 'nightly', seed: 1, target: 't', startedAt: '2026-11-23T22:17:00.000Z',
    endedAt: '2026-11-23T22:18:00.000Z', durationMs: 60_000, partial: false, fleet: { planned: 10, connected: 10, booted: 10, failedToConnect: 0 },
    actions, incoming: {}, connect: { attempts: 0, ok: 0, errors: 0, latencyMs: latency(0, 0, 0) }, boot: { accepted: 0, timeToAcceptedMs: latency(0, 0, 0) },
    errors: {}, counters: {}, groups: {}, thresholds: [], passed: true, pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {},
  };
}

/** Per-second values: `n` seconds around `level` ms, a deterministic ±10% wobble. */
function seconds(level: number, n: number): SecondValues {
  const wobble = (i: number): number => level * (1 + 0.1 * Math.sin(i * 1.7));
  const v = Array.from({ length: n }, (_x, i) => wobble(i));
  return { p1: v.map((x) => x / 2), p50: v, p99: v.map((x) => x * 2), max: v.map((x) => x * 3) };
}

function run(label: string, actions: Record<string, ActionSummary>, perSecond?: PerSecond): RunData {
  return { label, summary: summary(actions), perSecond };
}

function row(rows: ComparisonRow[], a: string, metric: string): ComparisonRow {
  const r = rows.find((x) => x.action === a && x.metric === metric);
  assert.ok(r, `${a} ${metric}`);
  return r;
}

test('a p50 fifty times higher in every second is a regression, and says so in text and JUnit', () => {
  const base = run('old', { Heartbeat: action(1000, 0, latency(1, 2, 3)) }, new Map([['Heartbeat', seconds(1, 10)]]));
  const cand = run('new', { Heartbeat: action(1000, 0, latency(51, 55, 160)) }, new Map([['Heartbeat', seconds(51, 10)]]));
  const c = compareRuns(base, cand);
  const p50 = row(c.rows, 'Heartbeat', 'p50');
  assert.equal(p50.verdict, 'regression');
  assert.equal(p50.change, 50);
  assert.deepEqual(p50.samples, [10, 10]);
  assert.ok((p50.p as number) < 0.0001 && (p50.pAdjusted as number) < 0.001);
  assert.equal(c.regressions, 3);
  assert.equal(row(c.rows, 'Heartbeat', 'errors').verdict, 'ok');
  const text = formatComparison(c);
  // Holm over the three tests made: the smallest p of 10 seconds against 10 (9e-5, normal approximation), ×3.
  assert.match(text, /Heartbeat\s+p50\s+1\.000 ms\s+51\.000 ms\s+\+5000\.0%\s+regression \(p = 0\.00027, 10 vs 10 s\)/);
  // The verdict comes first, each regression with its values.
  assert.match(text, /^3 regressions: Heartbeat p50 \+5000\.0% \(1\.000 ms → 51\.000 ms\), Heartbeat p99 \+2650\.0% \(2\.000 ms → 55\.000 ms\), Heartbeat max \+5233\.3% \(3\.000 ms → 160\.000 ms\) \(4 figures compared\)\n/);
  const xml = formatJunit('ocpp-fleet', [comparisonSuite(c)]);
  assert.match(xml, /<testcase name="Heartbeat p50" classname="ocpp-fleet\.compare\.nightly" time="0">\n\s+<failure message="Heartbeat p50: 1\.000 ms → 51\.000 ms \(\+5000\.0%\): regression/);
  assert.match(xml, /tests="4" failures="3"/);
  // Named after the scenario, never after the paths the runs were read from.
  assert.match(xml, /<testsuite name="ocpp-fleet compare nightly" /);
});

test('a whole-run change beyond tolerance and floor that the runs\' own seconds do not show is within noise', () => {
  // Same per-second distributions; the whole-run p99 differs by 40% (one slow second, say).
  const base = run('old', { Heartbeat: action(1000, 0, latency(5, 100, 200)) }, new Map([['Heartbeat', seconds(5, 12)]]));
  const cand = run('new', { Heartbeat: action(1000, 0, latency(5, 140, 280)) }, new Map([['Heartbeat', seconds(5, 12)]]));
  const c = compareRuns(base, cand);
  assert.equal(row(c.rows, 'Heartbeat', 'p50').verdict, 'ok');
  assert.equal(row(c.rows, 'Heartbeat', 'p99').verdict, 'noise');
  assert.equal(c.regressions, 0);
  assert.match(formatComparison(c, { all: true }), /within run-to-run noise \(p = [01]\.?\d*, 12 vs 12 s\)/);
  assert.match(formatComparison(c), /^no regression \(4 figures compared; 1 changed within run-to-run noise\)\n/);
  // Only what changed is listed: the rows within noise need --all.
  assert.match(formatComparison(c), /\nno figure changed beyond its tolerance and floor and the runs' noise \(--all shows every figure\)\n/);
});

test('too few seconds and no whole-run histograms is inconclusive, not flagged; without histograms tolerance and floor decide', () => {
  const actions = { Heartbeat: action(100, 0, latency(1, 2, 300)) };
  const worse = { Heartbeat: action(100, 0, latency(10, 200, 3000)) };
  const few = compareRuns(run('a', actions, new Map([['Heartbeat', seconds(1, 4)]])), run('b', worse, new Map([['Heartbeat', seconds(10, 4)]])));
  assert.equal(row(few.rows, 'Heartbeat', 'p50').verdict, 'inconclusive');
  assert.equal(few.regressions, 0);
  assert.match(formatComparison(few), /inconclusive: too few seconds with samples to tell from noise \(4 vs 4 seconds with samples\) and no whole-run histograms/);
  assert.match(formatComparison(few), /^no regression \(4 figures compared; 3 inconclusive\)/);
  const bare = compareRuns(run('a', actions), run('b', worse));
  assert.equal(bare.noiseTested, false);
  assert.equal(row(bare.rows, 'Heartbeat', 'p50').verdict, 'regression');
  assert.equal(row(bare.rows, 'Heartbeat', 'p50').p, undefined);
  assert.match(formatComparison(bare), /noise: not tested/);
});

test('tolerance and the absolute floor: small relative or small absolute changes are ok, and a floor says so', () => {
  const ps = (level: number): PerSecond => new Map([['Heartbeat', seconds(level, 10)]]);
  // +60% but only 0.3 ms: under the 2 ms floor of p50 (and the others').
  const tiny = compareRuns(run('a', { Heartbeat: action(100, 0, latency(0.5, 0.5, 0.5)) }, ps(0.5)), run('b', { Heartbeat: action(100, 0, latency(0.8, 0.8, 0.8)) }, ps(0.8)));
  assert.deepEqual(tiny.rows.map((r) => r.verdict), ['ok', 'ok', 'ok', 'ok']);
  assert.deepEqual(tiny.rows.map((r) => r.belowFloorMs), [2, 25, 100, undefined]);
  assert.match(formatComparison(tiny, { all: true }), /Heartbeat\s+p50\s+0\.500 ms\s+0\.800 ms\s+\+60\.0%\s+ok \(below the 2 ms floor\)\n/);
  // +8% of 100 ms: within 10%; with a 5% tolerance on p50 it is tested (and regressed).
  const a = run('a', { Heartbeat: action(100, 0, latency(100, 100, 100)) }, ps(100));
  const b = run('b', { Heartbeat: action(100, 0, latency(108, 108, 108)) }, ps(130));
  assert.equal(row(compareRuns(a, b).rows, 'Heartbeat', 'p50').verdict, 'ok');
  const strict = resolveCompareOptions({ tolerance: { p50: 0.05 } });
  assert.equal(row(compareRuns(a, b, strict).rows, 'Heartbeat', 'p50').verdict, 'regression');
});

test('error rates: percentage points beyond tolerance, tested by a two-proportion z-test', () => {
  const ps = new Map([['Heartbeat', seconds(1, 10)]]);
  const c = compareRuns(run('a', { Heartbeat: action(1000, 0, latency(1, 2, 3)) }, ps), run('b', { Heartbeat: action(1000, 50, latency(1, 2, 3)) }, ps));
  const e = row(c.rows, 'Heartbeat', 'errors');
  assert.equal(e.verdict, 'regression');
  assert.equal(e.change, 5);
  assert.deepEqual(e.samples, [1000, 1000]);
  assert.match(formatComparison(c), /error rate\s+0\.00%\s+5\.00%\s+\+5\.00 pt\s+regression/);
  const small = compareRuns(run('a', { Heartbeat: action(1000, 1, latency(1, 2, 3)) }, ps), run('b', { Heartbeat: action(1000, 2, latency(1, 2, 3)) }, ps));
  assert.equal(row(small.rows, 'Heartbeat', 'errors').verdict, 'ok');
});

test('an action in one run only is shown, never a regression; Holm is over every test made', () => {
  const ps = (a: string, level: number): PerSecond => new Map([[a, seconds(level, 10)]]);
  const c = compareRuns(
    run('a', { Authorize: action(10, 0, latency(1, 1, 1)), Heartbeat: action(100, 0, latency(1, 2, 3)) }, ps('Heartbeat', 1)),
    run('b', { Heartbeat: action(100, 0, latency(20, 40, 60)), MeterValues: action(10, 0, latency(1, 1, 1)) }, ps('Heartbeat', 20)),
  );
  assert.equal(row(c.rows, 'Authorize', 'p50').verdict, 'only baseline');
  assert.equal(row(c.rows, 'MeterValues', 'errors').verdict, 'only candidate');
  // Heartbeat's p50, p99 and max were tested (its errors: no failures, nothing to test).
  assert.equal(c.tests, 3);
  assert.match(formatComparison(c), /\nAuthorize\s+p50\s+1\.000 ms\s+-\s+-\s+only baseline\n/);
});

test('summaries with faults, targets and csms compare as before; failovers, malformed and refused signed values are reported unjudged', () => {
  const same = { Heartbeat: action(1000, 0, latency(1, 2, 3)) };
  const base = run('old', same);
  const cand: RunData = {
    label: 'new',
    perSecond: undefined,
    summary: {
      ...summary(same),
      counters: { failovers: 12, malformedSent: 40, malformedCallErrors: 38, reconnects: 5 },
      targets: [{ url: 'ws://a/ocpp', stations: 5, connected: 5 }, { url: 'ws://b/ocpp', stations: 5, connected: 4 }],
      csms: { alive: true, signedMeterValues: { verified: 90, failed: 7 } },
      faults: [{ index: 0, kind: 'nodeLoss', at: '10s', atMs: 10_000, share: 1, groups: null, target: 0, stations: 5, effects: { lost: 1 } }],
    },
  };
  const c = compareRuns(base, cand);
  assert.equal(c.regressions, 0);
  assert.deepEqual(c.rows.map((r) => r.verdict), ['ok', 'ok', 'ok', 'ok']);
  assert.deepEqual(c.changes, [
    { figure: 'counters.failovers', baseline: 0, candidate: 12 },
    { figure: 'counters.malformedCallErrors', baseline: 0, candidate: 38 },
    { figure: 'counters.malformedSent', baseline: 0, candidate: 40 },
    { figure: 'csms.signedMeterValues.failed', baseline: null, candidate: 7 },
  ]);
  const text = formatComparison(c);
  assert.match(text, /\n\nchanged, for information \(not judged\):\n {2}counters\.failovers: 0 → 12\n(.*\n){2} {2}csms\.signedMeterValues\.failed: not measured → 7\n$/);
  assert.match(text, /^no regression \(4 figures compared\)\n/);
  // Equal figures say nothing.
  assert.deepEqual(compareRuns(cand, cand).changes, []);
  assert.doesNotMatch(formatComparison(compareRuns(base, base)), /for information/);
});

test('--tolerance: a bare percentage sets every time metric; METRIC=N% one of them; errors in points', () => {
  assert.deepEqual(parseTolerances([]), { p1: 0.1, p50: 0.1, p99: 0.1, max: 0.1, errors: 0.1, time: 0.1 });
  assert.deepEqual(parseTolerances([{ metric: undefined, percent: 20 }, { metric: 'p99', percent: 30 }, { metric: 'errors', percent: 0.5 }]), { p1: 0.2, p50: 0.2, p99: 0.3, max: 0.2, errors: 0.5, time: 0.2 });
});

test('--min-change: a bare duration sets every floor; METRIC=D one of them; the defaults otherwise', () => {
  assert.deepEqual(parseFloors([]), { p1: 2, p50: 2, p99: 25, max: 100, time: 500 });
  assert.deepEqual(parseFloors([{ metric: undefined, ms: 5 }, { metric: 'p99', ms: 40 }]), { p1: 5, p50: 5, p99: 40, max: 5, time: 5 });
  // A single number in the library applies to every metric, as the flag did.
  assert.deepEqual(resolveCompareOptions({ minChangeMs: 5 }).minChangeMs, { p1: 5, p50: 5, p99: 5, max: 5, time: 5 });
});

test('per-second values from an HdrHistogram log: p1, p50, p99, max per tag, thin seconds left out, service tags ignored', () => {
  const log = new IntervalLog();
  const h = newHistogram();
  for (let s = 0; s < 3; s++) {
    h.reset();
    for (let i = 1; i <= 100; i++) h.recordValue(i * 1000 * (s + 1));
    log.add('Heartbeat', s, h);
    log.add('Heartbeat.service', s, h);
  }
  h.reset();
  for (let i = 0; i < MIN_SAMPLES_PER_SECOND - 1; i++) h.recordValue(5000);
  log.add('Heartbeat', 3, h);
  // A late interval for second 3 written after it: added to that second, which then has enough.
  log.add('connect', 3, h);
  h.reset();
  h.recordValue(7000);
  log.add('connect', 3, h);
  const text = formatHlog(log, { startedAt: new Date('2026-11-23T22:17:00Z'), version: '0.1.0', scenario: 's' });
  const ps = perSecondFromLog(text);
  assert.deepEqual([...ps.keys()].sort(), ['Heartbeat', 'connect']);
  const hb = ps.get('Heartbeat') as SecondValues;
  assert.equal(hb.p50.length, 3);
  for (let s = 0; s < 3; s++) {
    assert.ok(Math.abs((hb.p1[s] as number) - 1 * (s + 1)) < 0.01 * (s + 1), `p1 ${hb.p1[s]}`);
    assert.ok(Math.abs((hb.p50[s] as number) - 50 * (s + 1)) < 0.1 * (s + 1), `p50 ${hb.p50[s]}`);
    assert.ok(Math.abs((hb.p99[s] as number) - 99 * (s + 1)) < 0.2 * (s + 1), `p99 ${hb.p99[s]}`);
    assert.ok(Math.abs((hb.max[s] as number) - 100 * (s + 1)) < 0.2 * (s + 1), `max ${hb.max[s]}`);
  }
  assert.ok(Math.abs((ps.get('connect')?.max[0] as number) - 7) < 0.01);
});

test('loadRun: folders and summary files, with one-line errors naming the path', async () => {
  const dir = tempDir('compare');
  try {
    const expectError = async (path: string, pattern: RegExp): Promise<void> => {
      await assert.rejects(loadRun(path), (err: unknown) => err instanceof CompareError && pattern.test(err.message));
    };
    await expectError(join(dir, 'nope'), /nope: no such results folder or summary file$/);
    await mkdir(join(dir, 'empty'));
    await expectError(join(dir, 'empty'), /empty: not a results folder \(no summary\.json in it\)$/);
    await writeFile(join(dir, 'bad.json'), '{');
    await expectError(join(dir, 'bad.json'), /bad\.json: not JSON$/);
    await writeFile(join(dir, 'other.json'), '{"tool":"k6"}');
    await expectError(join(dir, 'other.json'), /not an ocpp-fleet summary/);
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'run', 'summary.json'), JSON.stringify(summary({ Heartbeat: action(1, 0, latency(1, 1, 1)) })));
    const folder = await loadRun(join(dir, 'run'));
    assert.equal(folder.perSecond, undefined);
    assert.equal(folder.wholeRun, undefined);
    assert.equal(folder.summary.actions.Heartbeat?.sent, 1);
    const file = await loadRun(join(dir, 'run', 'summary.json'));
    assert.equal(file.label, join(dir, 'run', 'summary.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
