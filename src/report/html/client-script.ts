/**
 * The page's own script, as text inlined into report.html after uPlot. It reads the chart specs
 * (charts.ts) from the JSON element `#report-data` and draws each into its `[data-chart]`
 * element; it computes nothing about the run. When every chart is drawn it sets
 * `data-charts-rendered` on <body> to their number (what the browser test waits for); a chart that
 * fails shows its error in place and in `data-chart-errors`.
 *
 * Plain ES2017 in a string: the project compiles for Node without the DOM's types, and this is
 * the only code that runs in a browser. A unit test parses it, the browser test runs it.
 */
/**
 * The charts' helpers and `options(spec, width)`, uPlot's options for a chart spec: shared by
 * report.html's script and the live dashboard's. Expects `data` (its `startedAtMs` gives the
 * wall-clock axis) and `HEIGHT` in the enclosing scope.
 */
export const CHART_OPTIONS = String.raw`
  function fixed(v) {
    var a = Math.abs(v);
    if (a >= 1000) return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    if (a === 0) return '0';
    return v.toFixed(3);
  }
  /** An axis tick: as few digits as the tick needs (0.5, 2, 10, 250). */
  function tick(v) {
    return Math.abs(v) >= 1000 ? count(v) : String(Number(v.toPrecision(6)));
  }
  /** Whole-number steps for axes of counts: 1, 2, 5, 10, 20, 50, ... */
  var COUNT_INCRS = [];
  for (var m = 1; m <= 1e9; m *= 10) COUNT_INCRS.push(m, 2 * m, 5 * m);
  /** Steps for axes of seconds that fall on round minutes and hours. */
  var SECOND_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
  /** Seconds since the start: 42 below two minutes, 12:05 (min:s) above. */
  function clock(v, long) {
    if (!long) return String(v);
    var m = Math.floor(v / 60), sec = Math.round(v - 60 * m);
    return m + ':' + (sec < 10 ? '0' : '') + sec;
  }
  /** Seconds since the start as the wall clock in UTC (HH:MM:SS), to line charts up with a CSMS's logs; none without a start. */
  function wall(v) {
    if (typeof data.startedAtMs !== 'number' || !isFinite(data.startedAtMs)) return '';
    return new Date(data.startedAtMs + v * 1000).toISOString().slice(11, 19);
  }
  function count(v) {
    return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  /** x = 1/(1-p) as a percentile: 1 -> 0%, 10 -> 90%, 1000 -> 99.9%. */
  function percentile(x) {
    var p = 100 * (1 - 1 / x);
    var decimals = Math.max(0, Math.ceil(Math.log10(x) - 1e-9) - 2);
    return p.toFixed(decimals) + '%';
  }
  function valueText(spec, v) {
    if (v == null) return '–';
    return spec.yUnit === 'ms' ? fixed(v) + ' ms' : count(v);
  }
  function decades(u, axisIdx, min, max) {
    var out = [];
    for (var d = Math.ceil(Math.log10(min) - 1e-9); Math.pow(10, d) <= max * (1 + 1e-9); d++) out.push(Math.pow(10, d));
    return out;
  }

  function options(spec, width) {
    var percentileX = spec.xKind === 'percentile';
    var long = !percentileX && spec.x.length > 0 && spec.x[spec.x.length - 1] - spec.x[0] >= 120;
    var series = [{
      label: percentileX ? 'percentile' : 'second',
      value: function (u, v) {
        if (v == null) return '–';
        if (percentileX) return percentile(v);
        var since = long ? clock(v, true) : v + ' s';
        var at = wall(v);
        return at === '' ? since : at + ' UTC (' + since + ')';
      }
    }];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: s.dash ? 1.5 : 2,
        dash: s.dash ? [6, 4] : undefined,
        spanGaps: false,
        points: { size: 5 },
        value: function (u, v) { return valueText(spec, v); }
      });
    });
    var yRange = spec.yLog ? undefined : function (u, min, max) {
      var top = max == null || !(max > 0) ? (spec.yUnit === 'count' ? 5 : 1) : max * 1.08;
      return [0, top];
    };
    return {
      width: width,
      height: HEIGHT,
      // Room on the right for the last x label (99.999% is wide).
      padding: [12, 28, 0, 0],
      series: series,
      scales: {
        x: percentileX ? { time: false, distr: 3, log: 10 } : { time: false },
        y: spec.yLog ? { distr: 3, log: 10 } : { range: yRange }
      },
      axes: [
        {
          label: percentileX ? 'percentile (1/(1−p), log scale)' : typeof data.startedAtMs === 'number' ? 'time (UTC)' : long ? 'time since the start (min:s)' : 'seconds since the start',
          splits: percentileX ? decades : undefined,
          incrs: percentileX ? undefined : SECOND_INCRS,
          size: percentileX ? undefined : 44,
          values: function (u, splits) { return splits.map(function (v) { return percentileX ? percentile(v) : wall(v) || clock(v, long); }); }
        },
        {
          label: spec.yUnit === 'ms' ? (spec.yLog ? 'ms (log scale)' : 'ms') : (spec.id === 'fleet-over-time' ? 'charge points' : 'per second'),
          size: 64,
          incrs: spec.yUnit === 'count' ? COUNT_INCRS : undefined,
          values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : tick(v); }); }
        }
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } }
    };
  }
`;

export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var HEIGHT = 280;
` + CHART_OPTIONS + String.raw`
  var drawn = [];
  var errors = 0;
  data.charts.forEach(function (spec) {
    var target = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!target) return;
    try {
      var columns = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
      var plot = new uPlot(options(spec, target.clientWidth), columns, target);
      drawn.push({ plot: plot, target: target });
    } catch (err) {
      errors++;
      target.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : String(err));
      target.className += ' chart-error';
    }
  });

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      drawn.forEach(function (d) { d.plot.setSize({ width: d.target.clientWidth, height: HEIGHT }); });
    });
  });
  document.body.setAttribute('data-chart-errors', String(errors));
  document.body.setAttribute('data-charts-rendered', String(drawn.length));
})();
`;
