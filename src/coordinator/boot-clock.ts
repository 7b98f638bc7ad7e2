import type { FleetGauges } from '../metrics/gauges';

/**
 * When each group, and the whole fleet, first had every planned station accepted. A cut-over is
 * judged by this ("how long until the acquired fleet is all Accepted?"), so a group's time counts
 * from its own start (`startAt`), the fleet's from the run's. Sampled at the gauge tick (200 ms).
 */
export class BootClock {
  private readonly groupAt: (number | null)[];
  private fleetAt: number | null = null;

  constructor(
    private readonly planned: readonly number[],
    private readonly startAtMs: readonly number[],
  ) {
    this.groupAt = planned.map(() => null);
  }

  /** `elapsedMs` since the run's epoch, with the gauges summed over workers. */
  sample(elapsedMs: number, groups: readonly FleetGauges[], total: FleetGauges): void {
    groups.forEach((g, i) => {
      const planned = this.planned[i] ?? 0;
      if (this.groupAt[i] === null && planned > 0 && g.booted >= planned) {
        this.groupAt[i] = Math.max(0, elapsedMs - (this.startAtMs[i] ?? 0));
      }
    });
    const all = this.planned.reduce((a, b) => a + b, 0);
    if (this.fleetAt === null && total.booted >= all) this.fleetAt = elapsedMs;
  }

  get fleetMs(): number | null {
    return this.fleetAt;
  }

  /** Per group: ms from its start until all its stations were accepted; null if that never happened. */
  get groupsMs(): readonly (number | null)[] {
    return this.groupAt;
  }
}
