/**
 * A comparison as people and CI read it: the table (per action: p50, p99, max, error rate; old,
 * new, change, verdict) and a JUnit suite with one case per compared figure.
 */
import type { Comparison, ComparisonRow } from './compare';
import { formatInfoChanges } from './compare-info';
import type { JunitCase, JunitSuite } from './junit';

const LABEL: Readonly<Record<ComparisonRow['metric'], string>> = { p50: 'p50', p99: 'p99', max: 'max', errors: 'error rate' };

function value(v: number | null, unit: 'ms' | '%'): string {
  if (v === null) return '-';
  return unit === 'ms' ? `${v.toFixed(3)} ms` : `${v.toFixed(2)}%`;
}

function change(r: ComparisonRow): string {
  if (r.change === null) return '-';
  if (r.unit === '%') return `${r.change >= 0 ? '+' : ''}${r.change.toFixed(2)} pt`;
  if (!Number.isFinite(r.change)) return '+∞';
  return `${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%`;
}

function pValue(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`;
}

/** The verdict with what it rests on: the p-value, or why no test was possible. */
export function verdictText(r: ComparisonRow): string {
  const seconds = r.samples && r.metric !== 'errors' ? `, ${r.samples[0]} vs ${r.samples[1]} s` : '';
  switch (r.verdict) {
    case 'regression':
    case 'improved':
      return r.p === undefined ? `${r.verdict} (beyond tolerance; no histograms to test noise)` : `${r.verdict} (${pValue(r.p)}${seconds})`;
    case 'noise':
      return `within run-to-run noise (${pValue(r.p as number)}${seconds})`;
    case 'inconclusive':
      return `inconclusive: too few seconds with samples to tell from noise${seconds}`;
    default:
      return r.verdict;
  }
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(4))}%`;
}

export function formatComparison(c: Comparison): string {
  const t = c.options.tolerance;
  const lines = [
    `baseline:  ${c.baseline.label} (${c.baseline.scenario}, ${c.baseline.startedAt})`,
    `candidate: ${c.candidate.label} (${c.candidate.scenario}, ${c.candidate.startedAt})`,
    `tolerance: p50 ${pct(t.p50)}, p99 ${pct(t.p99)}, max ${pct(t.max)} (and at least ${c.options.minChangeMs} ms), error rate +${t.errors} pt`,
    c.noiseTested
      ? `noise: per-second values from histograms.hlog, one-sided Mann-Whitney U; error rates by two-proportion z-test; α = ${c.options.alpha} shared by the tests run (${Number(c.alphaPerTest.toPrecision(3))} each)`
      : 'noise: not tested (a run has no histograms.hlog): latency changes beyond tolerance are judged on tolerance alone',
  ];
  for (const note of c.notes) lines.push(`note: ${note}`);
  const rows: string[][] = [['action', 'metric', 'baseline', 'candidate', 'change', 'verdict']];
  let previous = '';
  for (const r of c.rows) {
    rows.push([r.action === previous ? '' : r.action, LABEL[r.metric], value(r.baseline, r.unit), value(r.candidate, r.unit), change(r), verdictText(r)]);
    previous = r.action;
  }
  const widths = rows[0].map((_h, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const numeric = new Set([2, 3, 4]);
  lines.push('');
  for (const row of rows) lines.push(row.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join('  ').trimEnd());
  lines.push('');
  const info = formatInfoChanges(c.changes);
  if (info.length > 0) lines.push(...info, '');
  const flagged = c.rows.filter((r) => r.verdict === 'regression');
  const count = (v: ComparisonRow['verdict']): number => c.rows.filter((r) => r.verdict === v).length;
  const unflagged = [`${count('noise')} within noise`, `${count('inconclusive')} inconclusive`].filter((x) => !x.startsWith('0 '));
  const others = unflagged.length > 0 ? ` (changes beyond tolerance not flagged: ${unflagged.join(', ')})` : '';
  lines.push(
    flagged.length === 0
      ? `no regression${others}`
      : `${flagged.length} regression${flagged.length > 1 ? 's' : ''}: ${flagged.map((r) => `${r.action} ${LABEL[r.metric]} ${change(r)}`).join(', ')}${others}`,
  );
  return `${lines.join('\n')}\n`;
}

/** One case per compared figure with a value on both sides; a regression is a failure. */
export function comparisonSuite(c: Comparison): JunitSuite {
  const cases: JunitCase[] = c.rows
    .filter((r) => r.change !== null)
    .map((r) => {
      const name = `${r.action} ${LABEL[r.metric]}`;
      const text = `${name}: ${value(r.baseline, r.unit)} → ${value(r.candidate, r.unit)} (${change(r)}): ${verdictText(r)}`;
      const classname = `ocpp-fleet.compare.${c.candidate.scenario}`;
      return r.verdict === 'regression' ? { name, classname, failure: { message: text, type: 'regression' } } : { name, classname, output: text };
    });
  return {
    name: `ocpp-fleet compare ${c.baseline.label} ${c.candidate.label}`,
    timestamp: c.candidate.startedAt.slice(0, 19),
    properties: { baseline: c.baseline.label, candidate: c.candidate.label },
    cases,
  };
}
