import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupConfigs } from '../../src/coordinator/groups';
import { splitOverWorkers } from '../../src/coordinator/split';
import type { JsonObject } from '../../src/ocpp';
import { expandPlan, expandStation, type PlannedEvent } from '../../src/scenario/expand';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import type { Station } from '../../src/station/station';
import type { GroupConfig } from '../../src/thread/messages';
import { Recorder, recordingStation } from '../helpers/recording-version';
import { VirtualWorker } from './sessions-harness';

/** Three groups, each with another arrival model, and a day compressed into 24 minutes. */
function scenario(counts: readonly [number, number, number], extraGroup = ''): string {
  return `
seed: 7
timeScale: 60
startTimeOfDay: "06:00"
groups:
  - name: fixed
    count: ${counts[0]}
    ocpp: "1.6"
    connectors: 2
    ramp: 20/s
    sessions:
      arrival: {fixed: {every: 30m}}
      duration: {uniform: {min: 10m, max: 40m}}
      idTags: {pool: shared, size: 20, invalidShare: 0.1}
  - name: poisson
    count: ${counts[1]}
    ocpp: "2.0.1"
    ramp: {linear: {from: 1/s, to: 50/s, over: 2s}}
    sessions:
      idle: 20m
      duration: {lognormal: {median: 45m, sigma: 0.6}}
      evCapacityKwh: 40
      startSocPercent: {normal: {mean: 40, sd: 15}}
      stopReasons: {Local: 0.8, EVDisconnected: 0.1, PowerLoss: 0.1}
  - name: curve
    count: ${counts[2]}
    ocpp: "1.6"
    ramp: all
    sessions:
      arrival: {dailyCurve: {points: [["00:00", 0.1], ["08:00", 1.0], ["18:00", 0.8]], peakPerHour: 2}}
      duration: {normal: {mean: 30m, sd: 20m}}
      idTags: {pool: hot, size: 3}
${extraGroup}`;
}

/** Two hours of the run: five days of scenario time at timeScale 60. */
const HORIZON_MS = 2 * 3_600_000;

/** The events of every station as the workers of an n-worker run would get them: from their share and group config alone. */
function eventsWithWorkers(text: string, workers: number): Map<string, PlannedEvent[]> {
  const s = parseScenario(text, 'determinism.yaml');
  const plan = planFleet(s, s.seed);
  const configs = groupConfigs(s, plan.groups);
  const out = new Map<string, PlannedEvent[]>();
  for (const share of splitOverWorkers(plan, workers)) {
    for (const a of share) {
      const group = configs[a.group] as GroupConfig;
      out.set(a.identity, expandStation(a, group.sessions, group.connectors, HORIZON_MS));
    }
  }
  return out;
}

/** The map's entries in identity order, so that comparisons do not depend on insertion order. */
const sorted = (m: Map<string, PlannedEvent[]>): [string, PlannedEvent[]][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

test('the planned events of every station are the same with 1, 2 and 4 workers', () => {
  const text = scenario([30, 20, 10]);
  const one = eventsWithWorkers(text, 1);
  assert.equal(one.size, 60);
  const sessions = [...one.values()].flat().filter((e) => e.kind === 'session');
  // Enough happens for the comparison to mean something: every model, refused tags, full EVs.
  assert.ok(sessions.length > 1000, `${sessions.length} sessions`);
  assert.ok(sessions.some((e) => e.kind === 'session' && e.refused));
  assert.ok(sessions.some((e) => e.kind === 'session' && e.stopReason === 'EVDisconnected'));
  for (const workers of [2, 4]) assert.deepEqual(sorted(eventsWithWorkers(text, workers)), sorted(one), `${workers} workers`);
  // And the plan's own expansion says the same.
  const s = parseScenario(text, 'determinism.yaml');
  assert.deepEqual(sorted(expandPlan(planFleet(s, s.seed), HORIZON_MS)), sorted(one));
});

test("adding stations or a group changes no other station's events", () => {
  const small = eventsWithWorkers(scenario([30, 20, 10]), 2);
  const large = eventsWithWorkers(scenario([45, 35, 25], '  - {name: more, count: 15, ocpp: "2.0.1", ramp: all, sessions: {idle: 5m, duration: 10m}}'), 4);
  assert.equal(large.size, 120);
  for (const [identity, events] of small) assert.deepEqual(large.get(identity), events, identity);
});

test('another seed gives other sessions to the same stations', () => {
  const a = eventsWithWorkers(scenario([30, 20, 10]), 1);
  const b = eventsWithWorkers(scenario([30, 20, 10]).replace('seed: 7', 'seed: 8'), 1);
  let same = 0;
  for (const [identity, events] of a) if (JSON.stringify(events.filter((e) => e.kind === 'session')) === JSON.stringify(b.get(identity)?.filter((e) => e.kind === 'session'))) same++;
  assert.equal(same, 0);
});

/**
 * A 1.6 station whose plug-ins (its Authorize calls) and stops (its StopTransactions) are recorded by
 * its version object; Authorize answers as the embedded CSMS would.
 */
class RecordingStation {
  readonly rec = new Recorder();
  readonly station: Station;

  constructor(index: number, identity: string, group: GroupConfig, worker: VirtualWorker, seed: number) {
    this.rec.accept = (tag) => !tag.startsWith('INVALID');
    this.station = recordingStation(index, identity, group, worker, seed, this.rec);
  }

  get plugIns(): { connector: number; at: number; tag: string }[] {
    return this.rec.sent.filter((m) => m.action === 'Authorize').map((m) => ({ connector: m.connector as number, at: m.at, tag: (m.payload as { idTag: string }).idTag }));
  }

  get stops(): { connector: number; at: number; reason: string }[] {
    return this.rec.sent.filter((m) => m.action === 'StopTransaction').map((m) => ({ connector: m.connector as number, at: m.at, reason: (m.payload as { reason: string }).reason }));
  }
}

test('a station run on a virtual clock does what its planned events say', () => {
  const s = parseScenario(scenario([4, 0, 3]), 'determinism.yaml');
  const plan = planFleet(s, s.seed);
  const configs = groupConfigs(s, plan.groups);
  const worker = new VirtualWorker(12_345.5);
  const accepted: JsonObject = { status: 'Accepted', interval: 3600, currentTime: '2024-05-01T06:00:00Z' };
  const stations = plan.stations.map((a, i) => {
    const recording = new RecordingStation(i, a.identity, configs[a.group] as GroupConfig, worker, a.seed);
    const station = recording.station;
    worker.stations.push(station);
    station.start(worker.atEpochOffset(a.connectAtMs));
    // Accepted as it connects: from then on only the plan decides.
    worker.clock = worker.atEpochOffset(a.connectAtMs);
    station.link.onResult('BootNotification', accepted, null);
    return recording;
  });
  worker.runUntil(worker.atEpochOffset(HORIZON_MS));
  let checked = 0;
  plan.stations.forEach((a, i) => {
    const group = configs[a.group] as GroupConfig;
    const planned = expandStation(a, group.sessions, group.connectors, HORIZON_MS).flatMap((e) => (e.kind === 'session' ? [e] : []));
    const station = stations[i] as RecordingStation;
    assert.equal(station.plugIns.length, planned.length, a.identity);
    planned.forEach((e, k) => {
      const got = station.plugIns[k] as { connector: number; at: number; tag: string };
      assert.equal(got.connector, e.connector);
      assert.equal(got.tag, e.idTag);
      assert.ok(Math.abs(got.at - worker.atEpochOffset(e.atMs)) < 1e-6, `${a.identity} session ${k}: ${got.at} vs ${e.atMs}`);
    });
    // Every charged session that ended within the horizon stopped at its planned end, for its planned reason.
    const ends = planned
      .filter((e) => !e.refused && e.atMs + e.durationMs <= HORIZON_MS)
      .map((e) => ({ connector: e.connector, at: e.atMs + e.durationMs, reason: e.stopReason }))
      .sort((x, y) => x.at - y.at);
    assert.equal(station.stops.length, ends.length, a.identity);
    ends.forEach((e, k) => {
      const got = station.stops[k] as { connector: number; at: number; reason: string };
      assert.equal(got.reason, e.reason);
      assert.ok(Math.abs(got.at - worker.atEpochOffset(e.at)) < 1e-6);
      checked++;
    });
  });
  assert.ok(checked > 100, `${checked} stops checked`);
});

test('a vehicle that arrives while the station is down waits for it; one whose visit is over by then has gone', () => {
  const s = parseScenario(
    'groups:\n  - name: g\n    count: 1\n    ocpp: "1.6"\n    sessions: {arrival: {fixed: {every: 10m}}, duration: 4m, meterInterval: 1m}\n',
    'late.yaml',
  );
  const plan = planFleet(s, s.seed);
  const group = groupConfigs(s, plan.groups)[0] as GroupConfig;
  const a = plan.stations[0] as { identity: string; seed: number; connectAtMs: number };
  const planned = expandStation(a, group.sessions, 1, 3_600_000).flatMap((e) => (e.kind === 'session' ? [e] : []));
  // The station is accepted two minutes into its third planned session.
  const third = planned[2] as { atMs: number; durationMs: number };
  const bootAt = third.atMs + 120_000;
  const worker = new VirtualWorker(0);
  const station = new RecordingStation(0, a.identity, group, worker, a.seed);
  worker.stations.push(station.station);
  station.station.start(a.connectAtMs);
  worker.runUntil(bootAt);
  assert.equal(station.plugIns.length, 0, 'nothing plugs in while the station is down');
  worker.clock = bootAt;
  station.station.link.onResult('BootNotification', { status: 'Accepted', interval: 60, currentTime: '2024-05-01T00:00:00Z' }, null);
  worker.runUntil(3_600_000);
  // The first two visits were over; the third starts at the boot and still ends as planned.
  assert.deepEqual(station.plugIns[0], { connector: 1, at: bootAt, tag: (planned[2] as { idTag: string }).idTag });
  assert.ok(Math.abs((station.stops[0] as { at: number }).at - (third.atMs + third.durationMs)) < 1e-6);
  // Then the plan goes on as if nothing had happened.
  assert.ok(Math.abs((station.plugIns[1] as { at: number }).at - (planned[3] as { atMs: number }).atMs) < 1e-6);
  assert.equal(station.plugIns.length, planned.length - 2);
});
