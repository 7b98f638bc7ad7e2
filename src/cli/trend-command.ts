import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ExitCode } from '../run/exit-codes';
import { CHANGE_POINT_DEFAULTS } from '../trend/change-points';
import { writeTrendPage } from '../trend/page';
import { trendText } from '../trend/text';
import { DEFAULT_MIN_CHANGE_MS, trend, TrendError } from '../trend/trend';
import { positiveInt } from './options';

/**
 * `ocpp-fleet trend DIR`: the runs a history holds (`run --history DIR`), each metric over them as
 * a table (and trend.html with --out), change points marked (src/trend/change-points.ts). With
 * --fail-on-regression: exit 1 when the newest run stands in a regression. Exit 2 on bad usage or
 * a history with no runs.
 */
interface TrendFlags {
  metric: string[];
  last?: number;
  out?: string;
  failOnRegression?: boolean;
  series?: string;
  scenario?: string;
  json?: boolean;
  alpha: number;
  minMagnitude: number;
  minChange: number;
}

function probability(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`--alpha must be a number between 0 and 1 such as 0.01, got "${value}"`);
  return n;
}

/** `5%` or `0.05`. */
function magnitude(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const n = m === null ? Number.NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(n >= 0 && n < 100)) throw new InvalidArgumentError(`--min-magnitude must be a share such as 5% or 0.05, got "${value}"`);
  return n;
}

function milliseconds(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/.exec(value);
  if (m === null && value.trim() !== '0') throw new InvalidArgumentError(`--min-change must be a duration such as "1ms" or "0.5ms", got "${value}"`);
  return m === null ? 0 : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

export function registerTrendCommand(program: Command): void {
  program
    .command('trend')
    .description('each metric over the runs of a history (run --history DIR), change points marked; --fail-on-regression exits 1 when the newest run stands in a regression')
    .argument('<dir>', 'history folder written by run --history')
    .option('--metric <name>', 'a metric to follow, repeatable; * matches any characters (BootNotification.p99, "*.p99", errors.rate, timeToAllBootedMs, generator.cpuS) (default: p50 and p99 of every action and connect, errors.rate, timeToAllBootedMs, generator.cpuS, generator.rssPeakMb)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--last <n>', 'only the newest N complete runs of the series', positiveInt('--last'))
    .option('--out <file>', 'also write the trend as an HTML page (uPlot, offline), e.g. trend.html')
    .option('--fail-on-regression', 'exit 1 when the newest run stands in a regression: a metric\'s last change point is for the worse')
    .option('--scenario <name>', 'the newest series of this scenario (several scenarios sharing one history)')
    .option('--series <id>', 'the series to look at (its id or the start of it; default: the newest run\'s)')
    .option('--json', 'print the trend as JSON to stdout (the table goes to stderr)')
    .option('--alpha <p>', 'false-alarm budget per metric: a change point needs a t-test p-value of at most alpha / (runs − 1)', probability, CHANGE_POINT_DEFAULTS.alpha)
    .option('--min-magnitude <share>', 'a change point needs a relative change of at least this, e.g. 5%', magnitude, CHANGE_POINT_DEFAULTS.minMagnitude)
    .option('--min-change <d>', 'a change of a time (latency, time to all booted) needs at least this much, e.g. 1ms', milliseconds, DEFAULT_MIN_CHANGE_MS)
    .addHelpText('after', '\nExit codes: 0 no regression at the newest run (or no --fail-on-regression), 1 a regression with --fail-on-regression, 2 bad usage or a history with no runs.')
    .action(async (dir: string, flags: TrendFlags) => {
      process.exitCode = await trendCommand(dir, flags);
    });
}

async function trendCommand(dir: string, flags: TrendFlags): Promise<number> {
  let report;
  try {
    report = await trend({
      dir,
      metrics: flags.metric,
      ...(flags.last === undefined ? {} : { last: flags.last }),
      ...(flags.series === undefined ? {} : { series: flags.series }),
      ...(flags.scenario === undefined ? {} : { scenario: flags.scenario }),
      alpha: flags.alpha,
      minMagnitude: flags.minMagnitude,
      minChangeMs: flags.minChange,
    });
  } catch (err) {
    if (!(err instanceof TrendError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return ExitCode.Usage;
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  (flags.json ? process.stderr : process.stdout).write(trendText(report));
  if (flags.out !== undefined) {
    const file = await writeTrendPage(resolve(flags.out), report);
    process.stderr.write(`trend.html: ${file}\n`);
  }
  return flags.failOnRegression && report.regressions.length > 0 ? ExitCode.ThresholdsFailed : ExitCode.Ok;
}
