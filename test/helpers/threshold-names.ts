import { actionsOf, ERROR_KINDS } from '../../src/ocpp';
import type { MetricNames } from '../../src/report/thresholds-names';
import { COUNTER_NAMES } from '../../src/station/counters';

/** The names thresholds are parsed against, as a run gives them: both versions' actions, these groups. */
export function thresholdNames(groups: readonly string[]): MetricNames {
  const v16 = actionsOf('1.6');
  const v201 = actionsOf('2.0.1');
  return {
    stationActions: [...new Set([...v16.station, ...v201.station])],
    csmsActions: [],
    errorKinds: ERROR_KINDS,
    counters: COUNTER_NAMES,
    groups,
  };
}
