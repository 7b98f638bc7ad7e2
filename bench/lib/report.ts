import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { MachineDescription } from './machine';
import { sig } from './stats';

export type Mode = 'tiny' | 'quick' | 'full';

/** One line of the table: a figure of the fleet, its bare baseline from the same run, their ratio. */
export interface Row {
  readonly figure: string;
  readonly fleet: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  /** 'yes' / 'no' against the target, '~' for near it (a soak's series still settling), '' when the row has none. */
  readonly meets: '' | 'yes' | 'no' | '~';
}

export interface CaseOutcome {
  readonly id: number;
  readonly name: string;
  readonly title: string;
  readonly rows: Row[];
  /** What the figures mean and how they were taken, printed under the table. */
  readonly notes: string[];
  /** Raw figures for the results file. */
  readonly figures: Record<string, unknown>;
}

export interface BenchContext {
  readonly mode: Mode;
  readonly log: (line: string) => void;
  /** Figures one case leaves for a later one (case 7 reads case 1's CPU per call). */
  readonly shared: Map<string, number>;
  /** `--minutes N`: the length of the long cases (the soak), overriding the mode's. */
  readonly minutes?: number;
  /** `--snapshots DIR`: the soak writes heap snapshots of the generator there. */
  readonly snapshotDir?: string;
}

export interface BenchCase {
  readonly id: number;
  readonly name: string;
  readonly title: string;
  /** A long case (the soak): left out of the quick run unless named with --case; in --full and --tiny. */
  readonly onlyWhenAsked?: boolean;
  run(ctx: BenchContext): Promise<CaseOutcome>;
}

/** A number for a table cell: three significant digits, thousands separated. */
export function num(x: number, unit = ''): string {
  if (!Number.isFinite(x)) return '—';
  const v = sig(x, 3);
  const text = Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v);
  return unit ? `${text} ${unit}` : text;
}

export function ratio(fleet: number, baseline: number): string {
  if (!(baseline > 0) || !Number.isFinite(fleet)) return '—';
  return `${sig(fleet / baseline, 3)}×`;
}

/** Row whose target is a bound on the ratio fleet / baseline. */
export function ratioRow(
  figure: string,
  fleet: number,
  baseline: number,
  unit: string,
  target: { op: '>=' | '<='; bound: number } | undefined,
): Row {
  const r = baseline > 0 ? fleet / baseline : Number.NaN;
  const meets = target === undefined || !Number.isFinite(r) ? '' : (target.op === '>=' ? r >= target.bound : r <= target.bound) ? 'yes' : 'no';
  return {
    figure,
    fleet: num(fleet, unit),
    baseline: num(baseline, unit),
    ratio: ratio(fleet, baseline),
    target: target ? `${target.op === '>=' ? '≥' : '≤'} ${target.bound}×` : '',
    meets,
  };
}

/** Row with an absolute target (no baseline ratio). */
export function absoluteRow(figure: string, value: number, unit: string, target: { op: '>=' | '<='; bound: number } | undefined, baseline = ''): Row {
  const meets = target === undefined || !Number.isFinite(value) ? '' : (target.op === '>=' ? value >= target.bound : value <= target.bound) ? 'yes' : 'no';
  return {
    figure,
    fleet: num(value, unit),
    baseline,
    ratio: '',
    target: target ? `${target.op === '>=' ? '≥' : '≤'} ${num(target.bound, unit)}` : '',
    meets,
  };
}

export function infoRow(figure: string, fleet: string, baseline = '', ratioText = ''): Row {
  return { figure, fleet, baseline, ratio: ratioText, target: '', meets: '' };
}

const HEAD: Row = { figure: 'figure', fleet: 'fleet', baseline: 'bare baseline', ratio: 'ratio', target: 'target', meets: '' };

export function formatTable(outcomes: readonly CaseOutcome[]): string {
  const lines: { row: Row; title?: string }[] = [];
  for (const o of outcomes) {
    lines.push({ row: HEAD, title: `${o.id}. ${o.title}` });
    for (const row of o.rows) lines.push({ row });
  }
  const all = lines.map((l) => l.row);
  const w = {
    figure: Math.max(...all.map((r) => r.figure.length)),
    fleet: Math.max(...all.map((r) => r.fleet.length)),
    baseline: Math.max(...all.map((r) => r.baseline.length)),
    ratio: Math.max(...all.map((r) => r.ratio.length)),
    target: Math.max(...all.map((r) => r.target.length)),
  };
  const out: string[] = [];
  for (const l of lines) {
    if (l.title) out.push('', l.title);
    const r = l.row;
    const verdict = r.meets === '' ? (r === HEAD ? 'meets' : '') : r.meets;
    out.push(
      `  ${r.figure.padEnd(w.figure)}  ${r.fleet.padStart(w.fleet)}  ${r.baseline.padStart(w.baseline)}  ${r.ratio.padStart(w.ratio)}  ${r.target.padEnd(w.target)}  ${verdict}`.trimEnd(),
    );
  }
  return out.join('\n');
}

/** `2026-01-31_142501` (UTC): the date part of a results file name. */
export function stamp(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)}_${iso.slice(11, 19).replace(/:/g, '')}`;
}

export function writeOutcome(dir: string, started: Date, mode: Mode, machine: MachineDescription, outcome: CaseOutcome, extra: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stamp(started)}-${outcome.id}-${outcome.name}.json`);
  const body = {
    tool: 'ocpp-fleet bench',
    case: `${outcome.id}-${outcome.name}`,
    title: outcome.title,
    mode,
    date: started.toISOString(),
    machine,
    loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    ...extra,
    rows: outcome.rows,
    notes: outcome.notes,
    figures: outcome.figures,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
