import type { RawDuration, RawPercent, RawSessions } from './file-schema';
import { show, type FieldPath, type Locator } from './load-errors';
import { DEFAULT_MEASURANDS } from './session-config';
import { STOP_REASONS, type ArrivalSpec, type Distribution, type IdTagSpec, type SessionSpec, type StopReason } from './types';
import { formatDuration, parseDuration } from './units';

/** `HH:MM` or `HH:MM:SS` (the schema has checked the form) as ms after midnight. */
export function parseTimeOfDay(text: string): number {
  const [h, m, s] = text.split(':').map(Number);
  return (((h as number) * 60 + (m as number)) * 60 + (s ?? 0)) * 1000;
}

const DEFAULT_POOL_SIZE = { unique: 1, shared: 1000, hot: 3 } as const;

/** Sessions of a group, resolved and checked beyond what the schema can say. */
export function resolveSessions(s: RawSessions, path: FieldPath, at: Locator): SessionSpec {
  const here = (field: FieldPath, detail: string): Error => at.error([...path, ...field], detail);
  const ms = (v: string | number): number => parseDuration(v) as number;
  const positive = (v: string | number, field: FieldPath): number => {
    const value = ms(v);
    if (!(value > 0)) throw here(field, `expected more than 0s, got ${show(v)}`);
    return value;
  };

  if (s.idle !== undefined && s.arrival !== undefined) throw here(['arrival'], 'expected either this or sessions.idle (its shorthand), got both');
  let arrival: ArrivalSpec = { kind: 'poisson', meanIdleMs: s.idle === undefined ? 60_000 : ms(s.idle) };
  if (s.arrival?.poisson) arrival = { kind: 'poisson', meanIdleMs: ms(s.arrival.poisson.meanIdle) };
  if (s.arrival?.fixed) arrival = { kind: 'fixed', everyMs: positive(s.arrival.fixed.every, ['arrival', 'fixed', 'every']) };
  if (s.arrival?.dailyCurve) {
    const curve = s.arrival.dailyCurve;
    const points = curve.points.map(([time, level]) => [parseTimeOfDay(time), level] as const);
    points.forEach((p, i) => {
      const before = points[i - 1];
      if (before !== undefined && p[0] <= before[0]) {
        throw here(['arrival', 'dailyCurve', 'points', i, 0], `expected a time after points[${i - 1}] (${JSON.stringify(curve.points[i - 1]?.[0])}), got ${show(curve.points[i]?.[0])}`);
      }
    });
    if (!points.some((p) => p[1] > 0)) throw here(['arrival', 'dailyCurve', 'points'], `expected at least one level above 0, got ${show(curve.points)}`);
    arrival = { kind: 'dailyCurve', points, peakPerHour: curve.peakPerHour };
  }

  const duration = durationOf(s.duration, ['duration'], here, positive);
  const capacityKwh = s.evCapacityKwh;
  if (capacityKwh === undefined && s.startSocPercent !== undefined) throw here(['startSocPercent'], 'has no effect without sessions.evCapacityKwh');
  const measurands = s.measurands ?? DEFAULT_MEASURANDS;
  if (capacityKwh === undefined && measurands.includes('SoC')) {
    throw here(['measurands'], `expected "SoC" only with sessions.evCapacityKwh (a battery to report on), got ${show(s.measurands)}`);
  }

  if (s.invalidTagShare !== undefined && s.idTags?.invalidShare !== undefined) {
    throw here(['idTags', 'invalidShare'], 'expected either this or sessions.invalidTagShare, got both');
  }
  const pool = s.idTags?.pool ?? 'unique';
  if (pool === 'unique' && s.idTags?.size !== undefined) throw here(['idTags', 'size'], 'has no effect with pool "unique" (one tag per connector)');
  const idTags: IdTagSpec = { pool, size: s.idTags?.size ?? DEFAULT_POOL_SIZE[pool], invalidShare: s.idTags?.invalidShare ?? s.invalidTagShare ?? 0 };

  // Canonical order, not the file's: the same weights draw the same reasons however they are written.
  const stopReasons = STOP_REASONS.filter((r) => (s.stopReasons?.[r] ?? 0) > 0).map((r) => [r, s.stopReasons?.[r] as number] as const);
  if (s.stopReasons !== undefined && stopReasons.length === 0) throw here(['stopReasons'], `expected at least one weight above 0, got ${show(s.stopReasons)}`);

  return Object.freeze({
    arrival,
    duration,
    meterIntervalMs: s.meterInterval === undefined ? 60_000 : ms(s.meterInterval),
    powerW: (s.powerKw ?? 11) * 1000,
    rampUpMs: s.rampUp === undefined ? 0 : ms(s.rampUp),
    ev:
      capacityKwh === undefined
        ? undefined
        : { capacityWh: capacityKwh * 1000, startSocPercent: percentOf(s.startSocPercent, ['startSocPercent'], here) },
    idTags,
    stopReasons: stopReasons.length > 0 ? stopReasons : ([['Local', 1]] as const satisfies readonly (readonly [StopReason, number])[]),
    measurands,
  });
}

type Here = (field: FieldPath, detail: string) => Error;

function durationOf(raw: RawDuration | undefined, field: FieldPath, here: Here, positive: (v: string | number, f: FieldPath) => number): Distribution {
  if (raw === undefined) return { kind: 'fixed', value: 30 * 60_000 };
  if (typeof raw !== 'object') return { kind: 'fixed', value: positive(raw, field) };
  if (raw.uniform) {
    const min = positive(raw.uniform.min, [...field, 'uniform', 'min']);
    const max = parseDuration(raw.uniform.max) as number;
    if (max < min) throw here([...field, 'uniform', 'max'], `expected at least uniform.min (${formatDuration(min)}), got ${show(raw.uniform.max)}`);
    return { kind: 'uniform', min, max };
  }
  if (raw.normal) return { kind: 'normal', mean: positive(raw.normal.mean, [...field, 'normal', 'mean']), sd: parseDuration(raw.normal.sd) as number };
  const lognormal = raw.lognormal as { median: string | number; sigma: number };
  return { kind: 'lognormal', median: positive(lognormal.median, [...field, 'lognormal', 'median']), sigma: lognormal.sigma };
}

function percentOf(raw: RawPercent | undefined, field: FieldPath, here: Here): Distribution {
  if (raw === undefined) return { kind: 'fixed', value: 20 };
  if (typeof raw === 'number') return { kind: 'fixed', value: raw };
  if (raw.uniform) {
    if (raw.uniform.max < raw.uniform.min) throw here([...field, 'uniform', 'max'], `expected at least uniform.min (${raw.uniform.min}), got ${show(raw.uniform.max)}`);
    return { kind: 'uniform', min: raw.uniform.min, max: raw.uniform.max };
  }
  const normal = raw.normal as { mean: number; sd: number };
  return { kind: 'normal', mean: normal.mean, sd: normal.sd };
}
