/**
 * The live dashboard's page (`run --dashboard`): report.html's frame, styles and charts, drawn by
 * a script that asks the dashboard for the seconds closed since its last question, once a second,
 * and adds them to its charts; when the run has ended it goes to the final report.html. The one
 * page of ours allowed to fetch, and only from where it came from (`connect-src 'self'`).
 */
import { CHART_OPTIONS } from './client-script';
import { escapeHtml } from './escape';
import { PAGE_CSP, renderFrame, type ChartLibrary } from './shell';

export const LIVE_PAGE_CSP = `${PAGE_CSP}; connect-src 'self'`;

/** What the page asks for: `live.json?from=N`. */
export const LIVE_PATH = 'live.json';

/** The figures of the status line: the run's last RunProgress, as numbers. */
export interface LiveStatus {
  readonly second: number;
  readonly durationMs: number;
  readonly phase: string;
  readonly planned: number;
  readonly connected: number;
  readonly booted: number;
  readonly chargingSessions: number;
  readonly callsPerSec: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export interface LivePageInput {
  readonly scenario: string;
  readonly target: string;
  readonly pollMs: number;
  readonly library: ChartLibrary;
}

const LIVE_CSS = `
#live-status { font-size: 1.1rem; margin: 0.5rem 0; font-variant-numeric: tabular-nums; }
#live-status.lost { color: #b00020; }
`;

/** Plain ES2017 in a string, as report.html's script. */
const LIVE_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('live-data').textContent);
  var HEIGHT = 280;
` + CHART_OPTIONS + String.raw`
  var charts = {};
  var next = 0;
  var container = document.getElementById('charts');
  var statusLine = document.getElementById('live-status');

  function keyOf(spec) { return spec.xKind + '|' + spec.series.map(function (s) { return s.label; }).join('|'); }
  function columns(spec) { return [spec.x].concat(spec.series.map(function (s) { return s.values; })); }
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }
  /** The chart's box, made the first time the chart comes. */
  function target(spec) {
    var box = document.getElementById(spec.id);
    if (!box) {
      box = element('section', 'chart');
      box.id = spec.id;
      box.appendChild(element('h3', '', spec.title));
      box.appendChild(element('p', 'note', spec.note));
      var plot = element('div', 'plot');
      plot.setAttribute('data-chart', spec.id);
      box.appendChild(plot);
      container.appendChild(box);
    }
    return box.querySelector('[data-chart]');
  }
  function create(spec) {
    var old = charts[spec.id];
    if (old) old.plot.destroy();
    var into = target(spec);
    into.textContent = '';
    charts[spec.id] = { key: keyOf(spec), spec: spec, plot: new uPlot(options(spec, into.clientWidth), columns(spec), into), into: into };
  }
  /** Adds an answer's seconds to the charts; true when a chart changed its series and all must come again. */
  function apply(answer) {
    var again = false;
    answer.charts.forEach(function (spec) {
      var chart = charts[spec.id];
      if (answer.from === 0 || !chart || chart.key !== keyOf(spec)) {
        if (answer.from === 0 || spec.xKind !== 'seconds') create(spec);
        else again = true;
        return;
      }
      if (spec.xKind !== 'seconds') {
        chart.spec = spec;
      } else {
        chart.spec.x = chart.spec.x.concat(spec.x);
        chart.spec.series.forEach(function (s, i) { s.values = s.values.concat(spec.series[i].values); });
      }
      chart.plot.setData(columns(chart.spec));
    });
    // In the order the report has them: a chart that came later (a group's first call) takes its place.
    answer.charts.forEach(function (spec) {
      var box = document.getElementById(spec.id);
      if (box) container.appendChild(box);
    });
    return again;
  }
  function clock(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    return Math.floor(s / 60) + ':' + (s % 60 < 10 ? '0' : '') + (s % 60);
  }
  function showStatus(st) {
    if (!st) { statusLine.textContent = 'starting: the CSMS and the workers'; return; }
    statusLine.textContent = 'running ' + clock(st.second * 1000) + ' / ' + clock(st.durationMs) + ' · ' + st.phase +
      ' · connected ' + count(st.connected) + '/' + count(st.planned) + ' · booted ' + count(st.booted) +
      ' · charging sessions ' + count(st.chargingSessions) + ' · ' + count(st.callsPerSec) + ' calls/s · p99 ' + fixed(st.p99Ms) + ' ms · errors ' + count(st.errors);
  }
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) { charts[id].plot.setSize({ width: charts[id].into.clientWidth, height: HEIGHT }); });
  });
  function poll() {
    fetch(data.path + '?from=' + next, { cache: 'no-store' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (answer) {
      if (answer.ended) { location.href = answer.report; return; }
      // The run's start, once it has one: the charts' time axis reads the wall clock from it.
      if (typeof answer.startedAtMs === 'number') data.startedAtMs = answer.startedAtMs;
      next = apply(answer) ? 0 : answer.to;
      statusLine.className = '';
      showStatus(answer.status);
      document.body.setAttribute('data-live-seconds', String(answer.to));
      document.body.setAttribute('data-charts-rendered', String(Object.keys(charts).length));
      setTimeout(poll, data.pollMs);
    }).catch(function (err) {
      statusLine.className = 'lost';
      statusLine.textContent = 'The dashboard does not answer (' + (err && err.message ? err.message : String(err)) + '): the run may have ended; its report.html is in its results folder.';
      setTimeout(poll, data.pollMs * 5);
    });
  }
  poll();
})();
`;

export function renderLivePage(input: LivePageInput): string {
  return renderFrame({
    title: `ocpp-fleet live: ${input.scenario}`,
    css: LIVE_CSS,
    header: `<h1><span class="tool">ocpp-fleet</span> ${escapeHtml(input.scenario)} <span class="note">live</span></h1>
<p class="note">against ${escapeHtml(input.target)}; the charts show each second once it has closed (a few seconds behind the status line), and the final report replaces this page when the run ends.</p>
<div id="live-status">starting: the CSMS and the workers</div>`,
    main: '<div class="charts" id="charts"></div>',
    footer: '<p class="note">ocpp-fleet live dashboard, served on loopback by the run itself.</p>',
    dataId: 'live-data',
    data: { path: LIVE_PATH, pollMs: input.pollMs },
    script: LIVE_SCRIPT,
    library: input.library,
    csp: LIVE_PAGE_CSP,
  });
}
