/**
 * Seeded random streams. Every station's stream derives from the run's seed and the station's
 * identity, never from its position in the fleet or its worker, so adding stations or workers
 * does not change anyone else's schedule.
 */

/** FNV-1a over a string: a stable 32-bit hash for deriving seeds. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The seed of the stream named `name` (e.g. an identity) within a run seeded with `runSeed`. */
export function streamSeed(runSeed: number, name: string): number {
  return hashString(name, (hashString(String(runSeed)) ^ 0x9e3779b9) >>> 0) || 1;
}

/**
 * mulberry32: one 32-bit word of state, so a station carries its stream as a number rather than
 * an object. `next` returns [0, 1) and the new state.
 */
export function nextRandom(state: number): { value: number; state: number } {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: s };
}

/** A stream as a small object, for code that draws many numbers in a row (planning, tests). */
export class RandomStream {
  constructor(private state: number) {}

  next(): number {
    const r = nextRandom(this.state);
    this.state = r.state;
    return r.value;
  }

  /** Exponentially distributed with the given mean (a Poisson process's gaps). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal (Box-Muller; two draws, one value, so every call uses the stream alike). */
  normal(): number {
    const u1 = this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  get seed(): number {
    return this.state;
  }
}
