/**
 * trend.html: a history's runs of one series on one page, self-contained as report.html is (uPlot,
 * its licence, the styles, the data and the script inline; nothing fetched), built from the
 * TrendReport alone, so the same history gives the same bytes: the verdict, each metric over the
 * runs with its change points marked, the change points, the runs and what was kept apart.
 */
import { writeFile } from 'node:fs/promises';
import { escapeHtml } from '../report/html/escape';
import { chartLibrary } from '../report/html/index';
import type { ChartLibrary } from '../report/html/shell';
import { chartSection, figure, renderFrame } from '../report/html/shell';
import { cell, formatCount, formatUtc, keyValueTable, table } from '../report/html/tables';
import { trendCharts } from './page-charts';
import { TREND_SCRIPT } from './page-script';
import { describeChange, formatChangePercent, formatPValue, formatValue, verdictLine } from './text';
import type { TrendReport } from './trend';

const PAGE_CSS = `
.verdict { font-size: 16px; font-weight: 600; margin: 12px 0 4px; }
#changes td, #runs td { font-size: 13px; }
`;

function badge(report: TrendReport): string {
  if (report.runs.length < 3) return '<span class="badge neutral">too few runs</span>';
  return report.regressions.length > 0 ? '<span class="badge bad">regression at the newest run</span>' : '<span class="badge good">no regression at the newest run</span>';
}


function changesTable(report: TrendReport): string {
  const changes = report.metrics.flatMap((m) => m.changes).sort((a, b) => a.run - b.run || (a.metric < b.metric ? -1 : 1));
  if (changes.length === 0) return '<p class="empty">No change point: every metric stayed within its noise over these runs.</p>';
  const rows = changes.map((c) => {
    const judged = report.metrics.find((m) => m.name === c.metric)?.judged ?? true;
    const standing = report.regressions.includes(c) ? 'regression: the newest run is in it' : judged ? '' : 'the generator\'s own cost (never fails)';
    return `<tr>${cell(String(c.run), 'num')}${cell(c.metric, 'name')}${cell(formatValue(c.before, c.unit), 'num')}${cell(formatValue(c.after, c.unit), 'num')}` +
      `${cell(c.unit)}${cell(formatChangePercent(c), 'num')}${cell(formatPValue(c.pValue))}${cell(c.direction, c.direction === 'worse' ? 'bad' : 'good')}${cell(standing)}</tr>`;
  });
  return table('changes', ['from run', 'metric', 'before', 'after', 'unit', 'change', 'p-value', 'direction', ''], rows, 99);
}

function runsTable(report: TrendReport): string {
  const rows = report.runs.map((r) =>
    `<tr>${cell(String(r.number), 'num')}${cell(formatUtc(r.startedAt))}${cell(r.passed ? 'passed' : r.reason, r.passed ? 'good' : 'bad')}${cell(r.version)}${cell(r.id)}${cell(r.resultsDir)}</tr>`);
  return table('runs', ['run', 'started', 'verdict', 'version', 'entry', 'results folder (when it ran)'], rows, 99);
}

function otherSeries(report: TrendReport): string {
  if (report.otherSeries.length === 0) return '';
  const items = report.otherSeries.map((o) => `<li>${escapeHtml(`${o.runs} run(s) of ${o.scenario}, series ${o.series}, the newest ${formatUtc(o.newest)}: ocpp-fleet trend ${report.history} --series ${o.series}`)}</li>`);
  return `<section id="other-series"><h2>Kept apart</h2><p class="note">Runs in the same history with another scenario or other settings: never compared with these.</p><ul>${items.join('')}</ul></section>`;
}

function methodEntries(report: TrendReport): Array<readonly [string, unknown]> {
  const m = report.method;
  return [
    ['change points', 'E-divisive means (energy statistic) splits, Student\'s t-test judges each split (Hunter\'s method)'],
    ['p-value at most', `alpha / (runs − 1) = ${m.alpha} / ${Math.max(1, report.runs.length - 1)} (Bonferroni over the places a change could start)`],
    ['change at least', `${m.minMagnitude * 100} %, and ${m.minChangeMs} ms for times, ${m.minChangePercentPoints} pt for errors.rate`],
    ['times judged on', 'their logarithms (changes by a factor)'],
    ['left out', `${report.left.partial} partial run(s), ${report.left.older} older run(s)`],
  ];
}

export function renderTrendPage(report: TrendReport, library: ChartLibrary = chartLibrary()): string {
  const charts = trendCharts(report);
  const s = report.settings;
  const first = report.runs[0];
  const last = report.runs[report.runs.length - 1];
  const span = first === undefined || last === undefined ? '' : `${formatUtc(first.startedAt)} … ${formatUtc(last.startedAt)}`;
  const header = `<h1><span class="tool">ocpp-fleet trend</span> ${escapeHtml(s.scenario)}</h1>
<p class="subtitle">${escapeHtml(`series ${report.series} · ${report.runs.length} runs · ${span} · ${s.stations} stations · target ${s.target}`)}</p>
<p>${badge(report)}</p>
<p class="verdict" id="verdict">${escapeHtml(verdictLine(report))}</p>`;
  const regressions = report.regressions.length === 0 ? '' : `<ul id="regressions">${report.regressions.map((c) => `<li>${escapeHtml(describeChange(c))}</li>`).join('')}</ul>`;
  const main = `${regressions}
<section class="figures">
${figure('runs compared', formatCount(report.runs.length))}
${figure('change points', formatCount(report.metrics.reduce((t, m) => t + m.changes.length, 0)))}
${figure('regressions at the newest run', formatCount(report.regressions.length))}
${figure('metrics', formatCount(report.metrics.length))}
</section>
<h2>Over the runs</h2>
<p class="note">x is the run (1 the oldest compared); a vertical line marks where a change point's new level starts: red for the worse, green for the better. Drag across a chart to zoom, double-click to zoom out.</p>
<div class="charts">
${charts.map((chart) => chartSection(chart)).join('\n')}
</div>
<section id="changes-section"><h2>Change points</h2>
${changesTable(report)}
</section>
<section id="runs-section"><h2>Runs</h2>
${runsTable(report)}
</section>
${otherSeries(report)}
<section id="settings-section"><h2>Series and method</h2>
<div class="columns">
<div><h3>What these runs share</h3>${keyValueTable('series-settings', Object.entries(s))}</div>
<div><h3>How changes are found</h3>${keyValueTable('method', methodEntries(report))}</div>
</div>
</section>`;
  return renderFrame({
    title: `ocpp-fleet trend: ${s.scenario}`,
    css: PAGE_CSS,
    header,
    main,
    footer: `Built by ocpp-fleet trend from the history ${escapeHtml(report.history)} (one entry per run). Charts: ${escapeHtml(library.name)} ${escapeHtml(library.version)}, inlined.`,
    dataId: 'trend-data',
    data: { charts },
    script: TREND_SCRIPT,
    library,
  });
}

/** Writes trend.html to `file` and returns its path. */
export async function writeTrendPage(file: string, report: TrendReport): Promise<string> {
  await writeFile(file, renderTrendPage(report));
  return file;
}
