import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { COMPARED_METRICS, DEFAULT_COMPARE_OPTIONS, type ComparedMetric, type CompareOptions } from '../report/compare';
import { comparisonSuite, formatComparison } from '../report/compare-format';
import { writeJunit } from '../report/junit';
import { ExitCode } from '../run/exit-codes';
import { compare } from '../run/results-input';

/**
 * `ocpp-fleet compare BASELINE CANDIDATE`: the candidate run against a baseline (results folders
 * or summary.json files). Exit 1 when a figure regressed beyond its tolerance and beyond the
 * runs' own noise (src/report/compare.ts explains the method), 0 otherwise, 2 on bad input.
 */
interface CompareFlags {
  tolerance: Tolerance[];
  minChange: number;
  alpha: number;
  junit?: string;
  json?: boolean;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare a run with a baseline: p50 / p99 / max / error rate per action; exit 1 on a regression')
    .argument('<baseline>', 'results folder or summary.json of the reference run')
    .argument('<candidate>', 'results folder or summary.json of the run to judge')
    .option(
      '--tolerance <t>',
      'allowed change before a regression, repeatable: "10%" for p50, p99 and max, or per metric "p99=20%", "errors=0.5%" (percentage points) (default: 10%, errors=0.1%)',
      (value: string, previous: Tolerance[]) => [...previous, tolerance(value)],
      [] as Tolerance[],
    )
    .option('--min-change <d>', 'latency changes smaller than this are never a regression, e.g. 1ms, 0.5ms', minChange, DEFAULT_COMPARE_OPTIONS.minChangeMs)
    .option('--alpha <p>', 'significance level of the noise tests, shared by all of them', alpha, DEFAULT_COMPARE_OPTIONS.alpha)
    .option('--junit <file>', 'also write a JUnit XML report: one test case per compared figure')
    .option('--json', 'print the comparison as JSON to stdout (the table goes to stderr)')
    .addHelpText('after', '\nExit codes: 0 no regression, 1 a regression, 2 bad usage or an unreadable input.')
    .action(async (baseline: string, candidate: string, flags: CompareFlags) => {
      process.exitCode = await compareCommand(baseline, candidate, flags);
    });
}

async function compareCommand(baselinePath: string, candidatePath: string, flags: CompareFlags): Promise<number> {
  const options: CompareOptions = {
    tolerance: parseTolerances(flags.tolerance),
    minChangeMs: flags.minChange,
    alpha: flags.alpha,
  };
  const comparison = await compare(baselinePath, candidatePath, options);
  if (flags.json) process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  (flags.json ? process.stderr : process.stdout).write(formatComparison(comparison));
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
    if (metric === undefined) out.p50 = out.p99 = out.max = percent / 100;
    else out[metric] = metric === 'errors' ? percent : percent / 100;
  }
  return out;
}

function minChange(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/.exec(value);
  if (m === null && value.trim() !== '0') throw new InvalidArgumentError(`--min-change must be a duration such as "1ms" or "0.5ms", got "${value}"`);
  return m === null ? 0 : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function alpha(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`--alpha must be a number between 0 and 1 such as 0.01, got "${value}"`);
  return n;
}
