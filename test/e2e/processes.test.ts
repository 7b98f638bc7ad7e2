import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEmbeddedCsms } from '../../src/csms/child';
import { mergeResults } from '../../src/report/merge';
import type { Summary } from '../../src/index';
import { CLI, finished, readSummary, REPO_ROOT, tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';
import { runCliInProcess } from '../helpers/cli-in-process';
import { childrenRunning } from '../helpers/proc';
import { duringRun, runFleet } from '../helpers/run-fleet';

/**
 * `run --processes N`: the fleet over N processes on this machine, each a shard on its own
 * loopback source address, all on one epoch, judged live as one fleet, with one results folder.
 * The merged counts and percentiles are the union's (checked against `merge` of the processes'
 * own folders and against what the CSMS received); a threshold breached by one process's share
 * aborts every process; a process killed stops the run with exit 3 and says which; a Ctrl-C to
 * the CLI's process group still leaves every folder written.
 */
const FLEET = `
name: processes
duration: 6s
gracefulStop: 2s
groups:
  - name: old
    count: 12
    ocpp: "1.6"
    identity: "PROC16-{index}"
    heartbeatInterval: 1s
  - name: new
    count: 9
    ocpp: "2.0.1"
    identity: "PROC201-{index}"
    heartbeatInterval: 1s
`;

/** Local addresses of the established TCP connections to `port` on this machine (/proc/net/tcp: hex, little-endian). */
function sourcesTo(port: number): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local, remote, state] = line.trim().split(/\s+/);
    if (local === undefined || remote === undefined || state !== '01') continue;
    if (parseInt(remote.split(':')[1] ?? '', 16) !== port) continue;
    const hex = local.split(':')[0] ?? '';
    out.add([3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.'));
  }
  return out;
}

function sentByAction(summary: Summary): Record<string, number> {
  return Object.fromEntries(Object.entries(summary.actions).map(([a, s]) => [a, s.sent]));
}

test('3 processes: one fleet on three source addresses, measured as the union of their shares', { timeout: 120_000 }, async (t) => {
  const csms = await startEmbeddedCsms();
  const dir = tempDir('processes');
  const out = join(dir, 'out');
  try {
    let sources = new Set<string>();
    let metricsUrl: string | undefined;
    const done = runFleet({
      scenario: writeScenario(dir, 'fleet', FLEET),
      url: csms.url,
      processes: 3,
      // One each: a fleet this small needs none (the system picks), but the spread is what is tested.
      localAddress: ['127.0.0.1', '127.0.0.2', '127.0.0.3'],
      metricsPort: 0,
      out,
      onNotice: (n) => {
        if (n.kind === 'metrics') metricsUrl = /http:\/\/\S+/.exec(n.message)?.[0];
      },
    });
    await duringRun(done, 'all 21 stations connected from 3 addresses', () => {
      sources = sourcesTo(csms.port);
      return sources.size === 3 ? sources : undefined;
    });
    // One metrics endpoint for the whole fleet: every process's stations in its gauges.
    const booted = await duringRun(done, 'the metrics endpoint showing all 21 booted', async () => {
      if (metricsUrl === undefined) return undefined;
      const text = await (await fetch(metricsUrl)).text();
      const sum = [...text.matchAll(/^ocpp_fleet_stations\{[^}]*state="booted"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
      return sum === 21 ? sum : undefined;
    });
    assert.equal(booted, 21);
    const { summary, exitCode, result } = await done;
    assert.equal(exitCode, 0, result.reason);
    assert.deepEqual([...sources].sort(), ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    assert.deepEqual(summary.processes, { count: 3, folders: ['processes/1', 'processes/2', 'processes/3'] });
    assert.equal(summary.settings.processes, 3);
    assert.deepEqual(summary.fleet, { planned: 21, connected: 21, booted: 21, failedToConnect: 0, notStarted: 0 });
    assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten, 'every record of every process reached the parent');

    // Each process ran its shard from its own address, and the shards make the fleet.
    const parts = summary.processes?.folders.map((f) => readSummary(join(out, f))) ?? [];
    assert.deepEqual(parts.map((p) => p.settings.shard), ['1/3', '2/3', '3/3']);
    assert.deepEqual(parts.map((p) => p.settings.localAddresses), [['127.0.0.1'], ['127.0.0.2'], ['127.0.0.3']]);
    assert.deepEqual(parts.map((p) => p.fleet.planned), [7, 7, 7]);
    assert.deepEqual(new Set(parts.map((p) => p.startedAt)).size, 1, 'one epoch for every process');

    // What the CSMS received, action by action, is what the merged summary says was sent.
    const stats = await csms.stats();
    const received = Object.fromEntries(Object.entries(stats.incoming).map(([a, c]) => [a, c.received]));
    assert.deepEqual(sentByAction(summary), received);

    // The union, as `merge` computes it from the processes' own folders: the same counts, the same percentiles.
    const merged = await mergeResults(summary.processes?.folders.map((f) => join(out, f)) ?? [], join(dir, 'merged'));
    assert.deepEqual(sentByAction(summary), sentByAction(merged));
    for (const [action, a] of Object.entries(summary.actions)) {
      const m = merged.actions[action];
      assert.ok(m !== undefined, action);
      assert.deepEqual([a.ok, a.callErrors, a.timeouts], [m.ok, m.callErrors, m.timeouts], action);
      for (const p of ['p50', 'p90', 'p99'] as const) {
        // Both from the same samples; the merged ones went through the histogram log's encoding (HDR: 3 significant digits).
        const [x, y] = [a.latencyMs?.[p] ?? NaN, m.latencyMs?.[p] ?? NaN];
        assert.ok(Math.abs(x - y) <= Math.max(x, y) * 2e-3, `${action} ${p}: ${x} here, ${y} merged`);
      }
    }
    t.diagnostic(`processes: ${parts.map((p) => `${p.settings.shard} ${Object.values(p.actions).reduce((n, a) => n + a.sent, 0)} calls`).join(', ')}`);
  } finally {
    await csms.stop();
  }
});

test('a threshold breached by one process\'s share aborts every process, long before the planned end', { timeout: 120_000 }, async () => {
  const dir = tempDir('processes-abort');
  const out = join(dir, 'out');
  // "solo" has one station: only process 1 holds it, and only its heartbeats can breach.
  const scenario = `${FLEET.replace('duration: 6s', 'duration: 60s')}
  - name: solo
    count: 1
    ocpp: "1.6"
    identity: "PROCSOLO-{index}"
    heartbeatInterval: 1s
thresholds:
  - threshold: "group:solo.Heartbeat.count < 2"
    abortOnFail: true
`;
  const { summary, exitCode, result, notices } = await runFleet({ scenario: writeScenario(dir, 'abort', scenario), processes: 3, out });
  assert.equal(result.reason, 'abortOnFail');
  assert.equal(exitCode, 1);
  assert.ok(notices.some((n) => n.kind === 'abortOnFail'), JSON.stringify(notices));
  assert.equal(summary.passed, false);
  assert.ok(summary.durationMs < 30_000, `stopped after ${summary.durationMs} ms of a planned 60 s`);
  const parts = summary.processes?.folders.map((f) => readSummary(join(out, f))) ?? [];
  assert.equal(parts.length, 3);
  for (const p of parts) {
    assert.equal(p.partial, true, `${p.settings.shard} was stopped`);
    assert.ok(p.durationMs < 30_000, `${p.settings.shard} ran ${p.durationMs} ms`);
  }
  assert.equal(parts.filter((p) => (p.groups.solo?.fleet?.planned ?? 0) > 0).length, 1, 'one process held the breaching share');
});

/** The pids of `parent`'s children running a process of a fleet (child-main.js). */
function fleetProcesses(parent = process.pid): number[] {
  return childrenRunning(parent, 'child-main.js');
}

test('a process killed mid-run stops the run: exit 3, the verdict names it, the others\' measurements kept', { timeout: 120_000 }, async () => {
  const dir = tempDir('processes-killed');
  const out = join(dir, 'out');
  let booted = 0;
  let died = false;
  const connectedAfterDeath: number[] = [];
  const done = runFleet({
    scenario: writeScenario(dir, 'killed', FLEET.replace('duration: 6s', 'duration: 60s')),
    processes: 2,
    out,
    onProgress: (p) => {
      booted = p.gauges.total.booted;
      if (died) connectedAfterDeath.push(p.gauges.total.connected);
    },
    onNotice: (n) => {
      if (n.kind === 'processDied') died = true;
    },
  });
  const pids = await duringRun(done, 'two fleet processes', () => {
    const found = fleetProcesses();
    return found.length === 2 ? found : undefined;
  });
  // Killed once every station booted, so that what the others measured is there to keep.
  await duringRun(done, 'all 21 stations booted', () => (booted === 21 ? true : undefined));
  process.kill(pids[1] as number, 'SIGKILL');
  const { summary, exitCode, result, notices } = await done;
  assert.equal(result.reason, 'processDied');
  assert.equal(exitCode, 3);
  assert.match(summary.processes?.died ?? '', /^process \d of 2 exited with SIGKILL/);
  assert.ok(notices.some((n) => n.kind === 'processDied' && /SIGKILL; stopping the run$/.test(n.message)), JSON.stringify(notices));
  assert.equal(summary.passed, false);
  assert.equal(summary.partial, true);
  assert.ok(summary.durationMs < 30_000, `stopped after ${summary.durationMs} ms`);
  // The survivor's stations were measured; the dead one's never report.
  assert.ok((summary.actions.BootNotification?.sent ?? 0) >= 10, 'the survivor\'s boots at least');
  assert.equal(summary.fleet.planned, 21);
  // Once its death is known the dead process's stations no longer count as connected: at the
  // end, with the survivor's stations gone too, the time series' last second shows none.
  assert.ok(connectedAfterDeath.every((n) => n <= 11), `connected after the death: ${connectedAfterDeath.join(', ')}`);
  const rows = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
  const connectedColumn = rows[0]?.split(',').indexOf('connected') ?? -1;
  assert.equal(Number(rows.at(-1)?.split(',')[connectedColumn] ?? NaN), 0, rows.slice(-3).join(' | '));
  const folders = summary.processes?.folders ?? [];
  assert.equal(folders.filter((f) => f === '').length, 1, 'the dead one wrote none');
  assert.equal(folders.filter((f) => f !== '' && existsSync(join(out, f, 'summary.json'))).length, 1);
});

test('the CLI: Ctrl-C to its process group stops every process gracefully and the results are complete', { timeout: 120_000 }, async () => {
  const dir = tempDir('processes-cli');
  const out = join(dir, 'out');
  // A session of its own, as a terminal's job: the signal goes to the whole group.
  const cli = spawn(process.execPath, [CLI, 'run', writeScenario(dir, 'cli', FLEET.replace('duration: 6s', 'duration: 60s')), '--processes', '2', '--quiet', '--out', out], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const ended = finished(cli, 90_000);
  await waitFor('two fleet processes under the CLI', () => (fleetProcesses(cli.pid).length === 2 ? true : undefined), 30_000);
  await new Promise((r) => setTimeout(r, 3000));
  process.kill(-(cli.pid as number), 'SIGINT');
  const r = await ended;
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /^stopping: finishing running transactions/m);
  const summary = readSummary(out);
  assert.equal(summary.partial, true);
  assert.equal(summary.fleet.connected, 21);
  for (const f of summary.processes?.folders ?? []) {
    const part = readSummary(join(out, f));
    assert.equal(part.partial, true, f);
    assert.equal(part.transactions?.openAtEnd, 0, `${f}: transactions ended before it stopped`);
  }
  const bad = await runCliInProcess(['run', '--processes', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--processes must be a whole number from 1 to 64, or auto, got "0"/);
  const both = await runCliInProcess(['run', '--processes', '2', '--shard', '1/2']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--processes runs every shard of the fleet itself: it cannot take --shard/);
});
