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
  const n = Math.max(1, Math.min(workers, plan.stations.length));
  return Array.from({ length: n }, (_v, w) =>
    stationsOfWorker(plan, w, n).map((s) => {
      const password = passwordOf?.(s.identity);
      return password === undefined ? s : { ...s, password };
    }),
  );
}
