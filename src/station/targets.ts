import { hashString } from '../scenario/random';

/**
 * The CSMS endpoints a worker's stations spread over, and which of them are treated as lost for a
 * while (a simulated node loss against targets the tool cannot stop). A station holds only the
 * index of its current target; its list is the targets in order, starting at its home.
 */
export class TargetList {
  /** Clock ms until which each target counts as unreachable (0: reachable). */
  private readonly downUntil: Float64Array;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new TypeError('a target list needs at least one URL');
    this.downUntil = new Float64Array(urls.length);
  }

  get size(): number {
    return this.urls.length;
  }

  urlOf(index: number): string {
    return this.urls[index] as string;
  }

  /**
   * Where a station's next connection attempt goes. `current` is its target so far (-1: none
   * yet: its home); `leave` says the last attempt or connection there failed, so it moves on to the
   * next one. A target that is lost for now is skipped, unless every target is.
   */
  choose(current: number, identity: string, leave: boolean, now: number): number {
    const n = this.urls.length;
    let at = current < 0 ? homeTarget(identity, n) : leave ? (current + 1) % n : current;
    for (let tried = 0; tried < n && (this.downUntil[at] ?? 0) > now; tried++) at = (at + 1) % n;
    return at;
  }

  /** Treat target `index` as unreachable until `untilMs` on the stations' clock. */
  loseUntil(index: number, untilMs: number): void {
    if (index < 0 || index >= this.urls.length) return;
    this.downUntil[index] = untilMs;
  }
}

/**
 * A station's home target: from a hash of its identity, never from its index or its worker, so the
 * spread is the same whatever the worker count and adding stations moves no other station.
 */
export function homeTarget(identity: string, targets: number): number {
  return targets <= 1 ? 0 : hashString(identity) % targets;
}
