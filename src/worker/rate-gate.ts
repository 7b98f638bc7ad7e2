/**
 * --max-rate on one worker: a token bucket for the CALLs its stations send, refilled on one
 * timer for the whole worker. A station without a token waits in a FIFO and is resumed when
 * tokens come back, so the limit holds the order of the stations and adds no timer per station.
 * Its calls stay timed from their due moment: the wait shows as dispatch delay, not as the CSMS's.
 */
export interface Resumable {
  resumeCalls(): void;
}

const REFILL_EVERY_MS = 10;

export class RateGate {
  private tokens: number;
  private readonly burst: number;
  private readonly waiting: Resumable[] = [];
  private readonly queued = new Set<Resumable>();
  private readonly timer: NodeJS.Timeout;
  private last: number;
  private resuming: Resumable | undefined = undefined;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number,
  ) {
    // A burst of 1/20 s of tokens: enough to absorb timer jitter, small enough to keep the rate.
    this.burst = Math.max(1, perSecond / 20);
    this.tokens = this.burst;
    this.last = clock();
    this.timer = setInterval(() => this.refill(), REFILL_EVERY_MS);
    this.timer.unref();
  }

  /** Take a token for `who`, or queue it until one is free. */
  take(who: Resumable): boolean {
    // Those already waiting go first, except the one being resumed right now.
    if (this.tokens >= 1 && (this.waiting.length === 0 || who === this.resuming)) {
      this.tokens -= 1;
      return true;
    }
    if (!this.queued.has(who)) {
      this.queued.add(who);
      this.waiting.push(who);
    }
    return false;
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    while (this.tokens >= 1 && this.waiting.length > 0) {
      const next = this.waiting.shift() as Resumable;
      this.queued.delete(next);
      // The station takes its token in mayCall() as it sends one call (one outstanding call at
      // a time); its next call queues again behind the others: round robin.
      this.resuming = next;
      next.resumeCalls();
      this.resuming = undefined;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.waiting.length = 0;
    this.queued.clear();
  }
}
