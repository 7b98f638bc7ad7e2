import { drawFrom } from './draw';
import { hashString, RandomStream } from './random';
import type { SessionConfig } from './session-config';
import type { ArrivalSpec, StopReason } from './types';

/**
 * The planned charging sessions of one connector: a pure function of the group's session config,
 * the station's seed and identity, the connector and the station's planned connect time. Stations
 * follow it at run time and `expandStation` lists it without running anything, so both agree by
 * construction, whatever the worker a station runs on.
 */
export interface PlannedSession {
  /** The k-th session of its connector, from 0. */
  readonly index: number;
  /** When the vehicle arrives, real ms after the run's epoch. */
  readonly arrivalMs: number;
  /** Plug-in to stop, real ms: the drawn duration, or less when the EV gets full first. */
  readonly durationMs: number;
  readonly idTag: string;
  /** Drawn to be refused (invalid share): the plan frees the connector at once. */
  readonly refused: boolean;
  /** EVDisconnected when the EV gets full before the drawn duration. */
  readonly stopReason: StopReason;
  /** State of charge on arrival (%), when the group models the EV. */
  readonly startSocPercent: number | undefined;
}

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Where the connector is free again in the plan: a refused driver leaves at once. */
export function plannedFreeAt(s: PlannedSession): number {
  return s.refused ? s.arrivalMs : s.arrivalMs + s.durationMs;
}

/** Level of a daily curve at `todMs` (ms after midnight): linear between points, around midnight too. */
export function curveLevel(points: readonly (readonly [number, number])[], todMs: number): number {
  const n = points.length;
  const first = points[0] as readonly [number, number];
  const last = points[n - 1] as readonly [number, number];
  if (n === 1) return first[1];
  let before = last;
  let after = first;
  let beforeAt = last[0] - DAY_MS;
  let afterAt = first[0];
  if (todMs >= last[0]) {
    beforeAt = last[0];
    afterAt = first[0] + DAY_MS;
  } else if (todMs >= first[0]) {
    let i = 1;
    while ((points[i] as readonly [number, number])[0] <= todMs) i++;
    before = points[i - 1] as readonly [number, number];
    after = points[i] as readonly [number, number];
    beforeAt = before[0];
    afterAt = after[0];
  }
  const span = afterAt - beforeAt;
  return span <= 0 ? before[1] : before[1] + ((after[1] - before[1]) * (todMs - beforeAt)) / span;
}

/**
 * Real ms from plug-in until an EV needing `needWh` is full at `powerW`, the power rising linearly
 * over `rampMs` (real) and energy accruing `timeScale` times faster than real time.
 */
export function timeToFullMs(needWh: number, powerW: number, rampMs: number, timeScale: number): number {
  if (needWh <= 0) return 0;
  const whPerMs = (powerW * timeScale) / HOUR_MS;
  const rampWh = (whPerMs * rampMs) / 2;
  if (needWh <= rampWh) return Math.sqrt((2 * needWh * rampMs) / whPerMs);
  return rampMs + (needWh - rampWh) / whPerMs;
}

/** The id tag of a connector under the `unique` pool: two hashes of the identity (64 bits), 1.6's 20 characters at most. */
export function uniqueTag(identity: string, connector: number): string {
  const a = hashString(identity).toString(16).padStart(8, '0');
  const b = hashString(identity, 0x9747b28c).toString(16).padStart(8, '0');
  return `T${a}${b}${connector.toString(16)}`;
}

function seedOf(stationSeed: number, connector: number, purpose: string): number {
  return hashString(`${connector}/${purpose}`, stationSeed) || 1;
}

/**
 * Walks the planned sessions of one connector in order. Three streams, so that settings of one
 * kind do not move the draws of another: arrivals, the sessions' own draws (duration, stop reason,
 * state of charge) and tags. Changing the invalid share flips some tags, never an arrival.
 */
export class SessionCursor {
  private readonly arrivals: RandomStream;
  private readonly draws: RandomStream;
  private readonly tags: RandomStream;
  private readonly arrival: ArrivalSpec;
  private readonly scale: number;
  /** Fixed arrivals: the connector's place on the grid, from its identity (growth-stable stagger). */
  private readonly phaseMs: number;
  private freeAtMs: number;
  private lastArrivalMs = -Infinity;
  private count = 0;

  constructor(
    private readonly config: SessionConfig,
    private readonly identity: string,
    stationSeed: number,
    private readonly connector: number,
    /** The station's planned connect time (ms after the epoch): no vehicle is planned before it. */
    fromMs: number,
  ) {
    this.arrivals = new RandomStream(seedOf(stationSeed, connector, 'arrival'));
    this.draws = new RandomStream(seedOf(stationSeed, connector, 'session'));
    this.tags = new RandomStream(seedOf(stationSeed, connector, 'tag'));
    this.arrival = config.arrival ?? { kind: 'poisson', meanIdleMs: config.meanIdleMs };
    this.scale = config.timeScale ?? 1;
    this.phaseMs =
      this.arrival.kind === 'fixed' ? (hashString(`${identity}#${connector}`, 0x5bd1e995) / 4294967296) * this.arrival.everyMs : 0;
    this.freeAtMs = fromMs;
  }

  next(): PlannedSession {
    const arrivalMs = this.nextArrival();
    const config = this.config;
    let durationMs = drawFrom(config.duration ?? { kind: 'fixed', value: config.durationMs }, this.draws);
    let stopReason = this.drawReason();
    let startSocPercent: number | undefined;
    if (config.ev !== undefined) {
      startSocPercent = Math.min(100, Math.max(0, drawFrom(config.ev.startSocPercent, this.draws)));
      const needWh = (config.ev.capacityWh * (100 - startSocPercent)) / 100;
      const full = timeToFullMs(needWh, config.powerW, config.rampUpMs ?? 0, this.scale);
      if (full < durationMs) {
        durationMs = full;
        stopReason = 'EVDisconnected';
      }
    }
    const invalidShare = config.idTags?.invalidShare ?? config.invalidTagShare;
    const refused = this.tags.next() < invalidShare;
    const pick = this.tags.next();
    const idTag = refused ? `INVALID${Math.floor(pick * 4294967296).toString(16).padStart(8, '0')}` : this.tagOf(pick);
    const session: PlannedSession = { index: this.count++, arrivalMs, durationMs, idTag, refused, stopReason, startSocPercent };
    this.lastArrivalMs = arrivalMs;
    this.freeAtMs = plannedFreeAt(session);
    return session;
  }

  private nextArrival(): number {
    const a = this.arrival;
    const from = this.freeAtMs;
    switch (a.kind) {
      case 'poisson':
        return from + this.arrivals.exponential(a.meanIdleMs);
      case 'fixed': {
        // The first grid point at or after the connector is free, and after the last arrival.
        let k = Math.max(0, Math.ceil((from - this.phaseMs) / a.everyMs));
        if (this.phaseMs + k * a.everyMs <= this.lastArrivalMs) k = Math.floor((this.lastArrivalMs - this.phaseMs) / a.everyMs) + 1;
        return this.phaseMs + k * a.everyMs;
      }
      case 'dailyCurve':
        return this.curveArrival(a.points, a.peakPerHour, from);
    }
  }

  /**
   * Inhomogeneous Poisson by thinning (Lewis and Shedler): candidates at the peak rate, each kept
   * with the probability level / peak level at its time of day. Memoryless, so starting from the
   * moment the connector is free is the same as dropping the arrivals that found it busy.
   */
  private curveArrival(points: readonly (readonly [number, number])[], peakPerHour: number, from: number): number {
    let peakLevel = 0;
    for (const p of points) peakLevel = Math.max(peakLevel, p[1]);
    const meanGapMs = HOUR_MS / (peakPerHour * this.scale);
    const startTod = this.config.startTimeOfDayMs ?? 0;
    let t = from;
    for (;;) {
      t += this.arrivals.exponential(meanGapMs);
      const tod = (((startTod + t * this.scale) % DAY_MS) + DAY_MS) % DAY_MS;
      if (this.arrivals.next() * peakLevel < curveLevel(points, tod)) return t;
    }
  }

  private drawReason(): StopReason {
    const reasons = this.config.stopReasons ?? [['Local', 1]];
    let total = 0;
    for (const [, w] of reasons) total += w;
    let u = this.draws.next() * total;
    for (const [reason, w] of reasons) {
      if (u < w) return reason;
      u -= w;
    }
    return (reasons[reasons.length - 1] as readonly [StopReason, number])[0];
  }

  private tagOf(u: number): string {
    const pool = this.config.idTags;
    if (pool === undefined || pool.pool === 'unique') return uniqueTag(this.identity, this.connector);
    if (pool.pool === 'shared') return `SHARED${Math.min(pool.size - 1, Math.floor(u * pool.size))}`;
    // Hot: about Zipf (tag k with weight 1/(k+1)) by the inverse of its continuous form, O(1) a draw.
    return `HOT${Math.min(pool.size - 1, Math.floor(Math.exp(u * Math.log(pool.size + 1))) - 1)}`;
  }
}
