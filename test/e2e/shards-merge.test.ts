import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { merge, RunOptionError } from '../../src/index';
import { latencyMs } from '../../src/report/format';
import { readHlog } from '../../src/report/hlog';
import type { Summary } from '../../src/report/summary';
import { readSummary, REPO_ROOT, runCli, writeScenario } from '../helpers/fleet-cli';
import { Scratch } from '../helpers/heartbeat-fleet';
import { runFleets } from '../helpers/run-fleet';

/**
 * A fleet run as two shards, merged, against the same fleet run whole: counts agree, and the
 * merged percentiles are those of the union of both shards' samples. The runs go through run()
 * at once in this process, the merges through merge(); the CLI is run for what only it does
 * (`merge`'s output, reading --shard).
 */
const SCENARIO = `
name: sharded
duration: 4s
seed: 21
gracefulStop: 2s
groups:
  - name: old
    count: 10
    ocpp: "1.6"
    identity: "SH16-{index:02}"
    ramp: 50/s
    heartbeatInterval: 1s
    sessions: { idle: 1h, duration: 1m, meterInterval: 10s }
  - name: new
    count: 10
    ocpp: "2.0.1"
    identity: "SH201-{index:02}"
    ramp: 50/s
    heartbeatInterval: 1s
    sessions: { idle: 1h, duration: 1m, meterInterval: 10s }
`;

const scratch = new Scratch();
after(() => scratch.close());

function sumCol(csv: string, column: string): number {
  const [head, ...rows] = csv.trim().split('\n');
  const i = (head ?? '').split(',').indexOf(column);
  return rows.reduce((n, r) => n + Number(r.split(',')[i] || 0), 0);
}

test('two shards merged equal one process in counts, and merged percentiles are those of the union', async () => {
  const [single, sharded] = await Promise.all([scratch.csms(), scratch.csms()]);
  const dir = scratch.dir('shards');
  const file = writeScenario(dir, 'sharded', SCENARIO);
  const out = (name: string): string => join(dir, name);
  const runs = await runFleets([
    { scenario: file, url: single.url, workers: 1, out: out('single') },
    { scenario: file, url: sharded.url, workers: 1, shard: '1/2', out: out('s1') },
    { scenario: file, url: sharded.url, workers: 1, shard: '2/2', out: out('s2') },
  ]);
  for (const r of runs) assert.equal(r.exitCode, 0, r.result.reason);
  // The command once (its table and its line), the library's merge in the other test.
  const command = await runCli(['merge', out('s1'), out('s2'), '--out', out('merged')]);
  assert.equal(command.code, 0, command.stderr);
  assert.match(command.stdout, /merged 2 folders/);

  const one: Summary = readSummary(out('single'));
  const s1 = readSummary(out('s1'));
  const s2 = readSummary(out('s2'));
  const merged = readSummary(out('merged'));
  assert.equal(s1.fleet.planned, 10);
  assert.equal(s2.fleet.planned, 10);
  assert.equal(s1.settings.shard, '1/2');

  // Counts: the same fleet, the same deterministic traffic (boots and statuses).
  assert.deepEqual(merged.fleet, one.fleet);
  assert.deepEqual(merged.fleet, { planned: 20, connected: 20, booted: 20, failedToConnect: 0, notStarted: 0 });
  assert.equal(merged.actions.BootNotification?.sent, 20);
  assert.equal(merged.actions.BootNotification?.sent, one.actions.BootNotification?.sent);
  assert.equal(merged.actions.StatusNotification?.sent, one.actions.StatusNotification?.sent);
  assert.equal(merged.boot.accepted, 20);
  const csms = await sharded.stats();
  for (const [action, a] of Object.entries(merged.actions)) {
    assert.equal(a.sent, (s1.actions[action]?.sent ?? 0) + (s2.actions[action]?.sent ?? 0), action);
    assert.equal(csms.incoming[action]?.received, a.sent, `${action}: what the CSMS saw`);
  }
  assert.deepEqual(Object.keys(merged.groups).sort(), ['new', 'old']);
  assert.equal(merged.groups.old?.actions.BootNotification?.sent, 10);
  assert.equal(merged.pump.recordsAggregated, s1.pump.recordsAggregated + s2.pump.recordsAggregated);

  // Percentiles: recomputed here from the union of the shards' per-second logs.
  const union = await readHlog(join(out('s1'), 'histograms.hlog'));
  await readHlog(join(out('s2'), 'histograms.hlog'), union);
  for (const action of ['BootNotification', 'Heartbeat', 'StatusNotification']) {
    const h = union.get(action);
    assert.ok(h && h.totalCount > 0, action);
    const expected = latencyMs(h);
    assert.equal(merged.actions[action]?.latencyMs.p50, expected.p50, `${action} p50`);
    assert.equal(merged.actions[action]?.latencyMs.p99, expected.p99, `${action} p99`);
    assert.equal(merged.actions[action]?.latencyMs.max, expected.max, `${action} max`);
  }

  // The time series are on one time line and their counts add up.
  const csv = (d: string): string => readFileSync(join(out(d), 'timeseries.csv'), 'utf8');
  assert.equal(sumCol(csv('merged'), 'calls'), sumCol(csv('s1'), 'calls') + sumCol(csv('s2'), 'calls'));
  // One row a second over the shards' common span: the 4 s of load and more, no second twice.
  const rows = csv('merged').trim().split('\n').length - 1;
  assert.ok(rows >= 5 && rows <= Math.ceil(merged.durationMs / 1000) + 1, `${rows} rows over ${merged.durationMs} ms`);
  assert.ok(existsSync(join(out('merged'), 'report.html')));
});

/** Shards that each start their own embedded CSMS with two nodes, signing meter values, with a fault. */
const EMBEDDED = `
name: sharded-embedded
duration: 4s
seed: 5
gracefulStop: 2s
csms: {nodes: 2}
faults:
  - at: 2s
    drop: {share: 1}
groups:
  - name: signed
    count: 8
    ocpp: "2.0.1"
    identity: "SE-{index:02}"
    ramp: all
    reconnect: {min: 200ms, max: 1s, jitter: 0.5}
    sessions: {idle: 300ms, duration: 1s, meterInterval: 250ms}
    signedMeterValues: {format: ocmf, tamperShare: 0.2}
`;

test('merging shards of embedded CSMSs: targets per node URL, the CSMSs\' signed value counts and the faults add up', { timeout: 60_000 }, async () => {
  const dir = scratch.dir('shards-embedded');
  const file = writeScenario(dir, 'sharded-embedded', EMBEDDED);
  const out = (name: string): string => join(dir, name);
  const runs = await runFleets(['1/2', '2/2'].map((shard, i) => ({ scenario: file, workers: 1, shard, out: out(`e${i + 1}`) })));
  for (const r of runs) assert.equal(r.exitCode, 0, r.result.reason);
  const merged = await merge([out('e1'), out('e2')], out('merged'));
  assert.deepEqual(merged, readSummary(out('merged')), 'the summary returned is the one written');
  const [e1, e2] = [readSummary(out('e1')), readSummary(out('e2'))];

  // Two CSMSs of two nodes each: four URLs, every station on one of them.
  assert.equal(merged.targets?.length, 4);
  assert.deepEqual(merged.targets?.map((t) => t.url), [...(e1.targets ?? []), ...(e2.targets ?? [])].map((t) => t.url));
  assert.equal(merged.targets?.reduce((n, t) => n + t.stations, 0), 8);

  const signed = (s: Summary): { verified: number; failed: number } => s.csms?.signedMeterValues ?? { verified: -1, failed: -1 };
  assert.ok(signed(e1).verified > 0 && signed(e2).verified > 0, JSON.stringify([e1.csms, e2.csms]));
  assert.equal(signed(merged).verified, signed(e1).verified + signed(e2).verified);
  assert.equal(signed(merged).failed, signed(e1).failed + signed(e2).failed);
  // A tampered value still queued offline at the end never reached a CSMS.
  assert.ok(signed(merged).failed <= (merged.counters.tamperedMeterValues ?? 0), JSON.stringify(merged.counters));

  assert.equal(merged.faults?.length, 1);
  assert.equal(merged.faults?.[0]?.stations, (e1.faults?.[0]?.stations ?? 0) + (e2.faults?.[0]?.stations ?? 0));
  assert.ok((merged.faults?.[0]?.stations ?? 0) > 0);
  assert.equal(merged.faults?.[0]?.effects.dropped, merged.counters.faultDrops);
  assert.equal(typeof merged.groups.signed?.fleet?.timeToAllBootedMs, 'number');
  const latest = Math.max(...[e1, e2].map((s) => (s.groups.signed?.fleet?.timeToAllBootedMs ?? 0) + Date.parse(s.startedAt))) - Date.parse(merged.startedAt);
  assert.equal(merged.groups.signed?.fleet?.timeToAllBootedMs, latest);
});

test('the shard is checked: I/N with 1 ≤ I ≤ N, and the CLI\'s index/N needs JOB_COMPLETION_INDEX', async () => {
  await assert.rejects(
    runFleets([{ scenario: join(REPO_ROOT, 'scenarios/smoke.yaml'), shard: '3/2' }]),
    (e: unknown) => e instanceof RunOptionError && /options\.shard must be "I\/N" or \{ index, count \} with 1 ≤ I ≤ N ≤ \d+, got "3\/2"/.test(e.message),
  );
  const bad = await runCli(['run', '--shard', '3/2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--shard must be I\/N with 1 ≤ I ≤ N, e.g. 2\/4, got "3\/2"/);
  const k8s = await runCli(['run', '--shard', 'index/4'], 30_000, { JOB_COMPLETION_INDEX: '' });
  assert.equal(k8s.code, 2);
  assert.match(k8s.stderr, /takes I from JOB_COMPLETION_INDEX/);
});
