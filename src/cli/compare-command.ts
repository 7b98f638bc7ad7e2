import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { COMPARED_METRICS, DEFAULT_COMPARE_OPTIONS, FLOOR_METRICS, type ComparedMetric, type CompareOptions, type FloorMetric } from '../report/compare';
import { comparisonSuite, formatComparison } from '../report/compare-format';
import { writeJunit } from '../report/junit';
import { ExitCode } from '../run/exit-codes';
import { compare } from '../run/results-input';

/**
 * `ocpp-fleet compare BASELINE CANDIDATE`: the candidate run against a baseline (results folders
 * or summary.json files). Exit 1 when a figure regressed beyond its tolerance, its floor and the
 * runs' own noise (src/report/compare.ts explains the method), 0 otherwise, 2 on bad input.
 */
interface CompareFlags {
  tolerance: Tolerance[];
  minChange: Floor[];
  alpha: number;
  junit?: string;
  json?: boolean;
  all?: boolean;
  generatorFloor: boolean;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare a run with a baseline: p1 / p50 / p99 / max / error rate per action, connect and boot, time to all booted per group; exit 1 on a regression')
    .argument('<baseline>', 'results folder or summary.json of the reference run')
    .argument('<candidate>', 'results folder or summary.json of the run to judge')
    .addOption(
      new Option('--tolerance <t>', 'allowed relative change before a regression, repeatable: "10%" for every time metric (p1, p50, p99, max, time), or per metric "p99=20%", "errors=0.5%" (percentage points)')
        .argParser((value: string, previous: Tolerance[]) => [...previous, tolerance(value)])
        .default([] as Tolerance[], '10%, errors=0.1%'),
    )
    .addOption(
      new Option('--min-change <d>', `floor: changes smaller than this are never a regression, repeatable: "5ms" for every metric, or per metric "p99=40ms" (${FLOOR_METRICS.join(', ')})`)
        .argParser((value: string, previous: Floor[]) => [...previous, floor(value)])
        .default([] as Floor[], `${FLOOR_METRICS.map((m) => `${m}=${DEFAULT_COMPARE_OPTIONS.minChangeMs[m]}ms`).join(', ')}, raised to the generator's own delay`),
    )
    .option('--alpha <p>', "family-wise significance level of the noise tests (Holm's correction over all of them)", alpha, DEFAULT_COMPARE_OPTIONS.alpha)
    .option('--junit <file>', 'also write a JUnit XML report: one test case per compared figure')
    .option('--json', 'print the comparison as JSON to stdout (the table goes to stderr)')
    .option('--all', 'list every compared figure, not only those that changed')
    .option('--no-generator-floor', "floors as given only: not raised to the generator's own delay in the runs, nor figures above p1 left unjudged when a generator was saturated")
    .addHelpText('after', '\nExit codes: 0 no regression, 1 a regression, 2 bad usage or an unreadable input.')
    .action(async (baseline: string, candidate: string, flags: CompareFlags) => {
      process.exitCode = await compareCommand(baseline, candidate, flags);
    });
}

async function compareCommand(baselinePath: string, candidatePath: string, flags: CompareFlags): Promise<number> {
  const options: CompareOptions = {
    tolerance: parseTolerances(flags.tolerance),
    minChangeMs: parseFloors(flags.minChange),
    alpha: flags.alpha,
    generatorFloor: flags.generatorFloor,
  };
  const comparison = await compare(baselinePath, candidatePath, options);
  if (flags.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  (flags.json ? process.stderr : process.stdout).write(formatComparison(comparison, { all: flags.all === true }));
  if (flags.junit !== undefined) await writeJunit(resolve(flags.junit), [comparisonSuite(comparison)]);
  return comparison.regressions > 0 ? ExitCode.ThresholdsFailed : ExitCode.Ok;
}

/** One --tolerance: for one metric, or (no metric) for p50, p99 and max. */
interface Tolerance {
  metric: ComparedMetric | undefined;
  percent: number;
}

function tolerance(spec: string): Tolerance {
  const m = /^\s*(?:([A-Za-z0-9]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*%\s*$/.exec(spec);
  if (m === null) throw new InvalidArgumentError(`--tolerance expects "10%" or METRIC=N% with METRIC one of ${COMPARED_METRICS.join(', ')}, got "${spec}"`);
  const key = m[1];
  if (key !== undefined && !(COMPARED_METRICS as readonly string[]).includes(key)) {
    throw new InvalidArgumentError(`--tolerance: unknown metric "${key}" in "${spec}"; expected one of ${COMPARED_METRICS.join(', ')}`);
  }
  return { metric: key as ComparedMetric | undefined, percent: Number(m[2]) };
}

/** In the order given, so a later flag wins: latencies as fractions, errors in percentage points. */
export function parseTolerances(specs: readonly Tolerance[]): Record<ComparedMetric, number> {
  const out = { ...DEFAULT_COMPARE_OPTIONS.tolerance };
  for (const { metric, percent } of specs) {
    if (metric === undefined) out.p1 = out.p50 = out.p99 = out.max = out.time = percent / 100;
    else out[metric] = metric === 'errors' ? percent : percent / 100;
  }
  return out;
}

/** One --min-change: for one metric, or (no metric) for all of them. */
interface Floor {
  metric: FloorMetric | undefined;
  ms: number;
}

function floor(spec: string): Floor {
  const m = /^\s*(?:([A-Za-z0-9]+)\s*=\s*)?(?:(\d+(?:\.\d+)?)\s*(ms|s)|(0))\s*$/.exec(spec);
  if (m === null) throw new InvalidArgumentError(`--min-change expects a duration such as "5ms" or METRIC=DURATION with METRIC one of ${FLOOR_METRICS.join(', ')}, got "${spec}"`);
  const key = m[1];
  if (key !== undefined && !(FLOOR_METRICS as readonly string[]).includes(key)) {
    throw new InvalidArgumentError(`--min-change: unknown metric "${key}" in "${spec}"; expected one of ${FLOOR_METRICS.join(', ')}`);
  }
  return { metric: key as FloorMetric | undefined, ms: m[4] !== undefined ? 0 : Number(m[2]) * (m[3] === 's' ? 1000 : 1) };
}

/** In the order given, so a later flag wins; the defaults for metrics no flag names. */
export function parseFloors(specs: readonly Floor[]): Record<FloorMetric, number> {
  const out = { ...DEFAULT_COMPARE_OPTIONS.minChangeMs };
  for (const { metric, ms } of specs) {
    if (metric === undefined) for (const m of FLOOR_METRICS) out[m] = ms;
    else out[metric] = ms;
  }
  return out;
}

function alpha(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`--alpha must be a number between 0 and 1 such as 0.01, got "${value}"`);
  return n;
}
