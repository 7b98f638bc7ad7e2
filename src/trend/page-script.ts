/**
 * trend.html's own script, inlined after uPlot: it reads the charts (page-charts.ts) from
 * `#trend-data` and draws each into its `[data-chart]` element, x the run number, each change point
 * a vertical line at the run its new level starts. It computes nothing about the runs. When every
 * chart is drawn it sets `data-charts-rendered` on <body> (what the browser test waits for); a
 * chart that fails shows its error in place and in `data-chart-errors`.
 *
 * Plain ES2017 in a string, as the run report's: the project compiles without the DOM's types.
 */
import { DRAW_CHARTS, MARKS_HOOK } from '../report/html/chart-script';

export const TREND_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('trend-data').textContent);
  var HEIGHT = 260;

  function number(v) {
    var a = Math.abs(v);
    if (a >= 1000) return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return a === 0 ? '0' : String(Number(v.toPrecision(3)));
  }
  ${MARKS_HOOK}

  function options(spec, width) {
    var series = [{
      label: 'run',
      value: function (u, v) { return v == null ? '–' : 'run ' + v + ' (' + spec.xLabels[v - 1] + ' UTC)'; }
    }];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label, stroke: s.color, width: 2, dash: s.dash ? [6, 4] : undefined, spanGaps: false, points: { show: true, size: 6 },
        value: function (u, v) { return v == null ? '–' : number(v); }
      });
    });
    return {
      width: width,
      height: HEIGHT,
      padding: [12, 28, 0, 0],
      series: series,
      scales: { x: { time: false, range: function (u, min, max) { return [Math.min(min, 1) - 0.5, max + 0.5]; } }, y: spec.yLog ? { distr: 3, log: 10 } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
      axes: [
        { label: 'run', incrs: [1, 2, 5, 10, 20, 50, 100], values: function (u, splits) { return splits.map(function (v) { return Number.isInteger(v) ? String(v) : ''; }); } },
        { label: spec.yLabel, size: 64, values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : number(v); }); } }
      ],
      hooks: { draw: [marksHook(spec)] },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } }
    };
  }

  ${DRAW_CHARTS}
})();
`;
