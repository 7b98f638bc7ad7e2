import { IDENTITY_RULE, formatIdentity, patternProblem } from './identities';
import { clashError, findIdentityClash } from './identity-clash';
import { ScenarioError, show } from './load-errors';
import { hashString, streamSeed } from './random';
import { rampOffsetMs, rampRateAt } from './ramp';
import type { GroupSpec, Scenario } from './types';

/**
 * The plan: who connects when. It is computed once, from the scenario and the seed alone, so the
 * same file and seed give the same schedule whatever the number of workers; workers only execute it.
 */
export interface PlannedStation {
  readonly identity: string;
  readonly group: number;
  /** When to open the first connection, ms after the run's start. */
  readonly connectAtMs: number;
  /** Seed of this station's random stream (derived from the run seed and its identity). */
  readonly seed: number;
  /** Its own version, when its identities row gives one other than the group's. */
  readonly ocpp?: GroupSpec['ocpp'];
  /** Its own connectors, when its identities row gives a number other than the group's. */
  readonly connectors?: number;
}

export interface FleetPlan {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly groups: readonly GroupSpec[];
  readonly stations: readonly PlannedStation[];
}


/** Scale the groups so that their counts add up to `total` (largest remainders keep the mix). */
export function scaleGroups(groups: readonly GroupSpec[], total: number): GroupSpec[] {
  const planned = groups.reduce((n, g) => n + g.count, 0);
  if (planned === 0) return groups.map((g, i) => ({ ...g, count: i === 0 ? total : 0 }));
  const exact = groups.map((g) => (g.count * total) / planned);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] as number) + 1;
  }
  return groups.map((g, i) => ({ ...g, count: counts[i] as number }));
}

/**
 * The checks of the groups' identities that counts scaled by --cps can break (the loader made them
 * for the file's counts): a pattern's longest identity, and no identity in two groups.
 */
function checkIdentities(scenario: Scenario, groups: readonly GroupSpec[]): void {
  groups.forEach((group, g) => {
    const rows = group.identities?.rows;
    if (rows !== undefined && group.count > rows.length) {
      // Only --cps can get here: the loader already refuses a count above the rows.
      throw new ScenarioError(scenario.source, undefined, `groups[${g}]`, `${group.count} charge points asked of group ${group.name}, but ${group.identities?.written} lists ${rows.length}`);
    }
    const bad = rows === undefined ? patternProblem(group.identity, group.count) : undefined;
    if (bad !== undefined) {
      throw new ScenarioError(
        scenario.source,
        group.identityLine,
        `groups[${g}].identity`,
        `expected a pattern that makes ${IDENTITY_RULE}, got ${show(group.identity)}: with ${group.count} stations, station ${bad.index} would be ${show(bad.identity)} (${bad.problem})`,
      );
    }
  });
  const clash = findIdentityClash(groups);
  if (clash !== undefined) throw clashError(clash, groups, scenario.source);
}

export function planFleet(scenario: Scenario, seed: number, groups: readonly GroupSpec[] = scenario.groups): FleetPlan {
  const stations: PlannedStation[] = [];
  checkIdentities(scenario, groups);
  groups.forEach((group, g) => {
    const rows = group.identities?.rows;
    for (let i = 0; i < group.count; i++) {
      const row = rows?.[i];
      const identity = row === undefined ? formatIdentity(group.identity, i + 1) : row.identity;
      // Paced connections at the ramp's times; within a slot, a small identity-derived offset
      // keeps stations that share it from starting in a burst of the tool's own making.
      const at = rampOffsetMs(group.ramp, i);
      const step = 1000 / rampRateAt(group.ramp, at);
      const offset = step > 0 ? (hashString(identity) / 4294967296) * Math.min(step, 1) : 0;
      const station: PlannedStation = { identity, group: g, connectAtMs: group.startAtMs + at + offset, seed: streamSeed(seed, identity) };
      stations.push(row === undefined ? station : withRow(station, group, row.ocpp, row.connectors));
    }
  });
  return Object.freeze({ scenario, seed, groups, stations });
}

/** A station whose identities row sets its own version or connectors; fields equal to the group's are left out. */
function withRow(station: PlannedStation, group: GroupSpec, ocpp: GroupSpec['ocpp'] | undefined, connectors: number | undefined): PlannedStation {
  return {
    ...station,
    ...(ocpp === undefined || ocpp === group.ocpp ? {} : { ocpp }),
    ...(connectors === undefined || connectors === group.connectors ? {} : { connectors }),
  };
}

/** A station's version: its own (identities row) or its group's. */
export function stationVersion(station: PlannedStation, group: GroupSpec): GroupSpec['ocpp'] {
  return station.ocpp ?? group.ocpp;
}

/** A station's connectors: its own (identities row) or its group's. */
export function stationConnectors(station: PlannedStation, group: GroupSpec): number {
  return station.connectors ?? group.connectors;
}

/** The stations of worker `w` of `n`: every n-th, so each worker sees the same ramp. */
export function stationsOfWorker(plan: FleetPlan, w: number, n: number): PlannedStation[] {
  return plan.stations.filter((_s, i) => i % n === w);
}

/** A shard of a run spread over processes or machines: `index` counts from 1 to `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Shard `index` of `count`: every count-th station, so each shard holds a disjoint, deterministic
 * slice of every group and ramps its share at the planned times (together the shards ramp as the
 * plan says). Identities never overlap; the union of all shards is the plan.
 */
export function shardPlan(plan: FleetPlan, shard: Shard): FleetPlan {
  if (shard.count === 1) return plan;
  const stations = plan.stations.filter((_s, i) => i % shard.count === shard.index - 1);
  return Object.freeze({ ...plan, stations });
}

/** Most shards a run is cut into: each holds every N-th station, and a shard with none is refused. */
export const MAX_SHARDS = 10_000;

/** `I/N` as given to --shard (or JOB_COMPLETION_INDEX, which counts from 0, with N). */
export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && count <= MAX_SHARDS && index >= 1 && index <= count ? { index, count } : undefined;
}

/** The OCPP version a planned station speaks: its identities row's, else its group's. */
function versionOf(plan: FleetPlan, st: PlannedStation): string {
  return st.ocpp ?? plan.scenario.groups[st.group]?.ocpp ?? '?';
}

/** Stations planned per OCPP version, in version order. */
export function stationsByVersion(plan: FleetPlan): Map<string, number> {
  const out = new Map<string, number>();
  for (const st of plan.stations) out.set(versionOf(plan, st), (out.get(versionOf(plan, st)) ?? 0) + 1);
  return new Map([...out].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** Each group's OCPP version by group name: `1.6+2.0.1` when its identities file mixes them. */
export function groupVersions(plan: FleetPlan): Record<string, string> {
  const seen = new Map<number, Set<string>>();
  for (const st of plan.stations) {
    let set = seen.get(st.group);
    if (set === undefined) seen.set(st.group, (set = new Set()));
    set.add(versionOf(plan, st));
  }
  return Object.fromEntries(plan.scenario.groups.map((g, i) => [g.name, [...(seen.get(i) ?? [g.ocpp])].sort().join('+')]));
}
