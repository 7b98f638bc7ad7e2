/**
 * The capacity search as a pure function: from the settings and the verdicts so far, the next
 * fleet size to hold, or the answer. No clock, no I/O, no randomness: the same verdicts give the
 * same steps, so a seeded run repeats its search exactly, and the search is tested with models.
 *
 *  1. Grow geometrically from `min` (× `growth`, capped at `max`) until the first breach.
 *  2. Narrow by bisection between the last good size and the first bad one until
 *     (bad − good) / good ≤ `precision`.
 *  3. Hold the size found once more (the confirmation). If that hold fails, the size found is
 *     bad after all (the boundary is noisy there): the search steps down to the largest size
 *     that passed below it and narrows again, at most MAX_CONFIRMS confirmations in all; when the
 *     last of them fails too, the answer is the largest size that passed below, `confirmed: false`.
 *
 * "Bad" is always the smallest size that ever failed and "good" the largest size that passed
 * below it, both read from the whole history, so a late failure (a confirmation) moves the
 * bracket down and a size at or above a failure is never tried again.
 *
 * A step whose generator was saturated ends the search at once, whatever else it showed: past
 * that size the latencies measured are partly the generator's own, and the CSMS is never blamed
 * for them (issue 12: "never blame the CSMS for the generator").
 */

export interface SearchSettings {
  /** Smallest fleet tried, the first step. */
  readonly min: number;
  /** Largest fleet tried: a search that never breaks says "at least max". */
  readonly max: number;
  /** Relative: narrowing stops when (bad − good) / good ≤ precision. */
  readonly precision: number;
  /** Factor between growth steps (> 1). */
  readonly growth: number;
}

/** How a step was judged: every SLO and check passed; one broke; the generator saturated. */
export type StepVerdict = 'pass' | 'breach' | 'generator';

export type Phase = 'grow' | 'narrow' | 'confirm';

export interface SearchStep {
  readonly stations: number;
  readonly phase: Phase;
  readonly verdict: StepVerdict;
}

export type SearchOutcome =
  /** Capacity `stations`: it passed, and `firstBad` (the smallest size that failed) did not. */
  | { readonly kind: 'found'; readonly stations: number; readonly firstBad: number; readonly confirmed: boolean }
  /** Nothing broke up to `max`: the capacity is at least `stations` (= max), not known beyond. */
  | { readonly kind: 'atLeastMax'; readonly stations: number; readonly confirmed: true }
  /** Even the smallest size tried failed (`stations` = min): no capacity within the SLOs. */
  | { readonly kind: 'smallestFailed'; readonly stations: number }
  /** The generator saturated at `stations`, at or before any breach: add workers or shards. */
  | { readonly kind: 'generatorBound'; readonly stations: number };

export type Next =
  | { readonly kind: 'measure'; readonly stations: number; readonly phase: Phase }
  | { readonly kind: 'done'; readonly outcome: SearchOutcome };

/** Confirmations at most: the first, and two more after stepping down from a failed one. */
export const MAX_CONFIRMS = 3;

export function nextStep(settings: SearchSettings, history: readonly SearchStep[]): Next {
  const last = history[history.length - 1];
  if (last === undefined) return measure(settings.min, 'grow');
  if (last.verdict === 'generator') return done({ kind: 'generatorBound', stations: last.stations });

  let bad: number | undefined;
  for (const s of history) if (s.verdict === 'breach' && (bad === undefined || s.stations < bad)) bad = s.stations;
  let good: number | undefined;
  for (const s of history) if (s.verdict === 'pass' && (bad === undefined || s.stations < bad) && (good === undefined || s.stations > good)) good = s.stations;

  if (good === undefined) return done({ kind: 'smallestFailed', stations: bad ?? settings.min });
  if (last.phase === 'confirm') {
    if (last.verdict === 'pass') {
      return done(bad === undefined ? { kind: 'atLeastMax', stations: last.stations, confirmed: true } : { kind: 'found', stations: last.stations, firstBad: bad, confirmed: true });
    }
    const confirms = history.filter((s) => s.phase === 'confirm').length;
    // bad is defined here: the failed confirmation is one.
    if (confirms >= MAX_CONFIRMS) return done({ kind: 'found', stations: good, firstBad: bad as number, confirmed: false });
  }
  if (bad === undefined) {
    if (good >= settings.max) return measure(good, 'confirm');
    return measure(Math.min(settings.max, Math.max(good + 1, Math.ceil(good * settings.growth))), 'grow');
  }
  if (bad - good <= 1 || (bad - good) / good <= settings.precision) return measure(good, 'confirm');
  return measure(roundBetween(good, bad), 'narrow');
}

function measure(stations: number, phase: Phase): Next {
  return { kind: 'measure', stations, phase };
}

function done(outcome: SearchOutcome): Next {
  return { kind: 'done', outcome };
}

/**
 * The midpoint of good and bad, rounded to as few significant digits as keep it strictly between
 * them and within a tenth of the bracket of the midpoint: people read "7,400 stations" more
 * easily than "7,391", and bisection loses almost nothing.
 */
export function roundBetween(good: number, bad: number): number {
  const mid = (good + bad) / 2;
  const slack = (bad - good) / 10;
  for (let digits = 1; digits <= 15; digits++) {
    const rounded = Number(mid.toPrecision(digits));
    if (Number.isInteger(rounded) && rounded > good && rounded < bad && Math.abs(rounded - mid) <= slack) return rounded;
  }
  return Math.floor(mid);
}
