import type { Station } from '../station/station';
import type { LiveOutcome, StationAssignment } from '../thread/messages';
import type { WorkerRuntime } from './runtime';

/** What a station of a live run is doing. */
const enum Slot {
  /** Not started, or retired. */
  Idle = 0,
  Active = 1,
  /** Asked to stop: its sessions stop at `stopAt`, then it disconnects once it has nothing left to say. */
  Retiring = 2,
}

/** How often retiring stations are looked at once their sessions were stopped. */
const RETIRE_CHECK_MS = 50;
/** Stops due within this of each other are handled by the same look. */
const RETIRE_BATCH_MS = 10;

/**
 * A worker's share of a live run (src/run/live-run.ts): every station is built up front, and the
 * coordinator's `resize` says how many of each group run, always the first ones in plan order,
 * so the same size gives the same stations. New ones start spread evenly over the ramp (their
 * Connect timer on the worker's scheduler); removed ones stop their sessions at their turn of the
 * same spread (stop messages queued like at the end of a run), and once settled (every call
 * answered) they shut down and count as retired. Nothing is a timer per station: the stops and
 * the settling are looked at by one fleet timer on the scheduler. A station started again after
 * it retired is a new Station at the same index (a shut-down one does not reconnect), with the
 * same identity and seed.
 */
export class LiveFleet {
  /** Per group, the worker's station indices in plan order. */
  private readonly byGroup: number[][];
  private readonly active: number[];
  private readonly slot: Uint8Array;
  /** The Station at this index has been started: starting it again needs a new one. */
  private readonly used: Uint8Array;
  private readonly stopAt: Float64Array;
  private readonly sessionsStopped: Uint8Array;
  /** A retiring station asked to run again: when (-1: not asked). */
  private readonly reviveAt: Float64Array;
  private retiring: number[] = [];
  private checkAt = -1;
  private ended = false;
  /** Transaction messages that retired stations could not deliver within the graceful stop. */
  undelivered = 0;
  readonly outcome: LiveOutcome;

  constructor(
    private readonly rt: WorkerRuntime,
    private readonly assignments: readonly StationAssignment[],
    private readonly build: (index: number) => Station,
    private readonly graceMs: number,
  ) {
    const groups = rt.outcomes.length;
    this.byGroup = Array.from({ length: groups }, () => []);
    assignments.forEach((a, i) => this.byGroup[a.group]?.push(i));
    this.active = new Array<number>(groups).fill(0);
    const n = assignments.length;
    this.slot = new Uint8Array(n);
    this.used = new Uint8Array(n);
    this.stopAt = new Float64Array(n);
    this.sessionsStopped = new Uint8Array(n);
    this.reviveAt = new Float64Array(n).fill(-1);
    const zeros = (): number[] => new Array<number>(groups).fill(0);
    this.outcome = { activations: zeros(), retired: zeros(), forced: zeros() };
    rt.fleetTimer = (at) => this.onTimer(at);
  }

  /** `active[g]` of this worker's stations of group g run from now on (see CoordinatorMessage 'resize'). */
  resize(active: readonly number[], rampMs: number, atMs: number): void {
    if (this.ended) return;
    const base = Math.max(this.rt.now(), this.rt.atEpochOffset(atMs));
    this.byGroup.forEach((indices, g) => {
      const from = this.active[g] as number;
      const to = Math.max(0, Math.min(indices.length, active[g] ?? 0));
      const m = Math.abs(to - from);
      for (let j = 0; j < m; j++) {
        const at = base + (rampMs * j) / m;
        if (to > from) this.grow(indices[from + j] as number, at);
        else this.shrink(indices[to + j] as number, at);
      }
      this.active[g] = to;
    });
  }

  /** End of run: the worker's wind-down takes every station from here. */
  end(): void {
    this.ended = true;
    this.checkAt = -1;
    this.rt.fleetTimer = undefined;
  }

  private grow(i: number, at: number): void {
    if (this.slot[i] === Slot.Idle) {
      this.start(i, at);
    } else if (this.slot[i] === Slot.Retiring) {
      // Its sessions still run: it simply stays. Otherwise it starts again once it has retired.
      if (this.sessionsStopped[i] === 0) this.slot[i] = Slot.Active;
      else this.reviveAt[i] = at;
    }
  }

  private shrink(i: number, at: number): void {
    if (this.slot[i] === Slot.Retiring) {
      this.reviveAt[i] = -1;
      return;
    }
    if (this.slot[i] !== Slot.Active) return;
    this.slot[i] = Slot.Retiring;
    this.stopAt[i] = at;
    this.sessionsStopped[i] = 0;
    this.reviveAt[i] = -1;
    // Already listed when a shrink undid a grow that had cancelled its retirement.
    if (!this.retiring.includes(i)) this.retiring.push(i);
    this.arm(at);
  }

  private start(i: number, at: number): void {
    if (this.used[i] === 1) this.rt.stations[i] = this.build(i);
    this.used[i] = 1;
    this.slot[i] = Slot.Active;
    const g = (this.assignments[i] as StationAssignment).group;
    // A live run's `planned` counts starts: the fleet checks judge the stations that were started.
    (this.rt.outcomes[g] as { planned: number }).planned++;
    (this.outcome.activations[g] as number)++;
    (this.rt.stations[i] as Station).start(at);
  }

  private arm(at: number): void {
    if (this.ended || (this.checkAt >= 0 && this.checkAt <= at)) return;
    this.checkAt = at;
    this.rt.scheduleFleet(at);
  }

  private onTimer(at: number): void {
    // An entry superseded by an earlier one is stale.
    if (at !== this.checkAt) return;
    this.checkAt = -1;
    const now = this.rt.now();
    let next = Infinity;
    const still: number[] = [];
    for (const i of this.retiring) {
      if (this.slot[i] !== Slot.Retiring) continue;
      if (this.stopAt[i] as number > now + RETIRE_BATCH_MS) {
        next = Math.min(next, this.stopAt[i] as number);
        still.push(i);
        continue;
      }
      if (this.retireStep(i, now)) continue;
      next = Math.min(next, now + RETIRE_CHECK_MS);
      still.push(i);
    }
    this.retiring = still;
    if (still.length > 0) this.arm(next);
  }

  /** Stop its sessions (once due), then shut it down when settled or when the grace is over; true when retired. */
  private retireStep(i: number, now: number): boolean {
    const s = this.rt.stations[i] as Station;
    // A session that started since (a reconnect re-armed its connectors) is stopped too.
    if (this.sessionsStopped[i] === 0 || s.charging.hasOpenTransactions) s.stopAllSessions('Local');
    this.sessionsStopped[i] = 1;
    const settled = s.settled;
    if (!settled && now < (this.stopAt[i] as number) + this.graceMs) return false;
    s.shutdown();
    this.undelivered += s.endRun();
    const g = (this.assignments[i] as StationAssignment).group;
    (this.outcome.retired[g] as number)++;
    if (!settled) (this.outcome.forced[g] as number)++;
    this.rt.countRetired(g);
    this.slot[i] = Slot.Idle;
    const revive = this.reviveAt[i] as number;
    this.reviveAt[i] = -1;
    if (revive >= 0) this.start(i, Math.max(now, revive));
    return true;
  }
}
