import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/index';
import { UsageError } from '../../src/run/exit-codes';
import { launchChromium, openPage, type OpenedPage } from '../helpers/chromium-page';
import { runCli, tempDir, writeScenario } from '../helpers/fleet-cli';
import { duringRun, runFleet } from '../helpers/run-fleet';

/**
 * `run --dashboard`: the live page in a real headless Chromium while a real run goes against the
 * embedded CSMS: its charts drawn and growing second by second, the status line following the
 * run; when the run ends the page goes to the final report, the very report.html of the results
 * folder. Then a port already taken (refused before anything starts) and the CLI's flag with
 * nobody watching (the run ends without waiting for a page).
 */
const SCENARIO = `
name: dashboard-e2e
duration: 8s
gracefulStop: 1s
groups:
  - name: old
    count: 4
    ocpp: "1.6"
    identity: "DASH16-{index}"
    heartbeatInterval: 1s
  - name: new
    count: 3
    ocpp: "2.0.1"
    identity: "DASH201-{index}"
    heartbeatInterval: 1s
`;

test('the live dashboard in Chromium: charts growing while the run goes, then the final report', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('dashboard');
  const out = join(dir, 'out');
  let address: string | undefined;
  let opened: OpenedPage | undefined;
  const dataOf = (html: string): string => /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1] ?? 'none';
  // The browser first: on a loaded machine its launch alone has outlasted the 8 s run (the page
  // then found the dashboard closed, as it should be once the run ends with nobody watching).
  const browser = await launchChromium();
  const done = runFleet({
    scenario: writeScenario(dir, 'dashboard', SCENARIO),
    workers: 1,
    dashboardPort: 0,
    out,
    onNotice: (n) => {
      if (n.kind === 'dashboard') address = /http:\/\/127\.0\.0\.1:\d+\//.exec(n.message)?.[0];
    },
    // The end, before the leak check (Chromium's process is the test's, not the run's): the page
    // has gone to the final report, the results folder's own, and the browser is closed.
    afterRun: async () => {
      if (opened === undefined) return;
      try {
        const { page } = opened;
        await page.waitForURL(/\/report\.html$/, { timeout: 10_000 });
        await page.waitForSelector('body[data-charts-rendered]', { timeout: 15_000 });
        assert.equal(dataOf(await page.content()), dataOf(readFileSync(join(out, 'report.html'), 'utf8')));
        assert.equal(await page.getAttribute('body', 'data-chart-errors'), '0');
        assert.deepEqual(opened.errors, []);
        const origin = new URL(opened.url).origin;
        assert.deepEqual(opened.requests.filter((r) => !r.startsWith(origin)), [], 'nothing fetched from elsewhere');
        await page.screenshot({ path: join(out, 'final.png'), fullPage: true });
      } finally {
        await opened.browser.close();
      }
    },
  });
  let url: string;
  try {
    url = await duringRun(done, 'the dashboard notice', () => address);
  } catch (err) {
    await browser.close();
    throw err;
  }
  opened = await openPage(browser, url, 'body[data-live-seconds]');
  const { page } = opened;
  const seconds = async (): Promise<number> => Number(await page.getAttribute('body', 'data-live-seconds'));
  // Live: closed seconds arrive and the charts take them, while the run still goes.
  const first = await duringRun(done, 'a closed second on the page', async () => ((await seconds()) >= 1 ? seconds() : undefined), 200);
  const later = await duringRun(done, 'more seconds on the page', async () => ((await seconds()) > first ? seconds() : undefined), 200);
  assert.ok(later > first);
  const status = (await page.textContent('#live-status')) ?? '';
  assert.match(status, /^running \d+:\d\d \/ 0:08 · (ramp|steady|stopping) · connected \d+\/7 · booted \d+ · charging sessions \d+ · [\d,]+ calls\/s · p99 [\d.]+ ms · errors \d+$/);
  const ids = await page.locator('section.chart').evaluateAll((els) => els.map((e) => e.id));
  for (const id of ['p99-over-time', 'p50-over-time', 'p99-by-group', 'p99-by-version', 'calls-per-second', 'fleet-over-time', 'errors-over-time', 'latency-distribution']) {
    assert.ok(ids.includes(id), `live chart ${id} missing: ${ids.join(', ')}`);
  }
  assert.ok((await page.locator('[data-chart] canvas').count()) >= ids.length);
  const live = join(out, 'live.png');
  await page.screenshot({ path: live, fullPage: true });
  t.diagnostic(`live page: ${live}`);
  const result = await done;
  assert.equal(result.exitCode, 0, result.result.reason);
});

test('a dashboard port already taken refuses the run before anything starts, naming the flag', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  const out = join(tempDir('dashboard-busy'), 'out');
  try {
    await assert.rejects(run({ scenario: { name: 'busy', duration: '1s', groups: [{ name: 'g', count: 1, ocpp: '1.6', identity: 'BUSY-{index}' }] }, dashboardPort: port, out }), (err: unknown) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.equal(err.message, `--dashboard: cannot listen on 127.0.0.1:${port} (the port is in use: give another, or 0 for any free one)`);
      return true;
    });
  } finally {
    holder.close();
  }
});

test('the CLI: --dashboard 0 prints where it serves, and with nobody watching the run ends without waiting for a page', async () => {
  const dir = tempDir('dashboard-cli');
  const r = await runCli(['run', writeScenario(dir, 'dashboard', SCENARIO), '--duration', '2s', '--workers', '1', '--quiet', '--dashboard', '0', '--out', join(dir, 'out')], 60_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(the final report replaces it when the run ends\)$/m);
  const bad = await runCli(['run', '--dashboard', '70000'], 30_000);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--dashboard must be a whole number from 0 to 65535, got "70000"/);
});
