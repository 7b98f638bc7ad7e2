import { isStationAction, schemaProblem, validatorsFor } from '../ocpp';
import { loadScenarioFile, type PayloadCheck } from '../scenario/load';
import type { Scenario } from '../scenario/types';

/**
 * A script's `send` payload checked against the official schema of the version that will send
 * it, as the scenario loads: a bad payload is a located error before anything runs, not a
 * CALLERROR per session later. Compiles a version's schemas only when a script sends something.
 */
export const checkSendPayload: PayloadCheck = (version, action, payload) => {
  if (!isStationAction(version, action)) {
    return { field: 'action', detail: `expected an action a charging station sends in OCPP ${version}, got ${JSON.stringify(action)}` };
  }
  const validate = validatorsFor(version).request(action);
  if (validate === undefined || validate(payload)) return undefined;
  return { field: 'payload', detail: `not a valid ${action} request: ${schemaProblem(validate).message}` };
};

/** A scenario file as the commands load it: with every check, the protocol's included. */
export function loadScenario(file: string): Scenario {
  return loadScenarioFile(file, { checkPayload: checkSendPayload });
}
