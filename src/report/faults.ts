/**
 * summary.json's `faults`: one entry per fault of the scenario's timeline, with the stations it hit
 * and what it did, added up over workers (and over shards by `merge`). Effects are counts, or
 * counts by key (bad frames by kind, CALLERRORs by code).
 */
import type { FaultSpec } from '../scenario/faults';
import { formatDuration } from '../scenario/units';
import type { FaultEffects } from '../thread/messages';

export interface FaultSummary {
  index: number;
  kind: string;
  /** As a scenario writes it (`30s`), and in ms: real time after the run's start. */
  at: string;
  atMs: number;
  share: number;
  /** The groups it hits; null: every group. */
  groups: string[] | null;
  forMs?: number;
  upMs?: number;
  kinds?: string[];
  reason?: string;
  /** nodeLoss: the target lost (its place in the run's targets, from 0). */
  target?: number;
  stations: number;
  effects: FaultEffects;
}

/** A worker's (or shard's) part of one fault's outcome. */
export interface FaultPart {
  stations: number;
  effects: FaultEffects;
}

/** Add `from` into `into`, counts and counts by key alike. */
export function addEffects(into: FaultEffects, from: FaultEffects): void {
  for (const [name, value] of Object.entries(from)) {
    if (typeof value === 'number') {
      const was = into[name];
      into[name] = (typeof was === 'number' ? was : 0) + value;
      continue;
    }
    const was = into[name];
    const byKey = typeof was === 'object' ? was : (into[name] = {});
    for (const [key, n] of Object.entries(value)) byKey[key] = (byKey[key] ?? 0) + n;
  }
}

function sorted(effects: FaultEffects): FaultEffects {
  const out: FaultEffects = {};
  for (const name of Object.keys(effects).sort()) {
    const v = effects[name] as number | Record<string, number>;
    out[name] = typeof v === 'number' ? v : Object.fromEntries(Object.entries(v).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }
  return out;
}

/** The `faults` of summary.json from the timeline and each worker's outcomes (in timeline order). */
export function faultsSummary(specs: readonly FaultSpec[], workers: readonly (readonly FaultPart[] | undefined)[]): FaultSummary[] {
  return specs.map((f, i) => {
    const effects: FaultEffects = {};
    let stations = 0;
    for (const parts of workers) {
      const part = parts?.[i];
      if (part === undefined) continue;
      stations += part.stations;
      addEffects(effects, part.effects);
    }
    return {
      index: i,
      kind: f.kind,
      at: formatDuration(f.atMs),
      atMs: f.atMs,
      share: f.share,
      groups: f.groups === undefined ? null : [...f.groups],
      ...(f.forMs > 0 ? { forMs: f.forMs } : {}),
      ...(f.kind === 'flapping' ? { upMs: f.upMs } : {}),
      ...(f.kind === 'malformed' ? { kinds: [...f.kinds] } : {}),
      ...(f.kind === 'restart' ? { reason: f.reason } : {}),
      ...(f.kind === 'nodeLoss' ? { target: f.target } : {}),
      stations,
      effects: sorted(effects),
    };
  });
}

/** The faults of several shards' summaries, added entry by entry (the shards ran the same timeline). */
export function mergeFaultSummaries(shards: readonly (readonly FaultSummary[] | undefined)[]): FaultSummary[] | undefined {
  const first = shards.find((s) => s !== undefined);
  if (first === undefined) return undefined;
  return first.map((entry, i) => {
    const effects: FaultEffects = {};
    let stations = 0;
    for (const s of shards) {
      const e = s?.[i];
      if (e === undefined) continue;
      stations += e.stations;
      addEffects(effects, e.effects);
    }
    return { ...entry, stations, effects: sorted(effects) };
  });
}
