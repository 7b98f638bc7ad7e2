import type { TimerHost } from '../../src/worker/scheduler';

interface PendingTimeout {
  readonly id: number;
  readonly due: number;
  readonly ms: number;
  readonly run: () => void;
}

/**
 * A clock and a timer host that move only when the test says so, for the scheduler. Nothing runs
 * on its own: `turn()` is one turn of an event loop (the immediates queued, else the earliest
 * timeout that is due), `advance(to)` moves the clock and runs turns until nothing is due. So
 * "nothing fired" is read from the table of armed timers, with no sleep and no machine's mood in it.
 */
export class FakeTimers implements TimerHost {
  now = 0;
  readonly read = (): number => this.now;
  private nextId = 1;
  private readonly timeouts = new Map<number, PendingTimeout>();
  private readonly immediates = new Map<number, () => void>();
  /** Every delay asked of setTimeout, in order: what a real timer would have been armed with. */
  readonly delays: number[] = [];

  setTimeout(run: () => void, ms: number): number {
    const id = this.nextId++;
    this.delays.push(ms);
    this.timeouts.set(id, { id, due: this.now + ms, ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timeouts.delete(handle as number);
  }

  setImmediate(run: () => void): number {
    const id = this.nextId++;
    this.immediates.set(id, run);
    return id;
  }

  clearImmediate(handle: unknown): void {
    this.immediates.delete(handle as number);
  }

  /** Timeouts armed and not yet run or cleared. */
  get pendingTimeouts(): number {
    return this.timeouts.size;
  }

  get pendingImmediates(): number {
    return this.immediates.size;
  }

  /** When the earliest armed timeout is due, if any. */
  get nextDue(): number | undefined {
    let due: number | undefined;
    for (const t of this.timeouts.values()) if (due === undefined || t.due < due) due = t.due;
    return due;
  }

  /**
   * One turn: the immediates queued before it (those they queue wait for the next turn, as in
   * Node), else the earliest due timeout. False when nothing was ready.
   */
  turn(): boolean {
    if (this.immediates.size > 0) {
      const queued = [...this.immediates];
      this.immediates.clear();
      for (const [, run] of queued) run();
      return true;
    }
    let first: PendingTimeout | undefined;
    for (const t of this.timeouts.values()) if (t.due <= this.now && (first === undefined || t.due < first.due)) first = t;
    if (first === undefined) return false;
    this.timeouts.delete(first.id);
    first.run();
    return true;
  }

  /** Moves the clock to `to` (a loop that slept and woke then) and runs every turn that is ready. */
  advance(to: number): number {
    this.now = to;
    let turns = 0;
    while (this.turn()) {
      // A scheduler that re-armed itself for "now" forever would hang the test rather than fail it.
      if (++turns > 1_000_000) throw new Error('timers still firing after a million turns');
    }
    return turns;
  }
}
