import { scaleGroups, type FleetPlan, type Shard } from '../scenario/plan';
import { workerCount } from './split';

/**
 * Which stations of a live run are active at a given size, and how many of them each worker runs.
 *
 * The plan is made once for the largest size (maxStations: the scenario's groups scaled to it).
 * At size n, each group runs its share of n, split in proportion by largest remainder (as `--cps`
 * scales a scenario), and always its first stations in plan order: so the same n gives the same
 * stations, whatever sizes came before, and a worker (or a shard) runs a prefix of its own
 * stations of each group, since it holds every k-th station of the plan in order.
 */
export class LiveSplit {
  /** Per group, the fleet's stations at the largest size. */
  readonly groupCounts: readonly number[];
  /** [worker][group]: positions in their group (in the whole plan) of the worker's stations, ascending. */
  private readonly positions: number[][][];

  constructor(
    private readonly plan: FleetPlan,
    workers: number,
    shard: Shard | undefined,
  ) {
    this.groupCounts = plan.groups.map((g) => g.count);
    const offsets: number[] = [];
    this.groupCounts.reduce((sum, c, g) => ((offsets[g] = sum), sum + c), 0);
    const n = workerCount(plan, workers);
    this.positions = Array.from({ length: n }, () => plan.groups.map(() => []));
    plan.stations.forEach((s, i) => {
      // A shard holds every count-th station of the whole plan (shardPlan), in order.
      const whole = shard === undefined ? i : shard.index - 1 + i * shard.count;
      this.positions[i % n]?.[s.group]?.push(whole - (offsets[s.group] as number));
    });
  }

  get maxStations(): number {
    return this.groupCounts.reduce((a, b) => a + b, 0);
  }

  /** Per group, how many of the whole fleet's stations run at size `stations`. */
  groupsAt(stations: number): number[] {
    return scaleGroups(this.plan.groups, stations).map((g) => g.count);
  }

  /** [worker][group]: how many of its stations each worker runs when each group runs `perGroup[g]`. */
  perWorker(perGroup: readonly number[]): number[][] {
    return this.positions.map((groups) => groups.map((pos, g) => countBelow(pos, perGroup[g] ?? 0)));
  }
}

/** How many of the ascending `values` are below `limit`. */
function countBelow(values: readonly number[], limit: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
