import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { finished, readSummary, spawnCli, tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';

const SCENARIO = `
name: e2e-interrupt
duration: 5m
seed: 9
callTimeout: 5s
gracefulStop: 10s
groups:
  - name: mixed16
    count: 50
    ocpp: "1.6"
    connectors: 2
    identity: "INT16-{index:03}"
    ramp: 200/s
    sessions: { idle: 200ms, duration: 5m, meterInterval: 1s }
  - name: mixed201
    count: 50
    ocpp: "2.0.1"
    connectors: 2
    identity: "INT201-{index:03}"
    ramp: 200/s
    sessions: { idle: 200ms, duration: 5m, meterInterval: 1s }
`;

const servers: EmbeddedCsms[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function startCharging(name: string): Promise<{ csms: EmbeddedCsms; out: string; done: ReturnType<typeof finished>; signal: (s: NodeJS.Signals) => void }> {
  const csms = await startEmbeddedCsms({});
  servers.push(csms);
  const dir = tempDir(name);
  const out = join(dir, 'out');
  const cli = spawnCli(['run', writeScenario(dir, name, SCENARIO), '--url', csms.url, '--workers', '2', '--out', out, '--quiet']);
  // The bounds are the run's (5 minutes of charging), not a guess at how fast a loaded machine
  // starts a CLI, its workers and 100 stations: the wait fails at once if the CLI ends first.
  const done = finished(cli, 280_000);
  await waitFor('most connectors charging', async () => {
    if (cli.exitCode !== null || cli.signalCode !== null) throw new Error(`the CLI ended (${cli.exitCode ?? cli.signalCode}) before 150 connectors were charging`);
    const s = await csms.stats();
    return s.transactions.active >= 150 ? s : undefined;
  }, 240_000);
  return { csms, out, done, signal: (s) => cli.kill(s) };
}

test('Ctrl-C stops every running transaction cleanly and leaves a partial results folder (exit 3)', async () => {
  const { csms, out, done, signal } = await startCharging('interrupt');
  signal('SIGINT');
  const result = await done;
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /stopping: finishing running transactions/);
  const summary = readSummary(out);
  assert.equal(summary.partial, true);
  for (const f of ['summary.json', 'histograms.hlog', 'timeseries.csv']) assert.ok(existsSync(join(out, f)), f);
  const stats = await csms.stats();
  // Every transaction the CSMS saw start was stopped before the sockets closed.
  assert.equal(stats.transactions.active, 0, JSON.stringify(stats.transactions));
  assert.equal(stats.transactions.started, stats.transactions.stopped);
  assert.equal(summary.actions.StopTransaction?.ok, summary.actions.StartTransaction?.ok);
  assert.equal(summary.counters.sessionsStarted, summary.counters.sessionsCompleted);
  assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten);
});

test('a second Ctrl-C stops at once and still writes what was measured', async () => {
  const { out, done, signal } = await startCharging('interrupt2');
  signal('SIGINT');
  signal('SIGINT');
  const result = await done;
  assert.equal(result.code, 3, result.stderr);
  const summary = readSummary(out);
  assert.equal(summary.partial, true);
  assert.equal(summary.fleet.booted, 100);
  assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten);
  for (const [action, a] of Object.entries(summary.actions)) {
    assert.equal(a.sent, a.ok + a.callErrors + a.timeouts + a.invalid + a.aborted, action);
  }
});
