import type { ValidateFunction } from 'ajv';
import { actionCode, isCsmsAction, isStationAction, isStationSend } from './actions';
import { validatorsFor } from './schemas';
import type { OcppVersion } from './version';

/**
 * What a session needs to know about one action, resolved once per thread for each version and
 * side of the connection: a call then costs one map lookup instead of one per question (its
 * record code, its direction, its two validators).
 */
export interface ActionInfo {
  readonly name: string;
  /** Code in measurement records (-1: not an OCPP action). */
  readonly code: number;
  /** Whether this side sends CALLs of the action (else the peer does, or nobody). */
  readonly outgoing: boolean;
  /** Whether this side accepts CALLs of the action from the peer. */
  readonly incoming: boolean;
  /** OCPP 2.1: whether this side sends the action as a SEND (never a CALL), and whether the peer does. */
  readonly sendOut: boolean;
  readonly sendIn: boolean;
  readonly request: ValidateFunction | undefined;
  readonly response: ValidateFunction | undefined;
}

export type SessionRole = 'station' | 'csms';

export class ActionTable {
  private readonly byName = new Map<string, ActionInfo>();

  constructor(
    readonly version: OcppVersion,
    private readonly role: SessionRole,
  ) {}

  /** The action's entry; names that are no action of the version get one too, made on first use. */
  get(name: string): ActionInfo {
    return this.byName.get(name) ?? this.resolve(name);
  }

  private resolve(name: string): ActionInfo {
    const validators = validatorsFor(this.version);
    const station = isStationAction(this.version, name);
    const csms = isCsmsAction(this.version, name);
    const stationSend = isStationSend(this.version, name);
    const info: ActionInfo = {
      name,
      code: actionCode(name),
      outgoing: this.role === 'csms' ? csms : station,
      incoming: this.role === 'csms' ? station : csms,
      sendOut: this.role === 'station' && stationSend,
      sendIn: this.role === 'csms' && stationSend,
      request: validators.request(name),
      response: validators.response(name),
    };
    // Names a peer makes up are not kept: a CSMS sending random actions must not grow the table.
    if (station || csms || stationSend) this.byName.set(name, info);
    return info;
  }
}

const tables = new Map<string, ActionTable>();

/** The table of `version` for `role`, one per thread. */
export function actionTable(version: OcppVersion, role: SessionRole): ActionTable {
  const key = `${version}|${role}`;
  let table = tables.get(key);
  if (table === undefined) {
    table = new ActionTable(version, role);
    tables.set(key, table);
  }
  return table;
}
