import { stationConnectors, type FleetPlan } from './plan';
import { sessionConfig, type SessionConfig } from './session-config';
import { SessionCursor } from './sessions';
import type { StopReason } from './types';

/**
 * A station's planned events, as the plan alone says: no socket, no clock, no worker. What a
 * station does at run time can differ only where the CSMS or the network make it (a late boot
 * delays a start, a refused tag ends one), never by where or beside whom it runs.
 */
export type PlannedEvent =
  | { readonly kind: 'connect'; readonly atMs: number }
  | {
      readonly kind: 'session';
      /** The vehicle's arrival, ms after the run's epoch. */
      readonly atMs: number;
      readonly connector: number;
      readonly durationMs: number;
      readonly idTag: string;
      readonly refused: boolean;
      readonly stopReason: StopReason;
      readonly startSocPercent: number | undefined;
    };

/** What a station is given to run: the same fields as a worker's StationAssignment. */
export interface StationInputs {
  readonly identity: string;
  readonly connectAtMs: number;
  readonly seed: number;
}

/** The events of one station in [0, horizonMs), in time order (connectors in order at equal times). */
export function expandStation(station: StationInputs, sessions: SessionConfig, connectors: number, horizonMs: number): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  if (station.connectAtMs < horizonMs) events.push({ kind: 'connect', atMs: station.connectAtMs });
  for (let c = 1; c <= connectors; c++) {
    const cursor = new SessionCursor(sessions, station.identity, station.seed, c, station.connectAtMs);
    for (let s = cursor.next(); s.arrivalMs < horizonMs; s = cursor.next()) {
      const { arrivalMs, durationMs, idTag, refused, stopReason, startSocPercent } = s;
      events.push({ kind: 'session', atMs: arrivalMs, connector: c, durationMs, idTag, refused, stopReason, startSocPercent });
    }
  }
  const connectorOf = (e: PlannedEvent): number => (e.kind === 'session' ? e.connector : 0);
  return events.sort((a, b) => a.atMs - b.atMs || connectorOf(a) - connectorOf(b));
}

/** Every station's events in the first `horizonMs` of a run of `plan`, by identity. */
export function expandPlan(plan: FleetPlan, horizonMs: number): Map<string, PlannedEvent[]> {
  const scenario = plan.scenario;
  const configs = plan.groups.map((g) => sessionConfig(g.sessions, scenario.timeScale ?? 1, scenario.startTimeOfDayMs ?? 0));
  const out = new Map<string, PlannedEvent[]>();
  for (const s of plan.stations) {
    const group = plan.groups[s.group];
    if (group === undefined) continue;
    out.set(s.identity, expandStation(s, configs[s.group] as SessionConfig, stationConnectors(s, group), horizonMs));
  }
  return out;
}
