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
 * So after the warm-up, first the stations removed so far must have retired: until then they
 * still send what they owe (their backlog, their stop messages), load that is not this size's.
 * Then the last whole second is judged on the SLOs alone: when they all pass the hold starts
 * there. Otherwise one more second is waited, as long as the seconds get better (a backlog
 * draining: a new best within SETTLE_PATIENCE seconds). All of it for at most `maxMs`. A size
 * over capacity gets worse every second: after SETTLE_PATIENCE seconds in a row getting worse it
 * is judged on those seconds, and fails, as it should (see SettleState). An SLO with no samples
 * in a second says nothing of a backlog: it neither holds the step back nor settles it. A second
 * in which no SLO has one settles nothing: the step waits for the SLOs' first samples while the
 * CSMS answers other calls, and counts it as no better when nothing was answered at all.
 *
 * What a step over capacity leaves in the stations that remain is the other half, and a settle
 * cannot undo it: restart.ts starts the next size afresh after a breach.
 */
import type { Threshold } from '../report/thresholds';
import { sloPressure } from './judge';
import type { LiveRun } from './live';
import { reach } from './wait';

/** Seconds without a new best after which a step is held as it is; seconds in a row getting worse after which it is judged on them. */
export const SETTLE_PATIENCE = 3;

/**
 * - settled: every SLO passed on the second before `atMs`: the hold starts there;
 * - worsening: the SLOs got worse in each of the last SETTLE_PATIENCE seconds, every one of them
 *   failing: a size past capacity, whose backlog only grows. It is judged on those seconds
 *   (from `judgedFromMs` to `atMs`) rather than held: every second of that window failed, so
 *   the window fails too, and holding it longer would only leave a deeper backlog behind;
 * - stalled: neither, at the bound or without a new best: held as it is.
 */
export type SettleState = 'settled' | 'worsening' | 'stalled';

export interface Settled {
  /** Run time the hold starts at (or, worsening, the judged seconds end at): a whole second. */
  readonly atMs: number;
  readonly state: SettleState;
  /** The first second judged, after the retirements: a worsening step's window starts there. */
  readonly judgedFromMs: number;
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
 * The first whole second from `fromMs` after which the step counts as settled (or worsening, or
 * stalled); undefined when the run ended or the signal stopped the search meanwhile.
 */
export async function settleStep(live: LiveRun, ask: SettleAsk): Promise<Settled | undefined> {
  const { slos, fromMs, maxMs, signal } = ask;
  let best = Infinity;
  let sinceBest = 0;
  let last = Infinity;
  let rises = 0;
  let judgedFromMs: number | undefined;
  for (let atMs = fromMs; ; atMs += 1000) {
    if (!(await reach(live, atMs, signal))) return undefined;
    const bound = atMs + 1000 > fromMs + maxMs;
    // The seconds judged must lie after the last retirement.
    if (live.retired < ask.retired) {
      if (bound) return { atMs, state: 'stalled', judgedFromMs: atMs };
      continue;
    }
    const second = live.window(atMs - 1000, atMs);
    const pressure = sloPressure(second, slos);
    // A second in which no SLO had a sample says nothing of the size yet. While the CSMS answers
    // other calls, the stations are still on their way to what the SLOs measure (boots, status
    // reports, the start of their sessions, queued behind a slow CSMS after a restart): wait for
    // it, up to the bound. Judged then, the hold held no sample, and a size the CSMS carries
    // failed on "no samples" (a 2 × 50 ms CSMS: five sizes in a row, 40 stations of a true 40).
    // With nothing answered at all (no station connected, a CSMS that stopped answering) there
    // is nothing to wait for: such seconds count against the patience, as seconds no better.
    if (Number.isNaN(pressure)) {
      if (bound) return { atMs, state: 'stalled', judgedFromMs: judgedFromMs ?? atMs };
      if (second.callsPerSecond === 0 && ++sinceBest >= SETTLE_PATIENCE) return { atMs, state: 'stalled', judgedFromMs: judgedFromMs ?? atMs };
      continue;
    }
    judgedFromMs ??= atMs - 1000;
    if (pressure === 0) return { atMs, state: 'settled', judgedFromMs };
    rises = pressure > last ? rises + 1 : 0;
    last = pressure;
    if (rises >= SETTLE_PATIENCE) return { atMs, state: 'worsening', judgedFromMs };
    if (pressure < best) {
      best = pressure;
      sinceBest = 0;
    } else if (++sinceBest >= SETTLE_PATIENCE) {
      return { atMs, state: 'stalled', judgedFromMs };
    }
    if (bound) return { atMs, state: 'stalled', judgedFromMs };
  }
}
