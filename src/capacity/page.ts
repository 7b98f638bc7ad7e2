/**
 * capacity.html: the knee page, self-contained as report.html is (uPlot, its licence, the styles,
 * the data and the script inline; a Content-Security-Policy that forbids every fetch), built from
 * capacity.json's content alone, so the same search gives the same bytes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeHtml } from '../report/html/escape';
import { chartLibrary } from '../report/html/index';
import { chartSection, figure, renderFrame, type ChartLibrary } from '../report/html/shell';
import { cell, formatCount, formatDurationMs, formatMs, formatUtc, keyValueTable } from '../report/html/tables';
import type { Unit } from '../report/thresholds-names';
import { count } from '../report/health';
import { kneeCharts, type KneeChart } from './page-charts';
import { CAPACITY_SCRIPT } from './page-script';
import type { CapacityOutcome, CapacityReport } from './report';
import type { CapacityStep } from './steps';
import { callRate, describeHit } from './text';

export const CAPACITY_PAGE = 'capacity.html';

const PAGE_CSS = `
.answer { font-size: 18px; font-weight: 600; margin: 12px 0 4px; }
.marks span { margin-right: 16px; font-size: 13px; }
.marks i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 6px; }
#steps td { font-size: 13px; }
`;

const BADGES: Readonly<Record<CapacityOutcome, string>> = {
  found: '<span class="badge good">capacity found</span>',
  atLeastMax: '<span class="badge good">no limit up to max</span>',
  smallestFailed: '<span class="badge bad">even the smallest size failed</span>',
  generatorBound: '<span class="badge warn">generator-bound</span>',
  ended: '<span class="badge warn">stopped early</span>',
};

function figures(report: CapacityReport): string {
  const c = report.capacity;
  return [
    figure('capacity (stations)', c === null ? '–' : `${report.outcome === 'atLeastMax' ? '≥ ' : ''}${count(c.stations)}`),
    figure('calls per second at capacity', c === null ? '–' : callRate(c.callsPerSecond)),
    figure('confirmed by a second hold', report.confirmed ? 'yes' : 'no'),
    figure('steps', String(report.steps.length)),
    figure('search took', formatDurationMs(report.durationMs)),
  ].join('\n');
}

function kneeChartSection(chart: KneeChart): string {
  const marks = chart.marks.map((m) => `<span><i style="background:${escapeHtml(m.color)}"></i>${escapeHtml(m.label)}</span>`).join('');
  return chartSection(chart, `<p class="marks">${marks}</p>\n`);
}

function kneeSection(charts: readonly KneeChart[]): string {
  if (charts.length === 0) return '<h2>The knee</h2>\n<p class="empty">No step was held: nothing to draw.</p>';
  return `<section id="knee-section">
<h2>The knee</h2>
<p class="note">Each point is one step's window. Drag across a chart to zoom in and double-click to zoom out; a click on a legend entry hides its line.</p>
<div class="charts">${charts.map(kneeChartSection).join('\n')}</div>
</section>`;
}

function generatorText(step: CapacityStep): string {
  const g = step.generator;
  const cpus = g.cpuPerWorker.filter((c): c is number => c !== null);
  const cpu = cpus.length === 0 ? '–' : `${Math.round(Math.max(...cpus) * 100)}%`;
  const ms = (x: number | null): string => (x === null ? '–' : `${x} ms`);
  return `loop ${ms(g.eventLoopDelayP99Ms)}, lag ${ms(g.schedulerLagP99Ms)}, CPU ${cpu}`;
}

/** How the step began: after a restart (restart.ts), how long it waited past its warm-up (settle.ts), whether it was judged early. */
function settleText(step: CapacityStep): string {
  const t = step.timing;
  const restart = t.afterBreach?.restarted === true ? `restarted (${formatDurationMs(t.afterBreach.restartMs)}); ` : '';
  const waited = formatDurationMs(t.settleMs);
  return `${restart}${waited}${t.early ? ', getting worse: judged on it' : t.settled ? '' : ', unsettled'}`;
}

function stepsTable(report: CapacityReport): string {
  if (report.steps.length === 0) return '<p class="empty">No step was held.</p>';
  const slos = report.settings.slos;
  const rows = report.steps.map((s) => {
    const sloCells = slos.map((expr) => {
      const r = s.slos.find((x) => x.expr === expr);
      if (r === undefined) return cell('–');
      return cell(`${r.value === null ? 'no samples' : valueText(r.value, r.unit)} ${r.passed ? '✓' : '✗'}`, r.passed ? 'num good' : 'num bad');
    });
    const verdict = s.verdict === 'pass' ? 'pass' : s.verdict === 'generator' ? 'generator saturated' : 'fail';
    const why = s.breaches.map(describeHit).join('; ');
    return (
      `<tr>${cell(String(s.index), 'num')}${cell(s.phase)}${cell(count(s.stations), 'num')}${cell(callRate(s.callsPerSecond), 'num')}` +
      `${cell(callRate(s.offeredCallsPerSecond), 'num')}${sloCells.join('')}${cell(settleText(s))}${cell(generatorText(s))}${cell(verdict, s.passed ? 'good' : 'bad')}${cell(why)}</tr>`
    );
  });
  const head = [...['step', 'phase', 'stations', 'calls/s', 'offered/s', ...slos].map((h, i) => `<th${i === 1 ? '' : ' class="num"'}>${escapeHtml(h)}</th>`), '<th>waited</th><th>generator (p99, worst CPU)</th><th>verdict</th><th>what failed</th>'];
  return `<table id="steps"><thead><tr>${head.join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** An SLO's value as the table shows it: ms grouped and rounded as the run report's, the others as they are. */
function valueText(value: number, unit: Unit): string {
  if (unit === 'ms') return `${formatMs(value)} ms`;
  return unit === 'count' ? formatCount(value) : `${formatCount(value)}${unit}`;
}

function settingsEntries(report: CapacityReport): Array<readonly [string, unknown]> {
  const s = report.settings;
  return [
    ['scenario', report.scenario],
    ['target', report.target],
    ['seed', report.seed],
    ['min … max', `${count(s.min)} … ${count(s.max)}`],
    ['growth, precision', `×${s.growth}, ${s.precision * 100}%`],
    ['ramp, warm-up, settle (at most), hold', `${s.rampPerSecond}/s, ${formatDurationMs(s.warmupMs)}, ${formatDurationMs(s.settleMs)}, ${formatDurationMs(s.holdMs)}`],
    ['generator limits', `event-loop delay p99 ${s.generatorLimits.eventLoopDelayP99Ms} ms, scheduler lag p99 ${s.generatorLimits.schedulerLagP99Ms} ms, CPU ${s.generatorLimits.cpuPerWorker * 100}% of a core`],
    ['workers', s.workers],
    ['started', formatUtc(report.startedAt)],
    ['tool', `${report.tool} ${report.version}`],
  ];
}

export function renderCapacityPage(report: CapacityReport, library: ChartLibrary = chartLibrary()): string {
  const charts = kneeCharts(report);
  const header = `<h1><span class="tool">ocpp-fleet capacity</span> ${escapeHtml(report.scenario)}</h1>
<p class="subtitle">${escapeHtml(formatUtc(report.startedAt))} · ${escapeHtml(formatDurationMs(report.durationMs))} · ${escapeHtml(report.target)} · seed ${escapeHtml(String(report.seed))}</p>
<p>${BADGES[report.outcome]}</p>
<p class="answer" id="answer">${escapeHtml(report.message)}</p>`;
  const main = `<section class="figures">
${figures(report)}
</section>
${kneeSection(charts)}
<section id="steps-section">
<h2>Steps</h2>
<p class="note">Each size held for ${escapeHtml(formatDurationMs(report.settings.holdMs))} after its ramp, a ${escapeHtml(formatDurationMs(report.settings.warmupMs))} warm-up and, when the steps before left a backlog, until it drained (at most ${escapeHtml(formatDurationMs(report.settings.settleMs))} more), judged on that window alone: every SLO and every health check must pass; a saturated generator judges nothing of the CSMS.</p>
${stepsTable(report)}
</section>
<section id="settings-section">
<h2>Settings</h2>
${keyValueTable('settings', settingsEntries(report))}
</section>`;
  return renderFrame({
    title: `ocpp-fleet capacity: ${report.scenario}`,
    css: PAGE_CSS,
    header,
    main,
    footer: `Built by ocpp-fleet ${escapeHtml(report.version)} from this folder's capacity.json; the run's own report is report.html. Charts: ${escapeHtml(library.name)} ${escapeHtml(library.version)}, inlined.`,
    dataId: 'capacity-data',
    data: { charts },
    script: CAPACITY_SCRIPT,
    library,
  });
}

/** Writes capacity.html into `dir` and returns its path. */
export async function writeCapacityPage(dir: string, report: CapacityReport): Promise<string> {
  const out = join(dir, CAPACITY_PAGE);
  await writeFile(out, renderCapacityPage(report));
  return out;
}
