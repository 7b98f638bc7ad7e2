import { hashString } from './random';
import { DEFAULT_SCRIPT } from './script';
import { scriptCalls } from './script-rates';
import { sessionConfig, type SessionConfig } from './session-config';
import { DAY_MS, SessionCursor } from './sessions';
import type { GroupSpec, Scenario } from './types';

/** Calls a station makes per second in steady state, per action, and what the figure assumed. */
export interface GroupRates {
  readonly group: string;
  readonly stations: number;
  /** Sessions arriving per second over the group (refused ones included). */
  readonly sessionsPerSec: number;
  readonly callsPerSec: Readonly<Record<string, number>>;
  /** The group leaves the heartbeat interval to the CSMS: the figure assumes ASSUMED_CSMS_HEARTBEAT_MS. */
  readonly heartbeatAssumed: boolean;
}

/** The embedded CSMS's default heartbeat interval, assumed where a group does not set its own. */
export const ASSUMED_CSMS_HEARTBEAT_MS = 60_000;

interface SessionStats {
  /** Arrivals per connector per real second. */
  readonly perConnectorPerSec: number;
  readonly refusedShare: number;
  /** Mean periodic meter values of a session that charges. */
  readonly meterValuesPerSession: number;
}

const PROBES = 256;
const SESSIONS_PER_PROBE = 64;
/** Enough sessions for a figure within about 1 %; a busy daily curve gets there on few probes. */
const ENOUGH_SESSIONS = 16_384;
/** A probe of a daily curve stops here even before the day is over (a curve of thousands an hour). */
const MAX_PER_PROBE = 1_000_000;

/**
 * Session figures by sampling the group's own plan (the same cursor stations follow) on probe
 * connectors with fixed seeds: exact for every arrival and duration model without a formula per
 * combination, and the same each time the plan is printed. A daily curve is sampled over a whole
 * scenario day, so its rate is the day's mean.
 */
export function sessionStats(config: SessionConfig): SessionStats {
  const curve = config.arrival?.kind === 'dailyCurve';
  const dayMs = DAY_MS / (config.timeScale ?? 1);
  let sessions = 0;
  let refused = 0;
  let meterValues = 0;
  let timeMs = 0;
  for (let p = 0; p < PROBES && sessions < ENOUGH_SESSIONS; p++) {
    const identity = `probe-${p}`;
    const cursor = new SessionCursor(config, identity, hashString(identity) || 1, 1, 0);
    let last = 0;
    let wholeDay = curve;
    for (let n = 0; n < (curve ? MAX_PER_PROBE : SESSIONS_PER_PROBE); n++) {
      const s = cursor.next();
      if (curve && s.arrivalMs >= dayMs) break;
      if (n === MAX_PER_PROBE - 1) wholeDay = false;
      last = s.arrivalMs;
      sessions++;
      if (s.refused) refused++;
      // Meter values go every interval from the start while the session lasts (none at its end).
      else meterValues += Math.max(0, Math.ceil(s.durationMs / config.meterIntervalMs) - 1);
    }
    timeMs += wholeDay ? dayMs : last;
  }
  const charged = sessions - refused;
  return {
    perConnectorPerSec: timeMs > 0 ? (sessions * 1000) / timeMs : 0,
    refusedShare: sessions > 0 ? refused / sessions : 0,
    meterValuesPerSession: charged > 0 ? meterValues / charged : 0,
  };
}

/** Expected calls per second of each group once every station is connected. */
export function expectedRates(scenario: Scenario, groups: readonly GroupSpec[]): GroupRates[] {
  const scale = scenario.timeScale ?? 1;
  return groups.map((g) => {
    const stats = sessionStats(sessionConfig(g.sessions, scale, scenario.startTimeOfDayMs ?? 0));
    const sessionsPerSec = stats.perConnectorPerSec * g.connectors * g.count;
    const calls: Record<string, number> = {};
    const add = (perSession: Record<string, number>, weight: number): void => {
      for (const [action, n] of Object.entries(perSession)) calls[action] = (calls[action] ?? 0) + n * weight;
    };
    // Meter values until the planned end at another interval than the group's: in proportion.
    const groupIntervalMs = g.sessions.meterIntervalMs;
    const untilEnd = (intervalMs: number | undefined): number => (stats.meterValuesPerSession * groupIntervalMs) / (intervalMs ?? groupIntervalMs);
    const steps = g.sessions.script?.steps ?? DEFAULT_SCRIPT;
    add(scriptCalls(g.ocpp, steps, false, untilEnd), sessionsPerSec * (1 - stats.refusedShare));
    add(scriptCalls(g.ocpp, steps, true, untilEnd), sessionsPerSec * stats.refusedShare);
    const heartbeatMs = (g.heartbeatIntervalMs ?? ASSUMED_CSMS_HEARTBEAT_MS) / scale;
    calls.Heartbeat = (g.count * 1000) / heartbeatMs;
    for (const [action, n] of Object.entries(calls)) if (n === 0) delete calls[action];
    return { group: g.name, stations: g.count, sessionsPerSec, callsPerSec: calls, heartbeatAssumed: g.heartbeatIntervalMs === undefined };
  });
}
