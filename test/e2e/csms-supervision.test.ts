import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clock } from '../../src/cli/status-line';
import { finished, readSummary, tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';
import { embeddedCsmsOf, hasExited, procInfo } from '../helpers/process-tree';
import { assertStoppedCleanly, spawnRun, SUPERVISION_SCENARIO } from '../helpers/supervision';

/**
 * The embedded CSMS under supervision, with the real CLI and its real CSMS child: its death stops
 * the run at once; it is in a process group of its own, so a signal to the fleet's group reaches the
 * fleet alone; and it never outlives the fleet.
 */

const started: ChildProcess[] = [];
after(() => {
  // A failed assertion must not leave a run behind (its CSMS then stops by itself).
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** The CLI on the embedded CSMS; `stderr()` is what it wrote so far. */
function startRun(name: string, yaml: string, options: { setsid?: boolean } = {}) {
  const dir = tempDir(name);
  const out = join(dir, 'out');
  const cli = spawnRun(['run', writeScenario(dir, name, yaml), '--workers', '1', '--out', out], options.setsid === true);
  started.push(cli);
  const done = finished(cli, 120_000);
  let stderr = '';
  cli.stderr?.on('data', (d: string) => (stderr += d));
  return { cli, out, done, stderr: () => stderr };
}

/**
 * The plain status line (no terminal) printed when `second` whole seconds of the run have passed:
 * one every 5 s (`0:05/1:00  steady  connected 80/80  booted 80  120 charging  …`).
 */
function statusAt(stderr: () => string, second: number): RegExpMatchArray | undefined {
  return stderr().match(new RegExp(`^${clock(second * 1000)}/\\S+ {2}\\S+ {2}connected (\\d+)/\\d+ {2}booted (\\d+) {2}(\\d+) charging`, 'm')) ?? undefined;
}

test('kill -9 of the embedded CSMS 5 s into a run: exit 3 at once, the signal named, partial results with csms.alive false', { timeout: 150_000 }, async (t) => {
  const run = startRun('csms-killed', SUPERVISION_SCENARIO);
  // The status line of second 5 is printed within a tick (200 ms) of the run's 5th second.
  await waitFor('the status line of second 5', () => statusAt(run.stderr, 5), 90_000);
  const csms = embeddedCsmsOf(run.cli.pid as number);
  assert.ok(csms, 'the embedded CSMS is a child of the fleet process');
  const killedAt = Date.now();
  process.kill(csms.pid, 'SIGKILL');
  const result = await run.done;
  t.diagnostic(`exit ${String(result.code)} ${Date.now() - killedAt} ms after the kill`);
  assert.equal(result.code, 3, result.stderr);
  // The run was planned for 60 s: it stopped at once instead, with no graceful stop (which would
  // wait 10 s more); it ended before its planned end (below).
  assert.match(
    result.stderr,
    /error: the embedded CSMS died \d+\.\d s into the run \(killed by SIGKILL\); its last lines:\n {2}CSMS listening on ws:\/\/127\.0\.0\.1:\d+/,
  );
  assert.doesNotMatch(result.stderr, /stopping: finishing running transactions/, 'no graceful stop into a dead CSMS');
  const s = readSummary(run.out);
  assert.equal(s.partial, true);
  assert.equal(s.passed, false);
  assert.equal(s.csms?.alive, false);
  assert.equal(s.csms?.exit?.signal, 'SIGKILL');
  assert.equal(s.csms?.exit?.code, null);
  const atMs = s.csms?.exit?.atMs ?? -1;
  // Killed after the status line of second 5, and within the run.
  assert.ok(atMs >= 4500 && atMs <= s.durationMs, `died at ${atMs} ms of ${s.durationMs}`);
  assert.match(s.csms?.exit?.lastLines[0] ?? '', /^CSMS listening on ws:\/\/127\.0\.0\.1:\d+ \(OCPP 1\.6, 2\.0\.1, 2\.1\)$/);
  assert.ok((s.csms?.exit?.lastLines.length ?? 99) <= 20);
  assert.equal('signedMeterValues' in (s.csms ?? {}), false, 'a dead CSMS is not asked for its counts');
  assert.equal(s.fleet.connected, 80, 'the fleet was connected when the CSMS died');
  assert.ok(s.durationMs < 60_000, `the run lasted ${s.durationMs} ms of its planned 60 s`);
  assert.equal(s.pump.recordsAggregated, s.pump.recordsWritten);
  t.diagnostic(`csms.exit.atMs ${atMs}, durationMs ${s.durationMs}, connectionLost ${s.errors.connectionLost ?? 0}`);
});

test('a fleet killed with SIGKILL leaves no CSMS behind: the detached child exits by itself', { timeout: 150_000 }, async (t) => {
  const run = startRun('fleet-killed', SUPERVISION_SCENARIO);
  await waitFor('the status line of second 5', () => statusAt(run.stderr, 5), 90_000);
  const csms = embeddedCsmsOf(run.cli.pid as number);
  assert.ok(csms);
  // Its own session and process group: no terminal signal meant for the fleet reaches it.
  assert.equal(csms.pid, csms.pgid);
  assert.equal(csms.pid, csms.sid);
  assert.notEqual(csms.pgid, procInfo(run.cli.pid as number)?.pgid);
  const killedAt = Date.now();
  run.cli.kill('SIGKILL');
  assert.equal((await run.done).signal, 'SIGKILL');
  await waitFor('the orphaned CSMS to exit', () => (hasExited(csms.pid) ? true : undefined), 15_000);
  t.diagnostic(`the CSMS exited ${Date.now() - killedAt} ms after its parent was killed`);
});

test('SIGINT to the whole process group of a run under setsid: graceful stop, nothing lost, every transaction stopped at the CSMS', { timeout: 150_000 }, async (t) => {
  const run = startRun('group-sigint', SUPERVISION_SCENARIO, { setsid: true });
  const pgid = run.cli.pid as number;
  const charging = await waitFor('most connectors charging', () => {
    const lines = [...run.stderr().matchAll(/connected \d+\/\d+ {2}booted \d+ {2}(\d+) charging/g)];
    const last = Number(lines.at(-1)?.[1] ?? 0);
    return last >= 120 ? last : undefined;
  }, 90_000);
  const csms = embeddedCsmsOf(pgid);
  assert.ok(csms);
  assert.equal(procInfo(pgid)?.pgid, pgid, 'the fleet leads its own process group');
  assert.notEqual(csms.pgid, pgid, 'the CSMS is outside the group that gets the signal');
  const signalledAt = Date.now();
  process.kill(-pgid, 'SIGINT');
  const result = await run.done;
  t.diagnostic(`${charging} connectors charging; exit ${String(result.code)} ${Date.now() - signalledAt} ms after SIGINT`);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /stopping: finishing running transactions/);
  assertStoppedCleanly(t, readSummary(run.out), result.stderr);
  assert.ok(hasExited(csms.pid), 'the CSMS was stopped after the fleet');
});

test('Ctrl-C before any station connected (the CSMS still starting): a graceful stop all the same, exit 3, partial results', { timeout: 150_000 }, async (t) => {
  // Every group starts 30 s into the run: nothing connects before the stop.
  const late = SUPERVISION_SCENARIO.replace(/ramp: 100\/s/g, 'ramp: 100/s\n    startAt: 30s');
  const run = startRun('early-sigint', late);
  // As soon as the CSMS child exists: the fleet is still waiting for it to listen.
  const csms = await waitFor('the CSMS child', () => embeddedCsmsOf(run.cli.pid as number), 30_000);
  const signalledAt = Date.now();
  run.cli.kill('SIGINT');
  const result = await run.done;
  t.diagnostic(`exit ${String(result.code)} ${Date.now() - signalledAt} ms after SIGINT`);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /stopping: finishing running transactions/);
  const s = readSummary(run.out);
  assert.equal(s.partial, true);
  assert.equal(s.fleet.connected, 0);
  assert.equal(s.fleet.planned, 80);
  assert.equal(s.csms?.alive, true);
  assert.deepEqual(s.errors, {});
  assert.ok(hasExited(csms.pid));
});
