/**
 * The end of a step's warm-up: the first whole second on which every SLO passes, so that a
 * backlog the steps before left behind is not judged as this size's.
 *
 * Why a step needs it: the stations keep every call that fell due (the response time counts from
 * the due moment, never dropping what a slow CSMS made late), so a step over capacity leaves each
 * remaining station behind its schedule, and a burst of connections (BootNotification and its
 * StatusNotifications) leaves a queue too. Below capacity that backlog drains at the capacity
 * left over, which near the knee is little: at 95 % load a backlog of 5 s of calls takes
 * 95 s. A fixed warm-up is either too short there (the search would call a good size bad and end
 * low) or too long everywhere else.
 *
 * So after the warm-up, first the stations removed by this step and those before must have
 * retired: until then they still send what they owe (their backlog, their stop messages), load
 * that is not this size's. Then the last whole second is judged on the SLOs alone: when they all
 * pass the hold starts there. Otherwise one more second is waited, as long as the seconds get
 * better (a backlog draining: a new best within SETTLE_PATIENCE seconds). All of it for at most
 * `maxMs`. A size over capacity gets worse every second: it is held after SETTLE_PATIENCE seconds
 * and fails on its own window, as it should. An SLO with no samples in a second says nothing of a
 * backlog: it neither holds the step back nor settles it.
 */
import type { Threshold } from '../report/thresholds';
import { sloPressure } from './judge';
import type { LiveRun } from './live';
import { reach } from './wait';

/** Seconds without a new best after which a step is held as it is. */
export const SETTLE_PATIENCE = 3;

export interface Settled {
  /** Run time the hold starts at: a whole second. */
  readonly atMs: number;
  /** Every SLO passed on the second before `atMs` (false: held unsettled, at the bound or getting worse). */
  readonly settled: boolean;
}

export interface SettleAsk {
  readonly slos: readonly Threshold[];
  /** The whole second the warm-up ends at; the second before it lies after the ramp. */
  readonly fromMs: number;
  readonly maxMs: number;
  /** `live.retired` once every station removed so far has retired. */
  readonly retired: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * The first whole second from `fromMs` after which the step counts as settled; undefined when
 * the run ended or the signal stopped the search meanwhile.
 */
export async function settleStep(live: LiveRun, ask: SettleAsk): Promise<Settled | undefined> {
  const { slos, fromMs, maxMs, signal } = ask;
  let best = Infinity;
  let sinceBest = 0;
  for (let atMs = fromMs; ; atMs += 1000) {
    if (!(await reach(live, atMs, signal))) return undefined;
    // The second judged must lie after the last retirement.
    const pressure = live.retired < ask.retired ? Infinity : sloPressure(live.window(atMs - 1000, atMs), slos);
    if (pressure === 0) return { atMs, settled: true };
    if (pressure === Infinity) {
      // Still retiring: no second to judge yet.
    } else if (pressure < best) {
      best = pressure;
      sinceBest = 0;
    } else if (++sinceBest >= SETTLE_PATIENCE) {
      return { atMs, settled: false };
    }
    if (atMs + 1000 > fromMs + maxMs) return { atMs, settled: false };
  }
}
