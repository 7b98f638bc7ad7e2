import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Aggregator } from '../../src/metrics/aggregator';
import { RecordKind, packHeader } from '../../src/metrics/record';
import { readHlog } from '../../src/report/hlog';
import { HLOG_FILE, SUMMARY_FILE, TIMESERIES_FILE, resultsDirName, writeResults } from '../../src/report/results-dir';
import type { RunInfo, Summary } from '../../src/report/summary';
import { formatTable } from '../../src/report/table';
import { ACTION, ERROR, GROUP, NAMES } from '../helpers/metrics-names';
import { tempDir } from '../helpers/temp-dir';

const STARTED = new Date('2026-11-23T22:17:00.000Z');

function runInfo(agg: Aggregator): RunInfo {
  return {
    version: '0.1.0', scenario: 'smoke', seed: 42, target: 'ws://127.0.0.1:9000/ocpp',
    startedAt: STARTED, endedAt: new Date(STARTED.getTime() + 12_345), partial: false,
    fleet: { planned: 10, connected: 9, booted: 9, failedToConnect: 1 },
    settings: { workers: 2 }, thresholds: [], passed: true, recordsWritten: agg.ingested,
  };
}

/** Three seconds of Heartbeats (5 ms, served in 4 ms) and MeterValues (20 ms), over two groups. */
function fill(agg: Aggregator): void {
  for (let s = 0; s < 3; s++) {
    agg.sampleGauges(s, { total: { connected: 9, booted: 9 - s, charging: s }, groups: [
      { connected: 6, booted: 6, charging: s }, { connected: 3, booted: 3 - s, charging: 0 }] });
    for (let i = 0; i < 500; i++) {
      const group = i % 2 === 0 ? GROUP.urban : GROUP.highway;
      agg.ingest(packHeader(RecordKind.CallOk, group, ACTION.Heartbeat), 5000, 4000, s * 1000 + i);
      agg.ingest(packHeader(RecordKind.CallOk, group, ACTION.MeterValues), 20_000, 19_000, s * 1000 + i);
    }
    agg.ingest(packHeader(RecordKind.CallTimeout, 0, ACTION.MeterValues), 30_000_000, 0, s * 1000 + 900);
  }
  for (let i = 0; i < 9; i++) agg.ingest(packHeader(RecordKind.ConnectOk, 0, 0), 3000, 0, 10);
  agg.ingest(packHeader(RecordKind.ConnectFail, 1, ERROR.ECONNREFUSED), 100, 0, 10);
  agg.ingest(packHeader(RecordKind.BootAccepted, 0, 0), 50_000, 0, 60);
  agg.ingest(packHeader(RecordKind.IncomingReceived, 0, ACTION.RemoteStartTransaction), 0, 0, 70);
  agg.ingest(packHeader(RecordKind.IncomingAnswered, 0, ACTION.RemoteStartTransaction), 900, 0, 71);
}

async function withResults(check: (dir: string, summary: Summary, agg: Aggregator) => Promise<void>): Promise<void> {
  const dir = tempDir('report');
  try {
    const agg = new Aggregator(NAMES);
    fill(agg);
    const summary = await writeResults(join(dir, 'run'), agg, runInfo(agg));
    await check(join(dir, 'run'), summary, agg);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('resultsDirName: UTC timestamp then a folder-safe scenario name', () => {
  assert.equal(resultsDirName(STARTED, 'smoke'), join('results', '20261123T221700Z-smoke'));
  assert.equal(resultsDirName(STARTED, '../my scenario!'), join('results', '20261123T221700Z-my-scenario'));
});

test('summary.json holds the contract fields with values in ms', async () => {
  await withResults(async (dir) => {
    const s = JSON.parse(await readFile(join(dir, SUMMARY_FILE), 'utf8')) as Summary;
    assert.equal(s.tool, 'ocpp-fleet');
    assert.equal(s.startedAt, '2026-11-23T22:17:00.000Z');
    assert.equal(s.durationMs, 12_345);
    assert.equal(s.seed, 42);
    assert.deepEqual(s.fleet, { planned: 10, connected: 9, booted: 9, failedToConnect: 1 });
    const hb = s.actions.Heartbeat;
    assert.deepEqual([hb.sent, hb.ok, hb.callErrors, hb.timeouts, hb.invalid, hb.aborted], [1500, 1500, 0, 0, 0, 0]);
    assert.ok(Math.abs(hb.latencyMs.p50 - 5) <= 0.01, `p50 ${hb.latencyMs.p50}`);
    assert.ok(Math.abs(hb.latencyMs.p999 - 5) <= 0.01, `p99.9 ${hb.latencyMs.p999}`);
    assert.ok(Math.abs(hb.latencyMs.mean - 5) <= 0.01, `mean ${hb.latencyMs.mean}`);
    assert.ok(Math.abs(hb.serviceTimeMs.p99 - 4) <= 0.01, `service p99 ${hb.serviceTimeMs.p99}`);
    assert.ok(Math.abs(hb.dispatchDelayMs.p50 - 1) <= 0.001, `dispatch p50 ${hb.dispatchDelayMs.p50}`);
    assert.equal(s.actions.MeterValues.timeouts, 3);
    assert.equal(s.actions.MeterValues.sent, 1503);
    assert.ok(Math.abs(s.actions.MeterValues.latencyMs.p90 - 20) <= 0.02);
    assert.deepEqual(s.incoming, { RemoteStartTransaction: { received: 1, answered: 1, bytes: { sent: 0, received: 0 } } });
    assert.deepEqual({ ...s.connect, latencyMs: undefined }, { attempts: 10, ok: 9, errors: 1, latencyMs: undefined });
    assert.ok(Math.abs(s.connect.latencyMs.p50 - 3) <= 0.003);
    assert.equal(s.boot.accepted, 1);
    assert.ok(Math.abs(s.boot.timeToAcceptedMs.max - 50) <= 0.05);
    assert.deepEqual(s.errors, { ECONNREFUSED: 1 });
    assert.equal(s.groups.urban.actions.Heartbeat.ok, 750);
    assert.equal(s.groups.highway.actions.MeterValues.ok, 750);
    assert.deepEqual(s.groups.highway.fleet, { connected: 3, booted: 1, charging: 0 });
    assert.deepEqual(s.pump, { recordsWritten: 3016, recordsAggregated: 3016 });
    assert.deepEqual(s.settings, { workers: 2 });
    assert.equal(s.passed, true);
  });
});

test('histograms.hlog read back gives the same counts and percentiles per tag', async () => {
  await withResults(async (dir, _summary, agg) => {
    const text = await readFile(join(dir, HLOG_FILE), 'utf8');
    assert.match(text, /^#\[StartTime: 1795472220\.000 /m);
    assert.match(text, /^Tag=Heartbeat,0\.000,1\.000,5\.\d+,HIST/m);
    const tags = await readHlog(join(dir, HLOG_FILE));
    assert.deepEqual([...tags.keys()].sort(), ['Heartbeat', 'Heartbeat.service', 'MeterValues', 'MeterValues.service', 'connect', 'group=highway', 'group=urban']);
    // A group's intervals hold every answered call of its own actions.
    for (const [group, actions] of agg.groups()) {
      const answered = [...actions.values()].reduce((n, s) => n + s.response.totalCount, 0);
      assert.equal(tags.get(`group=${group}`)?.totalCount, answered, group);
    }
    const actions = agg.actions();
    for (const name of ['Heartbeat', 'MeterValues']) {
      const live = actions.get(name);
      const read = tags.get(name);
      assert.ok(live !== undefined && read !== undefined);
      assert.equal(read.totalCount, live.response.totalCount);
      for (const p of [50, 90, 99, 99.9]) assert.equal(read.getValueAtPercentile(p), live.response.getValueAtPercentile(p));
      assert.equal(tags.get(`${name}.service`)?.totalCount, live.service.totalCount);
    }
    assert.equal(tags.get('connect')?.totalCount, 9);
  });
});

test('timeseries.csv: one row per second with gauges, counts and latencies', async () => {
  await withResults(async (dir) => {
    const lines = (await readFile(join(dir, TIMESERIES_FILE), 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], 'second,time,connected,booted,charging,calls,ok,errors,timeouts,p50_ms,p99_ms,max_ms');
    assert.equal(lines.length, 4);
    const row = lines[2].split(',');
    assert.deepEqual(row.slice(0, 9), ['1', '2026-11-23T22:17:01.000Z', '9', '8', '1', '1001', '1000', '0', '1']);
    const [p50, p99, max] = row.slice(9).map(Number);
    assert.ok(Math.abs(p50 - 5) <= 0.01 && Math.abs(p99 - 20) <= 0.02 && Math.abs(max - 20) <= 0.02, row.join(','));
  });
});

test('the end-of-run table aligns columns and shows ms', async () => {
  await withResults(async (_dir, summary) => {
    const lines = formatTable(summary).trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0], /^action\s+count\s+ok\s+errors\s+timeouts\s+p50 ms\s+p90 ms\s+p99 ms\s+p99\.9 ms\s+max ms$/);
    assert.match(lines[1], /^Heartbeat\s+1500\s+1500\s+0\s+0\s+5\.00\d\s+5\.00\d/);
    assert.match(lines[2], /^MeterValues\s+1503\s+1500\s+0\s+3\s+20\.0\d\d/);
    assert.match(lines[3], /^\(connect\)\s+10\s+9\s+1\s+-\s+3\.00\d/);
    assert.match(lines[4], /^\(boot\)\s+1\s+1\s+-\s+-\s+50\.0\d\d/);
    // Right-aligned numbers end in the same column on every line.
    const ends = lines.map((line) => line.length);
    assert.equal(new Set(ends).size, 1, formatTable(summary));
  });
});
