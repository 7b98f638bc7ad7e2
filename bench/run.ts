/**
 * The benchmark suite: `npm run bench` (quick, ~1–1.5 min on 2 cores) or `npm run bench -- --full`
 * (~10 min, and the 30-minute soak).
 *
 *   node dist/bench/run.js [--full | --tiny] [--case 1,4] [--minutes N] [--snapshots DIR] [--out DIR] [--profile DIR] [--no-write]
 *
 * Each case runs its parties (bare responder, bare client, fleet) in processes of their own,
 * prints its rows as it finishes, and writes bench/results/<date>-<case>.json with the machine's
 * description; the whole table is printed at the end.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { throughputCase } from './cases/1-throughput';
import { memoryCase } from './cases/2-memory';
import { rampCase } from './cases/3-ramp';
import { fidelityCase } from './cases/4-fidelity';
import { pumpCase } from './cases/5-pump';
import { scalingCase } from './cases/6-scaling';
import { schemaCase } from './cases/7-schema';
import { securityCase } from './cases/8-security';
import { soakCase } from './cases/9-soak';
import { capacityCase } from './cases/10-capacity';
import { streamsCase } from './cases/11-streams';
import { processesCase } from './cases/12-processes';
import { setChildExecArgv } from './lib/child';
import { describeMachine, machineLine } from './lib/machine';
import { formatTable, writeOutcome, type BenchCase, type BenchContext, type CaseOutcome, type Mode } from './lib/report';

export const CASES: readonly BenchCase[] = [throughputCase, memoryCase, rampCase, fidelityCase, pumpCase, scalingCase, schemaCase, securityCase, soakCase, capacityCase, streamsCase, processesCase];

/** bench/results in the source tree (this file runs from dist/bench). */
export const RESULTS_DIR = resolve(__dirname, '../../bench/results');

export interface RunOptions {
  mode: Mode;
  cases: number[] | undefined;
  out: string;
  write: boolean;
  profile: string | undefined;
  /** The soak's length in minutes (its mode's when absent). */
  minutes?: number;
  /** Where the soak writes heap snapshots of the generator (none when absent). */
  snapshots?: string;
}

export function parseArgs(argv: readonly string[]): RunOptions {
  const options: RunOptions = { mode: 'quick', cases: undefined, out: RESULTS_DIR, write: true, profile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new TypeError(`${String(a)} needs a value`);
      return v;
    };
    if (a === '--full') options.mode = 'full';
    else if (a === '--tiny') options.mode = 'tiny';
    else if (a === '--quick') options.mode = 'quick';
    else if (a === '--case') options.cases = value().split(',').map(Number);
    else if (a === '--out') options.out = resolve(value());
    else if (a === '--no-write') options.write = false;
    else if (a === '--profile') options.profile = resolve(value());
    else if (a === '--minutes') {
      const v = value();
      const n = Number(v);
      if (!(n > 0) || n > 24 * 60) throw new TypeError(`--minutes expects a number of minutes > 0 and ≤ 1440, got ${v}`);
      options.minutes = n;
    } else if (a === '--snapshots') options.snapshots = resolve(value());
    else throw new TypeError(`unknown option ${String(a)} (try --full, --tiny, --case N[,M], --minutes N, --snapshots DIR, --out DIR, --profile DIR, --no-write)`);
  }
  return options;
}

/** The cases to run: those named by --case, else all but the long ones in the quick run. */
export function selectCases(options: Pick<RunOptions, 'mode' | 'cases'>): BenchCase[] {
  if (options.cases !== undefined) return CASES.filter((c) => options.cases?.includes(c.id));
  return CASES.filter((c) => !(c.onlyWhenAsked === true && options.mode === 'quick'));
}

export async function runBench(options: RunOptions, out: NodeJS.WritableStream = process.stdout): Promise<CaseOutcome[]> {
  const machine = describeMachine();
  const started = new Date();
  if (options.profile) {
    mkdirSync(options.profile, { recursive: true });
    setChildExecArgv(['--cpu-prof', '--cpu-prof-dir', options.profile]);
  }
  out.write(`ocpp-fleet bench (${options.mode}) on ${machineLine(machine)}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  const ctx: BenchContext = {
    mode: options.mode,
    log: (line) => out.write(`${line}\n`),
    shared: new Map(),
    ...(options.minutes === undefined ? {} : { minutes: options.minutes }),
    ...(options.snapshots === undefined ? {} : { snapshotDir: options.snapshots }),
  };
  const outcomes: CaseOutcome[] = [];
  const selected = selectCases(options);
  for (const c of selected) {
    const t0 = performance.now();
    out.write(`\n[${c.id}] ${c.title}\n`);
    const load = loadavg()[0] ?? 0;
    const outcome = await c.run(ctx);
    const seconds = (performance.now() - t0) / 1000;
    outcomes.push(outcome);
    out.write(`${formatTable([outcome])}\n`);
    for (const n of outcome.notes) out.write(`  · ${n}\n`);
    if (options.write) {
      const file = writeOutcome(options.out, started, options.mode, machine, outcome, { seconds: Math.round(seconds * 10) / 10, loadAverageAtStart: Math.round(load * 100) / 100 });
      out.write(`  (${seconds.toFixed(1)} s) ${file}\n`);
    } else {
      out.write(`  (${seconds.toFixed(1)} s)\n`);
    }
  }
  out.write(`\nSummary (${options.mode}, ${started.toISOString()}, ${machineLine(machine)})\n${formatTable(outcomes)}\n`);
  return outcomes;
}

if (require.main === module) {
  let options: RunOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  runBench(options).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
