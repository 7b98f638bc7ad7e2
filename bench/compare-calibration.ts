/**
 * Calibrating `compare` on this machine (issue 13, items 1 and 2): how often it flags two runs of
 * the same settings (false alarms), and which slowdowns of the embedded CSMS it finds (power).
 *
 *   node dist/bench/compare-calibration.js runs DIR [--pairs 10] [--delays 2,5,10] [--replicates 3]
 *        [--base-delay 0] [--delay-actions BootNotification] [--scenario scenarios/smoke.yaml]
 *        [--duration 30s] [--prefix same]
 *   node dist/bench/compare-calibration.js judge DIR [--module dist/src/index.js] [--json] [compare flags…]
 *
 * `runs` makes the results folders with `run()` in-process, back to back, as a nightly job would:
 * `--pairs N` pairs of the same settings (same scenario, seed and CSMS), then for each replicate
 * and each delay D a baseline run against the embedded CSMS answering after `--base-delay` ms and
 * a candidate answering D ms later (`csms: {delay}`; with `--delay-actions`, only those actions'
 * answers: a CSMS slower at boots alone). Every run's load average before and after
 * goes in DIR/manifest.json: the machine is shared, and its load is part of the noise measured.
 * Calling `runs` again on the same DIR adds runs (names are never reused).
 *
 * `judge` compares each pair with `compare()` of the build named by `--module` (another build's
 * dist/src/index.js gives its "before" figures) and prints, per pair, what was flagged.
 */
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ScenarioObject } from '../src/index';

interface RunEntry {
  readonly dir: string;
  readonly kind: 'same' | 'detect';
  /** Pairs share a key: `same-3`, `d5-r2@0`. */
  readonly pair: string;
  readonly role: 'a' | 'b';
  readonly delayMs: number;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly exitCode: number;
  readonly startedAt: string;
}

interface Manifest {
  scenario: string;
  runs: RunEntry[];
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? (args[i + 1] as string) : fallback;
}

function readManifest(dir: string, scenario: string): Manifest {
  const path = join(dir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : { scenario, runs: [] };
}

async function runs(dir: string, args: string[]): Promise<void> {
  // The library of this build; required late so that `judge --module` never loads it.
  const { run } = await import('../src/index');
  const scenarioPath = resolve(flag(args, '--scenario', 'scenarios/smoke.yaml'));
  const base = parse(readFileSync(scenarioPath, 'utf8')) as Record<string, unknown>;
  const pairs = Number(flag(args, '--pairs', '10'));
  const delays = flag(args, '--delays', '').split(',').filter((x) => x !== '').map(Number);
  const replicates = Number(flag(args, '--replicates', '1'));
  const baseDelay = Number(flag(args, '--base-delay', '0'));
  const duration = flag(args, '--duration', '');
  const prefix = flag(args, '--prefix', 'same');
  const delayActions = flag(args, '--delay-actions', '').split(',').filter((x) => x !== '');
  mkdirSync(dir, { recursive: true });
  const manifest = readManifest(dir, scenarioPath);
  const save = (): void => writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const one = async (name: string, kind: RunEntry['kind'], pair: string, role: RunEntry['role'], delayMs: number): Promise<void> => {
    const out = join(dir, name);
    if (existsSync(out)) throw new Error(`${out} exists: choose another --prefix`);
    const only = delayActions.length > 0 ? { delayActions } : {};
    const scenario = { ...base, ...(delayMs > 0 ? { csms: { ...(base.csms as object | undefined), delay: `${delayMs}ms`, ...only } } : {}) };
    const loadBefore = loadavg();
    const startedAt = new Date().toISOString();
    const r = await run({ scenario: scenario as ScenarioObject, out, ...(duration !== '' ? { duration } : {}) });
    const entry: RunEntry = { dir: name, kind, pair, role, delayMs, loadBefore, loadAfter: loadavg(), exitCode: r.exitCode, startedAt };
    manifest.runs.push(entry);
    save();
    process.stderr.write(`${name}: exit ${r.exitCode}, load ${loadBefore.map((x) => x.toFixed(2)).join(' ')} → ${entry.loadAfter.map((x) => x.toFixed(2)).join(' ')}\n`);
  };
  for (let i = 1; i <= pairs; i++) {
    await one(`${prefix}-${i}-a`, 'same', `${prefix}-${i}`, 'a', baseDelay);
    await one(`${prefix}-${i}-b`, 'same', `${prefix}-${i}`, 'b', baseDelay);
  }
  for (let r = 1; r <= replicates; r++) {
    for (const d of delays) {
      const pair = `${prefix}-d${d}-r${r}@${baseDelay}`;
      await one(`${pair}-base`, 'detect', pair, 'a', baseDelay);
      await one(`${pair}-cand`, 'detect', pair, 'b', baseDelay + d);
    }
  }
}

/** What judge needs of a comparison, in the shape of every build so far. */
interface Row {
  action: string;
  metric: string;
  baseline: number | null;
  candidate: number | null;
  verdict: string;
}

async function judge(dir: string, args: string[]): Promise<void> {
  const modulePath = resolve(flag(args, '--module', join(__dirname, '../src/index.js')));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(modulePath) as { compare: (a: string, b: string, o?: object) => Promise<{ rows: Row[]; regressions: number }> };
  const manifest = readManifest(dir, '');
  const byPair = new Map<string, RunEntry[]>();
  for (const r of manifest.runs) byPair.set(r.pair, [...(byPair.get(r.pair) ?? []), r]);
  const lines: string[] = [];
  const results: Array<{ pair: string; kind: string; delayMs: number; flagged: string[]; load: string }> = [];
  for (const [pair, entries] of byPair) {
    const a = entries.find((e) => e.role === 'a');
    const b = entries.find((e) => e.role === 'b');
    if (a === undefined || b === undefined) continue;
    const c = await lib.compare(join(dir, a.dir), join(dir, b.dir));
    const flagged = c.rows
      .filter((r) => r.verdict === 'regression')
      .map((r) => `${r.action} ${r.metric} ${r.baseline?.toFixed(2)}→${r.candidate?.toFixed(2)}`);
    const load = `${a.loadBefore[0]?.toFixed(2)}–${b.loadAfter[0]?.toFixed(2)}`;
    results.push({ pair, kind: a.kind, delayMs: b.delayMs - a.delayMs, flagged, load });
    lines.push(`${pair.padEnd(20)} load ${load.padEnd(11)} ${flagged.length === 0 ? 'not flagged' : `FLAGGED ${flagged.length}: ${flagged.join('; ')}`}`);
  }
  const same = results.filter((r) => r.kind === 'same');
  lines.push('', `false alarms: ${same.filter((r) => r.flagged.length > 0).length} of ${same.length} same-settings pairs flagged`);
  const delays = [...new Set(results.filter((r) => r.kind === 'detect').map((r) => r.delayMs))].sort((x, y) => x - y);
  for (const d of delays) {
    const det = results.filter((r) => r.kind === 'detect' && r.delayMs === d);
    lines.push(`+${d} ms: ${det.filter((r) => r.flagged.length > 0).length} of ${det.length} flagged`);
  }
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const [command, dir, ...args] = process.argv.slice(2);
  if ((command !== 'runs' && command !== 'judge') || dir === undefined) {
    process.stderr.write('usage: compare-calibration runs|judge DIR [options] (see the file\'s comment)\n');
    process.exitCode = 2;
    return;
  }
  await (command === 'runs' ? runs(resolve(dir), args) : judge(resolve(dir), args));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
