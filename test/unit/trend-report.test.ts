import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HistoryEntry } from '../../src/report/history-entry';
import { appendHistoryEntry } from '../../src/report/history-store';
import { trendCharts, WORSE_COLOR, BETTER_COLOR } from '../../src/trend/page-charts';
import { renderTrendPage } from '../../src/trend/page';
import { trendText, verdictLine } from '../../src/trend/text';
import { trend, TrendError, type TrendReport } from '../../src/trend/trend';
import { tempDir } from '../helpers/fleet-cli';
import { historyEntry } from '../helpers/history-entries';

/**
 * The trend over histories whose values are known (written as run --history writes them): which
 * runs are compared, which change points are found, when the newest run stands in a regression,
 * and how it reads in the terminal and on the page.
 */

interface Night {
  heartbeat: number;
  cpu?: number;
  partial?: boolean;
  scenario?: string;
  series?: string;
}

let clock = Date.UTC(2026, 11, 1, 2, 0, 0);

function entry(n: Night): HistoryEntry {
  clock += 24 * 3600 * 1000;
  const startedAt = new Date(clock).toISOString();
  return historyEntry({
    series: n.series ?? 'a1a1a1a1a1a1',
    startedAt,
    heartbeatMs: n.heartbeat,
    ...(n.scenario === undefined ? {} : { scenario: n.scenario }),
    ...(n.cpu === undefined ? {} : { cpuS: n.cpu }),
    ...(n.partial === undefined ? {} : { partial: n.partial }),
  });
}

/** A history of these nights in a fresh folder. */
async function history(nights: readonly Night[]): Promise<string> {
  const dir = tempDir('trend-unit');
  for (const n of nights) await appendHistoryEntry(dir, entry(n), 1000);
  return dir;
}

/** 1 ms ± a little for five nights, 20 ms from the sixth. */
const SLOWED: Night[] = [1.0, 1.05, 0.97, 1.02, 0.99, 20.1, 19.8, 20.3].map((heartbeat) => ({ heartbeat }));

test('a slowdown from run 6 of 8: a change point at run 6, the newest run in the regression, the verdict first', async () => {
  const report = await trend({ dir: await history(SLOWED) });
  assert.equal(report.runs.length, 8);
  const hb = report.metrics.find((m) => m.name === 'Heartbeat.p50');
  assert.deepEqual(hb?.values, SLOWED.map((n) => n.heartbeat));
  assert.deepEqual(hb?.changes.map((c) => [c.run, c.direction]), [[6, 'worse']]);
  assert.deepEqual(report.regressions.map((r) => [r.metric, r.run]), [['Heartbeat.p50', 6], ['Heartbeat.p99', 6]]);
  const [first] = report.regressions;
  assert.ok(first !== undefined && Math.abs(first.before - 1.006) < 0.01 && Math.abs(first.after - 20.07) < 0.05, JSON.stringify(first));
  // The defaults: p50 and p99 of each action and connect, errors, boots, the generator.
  assert.deepEqual(report.metrics.map((m) => m.name), [
    'BootNotification.p50', 'BootNotification.p99', 'Heartbeat.p50', 'Heartbeat.p99', 'connect.p50', 'connect.p99',
    'errors.rate', 'timeToAllBootedMs', 'generator.cpuS', 'generator.rssPeakMb',
  ]);
  const text = trendText(report);
  const lines = text.split('\n');
  assert.match(lines[0] as string, /^trend: REGRESSION at the newest run \(run 8\): Heartbeat\.p50 since run 6: 1\.01 → 20\.1 ms \(\+1,89\d %, p = [\d.e-]+\); Heartbeat\.p99 since run 6/);
  assert.match(text, /^Heartbeat\.p50 +ms +1\.00 +1\.05 +0\.970 +1\.02 +0\.990 +▲20\.1 +19\.8 +20\.3$/m);
  assert.match(text, /^ {2}run 6 ▲ Heartbeat\.p50 since run 6: .* {2}REGRESSION \(the newest run is in it\)$/m);
});

test('a regression undone: up at run 4, back at run 9 is no regression at the newest run, and both changes are shown', async () => {
  const values = [1, 1.02, 0.98, 5.1, 4.9, 5.0, 5.05, 4.95, 1.01, 0.99, 1.0];
  const report = await trend({ dir: await history(values.map((heartbeat) => ({ heartbeat }))), metrics: ['Heartbeat.p50'] });
  assert.deepEqual(report.metrics[0]?.changes.map((c) => [c.run, c.direction]), [[4, 'worse'], [9, 'better']]);
  assert.deepEqual(report.regressions, []);
  assert.equal(verdictLine(report), 'trend: no regression at the newest run (run 11; 2 change points in 11 runs)');
});

test('the generator\'s own cost is marked but never a regression; noise alone is none', async () => {
  const nights = [1, 1.03, 0.98, 1.01, 0.97, 1.02, 0.99, 1.04].map((heartbeat, i) => ({ heartbeat, cpu: i < 5 ? 10 : 20 }));
  const report = await trend({ dir: await history(nights) });
  assert.deepEqual(report.metrics.find((m) => m.name === 'generator.cpuS')?.changes.map((c) => c.run), [6]);
  assert.equal(report.metrics.find((m) => m.name === 'generator.cpuS')?.judged, false);
  assert.deepEqual(report.regressions, []);
  assert.match(trendText(report), /run 6 ▲ generator\.cpuS since run 6: 10\.00 → 20\.00 s \(\+100 %, p = [\d.e-]+\) {2}\(the generator's own cost: never fails a run\)/);
});

test('runs of another scenario or other settings are kept apart; partial runs are left out; --last, --scenario and --series choose', async () => {
  const nights: Night[] = [
    ...SLOWED.slice(0, 3),
    { heartbeat: 50, scenario: 'soak', series: 'b2b2b2b2b2b2' },
    { heartbeat: 90, partial: true },
    ...SLOWED.slice(3),
  ];
  const dir = await history(nights);
  const report = await trend({ dir });
  assert.equal(report.series, 'a1a1a1a1a1a1');
  assert.equal(report.runs.length, 8, 'the other scenario and the partial run are not among the runs');
  assert.deepEqual(report.left, { partial: 1, older: 0 });
  assert.deepEqual(report.otherSeries.map((o) => [o.series, o.scenario, o.runs]), [['b2b2b2b2b2b2', 'soak', 1]]);
  assert.deepEqual(report.regressions.map((r) => r.run), [6, 6]);
  assert.match(trendText(report), /^left out: 1 partial run\(s\) not compared$/m);
  assert.match(trendText(report), new RegExp(`^kept apart: 1 run\\(s\\) of soak with other settings or load \\(series b2b2b2b2b2b2; trend ${dir} --series b2b2b2b2b2b2\\)$`, 'm'));

  const last4 = await trend({ dir, last: 4 });
  assert.deepEqual(last4.runs.map((r) => r.number), [1, 2, 3, 4]);
  assert.deepEqual(last4.left, { partial: 1, older: 4 });
  assert.equal((await trend({ dir, scenario: 'soak' })).series, 'b2b2b2b2b2b2');
  assert.equal((await trend({ dir, series: 'b2b' })).runs.length, 1);
  assert.equal(verdictLine(await trend({ dir, series: 'b2b' })), 'trend: 1 complete run of soak: too few to tell a change from noise (3 at least)');
});

test('bad usage is a TrendError that says what there is: no runs, unknown series, scenario or metric', async () => {
  const dir = await history(SLOWED.slice(0, 3));
  const fails = async (options: Parameters<typeof trend>[0], message: RegExp): Promise<void> => {
    await assert.rejects(trend(options), (err: unknown) => err instanceof TrendError && message.test(err.message));
  };
  await fails({ dir, series: 'ffff' }, /^--series ffff matches no series of .*; it has a1a1a1a1a1a1 \(nightly\)$/);
  await fails({ dir, scenario: 'smoke' }, /^--scenario smoke: no run of that scenario in .*; it has a1a1a1a1a1a1 \(nightly\)$/);
  await fails({ dir, scenario: 'nightly', series: 'a1' }, /^--series and --scenario both choose the series: give one$/);
  await fails({ dir, metrics: ['Heartbeat.p95'] }, /^--metric "Heartbeat\.p95" matches no metric of these runs; they have BootNotification\.p50, .*generator\.rssPeakMb$/);
  await fails({ dir: tempDir('trend-empty') }, /is not a history: .*runs does not exist/);
  const empty = tempDir('trend-empty');
  mkdirSync(join(empty, 'runs'));
  await fails({ dir: empty }, /^the history .* holds no runs yet: append runs with ocpp-fleet run … --history /);
  // Patterns: * for any characters.
  const chosen = await trend({ dir, metrics: ['*.p99', 'errors.rate'] });
  assert.deepEqual(chosen.metrics.map((m) => m.name), ['BootNotification.p99', 'Heartbeat.p99', 'connect.p99', 'errors.rate']);
});

test('trend.html: the data the page draws, each change point a mark at its run, nothing of a name becomes markup', async () => {
  const nights = SLOWED.map((n) => ({ ...n, scenario: '<script>alert(1)</script>' }));
  const report: TrendReport = await trend({ dir: await history(nights) });
  const charts = trendCharts(report);
  assert.deepEqual(charts.map((c) => c.id), ['trend-BootNotification', 'trend-Heartbeat', 'trend-connect', 'trend-errors', 'trend-boot', 'trend-generator-cpu', 'trend-generator-memory']);
  const hb = charts.find((c) => c.id === 'trend-Heartbeat');
  assert.deepEqual(hb?.x, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(hb?.series.map((s) => s.label), ['p50', 'p99']);
  assert.deepEqual(hb?.marks.map((m) => [m.x, m.color]), [[6, WORSE_COLOR], [6, WORSE_COLOR]]);
  assert.equal(hb?.yLog, true);
  assert.notEqual(WORSE_COLOR, BETTER_COLOR);
  const html = renderTrendPage(report);
  assert.ok(!html.includes('<script>alert(1)</script>'), 'the scenario name is escaped');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  assert.match(html, /regression at the newest run/);
  const data = JSON.parse(/<script type="application\/json" id="trend-data">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null') as { charts: unknown[] };
  assert.deepEqual(data.charts, JSON.parse(JSON.stringify(charts)));
  assert.equal(renderTrendPage(report), html, 'the same report gives the same bytes');
});
