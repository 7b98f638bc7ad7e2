import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { chromium, type Browser, type Page } from 'playwright-core';
import { registerReportCommand } from '../../src/cli/report-command';
import type { ChartSpec } from '../../src/report/html/charts';
import type { Summary } from '../../src/report/summary';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * The HTML report of a real run, opened in a real headless Chromium (Debian's, driven by
 * playwright-core; .ci/run installs it). Checks what a reader would: every chart drawn with the
 * run's data, the legends naming the run's actions, the table's figures, nothing fetched.
 */
const CHROMIUM = '/usr/bin/chromium';
// As root in a sandbox with no network: no sandbox, no GPU, and none of Chromium's own background
// connections (they would be refused, many at a time).
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const SCENARIO = `
name: report-e2e
duration: 4s
seed: 11
callTimeout: 5s
gracefulStop: 3s
groups:
  - name: old
    count: 3
    ocpp: "1.6"
    connectors: 2
    identity: "REP16-{index:02}"
    ramp: 20/s
    heartbeatInterval: 1s
    sessions: { idle: 500ms, duration: 1500ms, meterInterval: 500ms, powerKw: 11 }
  - name: new
    count: 3
    ocpp: "2.0.1"
    connectors: 2
    identity: "REP201-{index:02}"
    ramp: 20/s
    heartbeatInterval: 1s
    sessions: { idle: 500ms, duration: 1500ms, meterInterval: 500ms, powerKw: 22 }
`;

interface ChartPixels {
  id: string;
  canvases: number;
  width: number;
  /** Pixels of the plot canvas in one of the chart's series colours. */
  seriesPixels: number;
  legend: string[];
}

/**
 * Runs in the page (as a string: the project compiles without the DOM's types). For each chart,
 * counts the canvas pixels within a small distance of one of its series' colours: axes and grid
 * are grey, so these pixels are the drawn data.
 */
const MEASURE_CHARTS = `(() => {
  const charts = JSON.parse(document.getElementById('report-data').textContent).charts;
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return charts.map((spec) => {
    const box = document.querySelector('[data-chart="' + spec.id + '"]');
    const canvases = box ? box.querySelectorAll('canvas') : [];
    const canvas = canvases[0];
    const colours = spec.series.map((s) => rgb(s.color));
    let seriesPixels = 0;
    if (canvas) {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] < 200) continue;
        if (colours.some((c) => Math.abs(c[0] - px[i]) + Math.abs(c[1] - px[i + 1]) + Math.abs(c[2] - px[i + 2]) < 30)) seriesPixels++;
      }
    }
    const legend = box ? Array.from(box.querySelectorAll('.u-legend .u-series .u-label')).map((e) => e.textContent) : [];
    return { id: spec.id, canvases: canvases.length, width: canvas ? canvas.width : 0, seriesPixels, legend };
  });
})()`;

describe('report.html of a real run in headless Chromium', () => {
  let dir: string;
  let out: string;
  let summary: Summary;
  let html: string;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const requests: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: this test needs Debian's chromium (apt-get install -y --no-install-recommends chromium; .ci/run installs it)`,
    );
    dir = tempDir('report');
    out = join(dir, 'out');
    const file = writeScenario(dir, 'report-e2e', SCENARIO);
    // No url: run() starts the embedded CSMS itself.
    const result = await runFleet({ scenario: file, workers: 2, out });
    assert.equal(result.exitCode, 0, result.result.reason);
    summary = readSummary(out);
    html = await readFile(join(out, 'report.html'), 'utf8');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
  });

  test('every chart is drawn, without a script error, and nothing is fetched', async () => {
    assert.equal(await page.getAttribute('body', 'data-charts-rendered'), '8');
    assert.equal(await page.getAttribute('body', 'data-chart-errors'), '0');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(requests, [pathToFileURL(join(out, 'report.html')).href]);
  });

  test('each chart\'s canvas holds its series\' colours, and the legends name the run\'s actions', async () => {
    const charts = await page.evaluate<ChartPixels[]>(MEASURE_CHARTS);
    assert.equal(charts.length, 8);
    for (const c of charts) {
      assert.ok(c.canvases >= 1 && c.width >= 300, `${c.id}: ${c.canvases} canvas(es), ${c.width} px wide`);
      // A 2 px line across a ~500 px plot is well over a thousand pixels; 200 is a floor that
      // an empty plot (axes and grid only) cannot reach.
      assert.ok(c.seriesPixels >= 200, `${c.id}: only ${c.seriesPixels} pixels in series colours`);
    }
    const actions = Object.keys(summary.actions);
    for (const expected of ['BootNotification', 'StatusNotification', 'Heartbeat', 'TransactionEvent', 'StartTransaction']) {
      assert.ok(actions.includes(expected), `the run sent ${expected}: ${actions.join(', ')}`);
    }
    for (const id of ['p99-over-time', 'p50-over-time', 'latency-distribution']) {
      const legend = charts.find((c) => c.id === id)?.legend ?? [];
      for (const action of actions) assert.ok(legend.includes(action), `${id} legend lacks ${action}: ${legend.join(', ')}`);
    }
    assert.deepEqual(charts.find((c) => c.id === 'fleet-over-time')?.legend, ['second', 'connected', 'booted', 'charging']);
    const groups = Object.entries(summary.groups).map(([name, g]) => `${name} (${g.ocpp})`);
    assert.deepEqual(charts.find((c) => c.id === 'p99-by-group')?.legend, ['second', ...groups]);
    assert.deepEqual(groups.slice().sort(), ['new (2.0.1)', 'old (1.6)']);
    assert.deepEqual(charts.find((c) => c.id === 'p99-by-version')?.legend, ['second', 'OCPP 1.6', 'OCPP 2.0.1']);
  });

  test('the charts carry the run\'s figures', () => {
    const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
    const charts = (JSON.parse(m?.[1] ?? '{}') as { charts: ChartSpec[] }).charts;
    const byId = new Map(charts.map((c) => [c.id, c]));
    // Calls per second add up to every call of summary.json.
    const calls = byId.get('calls-per-second')?.series[0]?.values ?? [];
    const sent = Object.values(summary.actions).reduce((t, a) => t + a.sent, 0);
    assert.equal(calls.reduce<number>((t, v) => t + (v ?? 0), 0), sent);
    // The fleet reached its full size.
    const booted = byId.get('fleet-over-time')?.series[1]?.values ?? [];
    assert.equal(Math.max(...booted.map((v) => v ?? 0)), 6);
    // BootNotification's p99 over time lies within its run-wide min..max (ms, not µs or s). The
    // log's histograms are decoded, so their max is the top of the max's bucket: 0.1 % slack.
    const boot = summary.actions.BootNotification as Summary['actions'][string];
    const slack = (ms: number): number => ms * 0.001 + 0.001;
    const p99 = (byId.get('p99-over-time')?.series.find((s) => s.label === 'BootNotification')?.values ?? []).filter((v): v is number => v !== null);
    assert.ok(p99.length >= 1);
    for (const v of p99) {
      const { min, max } = boot.latencyMs;
      assert.ok(v >= min - slack(min) && v <= max + slack(max), `${v} ms outside ${min}..${max}`);
    }
    // A group's p99 per second lies within its own calls' min..max; with one group per version, a version's series is its group's.
    const series = (id: string, label: string): (number | null)[] => byId.get(id)?.series.find((s) => s.label === label)?.values ?? [];
    for (const [group, version] of [['old', '1.6'], ['new', '2.0.1']] as const) {
      const own = Object.values(summary.groups[group]?.actions ?? {}).filter((a) => a.ok > 0);
      const min = Math.min(...own.map((a) => a.latencyMs.min));
      const max = Math.max(...own.map((a) => a.latencyMs.max));
      const values = series('p99-by-group', `${group} (${version})`);
      assert.ok(values.some((v) => v !== null), `${group}: no p99 per second`);
      for (const v of values) if (v !== null) assert.ok(v >= min - slack(min) && v <= max + slack(max), `${group}: ${v} ms outside ${min}..${max}`);
      assert.deepEqual(series('p99-by-version', `OCPP ${version}`), values);
    }
    // The distribution ends at BootNotification's max.
    const dist = (byId.get('latency-distribution')?.series.find((s) => s.label === 'BootNotification')?.values ?? []).filter((v): v is number => v !== null);
    const end = dist.at(-1) ?? 0;
    assert.ok(Math.abs(end - boot.latencyMs.max) <= slack(boot.latencyMs.max), `${end} vs ${boot.latencyMs.max}`);
  });

  test('the table shows the run\'s counts, and the run\'s settings and scenario are on the page', async () => {
    const cells = await page.locator('#actions tbody tr', { hasText: 'BootNotification' }).locator('td').allTextContents();
    assert.equal(cells[0], 'BootNotification');
    assert.equal(cells[1], String(summary.actions.BootNotification?.sent));
    assert.equal(cells[1], '6');
    assert.equal(await page.locator('#actions tbody tr').count(), Object.keys(summary.actions).length);
    assert.match((await page.textContent('h1')) ?? '', /report-e2e/);
    assert.match((await page.textContent('#thresholds-section')) ?? '', /No thresholds were set/);
    const settings = (await page.textContent('#settings')) ?? '';
    assert.match(settings, /workers\s*2/);
    assert.match((await page.textContent('#run')) ?? '', /embedded CSMS \(ws:\/\/127\.0\.0\.1:\d+\)/);
  });

  test('the breakdowns: per OCPP version and per group with its version, connect and boot, service time and dispatch delay, errors, labels in words, time to all booted on top', async () => {
    const versions: string[][] = [];
    for (const row of await page.locator('#versions tbody tr').all()) versions.push(await row.locator('td').allTextContents());
    assert.deepEqual(versions.map((r) => r.slice(0, 5)), [['1.6', 'old', '3', '3', '3'], ['2.0.1', 'new', '3', '3', '3']]);
    const calls = (group: 'old' | 'new'): number => Object.values(summary.groups[group]?.actions ?? {}).reduce((t, a) => t + a.sent, 0);
    assert.deepEqual(versions.map((r) => Number(r[5]?.replace(/,/g, ''))), [calls('old'), calls('new')]);
    assert.equal(summary.groups.old?.ocpp, '1.6');
    assert.equal(summary.groups.new?.ocpp, '2.0.1');
    // One row per group and action, the group's own figures on its first row.
    assert.equal(await page.locator('#groups tbody tr').count(), Object.keys(summary.groups.old?.actions ?? {}).length + Object.keys(summary.groups.new?.actions ?? {}).length);
    const firstOfNew = await page.locator('#groups tbody tr', { hasText: 'new' }).first().locator('td').allTextContents();
    assert.deepEqual(firstOfNew.slice(0, 5), ['new', '2.0.1', '3', '3', '3']);
    assert.deepEqual(await page.locator('#actions thead th').allTextContents(), ['action', 'count', 'ok', 'errors', 'timeouts', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'service p50 ms', 'service p99 ms', 'dispatch delay p99 ms']);
    const startup = await page.locator('#startup tbody tr td.name').allTextContents();
    assert.deepEqual(startup, ['connect', "boot (from the station's start to its accepted boot)"]);
    assert.match((await page.textContent('#errors-section')) ?? '', /No error\./);
    const headline = await page.locator('.figures .figure', { hasText: 'all booted after' }).locator('.value').textContent();
    assert.match(headline ?? '', /^[\d.]+ (ms|s)$/);
    assert.match((await page.textContent('#settings')) ?? '', /call timeout \(ms\)\s*5,000/);
    assert.match((await page.textContent('#generator')) ?? '', /RSS per station \(KB\)/);
    // Bytes: per day for the run and each group, then one row per exchange (the station's calls, the CSMS's).
    const perDay = await page.locator('#bytes-per-day tbody tr td.name').allTextContents();
    assert.deepEqual(perDay, ['all stations', ...Object.keys(summary.groups)]);
    const exchanges = await page.locator('#bytes tbody tr').count();
    assert.equal(exchanges, Object.keys(summary.actions).length + Object.keys(summary.incoming).length);
    const heartbeat = await page.locator('#bytes tbody tr', { hasText: 'Heartbeat' }).locator('td').allTextContents();
    assert.equal(heartbeat[2], String(summary.actions.Heartbeat?.sent));
    assert.match(heartbeat[5] ?? '', /^2\d\.?\d* B$/, 'a Heartbeat CALL is some 22 bytes');
  });

  test('the time axis is the wall clock in UTC: the cursor on a chart reads the time of day, and the seconds since the start beside it', async () => {
    const chart = page.locator('[data-chart] .u-over').first();
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    assert.ok(box);
    await chart.hover({ position: { x: box.width / 2, y: box.height / 2 } });
    const x = (await page.locator('[data-chart]').first().locator('.u-legend .u-series').first().locator('.u-value').textContent()) ?? '';
    const m = /^(\d\d):(\d\d):(\d\d) UTC \((\d+) s\)$/.exec(x);
    assert.ok(m, x);
    const start = new Date(summary.startedAt);
    const at = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate(), Number(m[1]), Number(m[2]), Number(m[3]));
    // The time of day shown is the run's start plus the seconds shown, to the second.
    assert.ok(Math.abs(at - (Math.floor(start.getTime() / 1000) * 1000 + Number(m[4]) * 1000)) <= 1000, `${x} against a start at ${summary.startedAt}`);
  });

  test('a screenshot of the whole page', async (t) => {
    const path = join(dir, 'report.png');
    await page.screenshot({ path, fullPage: true });
    t.diagnostic(`screenshot: ${path}`);
  });

  test('`ocpp-fleet report DIR` rebuilds the same report.html from the folder\'s files', async () => {
    await rm(join(out, 'report.html'));
    const program = new Command().exitOverride();
    registerReportCommand(program);
    await program.parseAsync(['node', 'ocpp-fleet', 'report', out]);
    assert.equal(await readFile(join(out, 'report.html'), 'utf8'), html);
  });
});
