/**
 * Waiting on a live run's clock for the search: until a run time, or until the run ended by
 * itself, or until the caller's signal stopped the search (the run winds down through the same
 * signal; finish() then writes its results).
 */
import type { LiveRun } from './live';

/**
 * Waits for run time `ms`, then for every record of the time before it (a window read next holds
 * every call that ended before `ms`); false when the run ended first or the signal stopped the
 * search. An until() that resolves early, the run still going, breaks the live run's contract:
 * an error, not an end.
 */
export async function reach(live: LiveRun, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  const stopped = (): boolean => signal?.aborted === true || live.endedBy !== undefined;
  if (stopped()) return false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = (): void => resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([live.until(ms), aborted]);
    if (stopped()) return false;
    // The window read next must lie in the past (the contract's toMs <= now()).
    const now = live.now();
    if (now < ms) throw new Error(`the live run's until(${ms}) resolved at run time ${now} ms, before its time`);
    // A worker that could not say what happened before `ms` in time is saturated: its window shows it.
    await Promise.race([live.recorded(ms), aborted]);
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
  return !stopped();
}

/** The first whole second of run time at or after `ms`: windows are made of whole seconds. */
export function wholeSecondAfter(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}
