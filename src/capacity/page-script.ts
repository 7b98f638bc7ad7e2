/**
 * capacity.html's own script, inlined after uPlot: it reads the knee charts (page-charts.ts) from
 * `#capacity-data` and draws each into its `[data-chart]` element, the capacity and the first
 * failure as vertical lines over the plot, and redraws a chart when its element changes width. It computes nothing about the search. When every
 * chart is drawn it sets `data-charts-rendered` on <body> (what the browser test waits for); a
 * chart that fails shows its error in place and in `data-chart-errors`.
 *
 * Plain ES2017 in a string, as the report's: the project compiles without the DOM's types.
 */
import { DRAW_CHARTS, MARKS_HOOK } from '../report/html/chart-script';

export const CAPACITY_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('capacity-data').textContent);
  var HEIGHT = 320;

  function count(v) {
    return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function number(v) {
    var a = Math.abs(v);
    if (a >= 1000) return count(v);
    if (a >= 10) return String(Math.round(v * 10) / 10);
    return String(Number(v.toPrecision(3)));
  }
  function ms(u, v) {
    return v == null ? '–' : number(v) + ' ms';
  }

  // The capacity and the first failure: vertical lines with their label, drawn over the series.
  ${MARKS_HOOK}

  function options(spec, width) {
    var series = [{ label: spec.xLabel, value: function (u, v) { return v == null ? '–' : number(v); } }];
    spec.series.forEach(function (s) {
      series.push({ label: s.label, stroke: s.color, width: s.width, dash: s.dash || undefined, points: { show: s.points, size: 6 }, value: ms });
    });
    return {
      width: width,
      height: HEIGHT,
      padding: [12, 28, 0, 0],
      series: series,
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      axes: [
        { label: spec.xLabel, values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : number(v); }); } },
        { label: 'ms (log scale)', size: 64, values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : number(v); }); } }
      ],
      hooks: { draw: [marksHook(spec)] },
      legend: { live: true },
      cursor: { drag: { x: true, y: false } }
    };
  }

  ${DRAW_CHARTS}
})();
`;
