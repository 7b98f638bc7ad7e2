import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { autogroupNice } from '../../src/csms/session-priority';
import { CLI, REPO_ROOT } from '../helpers/fleet-cli';

/**
 * A niced process in a session of its own carries its nice into its session's scheduling group
 * (src/csms/session-priority.ts), so `nice -n N ocpp-fleet run` keeps its embedded CSMS and its
 * shards (detached, each a session) niced too; a process in its parent's session leaves that
 * session's group alone. On a kernel without autogroup scheduling there is nothing to set, and
 * the function says so.
 */
const MODULE = join(REPO_ROOT, 'dist/src/csms/session-priority.js');
const hasAutogroup = autogroupNice() !== undefined;
/** `nice -n N` adds to this process's own nice (npm test runs this file at 19), up to 19. */
const base = getPriority();
const niced = (n: number): number => Math.min(19, base + n);

/** keepNiceInSession() in a process of its own: `nice` its nice value, `detached` a session leader. */
function keepIn(nice: number, detached: boolean): Promise<unknown> {
  const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(MODULE)}).keepNiceInSession()))`;
  const child = spawn('nice', ['-n', String(nice), process.execPath, '-e', script], { detached, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`))));
  });
}

test('a niced session leader raises its group to its nice; a process in its parent session, or not niced, changes nothing', async () => {
  const ours = autogroupNice();
  const leader = (nice: number): unknown => (hasAutogroup ? { groupNice: nice, raised: true } : 'noAutogroup');
  assert.deepEqual(await keepIn(6, true), leader(niced(6)));
  assert.equal(await keepIn(6, false), 'notLeader');
  // Not niced at all, only when this test is not.
  assert.deepEqual(await keepIn(0, true), base === 0 ? 'notNiced' : leader(base));
  assert.equal(autogroupNice(), ours, "this test's own session group is untouched");
});

test('the embedded CSMS started niced in a session of its own (as a run forks it) runs in a group of that nice', { timeout: 30_000 }, async () => {
  const child = spawn('nice', ['-n', '7', process.execPath, CLI, 'csms', '--port', '0', '--host', '127.0.0.1'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const pid = child.pid as number;
    let err = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        if (err.includes('CSMS listening on')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the CSMS exited (${code}): ${err}`)));
    });
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    assert.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]), niced(7), 'its own nice');
    assert.equal(autogroupNice(`/proc/${pid}/autogroup`), hasAutogroup ? niced(7) : undefined);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
});
