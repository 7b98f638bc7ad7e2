import { actionsOf, ERROR_KINDS } from '../ocpp';
import { parseThreshold, type Threshold, type ThresholdOptions } from '../report/thresholds';
import { ThresholdError, type MetricNames } from '../report/thresholds-names';
import { ScenarioError } from '../scenario/load';
import type { Scenario } from '../scenario/types';
import { COUNTER_NAMES } from '../station/counters';
import { UsageError } from './exit-codes';

/**
 * The scenario's thresholds, then --threshold's, parsed against the names that exist: OCPP
 * actions of any version, error kinds, counters and this run's groups. A bad one is reported
 * where it was written (file:line, or the flag).
 */
export function parseRunThresholds(scenario: Scenario, flagTexts: readonly string[], groupNames: readonly string[]): Threshold[] {
  const versions = [actionsOf('1.6'), actionsOf('2.0.1'), actionsOf('2.1')];
  const stationActions = [...new Set(versions.flatMap((v) => v.station))];
  const names: MetricNames = {
    stationActions,
    csmsActions: [...new Set(versions.flatMap((v) => v.csms))].filter((a) => !stationActions.includes(a)),
    errorKinds: ERROR_KINDS,
    counters: COUNTER_NAMES,
    groups: groupNames,
  };
  const parse = (text: string, options: ThresholdOptions, fail: (message: string) => Error): Threshold => {
    try {
      return parseThreshold(text, names, options);
    } catch (err) {
      throw err instanceof ThresholdError ? fail(err.message) : err;
    }
  };
  const fromFile = (scenario.thresholds ?? []).map((spec) =>
    parse(
      spec.text,
      { source: `${scenario.source}:${spec.line}`, abortOnFail: spec.abortOnFail, abortGracePeriodMs: spec.abortGracePeriodMs },
      (message) => new ScenarioError(scenario.source, spec.line, spec.field, `"${spec.text}": ${message}`),
    ),
  );
  const fromFlags = flagTexts.map((text) =>
    parse(text, { source: '--threshold' }, (message) => new UsageError(`--threshold "${text}": ${message}`)),
  );
  return [...fromFile, ...fromFlags];
}
