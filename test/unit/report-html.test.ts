import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { Command } from 'commander';
import { registerReportCommand } from '../../src/cli/report-command';
import { UsageError } from '../../src/run/exit-codes';
import { Aggregator } from '../../src/metrics/aggregator';
import { newHistogram } from '../../src/metrics/histograms';
import { RecordKind, packHeader } from '../../src/metrics/record';
import type { ChartSpec } from '../../src/report/html/charts';
import { CLIENT_SCRIPT } from '../../src/report/html/client-script';
import { escapeHtml, inlineScript, jsonForScript } from '../../src/report/html/escape';
import { percentileDistribution, readHlogSeries } from '../../src/report/html/hlog-series';
import { buildHtmlReport, REPORT_FILE, ResultsFolderError } from '../../src/report/html';
import { thresholdsTable, words } from '../../src/report/html/tables';
import { healthTable, verdictBadges } from '../../src/report/html/health';
import { withHealth } from '../../src/report/health';
import { parseTimeseries } from '../../src/report/html/timeseries-csv';
import { HLOG_FILE, writeResults } from '../../src/report/results-dir';
import type { RunInfo } from '../../src/report/summary';
import { ACTION, GROUP, NAMES } from '../helpers/metrics-names';
import { tempDir } from '../helpers/temp-dir';

const STARTED = new Date('2026-11-23T22:17:00.000Z');
const HOSTILE = '</script><script>alert(1)</script><!-- & "quoted" \'x\'';

function runInfo(agg: Aggregator, scenario = 'smoke', thresholds: unknown[] = []): RunInfo {
  return {
    version: '0.1.0', scenario, seed: 42, target: 'ws://127.0.0.1:9000/ocpp',
    startedAt: STARTED, endedAt: new Date(STARTED.getTime() + 4_000), partial: false,
    fleet: { planned: 10, connected: 10, booted: 10, failedToConnect: 0 },
    settings: { workers: 2, label: HOSTILE }, thresholds, passed: true, recordsWritten: agg.ingested,
  };
}

/** Four seconds: Heartbeats at 5 ms, MeterValues at 20 ms in seconds 0–1 and 40 ms in 2–3. */
function fill(agg: Aggregator): void {
  for (let s = 0; s < 4; s++) {
    agg.sampleGauges(s, { total: { connected: 10, booted: 10, charging: s }, groups: [] });
    for (let i = 0; i < 200; i++) {
      agg.ingest(packHeader(RecordKind.CallOk, GROUP.urban, ACTION.Heartbeat), 5000, 4000, s * 1000 + i);
      agg.ingest(packHeader(RecordKind.CallOk, GROUP.urban, ACTION.MeterValues), s < 2 ? 20_000 : 40_000, 19_000, s * 1000 + i);
    }
  }
  agg.ingest(packHeader(RecordKind.CallTimeout, GROUP.urban, ACTION.MeterValues), 0, 0, 3500);
}

async function withResults(check: (dir: string) => Promise<void>, scenario = 'smoke', thresholds: unknown[] = [], extra: Partial<RunInfo> = {}): Promise<void> {
  const root = tempDir('report-html');
  try {
    const agg = new Aggregator(NAMES);
    fill(agg);
    await writeResults(join(root, 'run'), agg, { ...runInfo(agg, scenario, thresholds), ...extra });
    await check(join(root, 'run'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function chartsOf(html: string): ChartSpec[] {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'the data element is in the page');
  const data = JSON.parse(m[1] as string) as { charts: ChartSpec[] };
  return data.charts;
}

function near(actual: number | null | undefined, expected: number, tolerance: number, what: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);
}

test('escapeHtml turns markup characters into entities', () => {
  assert.equal(escapeHtml('<a href="x">\'&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('jsonForScript: nothing in the data can close the script element, and it reads back the same', () => {
  const value = { s: HOSTILE, line: 'a\u2028b' };
  const json = jsonForScript(value);
  assert.doesNotMatch(json, /[<>&\u2028]/);
  assert.deepEqual(JSON.parse(json), value);
});

test('inlineScript refuses a library that would end its script element early', () => {
  assert.equal(inlineScript('var a = 1 < 2;', 'lib'), 'var a = 1 < 2;');
  assert.throws(() => inlineScript('var s = "</SCRIPT>";', 'lib'), /lib contains/);
  assert.throws(() => inlineScript('x <!-- y', 'lib'), /lib contains/);
});

test('the page script is valid JavaScript', () => {
  assert.doesNotThrow(() => new Script(CLIENT_SCRIPT, { filename: 'client-script.js' }));
});

test('parseTimeseries: columns by header name, empty cells null, a missing column all null', () => {
  const ts = parseTimeseries('time,second,calls,p99_ms\nT,0,10,\nT,1,12,3.5\n');
  assert.deepEqual(ts.second, [0, 1]);
  assert.deepEqual(ts.columns.calls, [10, 12]);
  assert.deepEqual(ts.columns.p99_ms, [null, 3.5]);
  assert.deepEqual(ts.columns.connected, [null, null]);
  assert.throws(() => parseTimeseries('calls\n1\n'), /no "second" column/);
  assert.throws(() => parseTimeseries('second\nx\n'), /line 2/);
});

test('readHlogSeries: each second\'s p50/p99 per action in ms, aligned on the run\'s epoch', async () => {
  await withResults(async (dir) => {
    const text = await readFile(join(dir, HLOG_FILE), 'utf8');
    const hlog = readHlogSeries(text, STARTED.getTime(), (tag) => !tag.includes('.') && !tag.includes('=') && tag !== 'connect');
    assert.deepEqual([...hlog.perSecond.keys()].sort(), ['Heartbeat', 'MeterValues']);
    const meter = hlog.perSecond.get('MeterValues');
    assert.deepEqual([...(meter?.keys() ?? [])], [0, 1, 2, 3]);
    // 0.1 % is the histograms' precision (three significant digits).
    near(meter?.get(1)?.p99, 20, 0.02, 'MeterValues p99 at second 1');
    near(meter?.get(2)?.p50, 40, 0.04, 'MeterValues p50 at second 2');
    near(hlog.perSecond.get('Heartbeat')?.get(3)?.p50, 5, 0.005, 'Heartbeat p50 at second 3');
    assert.equal(hlog.merged.get('MeterValues')?.totalCount, 800);
  });
});

test('percentileDistribution: latency at 1/(1−p) on a shared grid, each line ending at its max', () => {
  const h = newHistogram();
  for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000);
  const small = newHistogram();
  for (let i = 0; i < 10; i++) small.recordValue(7000);
  const d = percentileDistribution(new Map([['uniform', h], ['ten', small]]));
  // 1000 samples: three decades, ten points each, 1 to 1000.
  assert.equal(d.x.length, 31);
  assert.equal(d.x[0], 1);
  assert.equal(d.x[10], 10);
  assert.equal(d.x[30], 1000);
  const uniform = d.series.get('uniform') ?? [];
  near(uniform[0], 1, 0.001, 'p0');
  near(uniform[10], 900, 1, 'p90');
  near(uniform[20], 990, 1, 'p99');
  near(uniform[30], 1000, 1, 'max');
  const ten = d.series.get('ten') ?? [];
  near(ten[10], 7, 0.01, 'ten samples: the max at x = 10');
  assert.equal(ten[11], null, 'nothing past the last sample');
});

test('thresholdsTable: the expected columns first, any others after, every cell escaped', () => {
  assert.match(thresholdsTable([]), /No thresholds were set/);
  const html = thresholdsTable([
    { threshold: 'BootNotification.p99 < 800ms', metric: 'BootNotification.p99', value: 12.5, unit: 'ms', verdict: 'pass' },
    { threshold: HOSTILE, metric: 'errors.rate', value: 0.2, unit: '%', verdict: 'fail', note: 'extra' },
    'not an object',
  ]);
  assert.match(html, /<th>threshold<\/th><th>metric<\/th><th>value<\/th><th>unit<\/th><th>verdict<\/th><th>note<\/th>/);
  assert.match(html, /<td class="good">pass<\/td>/);
  assert.match(html, /<td class="bad">fail<\/td>/);
  assert.match(html, /<td colspan="6">not an object<\/td>/);
  assert.ok(!html.includes('<script>'), html);
  assert.match(html, /&lt;\/script&gt;&lt;script&gt;alert\(1\)/);
});

test('report.html is written with the results: self-contained, escaped, with the run\'s data in its charts', async () => {
  const thresholds = [{ threshold: 'MeterValues.p99 < 30ms', metric: 'MeterValues.p99', value: 40, unit: 'ms', verdict: 'fail' }];
  await withResults(async (dir) => {
    const html = await readFile(join(dir, REPORT_FILE), 'utf8');
    // Nothing is fetched: no src= or href= at all, the library inlined.
    assert.doesNotMatch(html, /\s(src|href)\s*=/i);
    assert.match(html, /var uPlot=function/);
    assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
    // User text never becomes markup: the only <script> elements are our three (data, uPlot, page).
    assert.equal(html.match(/<script\b/g)?.length, 3);
    assert.match(html, /<h1><span class="tool">ocpp-fleet<\/span> &lt;\/script&gt;&lt;script&gt;alert\(1\)/);
    assert.match(html, /<td class="bad">fail<\/td>/);
    assert.match(html, /<td class="name">MeterValues<\/td><td class="num">801<\/td><td class="num">800<\/td><td class="num">0<\/td><td class="num bad">1<\/td>/);
    const charts = chartsOf(html);
    assert.deepEqual(charts.map((c) => c.id), [
      'p99-over-time', 'p50-over-time', 'calls-per-second', 'fleet-over-time', 'errors-over-time', 'latency-distribution',
    ]);
    const p50 = charts[1] as ChartSpec;
    assert.deepEqual(p50.x, [0, 1, 2, 3]);
    assert.deepEqual(p50.series.map((s) => s.label), ['Heartbeat', 'MeterValues', 'all actions']);
    const meter = p50.series[1]?.values ?? [];
    near(meter[0], 20, 0.02, 'MeterValues p50 at 0 s');
    near(meter[3], 40, 0.04, 'MeterValues p50 at 3 s');
    assert.deepEqual(charts[2]?.series[0]?.values, [400, 400, 400, 401]);
    assert.deepEqual(charts[3]?.series[2]?.values, [0, 1, 2, 3]);
    assert.deepEqual(charts[4]?.series[1]?.values, [0, 0, 0, 1]);
    // The same files give the same bytes.
    assert.equal(await buildHtmlReport(dir), html);
  }, HOSTILE, thresholds);
});

test('report.html shows the targets, the embedded CSMS\'s counts and the faults with their effects, only when the run has them', async () => {
  await withResults(async (dir) => {
    const html = await readFile(join(dir, REPORT_FILE), 'utf8');
    assert.doesNotMatch(html, /<h3>(Targets|Embedded CSMS|Faults)<\/h3>/);
  });
  const extra: Partial<RunInfo> = {
    targets: [{ url: 'ws://a.example/ocpp', stations: 6, connected: 6 }, { url: `ws://b.example/${HOSTILE}`, stations: 4, connected: 3 }],
    csms: { alive: true, signedMeterValues: { verified: 1234, failed: 7 } },
    faults: [
      { index: 0, kind: 'drop', at: '30s', atMs: 30_000, share: 0.5, groups: ['acquired'], stations: 5, effects: { dropped: 5, reconnected: 4 } },
      { index: 1, kind: 'malformed', at: '0s', atMs: 0, share: 0.05, groups: null, forMs: 60_000, kinds: ['invalidJson', 'notArray'], stations: 3, effects: { sent: { invalidJson: 2, notArray: 1 }, callErrors: { FormationViolation: 2 }, unanswered: 1 } },
      { index: 2, kind: 'nodeLoss', at: '1m', atMs: 60_000, share: 1, groups: null, forMs: 20_000, target: 1, stations: 4, effects: {} },
    ],
  };
  await withResults(async (dir) => {
    const html = await readFile(join(dir, REPORT_FILE), 'utf8');
    assert.match(html, /<td class="name">ws:\/\/a\.example\/ocpp<\/td><td class="num">6<\/td><td class="num">6<\/td>/);
    assert.match(html, /<td class="name">ws:\/\/b\.example\/&lt;\/script&gt;.*<\/td><td class="num">4<\/td><td class="num bad">3<\/td>/);
    assert.match(html, /<td class="name">signed meter values verified<\/td><td>1,234<\/td>/);
    assert.match(html, /<td class="name">signed meter values failed<\/td><td>7<\/td>/);
    assert.match(html, /<td class="name">\[0\] drop<\/td><td>30s<\/td><td>50% of acquired<\/td><td>dropped 5, reconnected 4<\/td><td class="num">5<\/td>/);
    assert.match(html, /<td class="name">\[1\] malformed<\/td><td>0s for 1 min 0 s<\/td><td>5% of every group<\/td><td>sent invalidJson 2 \/ notArray 1, callErrors FormationViolation 2, unanswered 1<\/td>/);
    assert.match(html, /<td class="name">\[2\] nodeLoss<\/td><td>1m for 20\.0 s<\/td><td>target 1<\/td><td>–<\/td><td class="num">4<\/td>/);
    assert.equal(html.match(/<script\b/g)?.length, 3);
  }, 'smoke', [], extra);
});

test('report.html shows the health checks beside the thresholds, and the verdict badges say which failed', async () => {
  assert.match(healthTable(undefined), /no health checks/);
  assert.match(healthTable([]), /Every health check was turned off/);
  const root = tempDir('report-health');
  try {
    const agg = new Aggregator(NAMES);
    fill(agg);
    const dir = join(root, 'run');
    await writeResults(dir, agg, runInfo(agg), (s) =>
      withHealth(s, [
        { check: 'connected', value: 100, limit: 100, passed: true, detail: 'connected 10 of 10 stations' },
        { check: 'booted', value: 0, limit: 100, passed: false, detail: `booted 0 of 10 stations ${HOSTILE}` },
        { check: 'openTransactions', value: null, limit: 0, passed: true, detail: 'not measured' },
        { check: 'eventLoopDelay', value: 12.5, limit: 200, passed: true, detail: 'p99' },
      ]),
    );
    const html = await readFile(join(dir, REPORT_FILE), 'utf8');
    assert.ok(html.indexOf('id="health-section"') < html.indexOf('id="thresholds-section"'));
    assert.match(html, /<td class="name">connected<\/td><td class="num">100%<\/td><td class="num">≥ 100%<\/td><td class="good">pass<\/td><td>connected 10 of 10 stations<\/td>/);
    assert.match(html, /<td class="name">booted<\/td><td class="num">0%<\/td><td class="num">≥ 100%<\/td><td class="bad">fail<\/td><td>booted 0 of 10 stations &lt;\/script&gt;/);
    assert.match(html, /<td class="name">openTransactions<\/td><td class="num">–<\/td><td class="num">≤ 0<\/td>/);
    assert.match(html, /<td class="name">eventLoopDelay<\/td><td class="num">12\.5 ms<\/td><td class="num">≤ 200 ms<\/td>/);
    assert.match(html, /<span class="badge bad">1 health check failed<\/span> <span class="badge neutral">no thresholds<\/span>/);
    assert.equal(html.match(/<script\b/g)?.length, 3);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Parameters<typeof verdictBadges>[0];
    assert.equal(summary.passed, false, 'a failed check fails the run');
    assert.match(verdictBadges({ ...summary, health: summary.health?.filter((h) => h.passed) }), /<span class="badge good">health checks passed<\/span>/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a folder that is not a results folder is a ResultsFolderError naming the file', async () => {
  const dir = tempDir('report-html');
  try {
    await assert.rejects(buildHtmlReport(dir), (err: unknown) => err instanceof ResultsFolderError && /summary\.json not found/.test(err.message));
    await writeFile(join(dir, 'summary.json'), '{"tool": "k6"}');
    await writeFile(join(dir, 'timeseries.csv'), 'second\n');
    await writeFile(join(dir, 'histograms.hlog'), '');
    await assert.rejects(buildHtmlReport(dir), /not an ocpp-fleet summary/);
    // The command turns it into bad usage (exit code 2).
    const program = new Command().exitOverride();
    registerReportCommand(program);
    await assert.rejects(program.parseAsync(['node', 'ocpp-fleet', 'report', dir]), (err: unknown) => err instanceof UsageError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('summary.json keys in words for the report: units in brackets, acronyms kept', () => {
  assert.equal(words('rssPerStationKb'), 'RSS per station (KB)');
  assert.equal(words('timeToAllBootedMs'), 'time to all booted (ms)');
  assert.equal(words('cpuUserS'), 'CPU user (s)');
  assert.equal(words('rssPeakMb'), 'RSS peak (MB)');
  assert.equal(words('workers'), 'workers');
  assert.equal(words('cps'), 'charge points');
  assert.equal(words('S'), 's');
});
