/**
 * The seam between the capacity search and the live run (issue 12): a run whose fleet size
 * changes while it runs, from src/run/live-run.ts. The search imports it from here only, so the
 * tests' model of a CSMS (test/helpers/model-live-run.ts) stands in for it through StartLiveRun.
 */
import { startLiveRun } from '../run/live-run';

export type { LiveEnd, LiveRun, LiveRunOptions, StepWindow } from '../run/live-run';
export { startLiveRun };
export type StartLiveRun = typeof startLiveRun;
