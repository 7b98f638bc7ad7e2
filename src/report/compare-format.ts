/**
 * A comparison as people and CI read it: the verdict in one line first, then what it rests on,
 * then the figures that changed (every figure with `all`); and a JUnit suite with one case per
 * compared figure (a regression fails, a change that could not be tested is skipped with why).
 */
import { basename, dirname } from 'node:path';
import type { Comparison, ComparisonRow } from './compare';
import { GENERATOR_FACTOR, GENERATOR_SATURATED_MS, STARTUP_FACTOR } from './compare-floors';
import { formatInfoChanges } from './compare-info';
import { MIN_SECONDS } from './compare-tests';
import type { JunitCase, JunitSuite } from './junit';

const LABEL: Readonly<Record<ComparisonRow['metric'], string>> = { p1: 'p1', p50: 'p50', p99: 'p99', max: 'max', errors: 'error rate', time: 'time' };

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

function ms(v: number): string {
  return `${Number(v.toPrecision(3))} ms`;
}

/** What a test rested on: `, 30 vs 31 s`, `, whole run: 200 vs 200 calls`. */
function basis(r: ComparisonRow): string {
  const s = r.samples;
  if (s === undefined) return '';
  if (r.basis === 'seconds') return `, ${s[0]} vs ${s[1]} s`;
  if (r.basis === 'boots') return `, ${s[0]} vs ${s[1]} boots`;
  const side = r.metric === 'p1' ? 'at or below' : 'above';
  const tail = r.tail === undefined ? '' : `, ${r.tail.inTail[0]} vs ${r.tail.inTail[1]} ${side} ${ms(r.tail.threshold)}`;
  return r.metric === 'errors' ? `, ${s[0]} vs ${s[1]} calls` : `, whole run: ${s[0]} vs ${s[1]} calls${tail}`;
}

/** The verdict with what it rests on: the corrected p-value, the floor, or why no test was possible. */
export function verdictText(r: ComparisonRow): string {
  switch (r.verdict) {
    case 'regression':
    case 'improved':
      if (r.reason !== undefined) return `${r.verdict}: ${r.reason}`;
      return r.pAdjusted === undefined ? `${r.verdict} (beyond tolerance and floor; no histograms to test noise)` : `${r.verdict} (${pValue(r.pAdjusted)}${basis(r)})`;
    case 'noise':
      return `within run-to-run noise (${pValue(r.pAdjusted as number)}${basis(r)})`;
    case 'inconclusive':
      return `inconclusive: ${r.reason ?? 'no test possible'}`;
    case 'ok':
      if (r.belowFloorMs === undefined) return 'ok';
      return `ok (below the ${r.belowFloorMs} ms floor${r.floorFromGenerator ? ': the generator\'s own delay' : ''})`;
    default:
      return r.verdict;
  }
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(4))}%`;
}

/** A row worth showing without `--all`: a verdict other than ok or noise, or a side missing. */
export function changed(r: ComparisonRow): boolean {
  return r.verdict !== 'ok' && r.verdict !== 'noise';
}

function headline(r: ComparisonRow): string {
  const values = r.baseline !== null && r.candidate !== null ? ` (${value(r.baseline, r.unit)} → ${value(r.candidate, r.unit)})` : '';
  return `${r.action} ${LABEL[r.metric]} ${change(r)}${values}`;
}

/** The first line: the verdict, and what else the comparison found. */
export function verdictLine(c: Comparison): string {
  const count = (v: ComparisonRow['verdict']): number => c.rows.filter((r) => r.verdict === v).length;
  const compared = c.rows.filter((r) => r.change !== null).length;
  const others = [
    `${count('improved')} improved`,
    `${count('noise')} changed within run-to-run noise`,
    `${count('inconclusive')} inconclusive`,
    `${count('only baseline') + count('only candidate')} in one run only`,
  ].filter((x) => !x.startsWith('0 '));
  const tail = `${compared} figures compared${others.length > 0 ? `; ${others.join(', ')}` : ''}`;
  const flagged = c.rows.filter((r) => r.verdict === 'regression');
  if (flagged.length === 0) return `no regression (${tail})`;
  return `${flagged.length} regression${flagged.length > 1 ? 's' : ''}: ${flagged.map(headline).join(', ')} (${tail})`;
}

/** How the generator's own delay raised the floors, or left figures unjudged. */
function generatorFloors(c: Comparison): string {
  if (!c.options.generatorFloor) return '';
  const g = c.generator;
  if (g.baselineMs === null && g.candidateMs === null) return ' (the runs do not record their generator\'s own delay)';
  const p99 = Math.max(g.baselineMs ?? 0, g.candidateMs ?? 0);
  const max = Math.max(g.baselineMaxMs ?? 0, g.candidateMaxMs ?? 0);
  const f = GENERATOR_FACTOR;
  const raised = `; at least ${f.p50} / ${f.p99} / ${f.max} × the generator's own delay p99 (${ms(p99)}, the larger run's) for p50 / p99 / max, and ${STARTUP_FACTOR} × its largest (${ms(max)}) for boots, connects and time to all booted`;
  return g.saturated === null ? raised : `${raised}; a generator saturated (over ${GENERATOR_SATURATED_MS} ms): only p1 judged`;
}

function method(c: Comparison): string[] {
  const t = c.options.tolerance;
  const f = c.options.minChangeMs;
  const lines = [
    `tolerance: p1 ${pct(t.p1)}, p50 ${pct(t.p50)}, p99 ${pct(t.p99)}, max ${pct(t.max)}, time to all booted ${pct(t.time)}; error rate +${t.errors} pt`,
    `floors: p1 ${f.p1}, p50 ${f.p50}, p99 ${f.p99}, max ${f.max}, time ${f.time} ms${generatorFloors(c)}`,
  ];
  if (!c.noiseTested) return [...lines, 'noise: not tested (a run has no histograms): changes beyond tolerance and floor are judged on them alone'];
  return [
    ...lines,
    `noise: per-second values (histograms.hlog) where both runs have ${MIN_SECONDS}+ seconds with samples, else the whole run (histograms-total.hlog); ` +
      `rank test (p50, boot times), quantile tests (p1, p99), two-proportion test (error rates); Holm over ${c.tests} tests, α = ${c.options.alpha}`,
  ];
}

export function formatComparison(c: Comparison, options: { all?: boolean } = {}): string {
  const lines = [
    verdictLine(c),
    `baseline:  ${c.baseline.label} (${c.baseline.scenario}, ${c.baseline.startedAt})`,
    `candidate: ${c.candidate.label} (${c.candidate.scenario}, ${c.candidate.startedAt})`,
    ...method(c),
  ];
  for (const note of c.notes) lines.push(`note: ${note}`);
  const shown = options.all ? c.rows : c.rows.filter(changed);
  lines.push('');
  if (shown.length === 0) lines.push('no figure changed beyond its tolerance and floor and the runs\' noise (--all shows every figure)');
  else {
    const rows: string[][] = [['action', 'metric', 'baseline', 'candidate', 'change', 'verdict']];
    let previous = '';
    for (const r of shown) {
      rows.push([r.action === previous ? '' : r.action, LABEL[r.metric], value(r.baseline, r.unit), value(r.candidate, r.unit), change(r), verdictText(r)]);
      previous = r.action;
    }
    const widths = (rows[0] as string[]).map((_h, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
    const numeric = new Set([2, 3, 4]);
    for (const row of rows) lines.push(row.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join('  ').trimEnd());
    const hidden = c.rows.length - shown.length;
    if (hidden > 0) lines.push(`(${hidden} more within tolerance, floor or noise: --all shows them)`);
  }
  const info = formatInfoChanges(c.changes);
  if (info.length > 0) lines.push('', ...info);
  return `${lines.join('\n')}\n`;
}

/** A run's name for CI: its folder's name, never the path it was read from. */
export function runName(label: string): string {
  const name = basename(label);
  return name === 'summary.json' ? basename(dirname(label)) || name : name;
}

/**
 * One case per compared figure (both values there, or a regression without one). Names stay the
 * same from night to night (action and metric), so CI keeps each case's history; the suite is
 * named after the scenario, and the runs go in its properties by folder name.
 */
export function comparisonSuite(c: Comparison): JunitSuite {
  const classname = `ocpp-fleet.compare.${c.candidate.scenario}`;
  const cases: JunitCase[] = c.rows
    .filter((r) => r.change !== null || r.verdict === 'regression')
    .map((r) => {
      const name = `${r.action} ${LABEL[r.metric]}`;
      const text = `${name}: ${value(r.baseline, r.unit)} → ${value(r.candidate, r.unit)} (${change(r)}): ${verdictText(r)}`;
      if (r.verdict === 'regression') return { name, classname, failure: { message: text, type: 'regression' } };
      if (r.verdict === 'inconclusive') return { name, classname, skipped: text };
      return { name, classname, output: text };
    });
  return {
    name: `ocpp-fleet compare ${c.candidate.scenario}`,
    timestamp: c.candidate.startedAt.slice(0, 19),
    properties: { baseline: runName(c.baseline.label), candidate: runName(c.candidate.label) },
    cases,
  };
}
