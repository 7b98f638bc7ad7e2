import type { StatusInfo } from './tariffs-21';

/**
 * The DER controls of an OCPP 2.1 station (Part 2, "R. DER control": SetDERControl, GetDERControl,
 * ClearDERControl, and the ReportDERControl that follows an accepted GetDERControl). Requests
 * arrive checked against their schema, so they are read as the types below without checking again.
 */

/** The setting fields of SetDERControlRequest, one per kind of control. */
const SETTING_FIELDS = ['enterService', 'fixedPFAbsorb', 'fixedPFInject', 'fixedVar', 'freqDroop', 'gradient', 'limitMaxDischarge', 'curve'] as const;
type SettingField = (typeof SETTING_FIELDS)[number];

/** Every control type that is not a curve has its own setting field; all others are curves. */
const FIELD_OF_TYPE: Readonly<Record<string, SettingField>> = {
  EnterService: 'enterService',
  FixedPFAbsorb: 'fixedPFAbsorb',
  FixedPFInject: 'fixedPFInject',
  FixedVar: 'fixedVar',
  FreqDroop: 'freqDroop',
  Gradients: 'gradient',
  LimitMaxDischarge: 'limitMaxDischarge',
};

/** Every setting has a priority (0 = highest), the one field this station compares. */
interface Setting {
  priority: number;
}

export type SetDERControlRequest = { isDefault: boolean; controlId: string; controlType: string } & Partial<Record<SettingField, Setting>>;

export interface DERControlFilter {
  isDefault?: boolean;
  controlType?: string;
  controlId?: string;
}

export interface DERControl {
  readonly controlId: string;
  readonly controlType: string;
  readonly isDefault: boolean;
  readonly field: SettingField;
  readonly setting: Setting;
}

export type DERControlStatus = 'Accepted' | 'Rejected' | 'NotSupported' | 'NotFound';

export interface SetDERControlResponse {
  status: DERControlStatus;
  statusInfo?: StatusInfo;
  supersededIds?: string[];
}

/**
 * Controls a station holds. ReportDERControl lists at most 24 settings of a kind and
 * SetDERControlResponse at most 24 superseded ids: holding no more than 24 lets one report carry
 * them all, and a CSMS that keeps setting new ids gets OutOfStorage instead of growing memory.
 */
export const MAX_DER_CONTROLS = 24;

export function fieldOf(controlType: string): SettingField {
  return FIELD_OF_TYPE[controlType] ?? 'curve';
}

export class DERControls {
  private readonly byId = new Map<string, DERControl>();

  get size(): number {
    return this.byId.size;
  }

  control(controlId: string): DERControl | undefined {
    return this.byId.get(controlId);
  }

  /** A control of the same id is replaced; a new id is refused once the store is full. */
  set(request: SetDERControlRequest): SetDERControlResponse {
    const field = fieldOf(request.controlType);
    const setting = request[field];
    if (setting === undefined) {
      return { status: 'Rejected', statusInfo: { reasonCode: 'MissingParam', additionalInfo: `${request.controlType} needs ${field}` } };
    }
    if (!this.byId.has(request.controlId) && this.byId.size >= MAX_DER_CONTROLS) {
      return { status: 'Rejected', statusInfo: { reasonCode: 'OutOfStorage' } };
    }
    const control: DERControl = { controlId: request.controlId, controlType: request.controlType, isDefault: request.isDefault, field, setting };
    const before = this.supersededIn(control);
    this.byId.set(control.controlId, control);
    const superseded = [...this.supersededIn(control)].filter((id) => !before.has(id));
    return superseded.length === 0 ? { status: 'Accepted' } : { status: 'Accepted', supersededIds: superseded };
  }

  /** The stored controls a GetDERControl or ClearDERControl names. */
  matching(filter: DERControlFilter): DERControl[] {
    return [...this.byId.values()].filter((control) => matches(control, filter));
  }

  /** ClearDERControl: NotFound when nothing matched. */
  clear(filter: DERControlFilter): 'Accepted' | 'NotFound' {
    const found = this.matching(filter);
    for (const control of found) this.byId.delete(control.controlId);
    return found.length === 0 ? 'NotFound' : 'Accepted';
  }

  /**
   * Whether a higher-priority (lower value) control of the same type and kind is stored. The
   * simulator does not run the schedules, so overlap in time is not considered.
   */
  isSuperseded(control: DERControl): boolean {
    for (const other of this.byId.values()) {
      if (sameGroup(other, control) && other.setting.priority < control.setting.priority) return true;
    }
    return false;
  }

  private supersededIn(group: DERControl): Set<string> {
    const ids = new Set<string>();
    for (const control of this.byId.values()) {
      if (sameGroup(control, group) && this.isSuperseded(control)) ids.add(control.controlId);
    }
    return ids;
  }
}

function sameGroup(a: DERControl, b: DERControl): boolean {
  return a.controlType === b.controlType && a.isDefault === b.isDefault;
}

/** controlType is not used when controlId is given (GetDERControlRequest, ClearDERControlRequest). */
function matches(control: DERControl, filter: DERControlFilter): boolean {
  if (filter.isDefault !== undefined && control.isDefault !== filter.isDefault) return false;
  if (filter.controlId !== undefined) return control.controlId === filter.controlId;
  return filter.controlType === undefined || control.controlType === filter.controlType;
}

/** One entry of a ReportDERControlRequest list: its shape depends on the kind of setting. */
function reportEntry(controls: DERControls, control: DERControl): object {
  const flags = { isDefault: control.isDefault, isSuperseded: controls.isSuperseded(control) };
  switch (control.field) {
    case 'curve':
      return { id: control.controlId, curveType: control.controlType, ...flags, curve: control.setting };
    case 'enterService':
    case 'gradient':
      // EnterServiceGetType and GradientGetType carry neither flag.
      return { id: control.controlId, [control.field]: control.setting };
    case 'fixedPFAbsorb':
    case 'fixedPFInject':
      return { id: control.controlId, ...flags, fixedPF: control.setting };
    default:
      return { id: control.controlId, ...flags, [control.field]: control.setting };
  }
}

/** The ReportDERControlRequest answering a GetDERControl: one report holds them all (see the cap). */
export function derReport(controls: DERControls, requestId: number, filter: DERControlFilter): Record<string, unknown> {
  const report: Record<string, unknown> = { requestId };
  for (const control of controls.matching(filter)) {
    const list = (report[control.field] ??= []) as object[];
    list.push(reportEntry(controls, control));
  }
  return report;
}
