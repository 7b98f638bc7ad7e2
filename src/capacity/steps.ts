/**
 * One step of a search as capacity.json lists it: the size held, what the CSMS answered, every
 * SLO and health check with its value, the generator's own figures, and when it was measured.
 * The contract's fields come first (stations, callsPerSecond, offeredCallsPerSecond, slos,
 * passed); the rest is what a reader needs to see why.
 */
import type { StepJudgement } from './judge';
import type { RestartChoice } from './restart';
import type { StepWindow } from './live';
import type { Phase } from './search';

/** restart.ts's choice after a breach, and how long retiring every station took (0: not restarted). */
export interface AfterBreach extends RestartChoice {
  readonly restartMs: number;
}

export interface StepTiming {
  /** Run time (ms since the run's epoch) the resize was asked. */
  readonly startMs: number;
  /** Right after a step that broke: whether this one started from a fresh fleet, and why (restart.ts). */
  readonly afterBreach?: AfterBreach;
  /** How long the new stations were given to connect (or the removed ones to stop). */
  readonly rampMs: number;
  /** How long past the warm-up the step waited for the steps before it to drain (settle.ts): until its hold, or until it was judged (early). */
  readonly settleMs: number;
  /** Every SLO passed on the second before the hold (false: held at the settle's bound, or getting worse). */
  readonly settled: boolean;
  /** Judged on the seconds of its settle, which got worse each second (past capacity), rather than held (settle.ts). */
  readonly early: boolean;
  /** The window judged: after the ramp, the warm-up and the settle, `hold` long (early: the settle's seconds judged), whole seconds of run time. */
  readonly windowFromMs: number;
  readonly windowToMs: number;
}

/** The step's judgement (judge.ts: slos, passed, verdict, breaches, checks, generator, actions) and what was held. */
export interface CapacityStep extends StepJudgement {
  readonly stations: number;
  /** Calls answered per second in the window. */
  readonly callsPerSecond: number;
  /** Calls the stations tried to make per second (answered or not, sent or not). */
  readonly offeredCallsPerSecond: number;
  /** 1-based, in the order held. */
  readonly index: number;
  readonly phase: Phase;
  /** Calls started in the window (answered, errored, timed out). */
  readonly calls: number;
  readonly fleet: { readonly active: number; readonly connected: number; readonly booted: number };
  readonly timing: StepTiming;
}

/** Calls per second to a tenth: more digits would be noise of the window's edges. */
function perSecond(x: number): number {
  return Math.round(x * 10) / 10;
}

export function stepRecord(index: number, phase: Phase, stations: number, window: StepWindow, judged: StepJudgement, timing: StepTiming): CapacityStep {
  return {
    stations,
    callsPerSecond: perSecond(window.callsPerSecond),
    offeredCallsPerSecond: perSecond(window.offeredCallsPerSecond),
    slos: judged.slos,
    passed: judged.passed,
    index,
    phase,
    verdict: judged.verdict,
    breaches: judged.breaches,
    checks: judged.checks,
    generator: judged.generator,
    calls: window.calls,
    fleet: { active: window.stations.active, connected: window.stations.connected, booted: window.stations.booted },
    actions: judged.actions,
    timing,
  };
}
