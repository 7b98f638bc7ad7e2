/**
 * After a step that broke, the next size either keeps the stations it needs or starts from a
 * fresh fleet, whichever owes less.
 *
 * A step past capacity leaves each of its stations behind its schedule by how long it was
 * overloaded (the stations keep every call that fell due: settle.ts), and the stations a smaller
 * size keeps carry that lag with them: narrowing down through a few sizes past capacity, each
 * adding its own, once left 20 s of lag that a size at 96 % of capacity was still paying off a
 * minute later, and the search ended 30 % low. A fresh fleet owes nothing of that, but its own
 * start: each new station's connection and first calls (BootNotification, StatusNotifications, a
 * session's start), which for stations that call rarely are many seconds of their steady load
 * (a station sending a call a minute starts with minutes' worth). Both debts drain at the same
 * rate at the next size, the capacity it leaves over, so the smaller one is the one to pay:
 *
 * - the lag: the breached step's slowest p99 response time (from the due moment), which is about
 *   how far behind its stations were as it ended;
 * - the start: measured on the first step, the only one that began from no station at all: its
 *   calls from the run's start to the end of its window, less what its stations sent at the
 *   steady rate (that of the latest step that passed) over the same time, per station, in seconds
 *   of that rate.
 *
 * Restarting retires every station, so that the whole capacity drains what they owe (for at most
 * the scenario's gracefulStop; what is left then is dropped, as at the end of a run).
 */
import type { LiveRun, StepWindow } from './live';
import type { CapacityConfig } from './options';
import type { CapacityStep } from './steps';
import { reach } from './wait';

/** The first step's calls from the run's start to the end of its window: what a fleet costs to start. */
export interface FirstStep {
  readonly stations: number;
  readonly toMs: number;
  readonly calls: number;
}

export function firstStepOf(step: CapacityStep, fromStart: StepWindow): FirstStep {
  return { stations: step.stations, toMs: fromStart.toMs, calls: fromStart.calls };
}

/** Both debts of a restart decision, ms, as capacity.json gives them. */
export interface RestartChoice {
  /** How far behind the breached step's stations were: its slowest p99. */
  readonly lagMs: number;
  /** What a fresh fleet owes at its start, in ms of its steady load. */
  readonly startMs: number;
  readonly restarted: boolean;
}

/** Calls a station sends per second at the steady rate: those of a step that passed, over its window. */
function perStationRate(step: CapacityStep): number {
  return step.calls / ((step.timing.windowToMs - step.timing.windowFromMs) / 1000) / step.stations;
}

export function restartChoice(breach: CapacityStep, lastPass: CapacityStep, first: FirstStep): RestartChoice {
  const lagMs = Math.max(0, ...Object.values(breach.actions).map((a) => a.p99 ?? 0));
  const rate = perStationRate(lastPass);
  const owedCalls = Math.max(0, first.calls - rate * first.stations * (first.toMs / 1000)) / first.stations;
  const startMs = rate > 0 ? Math.round((owedCalls / rate) * 1000) : Infinity;
  return { lagMs: Math.round(lagMs), startMs, restarted: lagMs > startMs };
}

/** How often the retirements are looked at. */
const POLL_MS = 250;

export interface Restarted {
  /** `live.retired` once all of them have retired. */
  readonly retired: number;
  /** How long it took. */
  readonly ms: number;
}

/**
 * Shrinks to 0 (the stops spread at the search's ramp rate) and waits until every station has
 * retired, for at most `config.settleMs`; undefined when the run ended or the signal stopped the
 * search meanwhile.
 */
export async function restartFleet(live: LiveRun, config: CapacityConfig, retired: number): Promise<Restarted | undefined> {
  const startMs = live.now();
  const target = retired + live.active;
  live.resize(0, Math.ceil((live.active / config.rampPerSecond) * 1000));
  while (live.retired < target && live.now() < startMs + config.settleMs) {
    if (!(await reach(live, live.now() + POLL_MS, config.signal))) return undefined;
  }
  return { retired: target, ms: Math.round(live.now() - startMs) };
}
