/**
 * One scheduler per worker: a binary min-heap of (time, key) in typed arrays, driven by a single
 * Node timer armed for the earliest entry. Thousands of stations share it instead of holding a
 * timer each; an entry is two numbers, so scheduling allocates nothing once the arrays have grown.
 * Cancellation is lazy: the target ignores an entry whose time it no longer expects (call
 * timeouts, armed on every call, are kept to one entry per station by the worker runtime).
 */
import { LagHistogram } from './lag-histogram';

export type TimerTarget = (key: number, at: number) => void;

/**
 * The timers the scheduler arms: Node's by default. A test hands it its own, so that "nothing
 * fired" is a fact of the timer table rather than of a sleep (test/helpers/fake-timers.ts).
 * Handles are whatever the host returns; the scheduler only gives them back to clear them.
 */
export interface TimerHost {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate(run: () => void): unknown;
  clearImmediate(handle: unknown): void;
}

export const NODE_TIMERS: TimerHost = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (run) => setImmediate(run),
  clearImmediate: (handle) => clearImmediate(handle as NodeJS.Immediate),
};

/** Most entries handled in one turn of the event loop, so that sockets are read in between. */
const BATCH = 4096;
/**
 * Longest time one turn spends on entries (checked every SLICE_CHECK entries). A storm of
 * connections due at once (a ramp of `all`) costs ~0.1–0.3 ms each to open: in one batch the
 * sockets of the first would wait for the last before a byte of their handshakes went out, and
 * the CSMS (another process, another core) would sit idle meanwhile. Slices let both work at once.
 */
const SLICE_MS = 5;
const SLICE_CHECK = 16;
/**
 * Node's longest timer (2^31−1 ms, ~24.8 days): a longer one fires after 1 ms, and an entry that
 * far out (a slow ramp of a large fleet, a long-tailed draw) would make the worker spin on 1 ms
 * timers. Armed at most this far, `fire` finds the entry not due and arms again.
 */
const MAX_TIMER_MS = 2_147_483_647;

export class Scheduler {
  private times = new Float64Array(1024);
  private keys = new Float64Array(1024);
  private size = 0;
  private timer: unknown;
  private armedAt = Infinity;
  private immediate: unknown;
  private stopped = false;
  /** True while `fire` runs: entries the target schedules then are armed for when it returns. */
  private firing = false;
  private readonly run = (): void => this.fire();
  /**
   * How late each entry fired against its due time: the generator's own saturation (the
   * `schedulerLag` health check). Read from the clock readings the loop makes anyway (at most
   * SLICE_CHECK entries old), so it costs no extra clock read per entry.
   */
  readonly lag = new LagHistogram();

  constructor(
    private readonly clock: () => number,
    private readonly target: TimerTarget,
    private readonly timers: TimerHost = NODE_TIMERS,
  ) {}

  get pending(): number {
    return this.size;
  }

  schedule(key: number, at: number): void {
    if (this.stopped) return;
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.times[parent] as number) <= at) break;
      this.times[i] = this.times[parent] as number;
      this.keys[i] = this.keys[parent] as number;
      i = parent;
    }
    this.times[i] = at;
    this.keys[i] = key;
    if (at < this.armedAt && this.immediate === undefined && !this.firing) this.arm(at);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    if (this.immediate !== undefined) this.timers.clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.size = 0;
  }

  private arm(at: number): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = this.timers.setTimeout(this.run, Math.min(MAX_TIMER_MS, Math.max(0, at - this.clock())));
  }

  private fire(): void {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedAt = Infinity;
    let handled = 0;
    let sliced = false;
    // Arming a timer from `schedule` here would leave it behind if the batch ends with
    // setImmediate: a stray timer that stop() cannot clear and that keeps the process alive.
    this.firing = true;
    try {
      // Entries due within the next half millisecond go now: Node timers have 1 ms granularity.
      // The clock is read again only when the next entry looks not yet due.
      let now = this.clock();
      let horizon = now + 0.5;
      const sliceEnd = now + SLICE_MS;
      while (this.size > 0 && handled < BATCH) {
        if ((handled & (SLICE_CHECK - 1)) === SLICE_CHECK - 1) {
          now = this.clock();
          if (now > sliceEnd) {
            sliced = true;
            break;
          }
        }
        const at = this.times[0] as number;
        if (at > horizon) {
          now = this.clock();
          horizon = now + 0.5;
          if (at > horizon) break;
        }
        const key = this.keys[0] as number;
        this.popTop();
        handled++;
        this.lag.record(now - at);
        this.target(key, at);
        if (this.stopped) return;
      }
    } finally {
      this.firing = false;
    }
    if (this.size === 0) return;
    if (handled === BATCH || sliced) this.immediate = this.timers.setImmediate(this.run);
    else this.arm(this.times[0] as number);
  }

  private popTop(): void {
    const last = --this.size;
    if (last === 0) return;
    const at = this.times[last] as number;
    const key = this.keys[last] as number;
    let i = 0;
    // Sift down.
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && (this.times[right] as number) < (this.times[left] as number) ? right : left;
      if ((this.times[child] as number) >= at) break;
      this.times[i] = this.times[child] as number;
      this.keys[i] = this.keys[child] as number;
      i = child;
    }
    this.times[i] = at;
    this.keys[i] = key;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const keys = new Float64Array(this.keys.length * 2);
    times.set(this.times);
    keys.set(this.keys);
    this.times = times;
    this.keys = keys;
  }
}
