import type { Aggregator } from '../metrics/aggregator';

export interface UnreachableOptions {
  /** null: fail fast is off. */
  readonly afterMs: number | null;
  /** ms after the epoch of the first station's first connection attempt. */
  readonly firstAttemptMs: number;
  readonly connectTimeoutMs: number;
  /** The target as it may be printed. */
  readonly target: string;
}

/**
 * Fail fast (README, "Exit codes"): when no station has connected `afterMs` after the run's first
 * planned connection attempt, the target is taken as unreachable: the run stops at once instead of
 * retrying for its whole duration, and says why (the connect errors seen so far, by kind).
 */
export class UnreachableWatch {
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The message given when it fired; undefined while it has not. */
  fired: string | undefined;

  constructor(
    private readonly aggregator: Aggregator,
    private readonly options: UnreachableOptions,
    private readonly onUnreachable: (message: string) => void,
  ) {}

  private get afterMs(): number | null {
    return this.options.afterMs;
  }

  /** `firstAttemptMs`: when the first attempt is due, ms after the epoch (a live run's first start). */
  start(epochWallMs: number, firstAttemptMs = this.options.firstAttemptMs): void {
    if (this.afterMs === null || this.timer !== undefined || this.fired !== undefined || this.disposed) return;
    const due = epochWallMs + firstAttemptMs + this.afterMs;
    this.timer = setTimeout(() => this.check(true), Math.max(0, due - Date.now()));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(first: boolean): void {
    this.timer = undefined;
    if (this.aggregator.connect.ok > 0) return;
    // A connection made within the coordinator's last drain (every 25 ms) is not counted yet:
    // look again once more before calling the target unreachable.
    if (first) {
      this.timer = setTimeout(() => this.check(false), 100);
      return;
    }
    this.fired = `no charge point connected to ${this.options.target} within ${seconds(this.afterMs ?? 0)} of the first attempt (${this.seen()})`;
    this.onUnreachable(this.fired);
  }

  /** Every error is a connect error while nothing connected: the kinds with their counts. */
  private seen(): string {
    const kinds = [...this.aggregator.errors()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    if (kinds.length === 0) {
      return `no attempt has failed yet: every one is still waiting for the CSMS; the connect timeout is ${seconds(this.options.connectTimeoutMs)}`;
    }
    return kinds.map(([k, n]) => `${k} ×${n}`).join(', ');
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
