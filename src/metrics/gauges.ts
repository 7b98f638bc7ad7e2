/**
 * Levels of the fleet (how many stations are connected, booted, charging) per group, kept by each
 * worker in a small shared Int32Array. Workers change them with Atomics.add; the coordinator sums
 * the arrays of all workers once a second. Levels are not records: a record says what happened,
 * a gauge says how things stand, and a sum of levels needs no ordering.
 */

export const enum Gauge {
  Connected = 0,
  Booted = 1,
  /** Stations with a transaction running. */
  Charging = 2,
  /** A live run's stations retired so far (a count that only grows, not a level). */
  Retired = 3,
}

/** Slots per group: the three above plus room for a few more without changing the layout. */
export const GAUGE_SLOTS = 8;

export interface FleetGauges {
  connected: number;
  booted: number;
  charging: number;
}

export interface GaugeTotals {
  total: FleetGauges;
  /** Indexed by group code. */
  groups: FleetGauges[];
}

export function createGauges(groups: number): SharedArrayBuffer {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`groups must be a positive integer, got ${groups}`);
  }
  return new SharedArrayBuffer(groups * GAUGE_SLOTS * 4);
}

export class GaugeWriter {
  private readonly slots: Int32Array;

  constructor(sab: SharedArrayBuffer) {
    this.slots = new Int32Array(sab);
  }

  add(group: number, gauge: Gauge, delta: number): void {
    Atomics.add(this.slots, group * GAUGE_SLOTS + gauge, delta);
  }
}

/** One gauge summed over workers, per group (the slot layout is shared by every worker). */
export function sumGauge(sabs: readonly SharedArrayBuffer[], groups: number, gauge: number): number[] {
  const sums = new Array<number>(groups).fill(0);
  for (const sab of sabs) {
    const slots = new Int32Array(sab);
    for (let g = 0; g < groups; g++) sums[g] += Atomics.load(slots, g * GAUGE_SLOTS + gauge);
  }
  return sums;
}

export function sumGauges(sabs: readonly SharedArrayBuffer[], groups: number): GaugeTotals {
  const connected = sumGauge(sabs, groups, Gauge.Connected);
  const booted = sumGauge(sabs, groups, Gauge.Booted);
  const charging = sumGauge(sabs, groups, Gauge.Charging);
  const total: FleetGauges = { connected: 0, booted: 0, charging: 0 };
  const perGroup: FleetGauges[] = [];
  for (let g = 0; g < groups; g++) {
    perGroup.push({ connected: connected[g], booted: booted[g], charging: charging[g] });
    total.connected += connected[g];
    total.booted += booted[g];
    total.charging += charging[g];
  }
  return { total, groups: perGroup };
}
