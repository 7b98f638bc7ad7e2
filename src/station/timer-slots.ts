import type { StationContext } from './context';
import { TimerKind } from './station-timers';

/**
 * Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay fires after 1 ms. A CSMS
 * may answer any interval (BootNotification interval 2^31 s, a HeartbeatInterval of years): the
 * station clamps what it is told so that no timer comes at once instead of never.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** An interval from the CSMS in seconds, as timer ms: never above MAX_TIMER_MS. */
export function intervalMs(seconds: number): number {
  return Math.min(seconds * 1000, MAX_TIMER_MS);
}

/**
 * A station's timer slots on the worker's one scheduler: a Float64Array of due times (no Node
 * timer per station). Every part of the station (transport, link, charging sessions) arms its
 * slots here; a scheduler entry that no longer matches its slot is stale and ignored (`take`).
 */
export class TimerSlots {
  /** Due time of each slot (-1: not set). */
  private readonly at: Float64Array;

  constructor(
    private readonly index: number,
    private readonly ctx: StationContext,
    connectors: number,
  ) {
    this.at = new Float64Array(TimerKind.ConnectorBase + connectors).fill(-1);
  }

  set(kind: number, at: number): void {
    this.at[kind] = at;
    this.ctx.schedule(this.index, kind, at);
  }

  clear(kind: number): void {
    this.at[kind] = -1;
  }

  isSet(kind: number): boolean {
    return this.at[kind] !== -1;
  }

  /** A scheduler entry for slot `kind` at `at`: true (and the slot cleared) if it is the live one. */
  take(kind: number, at: number): boolean {
    if (this.at[kind] !== at) return false;
    this.at[kind] = -1;
    return true;
  }

  clearAll(): void {
    this.at.fill(-1);
  }
}
