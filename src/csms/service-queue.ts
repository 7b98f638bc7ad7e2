/**
 * A CSMS of known capacity (issue 12, point 5): every station-initiated CALL passes through
 * `servers` servers that each take exactly `serviceTimeMs` per call, first come first served.
 * Its capacity is servers × 1000 / serviceTimeMs calls per second, and past it the queue (and
 * the latency) grows as long as load is offered faster than that.
 *
 * Exact on an event loop whose timers fire late by a millisecond or more: the servers live in
 * virtual time. A call that arrives at `a` starts at max(a, when its server is next free) and
 * completes exactly `serviceTimeMs` later, whatever the timers do. One timer, armed for the
 * earliest completion, answers every call whose completion has passed when it fires, so a late
 * timer delays answers but never loses service time: over any long span the servers complete
 * calls at their exact rate. No timer per call, none per server.
 *
 * Why round robin finds the right server: with one service time for all, the calls complete in
 * the order they arrived (c_k = max(a_k, c_{k-S}) + T never decreases), so the server that frees
 * first is always the one that took a call longest ago — the next in turn. That also keeps the
 * queue's head the earliest completion, so the single timer only ever waits for the head.
 */

/** The timers the queue arms: Node's by default; a test passes its own (test/helpers/fake-timers.ts). */
export interface ServiceTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const NODE_SERVICE_TIMERS: ServiceTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A call whose service is over: answer it. One function for every call (no closure per call);
 * `arrivedAt` is the clock reading taken when the call joined the queue.
 */
export type ServiceDone<Owner, Answer> = (owner: Owner, id: string, action: string, answer: Answer | undefined, arrivedAt: number) => void;

/** The queue's figures: `/stats` `serviceQueue`. */
export interface ServiceQueueStats {
  servers: number;
  serviceTimeMs: number;
  /** servers × 1000 / serviceTimeMs: the most calls per second it can answer. */
  capacityPerSecond: number;
  /** Calls that joined the queue. */
  received: number;
  /** Calls whose service completed and whose answer was given (or dropped: the station had gone). */
  served: number;
  /** Calls held now: in service or waiting for a server. */
  queueLength: number;
  /** The most calls held at once. */
  maxQueueLength: number;
  /** Mean time a call waited for a server before its service began, in ms (0 before any call). */
  meanWaitMs: number;
}

/** First size of the ring; it doubles as needed (the queue holds at most one call per connection). */
const INITIAL_CAPACITY = 64;

export class ServiceQueue<Owner, Answer> {
  readonly capacityPerSecond: number;
  // The queue as a ring of parallel arrays: joining it allocates nothing once they have grown.
  private owners: (Owner | undefined)[] = new Array<Owner | undefined>(INITIAL_CAPACITY);
  private ids: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY);
  private actions: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY);
  private answers: (Answer | undefined)[] = new Array<Answer | undefined>(INITIAL_CAPACITY);
  private arrivals = new Float64Array(INITIAL_CAPACITY);
  private completions = new Float64Array(INITIAL_CAPACITY);
  private head = 0;
  private size = 0;
  /** When each server is next free; the next call goes to `nextServer` (see the note above). */
  private readonly freeAt: Float64Array;
  private nextServer = 0;
  private timer: unknown = undefined;
  private stopped = false;
  private received = 0;
  private served = 0;
  private maxQueueLength = 0;
  private waitTotal = 0;
  private readonly fire = (): void => this.completeDue();

  constructor(
    readonly servers: number,
    readonly serviceTimeMs: number,
    private readonly done: ServiceDone<Owner, Answer>,
    private readonly clock: () => number = () => performance.now(),
    private readonly timers: ServiceTimers = NODE_SERVICE_TIMERS,
  ) {
    if (!Number.isInteger(servers) || servers < 1) throw new TypeError(`servers must be an integer >= 1, got ${String(servers)}`);
    if (!(serviceTimeMs > 0) || !Number.isFinite(serviceTimeMs)) throw new TypeError(`serviceTimeMs must be a number > 0, got ${String(serviceTimeMs)}`);
    this.freeAt = new Float64Array(servers);
    this.capacityPerSecond = (servers * 1000) / serviceTimeMs;
  }

  /** Calls held now (in service or waiting). */
  get length(): number {
    return this.size;
  }

  /** A call arrives now: its answer is given when its service completes. */
  push(owner: Owner, id: string, action: string, answer: Answer | undefined): void {
    if (this.stopped) return;
    const now = this.clock();
    const server = this.nextServer;
    const start = Math.max(now, this.freeAt[server]);
    const completion = start + this.serviceTimeMs;
    this.freeAt[server] = completion;
    this.nextServer = server + 1 === this.servers ? 0 : server + 1;
    this.received++;
    this.waitTotal += start - now;
    if (this.size === this.arrivals.length) this.grow();
    const at = (this.head + this.size) & (this.arrivals.length - 1);
    this.owners[at] = owner;
    this.ids[at] = id;
    this.actions[at] = action;
    this.answers[at] = answer;
    this.arrivals[at] = now;
    this.completions[at] = completion;
    if (++this.size > this.maxQueueLength) this.maxQueueLength = this.size;
    if (this.timer === undefined) this.arm(now);
  }

  /** Answer every call whose completion has passed (all of them when the timer fired late), then wait for the next. */
  private completeDue(): void {
    // `timer` stays set (spent) until the loop is over: a call pushed by an answer (a station that
    // calls again at once) must not arm a second timer beside the one armed below.
    const now = this.clock();
    const mask = this.arrivals.length - 1;
    while (this.size > 0 && this.completions[this.head] <= now) {
      const at = this.head;
      const owner = this.owners[at] as Owner;
      const id = this.ids[at] as string;
      const action = this.actions[at] as string;
      const answer = this.answers[at];
      const arrivedAt = this.arrivals[at];
      // Slots let go at once, so a station gone long ago is not kept alive by the ring.
      this.owners[at] = undefined;
      this.ids[at] = undefined;
      this.actions[at] = undefined;
      this.answers[at] = undefined;
      this.head = (at + 1) & mask;
      this.size--;
      this.served++;
      this.done(owner, id, action, answer, arrivedAt);
      if (this.stopped) return;
    }
    this.timer = undefined;
    if (this.size > 0) this.arm(now);
  }

  /**
   * A timer for the head's completion. Node's timers count whole ms from the loop's cached time,
   * so this may fire a little early (nothing due yet: it is armed again) or late (the loop above
   * catches up); never less than 1 ms, so an early fire cannot spin.
   */
  private arm(now: number): void {
    const wait = Math.max(1, Math.ceil(this.completions[this.head] - now));
    this.timer = this.timers.setTimeout(this.fire, wait);
  }

  private grow(): void {
    const capacity = this.arrivals.length * 2;
    const mask = this.arrivals.length - 1;
    const owners = new Array<Owner | undefined>(capacity);
    const ids = new Array<string | undefined>(capacity);
    const actions = new Array<string | undefined>(capacity);
    const answers = new Array<Answer | undefined>(capacity);
    const arrivals = new Float64Array(capacity);
    const completions = new Float64Array(capacity);
    for (let i = 0; i < this.size; i++) {
      const from = (this.head + i) & mask;
      owners[i] = this.owners[from];
      ids[i] = this.ids[from];
      actions[i] = this.actions[from];
      answers[i] = this.answers[from];
      arrivals[i] = this.arrivals[from];
      completions[i] = this.completions[from];
    }
    this.owners = owners;
    this.ids = ids;
    this.actions = actions;
    this.answers = answers;
    this.arrivals = arrivals;
    this.completions = completions;
    this.head = 0;
  }

  /** The CSMS is closing: no more answers, the timer cleared, the calls held let go. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.owners.fill(undefined);
    this.ids.fill(undefined);
    this.actions.fill(undefined);
    this.answers.fill(undefined);
    this.size = 0;
  }

  snapshot(): ServiceQueueStats {
    return {
      servers: this.servers,
      serviceTimeMs: this.serviceTimeMs,
      capacityPerSecond: this.capacityPerSecond,
      received: this.received,
      served: this.served,
      queueLength: this.size,
      maxQueueLength: this.maxQueueLength,
      meanWaitMs: this.received === 0 ? 0 : this.waitTotal / this.received,
    };
  }
}
