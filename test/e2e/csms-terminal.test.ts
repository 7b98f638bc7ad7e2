import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI, readSummary, REPO_ROOT, tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';
import { embeddedCsmsOf, hasExited } from '../helpers/process-tree';
import { assertStoppedCleanly, SUPERVISION_SCENARIO } from '../helpers/supervision';

/**
 * Ctrl-C typed on a real terminal: the run goes on a pseudo-terminal made by util-linux's
 * `script` (.ci/run installs it if missing), and the ^C byte is written to that terminal, whose
 * line discipline turns it into SIGINT for the terminal's foreground process group. Before the
 * embedded CSMS had a process group of its own, it got the same SIGINT and died first: the
 * graceful stop then lost every connection and left transactions open.
 */

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const killAtEnd: number[] = [];
after(() => {
  for (const pid of killAtEnd) if (!hasExited(pid)) process.kill(pid, 'SIGKILL');
});

test('Ctrl-C from a real terminal: the fleet alone gets it, stops gracefully, nothing lost, every transaction stopped at the CSMS', { timeout: 150_000 }, async (t) => {
  // Not skipped when missing: a missing tool fails here, loudly.
  const version = execFileSync('script', ['--version'], { encoding: 'utf8' });
  assert.match(version, /util-linux/);
  const dir = tempDir('terminal');
  const out = join(dir, 'out');
  const scenario = writeScenario(dir, 'terminal', SUPERVISION_SCENARIO);
  // exec: the CLI itself leads the terminal's session and its foreground process group.
  const command = `exec ${quote(process.execPath)} ${quote(CLI)} run ${quote(scenario)} --workers 1 --out ${quote(out)}`;
  const term = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    // A pty nobody sized: the status line takes $COLUMNS, wide enough for every part of it.
    env: { ...process.env, OCPP_FLEET_DEBUG: '1', COLUMNS: '200' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  killAtEnd.push(term.pid as number);
  let output = '';
  term.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  term.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const closed = new Promise<number | null>((resolve) => term.on('close', (code) => resolve(code)));

  await waitFor('most connectors charging', () => {
    const last = [...output.matchAll(/connected \d+\/\d+ {2}booted \d+ {2}(\d+) charging/g)].at(-1);
    return Number(last?.[1] ?? 0) >= 120 ? true : undefined;
  }, 90_000);
  // A terminal indeed: the status line is redrawn in place, which the CLI does only on a TTY.
  assert.match(output, /\r\d+:\d\d\/\d+:\d\d {2}.* connected .*\x1b\[K/);
  const csms = embeddedCsmsOf(term.pid as number);
  assert.ok(csms, 'the embedded CSMS runs below the terminal');
  killAtEnd.push(csms.pid);
  const typedAt = Date.now();
  term.stdin.write('\x03');
  const code = await closed;
  term.stdin.end();
  t.diagnostic(`exit ${String(code)} ${Date.now() - typedAt} ms after ^C`);
  assert.equal(code, 3, output.slice(-3000));
  assert.match(output, /stopping: finishing running transactions/);
  // What stays on screen says how the run ended, not the wind-down's `connected 0/…`.
  assert.match(output, /\r\d+:\d\d\/\d+:\d\d {2}done {2}connected [1-9]\d*\/\d+ at peak {2}booted [1-9]\d* {2}\S*(STOPPED|FAILED)/);
  assert.doesNotMatch(output, /the embedded CSMS died/);
  assertStoppedCleanly(t, readSummary(out), output);
  assert.ok(hasExited(csms.pid), 'the CSMS was stopped after the fleet');
});
