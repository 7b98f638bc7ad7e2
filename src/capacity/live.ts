/**
 * The seam between the capacity search and the live run (docs: /work/session4/CAPACITY-CONTRACT.md,
 * issue 12): a run whose fleet size changes while it runs. The types are the contract's, word for
 * word; the live run itself is built in src/run/live-run.ts. Until it is merged, this file holds
 * the types and a `startLiveRun` that refuses: the integration replaces the whole file with
 *
 *   import { startLiveRun } from '../run/live-run';
 *   export type { LiveRun, LiveRunOptions, StepWindow } from '../run/live-run';
 *   export { startLiveRun };
 *   export type StartLiveRun = typeof startLiveRun;
 *
 * and nothing else in src/capacity changes (the tests' model run implements the same LiveRun).
 */
import type { MetricSource } from '../report/thresholds-eval';
import type { HealthResult } from '../report/summary';
import type { RunOptions } from '../run/options';
import type { RunResult } from '../run/results';

export interface LiveRunOptions extends RunOptions {
  /** Most stations the run may ever hold: the scenario's groups are scaled to this, in proportion (largest remainder). */
  readonly maxStations: number;
}

export interface LiveRun {
  readonly maxStations: number;
  /** Stations currently asked to be active. */
  readonly active: number;
  /**
   * Grow or shrink to `stations` (0..maxStations), every group kept in proportion (the same
   * largest-remainder split for the same n and seed: same steps for the same seed). New stations
   * connect spread evenly over `rampMs`; removed ones stop their sessions cleanly (stop messages
   * answered) and disconnect; they are not counted as failures of the window.
   */
  resize(stations: number, rampMs: number): void;
  /** ms since the run's epoch (the clock windows are measured on). */
  now(): number;
  /** Resolves at run time `ms` (or at once when past); rejects/settles early if the run ended. */
  until(ms: number): Promise<void>;
  /** What happened between run times fromMs and toMs (toMs <= now()), from per-second interval data, never the cumulative run. */
  window(fromMs: number, toMs: number): StepWindow;
  /** Set when the run ended by itself (CSMS died, signal, unreachable target): why. */
  readonly endedBy: string | undefined;
  /** Graceful stop; the results folder is written as for any run (summary.json etc.). */
  finish(): Promise<RunResult>;
}

export interface StepWindow {
  readonly fromMs: number;
  readonly toMs: number;
  /** For evaluateThresholds(thresholds, source): an Aggregator holding only this window, elapsedMs = window length. */
  readonly source: MetricSource;
  readonly calls: number; // answered + errored + timed out, started in the window
  readonly callsPerSecond: number; // calls answered per second in the window
  readonly offeredCallsPerSecond: number; // calls the stations tried to make per second (incl. never sent)
  readonly stations: { readonly active: number; readonly connected: number; readonly booted: number };
  /** The verdict issue's health checks judged on the window (connected/booted against `active`, incompleteCalls of the window's calls…); csmsAlive included. */
  readonly health: readonly HealthResult[];
  /** The generator's own saturation in the window, per worker and the worst: p99 ms, CPU share of one core (0..1). */
  readonly generator: {
    readonly eventLoopDelayP99Ms: number;
    readonly schedulerLagP99Ms: number;
    readonly cpuPerWorker: readonly number[];
  };
}

/** Starts the fleet with 0 active stations (workers ready, embedded CSMS up when no url). */
export type StartLiveRun = (options: LiveRunOptions) => Promise<LiveRun>;

/** Placeholder until src/run/live-run.ts is merged (see the top of this file). */
export const startLiveRun: StartLiveRun = () =>
  Promise.reject(new Error('capacity search needs the live run (src/run/live-run.ts), which is not part of this build yet'));
