import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { Summary } from '../../src/report/summary';
import { REPO_ROOT, tempDir, writeScenario } from './fleet-cli';
import { runFleet } from './run-fleet';

/**
 * A shipped scenario in a short form for the tests: the same groups, sessions and thresholds,
 * with its clock compressed. `startAtDiv` divides each group's `startAt` (so a cut-over at 30 s
 * happens at 3 s), `timeScaleMul` multiplies the scenario's timeScale (so sessions that arrive
 * every half hour arrive within seconds), and `duration` replaces the run's length. Counts are
 * left alone: the run gives `--cps`.
 */
export interface ShortForm {
  readonly duration: string;
  /** Replaces `gracefulStop` (default 3s: the stops are spread over at most half of it). */
  readonly gracefulStop?: string;
  readonly startAtDiv?: number;
  readonly timeScaleMul?: number;
  readonly startTimeOfDay?: string;
  /** Divides each fault's `at`, `for` and `up`. */
  readonly faultsDiv?: number;
  /** Last changes to the parsed file (e.g. a shorter retry interval for the embedded CSMS). */
  readonly patch?: (doc: Record<string, unknown>) => void;
}

type Doc = Record<string, unknown> & { groups: Record<string, unknown>[] };

export function shippedScenario(name: string): string {
  return join(REPO_ROOT, 'scenarios', `${name}.yaml`);
}

/** Write the short form of scenarios/<name>.yaml into `dir`; returns its path. */
export function writeShortForm(dir: string, name: string, form: ShortForm): string {
  const doc = parseDocument(readFileSync(shippedScenario(name), 'utf8'), { merge: true }).toJS() as Doc;
  doc.duration = form.duration;
  doc.gracefulStop = form.gracefulStop ?? '3s';
  if (form.timeScaleMul !== undefined) doc.timeScale = ((doc.timeScale as number | undefined) ?? 1) * form.timeScaleMul;
  if (form.startTimeOfDay !== undefined) doc.startTimeOfDay = form.startTimeOfDay;
  const div = form.startAtDiv ?? 1;
  for (const g of doc.groups) {
    if (typeof g.startAt === 'string') g.startAt = `${seconds(g.startAt) / div}s`;
  }
  const fdiv = form.faultsDiv ?? 1;
  for (const f of (doc.faults as Record<string, unknown>[] | undefined) ?? []) {
    f.at = `${seconds(String(f.at)) / fdiv}s`;
    for (const [key, body] of Object.entries(f)) {
      if (key === 'at' || key === 'groups' || typeof body !== 'object' || body === null) continue;
      const fields = body as Record<string, unknown>;
      for (const period of ['for', 'up']) if (typeof fields[period] === 'string') fields[period] = `${seconds(fields[period] as string) / fdiv}s`;
    }
  }
  form.patch?.(doc);
  return writeScenario(dir, name, stringify(doc));
}

/** `90s`, `2m`, `1h` in seconds (the shipped files use no other form for startAt). */
function seconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`short form: cannot read the duration ${text}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/**
 * Run the short form of scenarios/<name>.yaml with `cps`, one worker, against the embedded CSMS,
 * through run() in-process. `out` is what explains a verdict other than passed: the reason, the
 * notices, and the failed thresholds and health checks.
 */
export async function runShort(name: string, form: ShortForm, cps: number): Promise<{ summary: Summary; code: number | null; out: string }> {
  const dir = tempDir(`shipped-${name}`);
  const file = writeShortForm(dir, name, form);
  const r = await runFleet({ scenario: file, cps, workers: 1, out: join(dir, 'results') });
  const failed = r.result.thresholds.filter((t) => t.verdict !== 'pass').map((t) => `${t.threshold}: ${String(t.value)}`);
  const why = [r.result.reason, ...r.notices.map((n) => n.message), ...failed, ...(r.summary.health ?? []).filter((h) => !h.passed).map((h) => h.detail)];
  return { summary: r.summary, code: r.exitCode, out: why.join('\n') };
}

export function groupFleet(s: Summary, group: string): Record<string, number> {
  const fleet = s.groups[group]?.fleet;
  if (fleet === undefined) throw new Error(`no fleet figures for group ${group}`);
  return fleet;
}

export function sent(s: Summary, group: string, action: string): number {
  return s.groups[group]?.actions[action]?.sent ?? 0;
}
