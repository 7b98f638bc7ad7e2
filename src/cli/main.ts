#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CompareError } from '../report/compare-load';
import { InputFileProblem } from '../scenario/input-file';
import { ScenarioError } from '../scenario/load';
import { registerCapacityCommand } from './capacity-command';
import { registerCompareCommand } from './compare-command';
import { registerCsmsCommand } from './csms-command';
import { registerMergeCommand } from './merge-command';
import { registerProbeCommand } from './probe-command';
import { registerReportCommand } from './report-command';
import { ExitCode, RunOptionError, UsageError } from '../run/exit-codes';
import { registerRunCommand } from './run-command';
import { registerTrendCommand } from './trend-command';
import { NotConfirmed } from '../run/staging-safety';
import { redactUrls } from '../run/targets';
import { registerValidateCommand } from './validate-command';
import { VERSION } from '../run/version';

/**
 * The ocpp-fleet command line. Each command lives in its own file; this one wires them and turns
 * errors into one clear line and an exit code, never a stack trace for a user's mistake.
 */
function buildProgram(): Command {
  const program = new Command();
  program
    .name('ocpp-fleet')
    .description('Load-test an OCPP central system (CSMS) with a fleet of virtual charge points (OCPP 1.6J and 2.0.1).')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // commander repeats a rejected value in its message: never let it repeat a password.
    .configureOutput({ outputError: (text, write) => write(redactUrls(text)) })
    .exitOverride();
  registerRunCommand(program);
  registerCapacityCommand(program);
  registerValidateCommand(program);
  registerCsmsCommand(program);
  registerCompareCommand(program);
  registerMergeCommand(program);
  registerReportCommand(program);
  registerTrendCommand(program);
  registerProbeCommand(program);
  program.addHelpText(
    'after',
    '\nExit codes: 0 passed, 1 a health check or threshold failed, 2 bad usage or configuration, 3 target unreachable or run aborted.\n' +
      'capacity: 0 capacity found, 1 even the smallest size failed, 2 bad usage, 3 generator-bound, target unreachable or stopped.\n' +
      'trend: 0 no regression at the newest run, 1 one (with --fail-on-regression), 2 bad usage or a history with no runs.',
  );
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeOf(err);
  }
}

function exitCodeOf(err: unknown): number {
  if (err instanceof NotConfirmed) {
    process.stderr.write(`${err.message}\n`);
    return ExitCode.Aborted;
  }
  if (err instanceof CommanderError) {
    // Help and version exit 0; everything else commander rejects is bad usage (it printed why).
    return err.exitCode === 0 ? 0 : ExitCode.Usage;
  }
  // An input file refused for its type or size is configuration too, wherever it was read.
  if (err instanceof ScenarioError || err instanceof UsageError || err instanceof RunOptionError || err instanceof CompareError || err instanceof InputFileProblem) {
    process.stderr.write(`error: ${err.message}\n`);
    return ExitCode.Usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.OCPP_FLEET_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  return ExitCode.Unreachable;
}

/**
 * Output that can no longer be written (`| head`, a `| tee` killed by the same Ctrl-C, a closed
 * terminal) must not end a run before it has written its results: without a listener, the
 * stream's EPIPE error ends the process there and then, and the measurements are lost.
 */
function survivePipeErrors(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

survivePipeErrors();
void main(process.argv);
