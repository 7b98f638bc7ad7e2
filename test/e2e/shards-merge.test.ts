import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { latencyMs } from '../../src/report/format';
import { readHlog } from '../../src/report/hlog';
import type { Summary } from '../../src/report/summary';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * A fleet run as two shards in two processes, merged, against the same fleet in one process:
 * counts agree, and the merged percentiles are those of the union of both shards' samples.
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

const servers: EmbeddedCsms[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

function sumCol(csv: string, column: string): number {
  const [head, ...rows] = csv.trim().split('\n');
  const i = (head ?? '').split(',').indexOf(column);
  return rows.reduce((n, r) => n + Number(r.split(',')[i] || 0), 0);
}

test('two shards merged equal one process in counts, and merged percentiles are those of the union', async () => {
  const [single, sharded] = await Promise.all([startEmbeddedCsms({}), startEmbeddedCsms({})]);
  servers.push(single as EmbeddedCsms, sharded as EmbeddedCsms);
  const dir = tempDir('shards');
  const file = writeScenario(dir, 'sharded', SCENARIO);
  const out = (name: string): string => join(dir, name);
  const runs = await Promise.all([
    runCli(['run', file, '--url', (single as EmbeddedCsms).url, '--workers', '1', '--out', out('single'), '--quiet']),
    runCli(['run', file, '--url', (sharded as EmbeddedCsms).url, '--workers', '1', '--shard', '1/2', '--out', out('s1'), '--quiet']),
    runCli(['run', file, '--url', (sharded as EmbeddedCsms).url, '--workers', '1', '--shard', '2/2', '--out', out('s2'), '--quiet']),
  ]);
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const merge = await runCli(['merge', out('s1'), out('s2'), '--out', out('merged')]);
  assert.equal(merge.code, 0, merge.stderr);
  assert.match(merge.stdout, /merged 2 folders/);

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
  const csms = await (sharded as EmbeddedCsms).stats();
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
  const rows = csv('merged').trim().split('\n').length - 1;
  assert.ok(rows >= 5 && rows <= 12, `${rows} seconds`);
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
  const dir = tempDir('shards-embedded');
  const file = writeScenario(dir, 'sharded-embedded', EMBEDDED);
  const out = (name: string): string => join(dir, name);
  const runs = await Promise.all(
    ['1/2', '2/2'].map((shard, i) => runCli(['run', file, '--workers', '1', '--shard', shard, '--out', out(`e${i + 1}`), '--quiet'])),
  );
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const merge = await runCli(['merge', out('e1'), out('e2'), '--out', out('merged'), '--quiet']);
  assert.equal(merge.code, 0, merge.stderr);
  const [e1, e2, merged] = [readSummary(out('e1')), readSummary(out('e2')), readSummary(out('merged'))];

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

test('--shard is checked: I/N with 1 ≤ I ≤ N, and index/N needs JOB_COMPLETION_INDEX', async () => {
  const bad = await runCli(['run', '--shard', '3/2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--shard must be I\/N with 1 ≤ I ≤ N, e.g. 2\/4, got "3\/2"/);
  const k8s = await runCli(['run', '--shard', 'index/4'], 30_000, { JOB_COMPLETION_INDEX: '' });
  assert.equal(k8s.code, 2);
  assert.match(k8s.stderr, /takes I from JOB_COMPLETION_INDEX/);
});
