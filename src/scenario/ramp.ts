import type { RampSpec } from './types';

/**
 * When the i-th station of a group (from 0) connects, in ms after the group's start: the moment
 * the ramp's cumulative count of connections reaches i. A pure function of the index, so a group
 * grown by more stations keeps the times of the ones it had.
 */
export function rampOffsetMs(ramp: RampSpec, i: number): number {
  if (i <= 0) return 0;
  switch (ramp.kind) {
    case 'all':
      return 0;
    case 'rate':
      return (i * 1000) / ramp.perSec;
    case 'linear':
      return linearOffsetMs(ramp.fromPerSec, ramp.toPerSec, ramp.overMs, i);
    case 'steps':
      return stepsOffsetMs(ramp.steps, i);
  }
}

/** The ramp's rate at `ms` after the group's start (connections per second; Infinity for `all`). */
export function rampRateAt(ramp: RampSpec, ms: number): number {
  switch (ramp.kind) {
    case 'all':
      return Infinity;
    case 'rate':
      return ramp.perSec;
    case 'linear':
      return ms >= ramp.overMs ? ramp.toPerSec : ramp.fromPerSec + ((ramp.toPerSec - ramp.fromPerSec) * ms) / ramp.overMs;
    case 'steps': {
      let rate = (ramp.steps[0] as { perSec: number }).perSec;
      for (const s of ramp.steps) if (s.atMs <= ms) rate = s.perSec;
      return rate;
    }
  }
}

/** Rate a + (b − a)·t/T for t < T, then b: the count is a·t + k·t² (t in s, k = (b − a)/2T) up to T. */
function linearOffsetMs(a: number, b: number, overMs: number, i: number): number {
  const T = overMs / 1000;
  const atEnd = ((a + b) * T) / 2;
  if (i >= atEnd || T === 0) return (T + (i - atEnd) / b) * 1000;
  const k = (b - a) / (2 * T);
  // The root of k·t² + a·t − i = 0 in the form that stays exact when k is near 0.
  return ((2 * i) / (a + Math.sqrt(a * a + 4 * k * i))) * 1000;
}

function stepsOffsetMs(steps: readonly { readonly atMs: number; readonly perSec: number }[], i: number): number {
  let done = 0;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s] as { atMs: number; perSec: number };
    const next = steps[s + 1];
    const capacity = next === undefined ? Infinity : ((next.atMs - step.atMs) / 1000) * step.perSec;
    if (i - done <= capacity) return step.atMs + ((i - done) / step.perSec) * 1000;
    done += capacity;
  }
  return Infinity;
}

/** How long the group's ramp takes: the connect time of its last station, ms after the group's start. */
export function rampDurationMs(ramp: RampSpec, count: number): number {
  return count <= 1 ? 0 : rampOffsetMs(ramp, count - 1);
}

/** The ramp as written in a scenario file, for plans and messages. */
export function describeRamp(ramp: RampSpec): string {
  const rate = (r: number): string => `${Number(r.toFixed(3))}/s`;
  switch (ramp.kind) {
    case 'all':
      return 'all at once';
    case 'rate':
      return rate(ramp.perSec);
    case 'linear':
      return `linear ${rate(ramp.fromPerSec)} → ${rate(ramp.toPerSec)} over ${ramp.overMs / 1000}s`;
    case 'steps':
      return `steps ${ramp.steps.map((s) => `${rate(s.perSec)} from ${s.atMs / 1000}s`).join(', ')}`;
  }
}
