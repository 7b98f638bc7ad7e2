import { scaleScript, type ScriptStep } from './script';
import type { ArrivalSpec, Distribution, IdTagSpec, Measurand, SessionSpec, StopReason } from './types';

/**
 * A group's sessions as stations run them: plain data (it crosses to the workers), times in real
 * ms, the scenario's timeScale already applied. The first five fields are the simple model every
 * station understands; the optional ones refine it and default to it when absent, so a config
 * written by hand (tests, benchmarks) needs only the five.
 */
export interface SessionConfig {
  /** Mean idle time of Poisson arrivals, used when `arrival` is absent. */
  readonly meanIdleMs: number;
  /** The duration when `duration` is absent; the typical one otherwise (remote-started sessions last this). */
  readonly durationMs: number;
  readonly meterIntervalMs: number;
  readonly powerW: number;
  /** Share of sessions presented with a tag the CSMS should refuse, when `idTags` is absent. */
  readonly invalidTagShare: number;
  readonly arrival?: ArrivalSpec;
  readonly duration?: Distribution;
  readonly rampUpMs?: number;
  /** Energy to fill the EV, Wh (scenario energy) and its state of charge on arrival. */
  readonly ev?: { readonly capacityWh: number; readonly startSocPercent: Distribution };
  readonly idTags?: IdTagSpec;
  readonly stopReasons?: readonly (readonly [StopReason, number])[];
  readonly measurands?: readonly Measurand[];
  /** Scenario ms per real ms: energy accrues and the daily curve turns this much faster. */
  readonly timeScale?: number;
  /** Time of day (ms after midnight) at the run's epoch, for the daily curve. */
  readonly startTimeOfDayMs?: number;
  /** The steps of every session, times in real ms; absent: DEFAULT_SCRIPT. */
  readonly script?: readonly ScriptStep[];
}

export const DEFAULT_MEASURANDS: readonly Measurand[] = ['Energy.Active.Import.Register', 'Power.Active.Import'];

/** A distribution of durations with every time divided by `scale`. */
function scaleDistribution(d: Distribution, scale: number): Distribution {
  switch (d.kind) {
    case 'fixed':
      return { kind: 'fixed', value: d.value / scale };
    case 'uniform':
      return { kind: 'uniform', min: d.min / scale, max: d.max / scale };
    case 'normal':
      return { kind: 'normal', mean: d.mean / scale, sd: d.sd / scale };
    case 'lognormal':
      // The spread of a lognormal is relative (sigma); only its median is a time.
      return { kind: 'lognormal', median: d.median / scale, sigma: d.sigma };
  }
}

/** The typical value of a distribution: what a session with no draw of its own (a remote start) gets. */
export function typicalValue(d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'normal':
      return d.mean;
    case 'lognormal':
      return d.median;
  }
}

function scaleArrival(a: ArrivalSpec, scale: number): ArrivalSpec {
  switch (a.kind) {
    case 'poisson':
      return { kind: 'poisson', meanIdleMs: a.meanIdleMs / scale };
    case 'fixed':
      return { kind: 'fixed', everyMs: a.everyMs / scale };
    case 'dailyCurve':
      // Points stay in scenario time of day and peakPerHour in scenario hours: the curve is read
      // through the clock (startTimeOfDay + real time × timeScale), not stretched.
      return a;
  }
}

/** The config of a group's sessions for a run at `timeScale` starting at `startTimeOfDayMs`. */
export function sessionConfig(spec: SessionSpec, timeScale = 1, startTimeOfDayMs = 0): SessionConfig {
  const arrival = scaleArrival(spec.arrival, timeScale);
  const duration = scaleDistribution(spec.duration, timeScale);
  return {
    meanIdleMs: arrival.kind === 'poisson' ? arrival.meanIdleMs : 0,
    durationMs: typicalValue(duration),
    meterIntervalMs: spec.meterIntervalMs / timeScale,
    powerW: spec.powerW,
    invalidTagShare: spec.idTags.invalidShare,
    arrival,
    duration,
    rampUpMs: spec.rampUpMs / timeScale,
    ...(spec.ev === undefined ? {} : { ev: { capacityWh: spec.ev.capacityWh, startSocPercent: spec.ev.startSocPercent } }),
    idTags: spec.idTags,
    stopReasons: spec.stopReasons,
    measurands: spec.measurands,
    timeScale,
    startTimeOfDayMs,
    ...(spec.script === undefined ? {} : { script: scaleScript(spec.script.steps, timeScale) }),
  };
}
