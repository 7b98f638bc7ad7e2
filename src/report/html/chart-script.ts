/**
 * Pieces of script shared by the pages whose charts carry vertical marks (capacity.html's knee,
 * trend.html's change points), inlined into each page's own script, where `data`, `HEIGHT` and
 * `options(spec, width)` are defined. Plain ES2017 in strings, as the pages' scripts are.
 *
 * MARKS_HOOK: `marksHook(spec)`, a uPlot draw hook drawing `spec.marks` ({x, label, color}) as
 * vertical lines over the series, each label beside its line on the side with room.
 * DRAW_CHARTS: draws every chart of `data.charts` into its `[data-chart]` element (a chart that
 * fails says why in its place), redraws one when its element changes width, and sets
 * `data-charts-rendered` and `data-chart-errors` on <body> (what the browser tests wait for).
 */

/** A vertical line over a chart at `x`, with its label: what MARKS_HOOK draws. */
export interface ChartMark {
  readonly x: number;
  readonly label: string;
  readonly color: string;
}

/** What DRAW_CHARTS and MARKS_HOOK read of a chart; each page adds its own axes and series' styles. */
export interface MarkedChart<Series extends { readonly values: readonly (number | null)[] }> {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly x: readonly number[];
  readonly series: readonly Series[];
  readonly marks: readonly ChartMark[];
}
export const MARKS_HOOK = String.raw`
  function marksHook(spec) {
    return function (u) {
      var ctx = u.ctx;
      var ratio = window.devicePixelRatio || 1;
      ctx.save();
      spec.marks.forEach(function (m, i) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        ctx.strokeStyle = m.color;
        ctx.fillStyle = m.color;
        ctx.lineWidth = 3 * ratio;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.font = (12 * ratio) + 'px sans-serif';
        // Beside the line, on the side with room: left of it in the right half of the plot.
        var right = x > u.bbox.left + u.bbox.width / 2;
        ctx.textAlign = right ? 'right' : 'left';
        ctx.fillText(m.label, x + (right ? -6 : 6) * ratio, u.bbox.top + (14 + 16 * i) * ratio);
      });
      ctx.restore();
    };
  }
`;

export const DRAW_CHARTS = String.raw`
  /** One chart into its element; a chart that fails says why in its place. Redrawn at its element's width. */
  function draw(spec) {
    var target = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!target) return false;
    var plot;
    try {
      plot = new uPlot(options(spec, target.clientWidth), [spec.x].concat(spec.series.map(function (s) { return s.values; })), target);
    } catch (err) {
      target.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : String(err));
      target.className += ' chart-error';
      return false;
    }
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(function () {
        if (plot.width !== target.clientWidth) plot.setSize({ width: target.clientWidth, height: HEIGHT });
      }).observe(target);
    }
    return true;
  }

  var results = data.charts.map(draw);
  var rendered = results.filter(Boolean).length;
  document.body.setAttribute('data-chart-errors', String(results.length - rendered));
  document.body.setAttribute('data-charts-rendered', String(rendered));
`;
