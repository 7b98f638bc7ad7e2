import { stationsOfWorker, type FleetPlan } from '../scenario/plan';
import type { StationAssignment } from '../thread/messages';

/**
 * The plan's stations dealt over `workers` (every n-th station to the same worker, so each one
 * sees the whole ramp). Never more workers than stations; at least one, even for an empty fleet.
 */
export function splitOverWorkers(
  plan: FleetPlan,
  workers: number,
  passwordOf?: (identity: string) => string | undefined,
): StationAssignment[][] {
  const n = workerCount(plan, workers);
  return Array.from({ length: n }, (_v, w) =>
    stationsOfWorker(plan, w, n).map((s) => {
      const password = passwordOf?.(s.identity);
      return password === undefined ? s : { ...s, password };
    }),
  );
}

/** How many workers a plan runs on: never more than its stations, at least one. */
export function workerCount(plan: FleetPlan, workers: number): number {
  return Math.max(1, Math.min(workers, plan.stations.length));
}
