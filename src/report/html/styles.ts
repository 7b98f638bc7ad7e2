/** The report's stylesheet: system fonts, one accent colour, tables that read as numbers. */
export const REPORT_CSS = `
:root { --ink: #1d2733; --muted: #5b6673; --line: #dde2e8; --bg: #f6f7f9; --good: #2e7d32; --bad: #c62828; --warn: #b26a00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h1 .tool { color: var(--muted); font-weight: 400; margin-right: 6px; }
h2 { font-size: 19px; margin: 32px 0 8px; }
h3 { font-size: 15px; margin: 0 0 4px; }
.subtitle, .note { color: var(--muted); margin: 0 0 8px; }
.note { font-size: 13px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; font-size: 13px; color: #fff; }
.badge.good { background: var(--good); } .badge.bad { background: var(--bad); } .badge.warn { background: var(--warn); } .badge.neutral { background: var(--muted); }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin-top: 16px; }
.figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.figure .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .label { color: var(--muted); font-size: 12px; }
.figure.bad .value { color: var(--bad); } .figure.warn .value { color: var(--warn); }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: #eef1f5; font-weight: 600; font-size: 13px; }
tbody tr:last-child td { border-bottom: 0; }
th.num, td.num { text-align: right; }
td.name { font-weight: 600; }
td.bad { color: var(--bad); font-weight: 600; } td.good { color: var(--good); font-weight: 600; }
#actions { width: 100%; }
.empty { color: var(--muted); font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.plot { width: 100%; min-height: 280px; }
.chart-error { color: var(--bad); }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; align-items: start; }
.kv { width: 100%; }
.verdicts { grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); }
#health { width: 100%; } #health td:last-child { font-size: 13px; }
#faults-part { margin-top: 16px; }
.kv td { font-size: 13px; word-break: break-word; }
.kv td.name { white-space: nowrap; }
footer { color: var(--muted); font-size: 12px; padding-top: 24px; padding-bottom: 32px; }
@media print { body { background: #fff; } .chart, .figure, table { break-inside: avoid; } }
`;
