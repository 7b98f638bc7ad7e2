import { runCommandLine } from '../../src/cli/program';

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The real command line (commander, the command's option parsing and checks, the exit code it
 * maps an error to) run in this process, for the commands that are refused before anything
 * starts and for help. A process start costs a third to half a second of CPU; a file of two
 * dozen refusals paid ten seconds of the suite for what one process start shows once. A command
 * that would run must go through `runCli`: it writes to the process's own streams.
 */
export async function runCliInProcess(args: readonly string[]): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const before = process.exitCode;
  const code = await runCommandLine([process.execPath, 'ocpp-fleet', ...args], {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
  });
  if (process.exitCode !== before) {
    // The command ran and judged itself, in the test's process: its exit code is not this test's.
    process.exitCode = before;
    throw new Error(`ocpp-fleet ${args.join(' ')} ran rather than being refused: run it with runCli`);
  }
  return { code: code ?? 0, stdout, stderr };
}
