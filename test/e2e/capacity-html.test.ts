import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { BREACH_COLOR, CAPACITY_COLOR, SLO_COLOR, type KneeChart } from '../../src/capacity/page-charts';
import { renderCapacityPage } from '../../src/capacity/page';
import type { CapacityReport } from '../../src/capacity/report';
import { KNEE_MODEL, modelCapacity } from '../helpers/capacity-model';
import { openInChromium, type OpenedPage } from '../helpers/chromium-page';

/**
 * capacity.html in a real headless Chromium (Debian's, driven by playwright-core, as the run
 * report's test does), built from a capacity.json that a search over the CSMS model wrote (the
 * live run is not merged yet): both knee charts drawn with every action's p50 and p99, the SLO
 * line, the capacity left of the first failure, the steps table, nothing fetched.
 */
interface Drawn {
  id: string;
  width: number;
  /** Pixels near each colour asked for. */
  pixels: Record<string, number>;
  /** The canvas column holding most pixels of each colour (-1: none). */
  column: Record<string, number>;
  /** The canvas row holding most pixels of each colour, and how many it holds. */
  row: Record<string, { y: number; n: number }>;
  legend: string[];
}

/** Runs in the page (a string: the project compiles without the DOM's types). */
function measure(colors: Record<string, string>): string {
  return `(() => {
  const colors = ${JSON.stringify(colors)};
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const charts = JSON.parse(document.getElementById('capacity-data').textContent).charts;
  return charts.map((spec) => {
    const box = document.querySelector('[data-chart="' + spec.id + '"]');
    const canvas = box.querySelector('canvas');
    const { width, height } = canvas;
    const px = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const out = { id: spec.id, width, pixels: {}, column: {}, row: {}, legend: Array.from(box.querySelectorAll('.u-legend .u-series .u-label')).map((e) => e.textContent) };
    for (const [name, hex] of Object.entries(colors)) {
      const c = rgb(hex);
      const cols = new Array(width).fill(0);
      const rows = new Array(height).fill(0);
      let n = 0;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
        const i = 4 * (y * width + x);
        if (px[i + 3] < 200) continue;
        if (Math.abs(c[0] - px[i]) + Math.abs(c[1] - px[i + 1]) + Math.abs(c[2] - px[i + 2]) < 30) { n++; cols[x]++; rows[y]++; }
      }
      out.pixels[name] = n;
      out.column[name] = n === 0 ? -1 : cols.indexOf(Math.max(...cols));
      out.row[name] = { y: rows.indexOf(Math.max(...rows)), n: Math.max(...rows) };
    }
    return out;
  });
})()`;
}

describe('capacity.html of a search in headless Chromium', () => {
  let report: CapacityReport;
  let file: string;
  let opened: OpenedPage | undefined;
  let page: Page;

  before(async () => {
    const { out } = await modelCapacity(KNEE_MODEL);
    // The fixture: capacity.json as the search wrote it; the page is built from that file alone.
    report = JSON.parse(await readFile(join(out, 'capacity.json'), 'utf8')) as CapacityReport;
    file = join(out, 'rebuilt.html');
    const html = renderCapacityPage(report);
    assert.equal(html, await readFile(join(out, 'capacity.html'), 'utf8'), 'the page the search wrote is the one capacity.json gives');
    await writeFile(file, html);
    opened = await openInChromium(file, 'body[data-charts-rendered]');
    page = opened.page;
  });

  after(async () => {
    await opened?.browser.close();
  });

  test('both knee charts are drawn, without a script error, and nothing is fetched', async () => {
    assert.equal(await page.getAttribute('body', 'data-charts-rendered'), '2');
    assert.equal(await page.getAttribute('body', 'data-chart-errors'), '0');
    assert.deepEqual(opened?.errors, []);
    assert.deepEqual(opened?.requests, [opened?.url]);
  });

  test('each chart: p50 and p99 of every action, the SLO line across it, the capacity marked left of the first failure', async () => {
    const charts = await page.evaluate<KneeChart[]>(`JSON.parse(document.getElementById('capacity-data').textContent).charts`);
    const drawn = await page.evaluate<Drawn[]>(measure({ slo: SLO_COLOR, capacity: CAPACITY_COLOR, breach: BREACH_COLOR, tx: '#4e79a7', hb: '#f28e2b' }));
    assert.deepEqual(drawn.map((d) => d.id), ['latency-vs-stations', 'latency-vs-calls']);
    for (const d of drawn) {
      const spec = charts.find((c) => c.id === d.id) as KneeChart;
      assert.equal(spec.x.length, report.steps.length);
      for (const label of ['TransactionEvent p99', 'TransactionEvent p50', 'Heartbeat p99', 'Heartbeat p50', 'SLO TransactionEvent.p99 < 100ms']) {
        assert.ok(d.legend.includes(label), `${d.id}: legend lacks ${label}: ${d.legend.join(', ')}`);
      }
      // Lines of 1.5–2 px across a ~600 px plot: well over 300 pixels each; an empty plot has none.
      assert.ok(d.pixels.tx >= 300 && d.pixels.hb >= 300, `${d.id}: ${JSON.stringify(d.pixels)}`);
      // The SLO: one row of the canvas mostly in its colour (dashed 6 on, 4 off), across the plot.
      assert.ok(d.row.slo.n >= d.width * 0.3, `${d.id}: SLO row ${JSON.stringify(d.row.slo)} of ${d.width}`);
      // The marks: 3 px vertical lines, the capacity's left of the first failure's.
      assert.ok(d.pixels.capacity >= 300 && d.pixels.breach >= 300, `${d.id}: marks ${JSON.stringify(d.pixels)}`);
      assert.ok(d.column.capacity < d.column.breach, `${d.id}: capacity at x=${d.column.capacity}, first failure at x=${d.column.breach}`);
    }
    // On the stations axis, the marks stand where their sizes are: the plot spans 10 … 2,560
    // stations, so 1,900 and 1,950 lie in its last quarter, a few pixels apart.
    const stations = drawn[0] as Drawn;
    assert.ok(stations.column.capacity > stations.width * 0.6, `capacity at x=${stations.column.capacity} of ${stations.width}`);
    assert.ok(stations.column.breach - stations.column.capacity < stations.width * 0.05);
  });

  test('the answer, the steps table and the settings are on the page', async () => {
    assert.equal((await page.textContent('#answer'))?.trim(), report.message);
    assert.match(report.message, /^capacity: 1,900 stations \(950 calls\/s\); at 1,950 TransactionEvent p99/);
    assert.equal(await page.locator('#steps tbody tr').count(), report.steps.length);
    const last = await page.locator('#steps tbody tr').last().locator('td').allTextContents();
    assert.deepEqual(last.slice(0, 4), [String(report.steps.length), 'confirm', '1,900', '950']);
    assert.match(last[5] ?? '', /^\d+(\.\d+)? ms ✓$/);
    assert.match((await page.textContent('#settings')) ?? '', /seed\s*7/);
    assert.match((await page.textContent('h1')) ?? '', /capacity-model/);
  });

  test('a screenshot of the whole page', async (t) => {
    const path = file.replace(/\.html$/, '.png');
    await page.screenshot({ path, fullPage: true });
    t.diagnostic(`screenshot: ${path}`);
  });
});
