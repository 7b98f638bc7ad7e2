import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
import { REPO_ROOT } from './fleet-cli';
import { keepNiceInSession } from '../../src/csms/session-priority';
import { suiteFiles } from './suite-files';

/**
 * `npm test`: the two phases of the suite, side by side.
 * - `run-suite.js --concurrent` runs the unit lanes and the end-to-end files five at a time,
 *   started in suite-files.ts's order;
 * - `run-suite.js --serial` runs serial-suite.js: the test/serial/ files in one process, one
 *   test at a time, but the quiet ones (serial-files.ts);
 * - `run-suite.js --quiet` runs quiet-suite.js: those, which need a machine doing nothing else;
 * - `run-suite.js` runs the first two at once, the concurrent phase at nice 19, then the quiet
 *   one, and prints each phase's report when it ends. Exit 1 when a test of any failed.
 *
 * Why at once: the serial tests are bounded in time or rate and need the CPU whenever they ask,
 * but most of their time they wait (a 12 s run, a capacity search's holds), and the 2-core CI
 * machine sat at a quarter of its CPU for the phase's 135 s, after a concurrent phase of 185 s.
 * At nice 19 a process weighs 15 against a nice-0 process's 1,024: the serial tests take the
 * CPU they want, and the concurrent files the rest. The processes that run in sessions of their
 * own (the embedded CSMS, shards, Chromium) carry the nice into their session's scheduling group
 * (src/csms/session-priority.ts): with autogroup scheduling they would otherwise weigh as much as
 * everything else together. Measured on the 2-core machine (2026-12-08): one after the other,
 * 185 s + 135 s; side by side, the concurrent phase 213–225 s and the serial 136–140 s, the
 * serial tests' figures as alone (the README's "Development" section gives them).
 *
 * Not `node --test FILES`: it sorts the files by path, so the order (the longest first, the unit
 * lanes beside them) was never the one run, and the unit files always started last and ended the
 * phase alone.
 *
 * Each file has a time limit, past which its process is killed and the file fails: a file whose
 * tests ended but whose process lives on (a browser or a server left open) would otherwise hold
 * the suite, and CI, until CI's own limit, with no word of which file. The limits are several
 * times the longest file's time on the 2-core CI machine (about 80 s concurrent, 130 s serial).
 * Reports as `node --test` does when piped (TAP).
 */
/**
 * Five at a time. The phase is bound by the CPU: alone on the 2-core machine
 * (2026-12-07, `SUITE_CONCURRENCY=N node dist/test/helpers/run-suite.js --concurrent`), four took
 * 250 s at 60 % of the cores, six 183–194 s at 85 %, eight 200 s at 100 %, with a third more CPU
 * spent (the files' own waits and retries under contention), and four tests with bounds a loaded
 * machine can break failed in five clean-clone runs (a connect p99, a rate ratio, a script's
 * reconnects, meter values per session). Beside the serial phase, which takes up to a core when
 * it wants it, six lost three such tests in one run; five took 216–219 s and lost none of those.
 */
const CONCURRENCY = Number(process.env.SUITE_CONCURRENCY ?? 5);
const FILE_LIMIT_MS = 300_000;
const SERIAL_LIMIT_MS = 600_000;

/** How much the concurrent phase yields to the serial one: the lowest priority there is. */
const CONCURRENT_NICE = 19;

type Phase = 'concurrent' | 'serial' | 'quiet';

function runPhase(phase: Phase): void {
  const serial = phase !== 'concurrent';
  const files = serial ? [join(__dirname, `${phase}-suite.js`)] : suiteFiles().map((f) => join(REPO_ROOT, f));
  let failed = false;
  const stream = run({ files, concurrency: serial ? 1 : CONCURRENCY, timeout: serial ? SERIAL_LIMIT_MS : FILE_LIMIT_MS });
  stream.on('test:fail', () => {
    failed = true;
  });
  stream.compose(tap).pipe(process.stdout);
  process.on('exit', () => {
    if (failed) process.exitCode = 1;
  });
}

/**
 * One phase in a child process: its exit code and its whole report, printed when it ends so the
 * two do not interleave. A niced phase runs in a session of its own, whose scheduling group
 * takes its nice (session-priority.ts): in the session of the serial phase, a group that weighs
 * as one with it, the nice would only order the two phases' processes among themselves, and the
 * serial phase's CSMS, in a group of its own, would get no more than the concurrent files.
 */
function spawnPhase(phase: Phase, nice: number): Promise<{ phase: Phase; code: number; ms: number }> {
  const started = Date.now();
  const args = [__filename, `--${phase}`, ...(nice === 0 ? [] : ['--nice', String(nice)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: nice !== 0 });
  const stop = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined || child.exitCode !== null) return;
    // A detached phase is not in the terminal's process group: Ctrl-C reaches it through here
    // only. The other has had the terminal's already; a SIGTERM to this process alone has not.
    if (nice !== 0) process.kill(-child.pid, signal);
    else if (signal === 'SIGTERM') child.kill(signal);
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      process.stdout.write(Buffer.concat(chunks));
      const ms = Date.now() - started;
      process.stdout.write(`# ${phase} phase: ${signal ?? `exit ${code}`} after ${(ms / 1000).toFixed(0)} s\n`);
      resolve({ phase, code: code ?? 1, ms });
    });
  });
}

/** Started by runBoth with `--nice N`: lower this process (its test files inherit it) and its session's group; end with the parent. */
function yieldToSerial(): void {
  const at = process.argv.indexOf('--nice');
  if (at < 0) return;
  setPriority(Number(process.argv[at + 1]));
  keepNiceInSession();
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(-process.pid, 'SIGTERM');
  }, 1000).unref();
}

async function runBoth(): Promise<void> {
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true)).once('SIGTERM', () => (interrupted = true));
  const ended = await Promise.all([spawnPhase('concurrent', CONCURRENT_NICE), spawnPhase('serial', 0)]);
  if (!interrupted) ended.push(await spawnPhase('quiet', 0));
  if (ended.some((e) => e.code !== 0)) process.exitCode = 1;
}

if (process.argv.includes('--serial')) runPhase('serial');
else if (process.argv.includes('--quiet')) runPhase('quiet');
else if (process.argv.includes('--concurrent')) {
  yieldToSerial();
  runPhase('concurrent');
}
else void runBoth();
