import type { StationGroup } from '../station/group';
import { Station } from '../station/station';
import type { StationAssignment } from '../thread/messages';
import type { WorkerRuntime } from './runtime';

/**
 * Builds the worker's stations from their assignments: one Station per assignment, at its index
 * in the worker's table (its scheduler keys), with its own group variant when its identities row
 * says so. A live run builds a station again, at the same index, to start it after it retired.
 */
export class StationFactory {
  private readonly variants = new Map<string, StationGroup>();

  constructor(
    private readonly rt: WorkerRuntime,
    private readonly groups: readonly StationGroup[],
    private readonly assignments: readonly StationAssignment[],
  ) {}

  build(index: number): Station {
    const a = this.assignments[index] as StationAssignment;
    // The group's OCPP version picks the station's version object (version.ts).
    const station = new Station(index, a.identity, this.groupOf(a), this.rt, a.seed);
    if (a.password !== undefined) station.password = a.password;
    return station;
  }

  /**
   * The group a station runs with: its own, or, when its identities row gives another version or
   * number of connectors, a copy with those (one per kind, shared by the stations of that kind). The
   * copy keeps the group's index, so every measurement still counts under the group: one group, one
   * line in the results, whatever mix of versions its file lists.
   */
  private groupOf(a: StationAssignment): StationGroup {
    const group = this.groups[a.group] as StationGroup;
    if (a.ocpp === undefined && a.connectors === undefined) return group;
    const version = a.ocpp ?? group.version;
    const connectors = a.connectors ?? group.connectors;
    const key = `${group.index}/${version}/${connectors}`;
    let variant = this.variants.get(key);
    if (variant === undefined) {
      variant = { ...group, version, connectors };
      this.variants.set(key, variant);
    }
    return variant;
  }
}
