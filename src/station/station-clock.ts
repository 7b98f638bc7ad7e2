import { nextRandom } from '../scenario/random';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { TimerKind } from './station-timers';

/**
 * What every layer of a station stands on: who it is, its timer slots on the worker's one
 * scheduler (a Float64Array of due times, no Node timer per station) and its seeded random stream.
 */
export abstract class StationClock {
  /** Due time of each timer slot (-1: not set); a scheduler entry that no longer matches is stale. */
  private readonly timerAt: Float64Array;
  private rng: number;

  constructor(
    readonly index: number,
    readonly identity: string,
    readonly group: StationGroup,
    protected readonly ctx: StationContext,
    seed: number,
  ) {
    this.rng = seed >>> 0 || 1;
    this.timerAt = new Float64Array(TimerKind.ConnectorBase + group.connectors).fill(-1);
  }

  protected random(): number {
    const r = nextRandom(this.rng);
    this.rng = r.state;
    return r.value;
  }

  setTimer(kind: number, at: number): void {
    this.timerAt[kind] = at;
    this.ctx.schedule(this.index, kind, at);
  }

  clearTimer(kind: number): void {
    this.timerAt[kind] = -1;
  }

  protected timerSet(kind: number): boolean {
    return this.timerAt[kind] !== -1;
  }

  /** A scheduler entry for slot `kind` at `at`: true (and the slot cleared) if it is the live one. */
  protected takeTimer(kind: number, at: number): boolean {
    if (this.timerAt[kind] !== at) return false;
    this.timerAt[kind] = -1;
    return true;
  }

  protected clearAllTimers(): void {
    this.timerAt.fill(-1);
  }
}
