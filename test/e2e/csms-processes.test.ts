import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEmbeddedCsms } from '../../src/csms/child';
import { processOf } from '../../src/csms/sticky';
import { CLI, finished, REPO_ROOT, tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';
import { runCliInProcess } from '../helpers/cli-in-process';
import { childrenRunning } from '../helpers/proc';
import { duringRun, runFleet } from '../helpers/run-fleet';

/**
 * The embedded CSMS over several processes sharing its port (`csms --processes N`, the scenario's
 * `csms.processes`): a fleet boots through it as through one process, /stats adds every
 * process's counts, /stations lists every station, /call reaches a station on whichever process
 * holds it; a station goes to the same process each time it connects; a process killed is the
 * CSMS's death (the run says csmsDied, exit 3); a Ctrl-C to its group stops it in order.
 */
const FLEET = `
name: csms-processes
duration: 5s
gracefulStop: 2s
groups:
  - name: old
    count: 15
    ocpp: "1.6"
    identity: "CPROC16-{index}"
    heartbeatInterval: 1s
  - name: new
    count: 10
    ocpp: "2.0.1"
    identity: "CPROC201-{index}"
    heartbeatInterval: 1s
`;

test('a fleet through a CSMS of 3 processes: every station booted, /stats the sum, /call reaches every process, a station keeps its process', { timeout: 120_000 }, async () => {
  const csms = await startEmbeddedCsms({ processes: 3 });
  const dir = tempDir('csms-processes');
  try {
    assert.match(csms.stderr(), /CSMS listening on ws:\/\/127\.0\.0\.1:\d+ \(OCPP 1\.6, 2\.0\.1, 2\.1; 3 processes sharing the port; each also on its own: ws:\/\/127\.0\.0\.1:\d+, ws:\/\/127\.0\.0\.1:\d+, ws:\/\/127\.0\.0\.1:\d+\)/);
    assert.equal(csms.processUrls?.length, 3);
    assert.equal(childrenRunning(csms.pid, 'cluster-worker.js').length, 3);
    const scenario = writeScenario(dir, 'fleet', FLEET.replace('duration: 5s', 'duration: 6s'));
    const done = runFleet({ scenario, url: csms.url, out: join(dir, 'out') });
    const stations = await duringRun(done, 'all 25 stations listed', async () => {
      const list = await csms.stations();
      return list.length === 25 ? list : undefined;
    });
    assert.equal(new Set(stations.map((s) => s.identity)).size, 25);
    const held = (list: readonly { identity: string; process?: number }[]): string[] => list.filter((s) => s.process !== processOf(s.identity, 3) + 1).map((s) => s.identity);
    assert.deepEqual(held(stations), [], 'each station on the process its identity hashes to');
    // A call to one station of each process, each answered by that station.
    const byProcess = new Map<number, string>();
    for (const s of stations) byProcess.set(processOf(s.identity, 3), s.identity);
    assert.equal(byProcess.size, 3, 'the identities spread over the 3 processes');
    for (const identity of byProcess.values()) {
      const version = stations.find((s) => s.identity === identity)?.version;
      const r = await csms.call(identity, version === '1.6' ? 'GetConfiguration' : 'GetVariables', version === '1.6' ? {} : { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
      assert.ok('result' in r, `${identity}: ${JSON.stringify(r)}`);
    }
    await assert.rejects(csms.call('NOBODY', 'GetConfiguration', {}), /no station "NOBODY" is connected/);
    const { summary, exitCode, result } = await done;
    assert.equal(exitCode, 0, result.reason);
    assert.equal(summary.fleet.booted, 25);
    const stats = await csms.stats();
    assert.equal(stats.connections.accepted, 25);
    assert.equal(stats.boots.accepted, 25);
    assert.equal(stats.transactions.unknown, 0);
    const received = Object.fromEntries(Object.entries(stats.incoming).map(([a, c]) => [a, c.received]));
    assert.deepEqual(Object.fromEntries(Object.entries(summary.actions).map(([a, s]) => [a, s.sent])), received, 'what the fleet sent, what the 3 processes received, added');
    assert.equal(stats.outgoingTotal.sent, 3);

    // The same fleet again: each station meets the process that holds its record.
    const rerun = runFleet({ scenario: writeScenario(dir, 'again', FLEET.replace('duration: 5s', 'duration: 3s')), url: csms.url, out: join(dir, 'again') });
    const second = await duringRun(rerun, 'all 25 stations back', async () => {
      const list = await csms.stations();
      return list.length === 25 ? list : undefined;
    });
    assert.deepEqual(held(second), [], 'each station back on the same process');
    const again = await rerun;
    assert.equal(again.exitCode, 0, again.result.reason);
    const after = await csms.stats();
    assert.equal(after.connections.accepted, 50);
    assert.equal(after.boots.accepted, 50);
    assert.equal(after.transactions.unknown, 0, 'no transaction met a process that did not start it');
  } finally {
    await csms.stop();
  }
});

test('a CSMS process killed during a run is the CSMS\'s death: csmsDied, exit 3, the line it wrote', { timeout: 120_000 }, async () => {
  const dir = tempDir('csms-processes-killed');
  const scenario = writeScenario(dir, 'killed', `${FLEET.replace('duration: 5s', 'duration: 60s')}csms:\n  processes: 2\n`);
  const done = runFleet({ scenario, out: join(dir, 'out') });
  const worker = await duringRun(done, 'the CSMS\'s 2 processes', () => {
    for (const csms of childrenRunning(process.pid, 'main.js')) {
      const workers = childrenRunning(csms, 'cluster-worker.js');
      if (workers.length === 2) return workers[1];
    }
    return undefined;
  });
  await new Promise((r) => setTimeout(r, 2000));
  process.kill(worker as number, 'SIGKILL');
  const { summary, exitCode, result } = await done;
  assert.equal(result.reason, 'csmsDied');
  assert.equal(summary.targets?.length, 2, 'the run connected each station straight to its CSMS process');
  assert.equal(exitCode, 3);
  assert.equal(summary.csms?.alive, false);
  assert.ok(summary.csms?.exit?.lastLines.some((l) => /^error: CSMS process 2 of 2 exited with SIGKILL; the CSMS stops$/.test(l)), JSON.stringify(summary.csms?.exit));
  assert.ok(summary.durationMs < 30_000, `stopped after ${summary.durationMs} ms`);
});

test('ocpp-fleet csms --processes 2 in a terminal\'s group: Ctrl-C stops every process and prints the counts of all', { timeout: 60_000 }, async () => {
  const csms = spawn(process.execPath, [CLI, 'csms', '--port', '0', '--processes', '2'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  csms.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const ended = finished(csms, 45_000);
  const port = await waitFor('the CSMS to listen', () => /CSMS listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1], 30_000);
  assert.equal(childrenRunning(csms.pid as number, 'cluster-worker.js').length, 2);
  // Answering for both processes before the Ctrl-C.
  const stats = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { connections: { now: number } };
  assert.equal(stats.connections.now, 0);
  process.kill(-(csms.pid as number), 'SIGINT');
  const r = await ended;
  assert.equal(r.code, 0, `${r.stderr} (signal ${String(csms.signalCode)})`);
  assert.match(r.stderr, /^CSMS stats after [\d.]+ s$/m);
  assert.doesNotMatch(r.stderr, /exited with/);
  const bad = await runCliInProcess(['csms', '--port', '0', '--processes', '2', '--nodes', '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--processes and --nodes cannot be combined/);
});
