/**
 * A trend as the terminal shows it: the verdict first (the line CI logs are read for), what was
 * compared, then one row per metric with its value at each run, a change point marked where its
 * new level starts (▲ worse, ▼ better), and the change points themselves.
 */
import { alignColumns } from '../report/table';
import type { TrendChange, TrendReport } from './trend';
import type { TrendUnit } from './metrics';

/** Runs shown as columns; older ones are in --json and trend.html. */
export const TERMINAL_RUNS = 12;

/** As many digits as a value needs to read: 0.614, 20.8, 312. */
export function formatValue(v: number, unit: TrendUnit): string {
  if (unit === '%') return v.toFixed(2);
  if (unit === 'MB') return v.toFixed(1);
  const a = Math.abs(v);
  if (unit === 's') return v.toFixed(2);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function withUnit(v: number, unit: TrendUnit): string {
  return unit === '%' ? `${formatValue(v, unit)}%` : `${formatValue(v, unit)} ${unit}`;
}

export function formatChangePercent(c: TrendChange): string {
  if (c.unit === '%') return `${c.after >= c.before ? '+' : ''}${(c.after - c.before).toFixed(2)} pt`;
  if (!Number.isFinite(c.relativeChange)) return '+∞';
  const pct = c.relativeChange * 100;
  return `${pct >= 0 ? '+' : ''}${Math.abs(pct) >= 100 ? Math.round(pct).toLocaleString('en-US') : pct.toFixed(1)} %`;
}

export function formatPValue(p: number): string {
  return p === 0 ? 'p < 1e-16' : `p = ${p.toPrecision(2)}`;
}

/** `BootNotification.p50 since run 6: 0.614 → 20.8 ms (+3,293 %, p = 2.1e-9)` */
export function describeChange(c: TrendChange): string {
  return `${c.metric} since run ${c.run}: ${formatValue(c.before, c.unit)} → ${withUnit(c.after, c.unit)} (${formatChangePercent(c)}, ${formatPValue(c.pValue)})`;
}

export function verdictLine(report: TrendReport): string {
  const n = report.runs.length;
  if (n < 3) return `trend: ${n} complete run${n === 1 ? '' : 's'} of ${report.settings.scenario}: too few to tell a change from noise (3 at least)`;
  if (report.regressions.length > 0) {
    return `trend: REGRESSION at the newest run (run ${n}): ${report.regressions.map(describeChange).join('; ')}`;
  }
  const changes = report.metrics.reduce((t, m) => t + m.changes.length, 0);
  return `trend: no regression at the newest run (run ${n}; ${changes} change point${changes === 1 ? '' : 's'} in ${n} runs)`;
}

function dateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** What the runs are: the series' scenario and settings, their time span, what was left out. */
export function contextLines(report: TrendReport): string[] {
  const s = report.settings;
  const first = report.runs[0];
  const last = report.runs[report.runs.length - 1];
  const span = first === undefined || last === undefined ? '' : `, ${dateTime(first.startedAt)} … ${dateTime(last.startedAt)} UTC`;
  const lines = [
    `${report.runs.length} runs of ${s.scenario} (series ${report.series}: ${s.stations} stations, ${s.durationMs / 1000} s, seed ${s.seed}, ${s.workers} worker${s.workers === 1 ? '' : 's'}, target ${s.target})${span}`,
  ];
  const left = [
    report.left.partial > 0 ? `${report.left.partial} partial run(s) not compared` : '',
    report.left.older > 0 ? `${report.left.older} older run(s) before --last` : '',
  ].filter((x) => x !== '');
  if (left.length > 0) lines.push(`left out: ${left.join(', ')}`);
  for (const o of report.otherSeries) {
    lines.push(`kept apart: ${o.runs} run(s) of ${o.scenario} with other settings or load (series ${o.series}; trend ${report.history} --series ${o.series})`);
  }
  for (const u of report.unreadable) lines.push(`not read: ${u.file}: ${u.problem}`);
  return lines;
}

function table(report: TrendReport): string[] {
  const from = Math.max(0, report.runs.length - TERMINAL_RUNS);
  const runs = report.runs.slice(from);
  const rows: string[][] = [['metric', 'unit', ...runs.map((r) => String(r.number))]];
  for (const m of report.metrics) {
    const marks = new Map(m.changes.map((c) => [c.run, c.direction === 'worse' ? '▲' : '▼']));
    rows.push([m.name, m.unit, ...runs.map((r) => {
      const v = m.values[r.number - 1];
      return `${marks.get(r.number) ?? ''}${v === null || v === undefined ? '-' : formatValue(v, m.unit)}`;
    })]);
  }
  const lines = alignColumns(rows);
  if (from > 0) lines.push(`(runs 1–${from} are in --json and trend.html)`);
  return lines;
}

export function trendText(report: TrendReport): string {
  const m = report.method;
  const lines = [verdictLine(report), ...contextLines(report), '', ...table(report), ''];
  const p = report.runs.length > 1 ? ` (${formatPValue(m.alpha / (report.runs.length - 1)).replace('p = ', '')} at ${report.runs.length} runs)` : '';
  lines.push(`▲ a change for the worse starts at that run, ▼ for the better: E-divisive means, Student's t-test p ≤ ${m.alpha} / (runs − 1)${p}, a change of ${m.minMagnitude * 100} % at least (and ${m.minChangeMs} ms for times, ${m.minChangePercentPoints} pt for errors.rate)`);
  const changes = report.metrics.flatMap((x) => x.changes).sort((a, b) => a.run - b.run);
  if (changes.length > 0) {
    lines.push('change points:');
    const judged = new Set(report.metrics.filter((x) => x.judged).map((x) => x.name));
    for (const c of changes) {
      const tag = report.regressions.includes(c) ? '  REGRESSION (the newest run is in it)' : judged.has(c.metric) ? '' : '  (the generator\'s own cost: never fails a run)';
      lines.push(`  run ${c.run} ${c.direction === 'worse' ? '▲' : '▼'} ${describeChange(c)}${tag}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
