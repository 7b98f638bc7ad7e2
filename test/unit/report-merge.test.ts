import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultSummary } from '../../src/report/faults';
import { MergeError, mergeSummaries, type ShardSummary } from '../../src/report/merge-summary';
import type { ActionSummary, Summary } from '../../src/report/summary';

const ZERO: ActionSummary['latencyMs'] = { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
const START = Date.parse('2026-11-24T10:00:00.000Z');

function shard(dir: string, startOffsetMs: number, extra: Partial<Summary>): ShardSummary {
  const startedAt = new Date(START + startOffsetMs).toISOString();
  const summary: Summary = {
    tool: 'ocpp-fleet', version: '0.1.0', scenario: 's', seed: 1, target: 't', startedAt,
    endedAt: new Date(START + startOffsetMs + 10_000).toISOString(), durationMs: 10_000, partial: false,
    fleet: { planned: 10, connected: 10, booted: 10, failedToConnect: 0 },
    actions: {}, incoming: {}, connect: { attempts: 0, ok: 0, errors: 0, latencyMs: ZERO }, boot: { accepted: 10, timeToAcceptedMs: ZERO },
    errors: {}, counters: {}, groups: {}, thresholds: [], passed: true, pump: { recordsWritten: 0, recordsAggregated: 0 }, settings: {},
    ...extra,
  };
  return { dir, summary, startMs: START + startOffsetMs };
}

function fault(stations: number, effects: FaultSummary['effects'], kind = 'drop', atMs = 30_000): FaultSummary {
  return { index: 0, kind, at: '30s', atMs, share: 0.5, groups: null, stations, effects };
}

test('merge adds the targets per URL in their first order, keeping each shard\'s own embedded CSMS apart', () => {
  const a = shard('s1', 0, { targets: [{ url: 'ws://a/ocpp', stations: 6, connected: 5 }, { url: 'ws://b/ocpp', stations: 4, connected: 4 }] });
  const b = shard('s2', 200, { targets: [{ url: 'ws://b/ocpp', stations: 3, connected: 2 }, { url: 'ws://a/ocpp', stations: 7, connected: 7 }, { url: 'ws://c/ocpp', stations: 1, connected: 0 }] });
  const merged = mergeSummaries([a, b, shard('s3', 0, {})], new Map());
  assert.deepEqual(merged.targets, [
    { url: 'ws://a/ocpp', stations: 13, connected: 12 },
    { url: 'ws://b/ocpp', stations: 7, connected: 6 },
    { url: 'ws://c/ocpp', stations: 1, connected: 0 },
  ]);
  assert.equal(mergeSummaries([shard('s1', 0, {}), shard('s2', 0, {})], new Map()).targets, undefined);
});

test('merge adds the embedded CSMSs\' signed meter value counts: each shard had its own CSMS', () => {
  const a = shard('s1', 0, { csms: { alive: true, signedMeterValues: { verified: 120, failed: 3 } } });
  const b = shard('s2', 0, { csms: { alive: true, signedMeterValues: { verified: 80, failed: 0 } } });
  assert.deepEqual(mergeSummaries([a, b, shard('s3', 0, {})], new Map()).csms, { alive: true, signedMeterValues: { verified: 200, failed: 3 } });
  assert.equal('csms' in mergeSummaries([shard('s1', 0, {})], new Map()), false);
});

test('merge: one shard\'s CSMS died: the merged CSMS is not alive, with that death on the merged time line', () => {
  const exit = { code: null, signal: 'SIGKILL', atMs: 8100, lastLines: ['CSMS listening on ws://127.0.0.1:9000 (OCPP 1.6, 2.0.1)'] };
  const a = shard('s1', 0, { csms: { alive: true, signedMeterValues: { verified: 120, failed: 3 } } });
  // The second shard started 400 ms after the first: its CSMS died 8,500 ms after the merged start.
  const b = shard('s2', 400, { csms: { alive: false, exit } });
  assert.deepEqual(mergeSummaries([a, b], new Map()).csms, {
    alive: false,
    exit: { ...exit, atMs: 8500 },
    signedMeterValues: { verified: 120, failed: 3 },
  });
  // No shard's CSMS could be asked for its counts: none are made up.
  assert.deepEqual(mergeSummaries([b], new Map()).csms, { alive: false, exit });
  // A summary written before `alive` existed reads as a CSMS that lived.
  const old = shard('s3', 0, { csms: { signedMeterValues: { verified: 1, failed: 0 } } as unknown as Summary['csms'] });
  assert.equal(mergeSummaries([old], new Map()).csms?.alive, true);
});

test('merge adds each fault\'s stations and effects, and refuses shards of different timelines', () => {
  const a = shard('s1', 0, { faults: [fault(5, { dropped: 5, reconnected: 4 }), fault(0, { sent: { invalidJson: 2 }, accepted: 1 }, 'malformed', 0)] });
  const b = shard('s2', 0, { faults: [fault(6, { dropped: 6, rebooted: 6 }), fault(0, { sent: { invalidJson: 1, notArray: 3 } }, 'malformed', 0)] });
  const merged = mergeSummaries([a, b], new Map()).faults;
  assert.equal(merged?.length, 2);
  assert.equal(merged?.[0]?.stations, 11);
  assert.deepEqual(merged?.[0]?.effects, { dropped: 11, reconnected: 4, rebooted: 6 });
  assert.deepEqual(merged?.[1]?.effects, { accepted: 1, sent: { invalidJson: 3, notArray: 3 } });
  assert.equal(merged?.[0]?.at, '30s');
  const other = shard('s3', 0, { faults: [fault(1, {}, 'restart')] });
  assert.throws(() => mergeSummaries([a, other], new Map()), (err: Error) => err instanceof MergeError && /s3: its faults timeline \(restart@30000\)/.test(err.message));
});

test('a group\'s time to all booted: the latest shard\'s, on the merged time line; absent when a shard never got there', () => {
  const group = (planned: number, timeToAllBootedMs?: number): Summary['groups'][string] => ({
    fleet: { planned, connected: planned, booted: planned, failedToConnect: 0, ...(timeToAllBootedMs === undefined ? {} : { timeToAllBootedMs }) },
    actions: {},
  });
  // The second shard started 300 ms later: its 1,200 ms end 1,500 ms after the merged start.
  const a = shard('s1', 0, { groups: { acquired: group(5, 1400), empty: group(1, 90) } });
  const b = shard('s2', 300, { groups: { acquired: group(5, 1200), empty: group(0) } });
  const merged = mergeSummaries([a, b], new Map()).groups;
  assert.equal(merged.acquired?.fleet?.timeToAllBootedMs, 1500);
  assert.equal(merged.acquired?.fleet?.planned, 10);
  // A shard with none of the group's stations has nothing to wait for.
  assert.equal(merged.empty?.fleet?.timeToAllBootedMs, 90);
  const c = shard('s3', 0, { groups: { acquired: group(5) } });
  assert.equal(mergeSummaries([a, c], new Map()).groups.acquired?.fleet?.timeToAllBootedMs, undefined);
});
