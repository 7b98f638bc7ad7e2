import { InvalidArgumentError, type Command } from 'commander';
import { capacity } from '../capacity/capacity';
import { GENERATOR_LIMITS, type GeneratorLimits } from '../capacity/judge';
import { GENERATOR_LIMIT_RANGE, MAX_CAPACITY_STATIONS, MAX_GROWTH, MAX_PRECISION, MAX_RAMP_PER_SECOND, MIN_HOLD_MS, type CapacityOptions } from '../capacity/options';
import { stepLine } from '../capacity/text';
import { UsageError } from '../run/exit-codes';
import { MAX_SEED, MAX_WORKERS, type RunSettings } from '../run/options';
import { DEFAULT_CONFIRM_ABOVE } from '../run/staging-safety';
import { MAX_TIMER_MS, MAX_TIMER_WORDS, parseDuration } from '../scenario/units';
import { collectHealthText } from './health-option';
import { Interrupts } from './interrupts';
import { duration, host as hostOption, nonNegativeInt, port as portOption, positiveInt, rate as rateOption, targetUrl } from './options';
import { addSecurityOptions } from './security-options';
import { terminalQuestion } from './staging-safety';

/** The flags as commander gives them: capacity()'s options, plus what only the command does. */
interface CapacityFlags extends Omit<RunSettings, 'url' | 'thresholds' | 'health' | 'cps' | 'duration' | 'junit' | 'shard' | 'maxRate' | 'localAddress'> {
  url?: string[];
  slo: string[];
  health: string[];
  min?: number;
  max?: number;
  hold?: number;
  warmup?: number;
  settle?: number;
  ramp?: number;
  precision?: number;
  growth?: number;
  generatorLimit: Partial<GeneratorLimits>;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLE_SLO = '"TransactionEvent.p99 < 500ms"';

function hold(value: string): number {
  const ms = duration('--hold')(value);
  if (ms < MIN_HOLD_MS) throw new InvalidArgumentError(`--hold must be at least 1s (a p99 of less is of a handful of calls), got "${value}"`);
  return ms;
}

/** A warm-up or a settle may be 0 ("0s"). */
function zeroOrDuration(flag: string, example: string): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms > MAX_TIMER_MS) throw new InvalidArgumentError(`${flag} must be a duration such as "${example}" or "0s", at most ${MAX_TIMER_WORDS}, got "${value}"`);
    return ms;
  };
}

function ramp(value: string): number {
  const perSec = rateOption('--ramp')(value);
  if (perSec > MAX_RAMP_PER_SECOND) throw new InvalidArgumentError(`--ramp must be at most ${MAX_RAMP_PER_SECOND.toLocaleString('en-US')}/s, got "${value}"`);
  return perSec;
}

/** `0.05` or `5%`: the answer's relative precision. */
function precision(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
  const p = m === null ? NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(p > 0 && p <= MAX_PRECISION)) {
    throw new InvalidArgumentError(`--precision must be a fraction above 0 and at most ${MAX_PRECISION}, or a percentage such as 5%, got "${value}"`);
  }
  return p;
}

function growth(value: string): number {
  const g = /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!(g > 1 && g <= MAX_GROWTH)) throw new InvalidArgumentError(`--growth must be a factor above 1 and at most ${MAX_GROWTH}, such as 2 or 1.5, got "${value}"`);
  return g;
}

const GENERATOR_LIMIT_NAMES = Object.keys(GENERATOR_LIMITS) as (keyof GeneratorLimits)[];

/** `--generator-limit eventLoopDelayP99Ms=100`, repeatable: capacity()'s generatorLimits, checked there. */
function generatorLimit(text: string, previous: Partial<GeneratorLimits>): Partial<GeneratorLimits> {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(\d+(?:\.\d+)?|\.\d+)\s*$/.exec(text);
  const name = m?.[1] as keyof GeneratorLimits | undefined;
  if (m === null || name === undefined || !GENERATOR_LIMIT_NAMES.includes(name)) {
    throw new InvalidArgumentError(`--generator-limit takes name=value with name one of ${GENERATOR_LIMIT_NAMES.join(', ')} (ms, ms, share of a core), e.g. eventLoopDelayP99Ms=100, got "${text}"`);
  }
  const value = Number(m[2]);
  const range = GENERATOR_LIMIT_RANGE[name];
  if (!(value > 0 && value <= range.max)) throw new InvalidArgumentError(`--generator-limit ${name} must be ${range.words}, got "${m[2]}"`);
  return { ...previous, [name]: value };
}

export function registerCapacityCommand(program: Command): void {
  const command = program
    .command('capacity')
    .description('find the largest fleet the CSMS carries within its SLOs: grow, narrow, confirm, inside one live run (the embedded CSMS when no --url is given)')
    .argument('<scenario>', 'scenario file (YAML) or a shipped scenario\'s name: its groups give the mix, kept in proportion as the fleet grows')
    .option('--url <url>', 'CSMS base URL, ws:// or wss://; repeat for several targets', (value: string, previous: string[] | undefined) => [...(previous ?? []), targetUrl(value)])
    .option('--slo <expr>', `an SLO in the threshold grammar, judged on each step's window, repeatable, e.g. ${EXAMPLE_SLO}, "errors.rate < 1%"`, (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--min <n>', 'smallest fleet, the first step (default 10)', positiveInt('--min', MAX_CAPACITY_STATIONS))
    .option('--max <n>', `largest fleet (default and most: ${MAX_CAPACITY_STATIONS})`, positiveInt('--max', MAX_CAPACITY_STATIONS))
    .option('--hold <d>', 'how long each step is judged, after its ramp and warm-up (default 30s)', hold)
    .option('--warmup <d>', 'discarded after each step\'s ramp (default 5s)', zeroOrDuration('--warmup', '5s'))
    .option('--settle <d>', 'longest a step waits past its warm-up for the backlog of the steps before to drain: the hold starts at the first second every SLO passes (default 60s; 0s: none)', zeroOrDuration('--settle', '60s'))
    .option('--ramp <rate>', 'stations added or removed per second at a step (default 500/s)', ramp)
    .option('--precision <p>', 'relative precision of the answer: 0.05 or 5% (default)', precision)
    .option('--growth <factor>', 'factor between steps until the first breach (default 2)', growth)
    .option('--generator-limit <name=value>', `when the generator counts as saturated, repeatable: eventLoopDelayP99Ms=${GENERATOR_LIMITS.eventLoopDelayP99Ms}, schedulerLagP99Ms=${GENERATOR_LIMITS.schedulerLagP99Ms} (ms), cpuPerWorker=${GENERATOR_LIMITS.cpuPerWorker} (share of a core) are the defaults`, generatorLimit, {})
    .option('--out <dir>', 'results folder: the run\'s results, capacity.json and capacity.html (default results/<UTC timestamp>-<scenario>)')
    .option('--workers <n>', 'worker threads (default: one per core, one fewer beside the embedded CSMS)', positiveInt('--workers', MAX_WORKERS))
    .option('--seed <n>', 'seed of every random choice (overrides the scenario): the same seed, the same steps', nonNegativeInt('--seed', MAX_SEED))
    .option('--health <check=limit>', 'change a health check\'s limit or turn it off (check=off), repeatable; judged on every step', collectHealthText, [] as string[])
    .option('--json', 'print capacity.json to stdout (the lines go to stderr)')
    .option('--quiet', 'no line per step')
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://<metrics-host>:<port>/metrics during the search (0 picks a port)', portOption('--metrics-port'))
    .option('--metrics-host <host>', 'address of the metrics server', hostOption('--metrics-host'), '127.0.0.1')
    .option('--yes', 'confirm a search against a target that is not this machine (needed without a terminal)')
    .option('--confirm-above <n>', 'fleet size above which a non-loopback target needs confirmation', nonNegativeInt('--confirm-above'), DEFAULT_CONFIRM_ABOVE);
  addSecurityOptions(command).action(async (file: string, flags: CapacityFlags) => {
    process.exitCode = await capacityCommand(file, flags);
  });
}

/**
 * `capacity`: the flags into capacity()'s options (every refusal before the run starts: exit 2),
 * a line per step on stderr, Ctrl-C as the run's stops, and the answer as the last line.
 */
export async function capacityCommand(file: string, flags: CapacityFlags): Promise<number> {
  const { url, slo, json, quiet, generatorLimit: limits, ...settings } = flags;
  if (slo.length === 0) throw new UsageError(`capacity needs at least one --slo, e.g. --slo ${EXAMPLE_SLO}`);
  if (flags.min !== undefined && flags.max !== undefined && flags.max < flags.min) {
    throw new UsageError(`--max ${flags.max} is below --min ${flags.min}: the search grows from --min to --max`);
  }
  if (flags.insecure) process.stderr.write('warning: --insecure: the CSMS\'s TLS certificate is not verified\n');
  const interrupts = new Interrupts();
  const options: CapacityOptions = {
    ...settings,
    scenario: file,
    ...(url === undefined ? {} : { url }),
    slo,
    ...(Object.keys(limits).length === 0 ? {} : { generatorLimits: limits }),
    onStep: (step) => {
      if (!quiet) process.stderr.write(`${stepLine(step)}\n`);
    },
    onNotice: (notice) => {
      if (notice.kind !== 'metrics' || !quiet) process.stderr.write(`${notice.message}\n`);
    },
    confirm: terminalQuestion(),
    signal: interrupts.signal,
    hardStop: interrupts.hardStop,
  };
  let result;
  try {
    result = await capacity(options);
  } finally {
    interrupts.dispose();
  }
  const { report, dir } = result;
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`results in ${dir}: capacity.json, capacity.html, and the run's summary.json and report.html\n`);
  (json ? process.stderr : process.stdout).write(`${report.message}\n`);
  return result.exitCode;
}
