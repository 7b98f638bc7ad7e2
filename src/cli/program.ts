import { Command, CommanderError } from 'commander';
import { ExitCode, RunOptionError, UsageError } from '../run/exit-codes';
import { NotConfirmed } from '../run/staging-safety';
import { redactUrls } from '../run/targets';
import { VERSION } from '../run/version';
import { InputFileProblem } from '../scenario/input-file';

/**
 * Where the command line's own words go: commander's help and usage errors, and the one `error:`
 * line of a refused command. The commands write their results to the process's streams; a test
 * that runs bad usage in-process (rather than paying a process start per case) hands in its own.
 */
export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const PROCESS_OUTPUT: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

type Register = (program: Command) => void;

/**
 * The commands, in the order help lists them, each loaded only when it is needed: a command's
 * modules (the run layer, the CSMS, reports) take a third of a second of CPU to load, which every
 * `ocpp-fleet csms` the fleet forks and every `--help` would otherwise pay for all of them.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['run', async () => (await import('./run-command')).registerRunCommand],
  ['capacity', async () => (await import('./capacity-command')).registerCapacityCommand],
  ['validate', async () => (await import('./validate-command')).registerValidateCommand],
  ['csms', async () => (await import('./csms-command')).registerCsmsCommand],
  ['compare', async () => (await import('./compare-command')).registerCompareCommand],
  ['merge', async () => (await import('./merge-command')).registerMergeCommand],
  ['aggregate', async () => (await import('./aggregate-command')).registerAggregateCommand],
  ['report', async () => (await import('./report-command')).registerReportCommand],
  ['trend', async () => (await import('./trend-command')).registerTrendCommand],
  ['probe', async () => (await import('./probe-command')).registerProbeCommand],
  ['scenarios', async () => (await import('./scenarios-command')).registerScenariosCommand],
  ['init', async () => (await import('./init-command')).registerInitCommand],
];

async function buildProgram(argv: readonly string[], output: CliOutput): Promise<Command> {
  const program = new Command();
  program
    .name('ocpp-fleet')
    .description('Load-test an OCPP central system (CSMS) with a fleet of virtual charge points (OCPP 1.6J, 2.0.1 and 2.1).')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // commander repeats a rejected value in its message: never let it repeat a password.
    .configureOutput({ writeOut: output.out, writeErr: output.err, outputError: (text) => output.err(redactUrls(text)) })
    .exitOverride();
  // A command named first needs only itself; anything else (top help, a typo that commander
  // answers with the nearest names) needs them all.
  const named = COMMANDS.find(([name]) => name === argv[2]);
  for (const [, load] of named === undefined ? COMMANDS : [named]) (await load())(program);
  program.addHelpText(
    'after',
    '\nExit codes: 0 passed, 1 a health check or threshold failed, 2 bad usage or configuration, 3 target unreachable or run aborted.\n' +
      'capacity: 0 capacity found, 1 even the smallest size failed, 2 bad usage, 3 generator-bound, target unreachable or stopped.\n' +
      'trend: 0 no regression at the newest run, 1 one (with --fail-on-regression), 2 bad usage or a history with no runs.',
  );
  return program;
}

/**
 * Parses and runs one command line. Resolves to the exit code of a command refused (bad usage,
 * configuration, an unconfirmed fleet, an error), or undefined when the command ran: a command
 * that ran sets `process.exitCode` itself, from its verdict.
 */
export async function runCommandLine(argv: readonly string[], output: CliOutput = PROCESS_OUTPUT): Promise<number | undefined> {
  try {
    const program = await buildProgram(argv, output);
    await program.parseAsync([...argv]);
    return undefined;
  } catch (err) {
    return exitCodeOf(err, output);
  }
}

async function exitCodeOf(err: unknown, output: CliOutput): Promise<number> {
  if (err instanceof NotConfirmed) {
    output.err(`${err.message}\n`);
    return ExitCode.Aborted;
  }
  if (err instanceof CommanderError) {
    // Help and version exit 0; everything else commander rejects is bad usage (it printed why).
    return err.exitCode === 0 ? 0 : ExitCode.Usage;
  }
  // Loaded here, not on start: these modules are heavy, and an error is the rare case.
  const { ScenarioError } = await import('../scenario/load-errors');
  const { CompareError } = await import('../report/compare-load');
  // An input file refused for its type or size is configuration too, wherever it was read.
  if (err instanceof ScenarioError || err instanceof UsageError || err instanceof RunOptionError || err instanceof CompareError || err instanceof InputFileProblem) {
    output.err(`error: ${err.message}\n`);
    return ExitCode.Usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  output.err(`error: ${message}\n`);
  if (process.env.OCPP_FLEET_DEBUG && err instanceof Error) output.err(`${err.stack ?? ''}\n`);
  return ExitCode.Unreachable;
}
