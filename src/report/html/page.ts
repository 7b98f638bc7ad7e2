/**
 * report.html as one string: the markup, the styles, uPlot and its licence, the data as JSON and
 * the page's script, all inline, so the file opens offline and can be mailed or archived alone.
 * A Content-Security-Policy forbids every fetch, which makes "works offline" a property of the
 * page rather than a hope.
 */
import type { LatencyMs } from '../format';
import type { Summary } from '../summary';
import type { ChartSpec } from './charts';
import { CLIENT_SCRIPT } from './client-script';
import { escapeHtml } from './escape';
import {
  actionsTable, callFailures, cell, formatCount, formatDurationMs, formatMs, formatUtc, keyValueTable, table, thresholdsTable,
} from './tables';
import { csmsEntries, faultsTable, targetsTable } from './run-tables';
import { healthTable, verdictBadges } from './health';
import { errorsTable, groupsTable, versionsTable } from './breakdown';
import { bytesSection, formatBytes } from './bytes';
import { chartSection, figure, renderFrame, type ChartLibrary } from './shell';

export type { ChartLibrary } from './shell';

export interface PageInput {
  summary: Summary;
  charts: ChartSpec[];
  library: ChartLibrary;
}

function keyFigures(summary: Summary): string {
  const actions = Object.values(summary.actions);
  const sent = actions.reduce((t, a) => t + a.sent, 0);
  const failures = actions.reduce((t, a) => t + callFailures(a), 0);
  const timeouts = actions.reduce((t, a) => t + a.timeouts, 0);
  const callsPerSecond = summary.durationMs > 0 ? sent / (summary.durationMs / 1000) : 0;
  const f = summary.fleet;
  const allBooted = summary.generator?.timeToAllBootedMs;
  return [
    figure('all booted after', allBooted === undefined ? '–' : allBooted === null ? 'not all booted' : formatDurationMs(allBooted), allBooted === null ? 'bad' : ''),
    figure('charge points planned', formatCount(f.planned)),
    figure('connected', formatCount(f.connected), f.connected < f.planned ? 'warn' : ''),
    figure('booted', formatCount(f.booted), f.booted < f.planned ? 'warn' : ''),
    figure('calls', formatCount(sent)),
    figure('calls per second (mean)', callsPerSecond.toFixed(1)),
    figure('errors', formatCount(failures), failures > 0 ? 'bad' : ''),
    figure('timeouts', formatCount(timeouts), timeouts > 0 ? 'bad' : ''),
    figure('connect p99', `${formatMs(summary.connect.latencyMs.p99)} ms`),
    ...(summary.bytes === undefined ? [] : [figure('on the wire per station per day', formatBytes(summary.bytes.perStationPerDay.wireSent + summary.bytes.perStationPerDay.wireReceived))]),
  ].join('\n');
}

/** Connect time, its TLS handshake, and a station's time from its start to its accepted boot. */
function startupTable(summary: Summary): string {
  const c = summary.connect;
  const rows: Array<readonly [string, number, LatencyMs]> = [['connect', c.ok, c.latencyMs]];
  if (c.tlsHandshakeMs !== undefined) rows.push(['TLS handshake', c.ok, c.tlsHandshakeMs]);
  rows.push(['boot (from the station\'s start to its accepted boot)', summary.boot.accepted, summary.boot.timeToAcceptedMs]);
  return table(
    'startup',
    ['', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    rows.map(([name, n, l]) => `<tr>${cell(name, 'name')}${cell(formatCount(n), 'num')}${[l.p50, l.p90, l.p99, l.max].map((v) => cell(formatMs(v), 'num')).join('')}</tr>`),
    1,
  );
}

function runEntries(summary: Summary): Array<readonly [string, unknown]> {
  return [
    ['scenario', summary.scenario],
    ['target', summary.target],
    ['seed', summary.seed],
    ['started', formatUtc(summary.startedAt)],
    ['ended', formatUtc(summary.endedAt)],
    ['duration', formatDurationMs(summary.durationMs)],
    ['partial', summary.partial],
    ['tool', `${summary.tool} ${summary.version}`],
  ];
}

function prefixed(prefix: string, record: object | undefined): Array<readonly [string, unknown]> {
  return record === undefined ? [] : Object.entries(record).map(([k, v]) => [`${prefix}${k}`, v] as const);
}

export function renderPage({ summary, charts, library }: PageInput): string {
  const header = `<h1><span class="tool">ocpp-fleet</span> ${escapeHtml(summary.scenario)}</h1>
<p class="subtitle">${escapeHtml(formatUtc(summary.startedAt))} · ${escapeHtml(formatDurationMs(summary.durationMs))} · ${escapeHtml(summary.target)} · seed ${escapeHtml(String(summary.seed))}</p>
<p>${verdictBadges(summary)}</p>`;
  const main = `<section class="figures">
${keyFigures(summary)}
</section>

<div class="columns verdicts">
<section id="health-section">
<h2>Run health</h2>
<p class="note">Built-in checks judged on every run: a failed one fails the run as a threshold does.</p>
${healthTable(summary.health)}
</section>

<section id="thresholds-section">
<h2>Thresholds</h2>
${thresholdsTable(summary.thresholds)}
</section>
</div>

<section id="actions-section">
<h2>Calls by action</h2>
<p class="note">Response time in ms from the moment each call was due (coordinated-omission corrected); service time from the moment it went on the wire; the dispatch delay is the difference, the generator's own wait (its rate limit, a backlog). Errors are CALLERRORs, invalid answers and calls whose connection closed first.</p>
${actionsTable(summary)}
<h3>Connect and boot</h3>
${startupTable(summary)}
</section>

<section id="groups-section">
<h2>By group and OCPP version</h2>
${versionsTable(summary)}
${groupsTable(summary)}
</section>

<section id="errors-section">
<h2>Errors by kind</h2>
${errorsTable(summary)}
</section>

${bytesSection(summary)}

<h2>Over time</h2>
<p class="note">Drag across a chart to zoom, double-click to zoom out; click a name in a legend to hide or show that line.</p>
<div class="charts">
${charts.map((chart) => chartSection(chart)).join('\n')}
</div>

<section id="run-section">
<h2>The run</h2>
<div class="columns">
<div><h3>Run</h3>${keyValueTable('run', runEntries(summary))}</div>
<div><h3>Settings</h3>${keyValueTable('settings', Object.entries(summary.settings))}</div>
<div><h3>Fleet</h3>${keyValueTable('fleet', [...prefixed('', summary.fleet), ['connect attempts', summary.connect.attempts], ['connect errors', summary.connect.errors], ['boots accepted', summary.boot.accepted]])}</div>
<div><h3>Counters</h3>${keyValueTable('counters', Object.entries(summary.counters), true)}</div>
${summary.generator ? `<div><h3>Load generator</h3>${keyValueTable('generator', Object.entries(summary.generator))}</div>` : ''}
${summary.targets ? `<div><h3>Targets</h3>${targetsTable(summary.targets)}</div>` : ''}
${summary.csms ? `<div><h3>Embedded CSMS</h3>${keyValueTable('csms', csmsEntries(summary.csms))}</div>` : ''}
</div>
${summary.faults ? `<div id="faults-part"><h3>Faults</h3>\n<p class="note">The scenario's faults timeline (real time after the start), the stations each fault hit and what it did.</p>\n${faultsTable(summary.faults)}</div>` : ''}
</section>`;
  const footer = `Built by ocpp-fleet ${escapeHtml(summary.version)} from this folder's summary.json, timeseries.csv and histograms.hlog
(<code>ocpp-fleet report DIR</code> builds it again). Charts: ${escapeHtml(library.name)} ${escapeHtml(library.version)}, inlined.`;
  return renderFrame({
    title: `ocpp-fleet report: ${summary.scenario}`,
    css: '',
    header,
    main,
    footer,
    dataId: 'report-data',
    // The start, for a wall-clock axis (UTC) that lines up with the CSMS's own logs.
    data: { charts, ...(Number.isFinite(Date.parse(summary.startedAt)) ? { startedAtMs: Date.parse(summary.startedAt) } : {}) },
    script: CLIENT_SCRIPT,
    library,
  });
}
