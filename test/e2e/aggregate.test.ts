import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startEmbeddedCsms } from '../../src/csms/child';
import { runCliInProcess } from '../helpers/cli-in-process';
import { CLI, finished, readSummary, REPO_ROOT, tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';

/**
 * A sharded run judged live as one fleet: `ocpp-fleet aggregate` and three `run --shard I/3
 * --aggregator URL` (as the pods of a Kubernetes Indexed Job would run them), real processes
 * against a real CSMS. A threshold breached by one shard's share (its only station of a group)
 * stops every shard long before the planned end; the aggregator's folder is the union of theirs.
 */
const SCENARIO = `
name: aggregated
duration: 60s
gracefulStop: 2s
groups:
  - name: many
    count: 12
    ocpp: "1.6"
    identity: "AGG-{index}"
    heartbeatInterval: 1s
  - name: solo
    count: 1
    ocpp: "2.0.1"
    identity: "AGGSOLO-{index}"
    heartbeatInterval: 1s
`;

const started: ChildProcess[] = [];
after(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

function cli(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  return child;
}

test('three shards and their aggregator: a breach in one shard\'s share stops them all; the aggregator\'s counts are the union', { timeout: 120_000 }, async () => {
  const csms = await startEmbeddedCsms();
  const dir = tempDir('aggregate');
  const scenario = writeScenario(dir, 'agg', SCENARIO);
  try {
    const judge = cli(['aggregate', scenario, '--shards', '3', '--port', '0', '--host', '127.0.0.1', '--quiet', '--out', join(dir, 'all'), '--threshold', 'group:solo.Heartbeat.count < 3 abortOnFail']);
    const judged = finished(judge, 90_000);
    let judgeErr = '';
    judge.stderr?.on('data', (d: Buffer) => (judgeErr += d.toString()));
    const url = await waitFor('the aggregator to listen', () => /ws:\/\/127\.0\.0\.1:\d+/.exec(judgeErr)?.[0], 30_000);
    const shards = [1, 2, 3].map((i) => finished(cli(['run', scenario, '--shard', `${i}/3`, '--url', csms.url, '--aggregator', url, '--quiet', '--out', join(dir, `shard-${i}`)]), 90_000));
    const [all, ...parts] = await Promise.all([judged, ...shards]);
    assert.equal(all?.code, 1, all?.stderr);
    assert.match(all?.stderr ?? '', /threshold failed, aborting the run \(abortOnFail\): group:solo\.Heartbeat\.count/);
    const summary = readSummary(join(dir, 'all'));
    assert.equal(summary.passed, false);
    assert.ok(summary.durationMs < 30_000, `stopped after ${summary.durationMs} ms of a planned 60 s`);
    const pieces = [1, 2, 3].map((i) => readSummary(join(dir, `shard-${i}`)));
    parts.forEach((p, i) => {
      assert.equal(p.code, 3, `shard ${i + 1} was stopped: ${p.stderr}`);
      assert.equal(pieces[i]?.partial, true);
    });
    assert.equal(pieces.filter((p) => (p.groups.solo?.fleet?.planned ?? 0) > 0).length, 1, 'one shard held the breaching share');
    assert.equal(new Set(pieces.map((p) => p.startedAt)).size, 1, 'one epoch');
    const sum = (s: typeof summary): number => Object.values(s.actions).reduce((n, a) => n + a.sent, 0);
    assert.equal(sum(summary), pieces.reduce((n, p) => n + sum(p), 0), 'the aggregator\'s calls are the shards\' calls');
    assert.equal(summary.fleet.planned, 13);
    assert.deepEqual(summary.processes?.folders, [1, 2, 3].map((i) => join(dir, `shard-${i}`)));
  } finally {
    await csms.stop();
  }
});

test('a shard killed mid-run: the aggregator stops the others and says which went, exit 3', { timeout: 120_000 }, async () => {
  const csms = await startEmbeddedCsms();
  const dir = tempDir('aggregate-killed');
  const scenario = writeScenario(dir, 'agg', SCENARIO);
  try {
    const judge = cli(['aggregate', scenario, '--shards', '2', '--port', '0', '--host', '127.0.0.1', '--quiet', '--out', join(dir, 'all')]);
    const judged = finished(judge, 90_000);
    let judgeErr = '';
    judge.stderr?.on('data', (d: Buffer) => (judgeErr += d.toString()));
    const url = await waitFor('the aggregator to listen', () => /ws:\/\/127\.0\.0\.1:\d+/.exec(judgeErr)?.[0], 30_000);
    const victim = cli(['run', scenario, '--shard', '1/2', '--url', csms.url, '--aggregator', url, '--quiet', '--out', join(dir, 'shard-1')]);
    const survivor = finished(cli(['run', scenario, '--shard', '2/2', '--url', csms.url, '--aggregator', url, '--quiet', '--out', join(dir, 'shard-2')]), 90_000);
    finished(victim, 90_000).catch(() => undefined);
    // Killed once the aggregator has seen the whole fleet booted.
    await waitFor('all 13 stations booted', async () => ((await csms.stats()).boots.accepted >= 13 ? true : undefined), 60_000);
    victim.kill('SIGKILL');
    const [all, other] = await Promise.all([judged, survivor]);
    assert.equal(all.code, 3, all.stderr);
    assert.match(all.stderr, /error: shard 1 of 2 disconnected \(1006\); stopping the run/);
    const summary = readSummary(join(dir, 'all'));
    assert.match(summary.processes?.died ?? '', /^shard 1 of 2 disconnected/);
    assert.ok(summary.durationMs < 30_000, `stopped after ${summary.durationMs} ms of a planned 60 s`);
    assert.equal(other.code, 3, `the survivor was stopped: ${other.stderr}`);
    assert.equal(readSummary(join(dir, 'shard-2')).partial, true);
  } finally {
    await csms.stop();
  }
});

test('refusals: --aggregator without --shard; an aggregator whose shards never all come ends saying which are missing', { timeout: 60_000 }, async () => {
  const dir = tempDir('aggregate-refused');
  const scenario = writeScenario(dir, 'agg', SCENARIO);
  const alone = await runCliInProcess(['run', scenario, '--aggregator', 'ws://127.0.0.1:9']);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /--aggregator needs --shard I\/N/);
  const lonely = await finished(cli(['aggregate', scenario, '--shards', '2', '--port', '0', '--host', '127.0.0.1', '--wait', '1s', '--quiet', '--out', join(dir, 'out')]), 30_000);
  assert.equal(lonely.code, 3, lonely.stderr);
  assert.match(lonely.stderr, /0 of 2 shards connected within 1 s \(missing: 1, 2\)/);
});

test('deploy/kubernetes/aggregator.yaml: its container\'s arguments are an aggregator the CLI takes, waiting for the Job\'s 4 shards', { timeout: 60_000 }, async () => {
  const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/kubernetes/aggregator.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  const job = docs.find((d) => d.kind === 'Job') as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const args = job.spec.template.spec.containers[0]?.args ?? [];
  const dir = tempDir('aggregate-yaml');
  const scenario = writeScenario(dir, 'run', SCENARIO);
  // As a pod runs it, with its volumes mapped onto folders, a free port, and no minutes to wait.
  const local = args.map((a, i) => (a === '/scenarios/run.yaml' ? scenario : a === '/results/all' ? join(dir, 'all') : args[i - 1] === '--port' || args[i - 1] === '--metrics-port' ? '0' : a));
  const r = await finished(cli([...local, '--host', '127.0.0.1', '--wait', '1s']), 30_000);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /aggregator: waiting for 4 shards on ws:\/\/127\.0\.0\.1:\d+\/shard\/I/);
  assert.match(r.stderr, /0 of 4 shards connected within 1 s \(missing: 1, 2, 3, 4\)/);
});
