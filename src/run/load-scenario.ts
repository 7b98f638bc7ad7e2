import { isStationAction, isStationSend, schemaProblem, validatorsFor } from '../ocpp';
import { stringify } from 'yaml';
import { existsSync } from 'node:fs';
import { loadScenarioFile, parseScenario, ScenarioError, type PayloadCheck } from '../scenario/load';
import { resolveScenarioPath, shippedNamesHint } from '../scenario/shipped';
import type { Scenario } from '../scenario/types';
import { RunOptionError } from './exit-codes';

/**
 * A script's `send` payload checked against the official schema of the version that will send
 * it (a CALL, or a 2.1 SEND such as NotifyPeriodicEventStream), as the scenario loads: a bad payload is a located error before anything runs, not a
 * CALLERROR per session later. Compiles a version's schemas only when a script sends something.
 */
export const checkSendPayload: PayloadCheck = (version, action, payload) => {
  if (!isStationAction(version, action) && !isStationSend(version, action)) {
    return { field: 'action', detail: `expected an action a charging station sends in OCPP ${version}, got ${JSON.stringify(action)}` };
  }
  const validate = validatorsFor(version).request(action);
  if (validate === undefined || validate(payload)) return undefined;
  return { field: 'payload', detail: `not a valid ${action} request: ${schemaProblem(validate).message}` };
};

/**
 * A scenario file as the commands load it: with every check, the protocol's included. `file` is a
 * path or the name of a shipped scenario (`smoke`: scenario/shipped.ts); one that is neither says
 * which names there are.
 */
export function loadScenario(file: string): Scenario {
  const path = resolveScenarioPath(file);
  try {
    return loadScenarioFile(path, { checkPayload: checkSendPayload });
  } catch (err) {
    if (err instanceof ScenarioError && !existsSync(path)) throw new ScenarioError(err.file, err.line, err.field, `${err.detail}${shippedNamesHint()}`);
    throw err;
  }
}

/** A scenario as a library user writes it: the file's fields, as YAML would give them (`groups`, `duration`: "30s", ...). */
export type ScenarioObject = Readonly<Record<string, unknown>>;

/** Where errors of a scenario given as an object are located: its lines as YAML. */
export const SCENARIO_OBJECT_SOURCE = 'options.scenario';

/**
 * A scenario checked as `validate` and `run` check it: a path to a YAML file, or an object of the
 * same fields. An object goes through the file's own parser (as YAML text), so the two cannot
 * drift apart: the same schema, units, limits and located errors (lines of the object as YAML).
 */
export function validateScenario(scenario: string | ScenarioObject): Scenario {
  if (typeof scenario === 'string') return loadScenario(scenario);
  if (scenario === null || typeof scenario !== 'object' || Array.isArray(scenario)) {
    throw new RunOptionError('options.scenario must be a path to a scenario file or a scenario object');
  }
  return parseScenario(stringify(scenario), SCENARIO_OBJECT_SOURCE, { checkPayload: checkSendPayload });
}
