import type { JsonObject } from '../../src/ocpp';
import { Connector } from '../../src/station/connector';
import type { StationContext } from '../../src/station/context';
import type { StationGroup } from '../../src/station/group';
import { Station } from '../../src/station/station';
import type { CallTag } from '../../src/station/station-link';
import { Version16 } from '../../src/station/version-16';
import { Version201 } from '../../src/station/version-201';

/** How a call left the version object: `call` (now or never), `queue` (transaction message), `status` (only when online). */
export type Way = 'call' | 'queue' | 'status';

export interface Sent {
  way: Way;
  action: string;
  payload: JsonObject;
  at: number;
  /** The connector the call concerns (its own, or its transaction's), if any. */
  connector: number | undefined;
}

/**
 * What a station's version object put on the wire, recorded where it leaves (the version's three
 * ways out), and the Authorize answered at once if `accept` says how: no subclass of the station.
 */
export class Recorder {
  readonly sent: Sent[] = [];
  /** Answer each Authorize at once, accepting the tags for which this is true; undefined: leave it to the session. */
  accept: ((idTag: string) => boolean) | undefined = undefined;

  /** True when the call was answered here and must not reach the session. */
  record(s: Station, way: Way, action: string, payload: JsonObject, tag: CallTag, at: number): boolean {
    const c = tag instanceof Connector ? tag : tag === null ? undefined : s.connectors.find((x) => x.tx === tag);
    this.sent.push({ way, action, payload, at, connector: c?.id });
    if (action !== 'Authorize' || this.accept === undefined || !(tag instanceof Connector)) return false;
    s.onAuthorized(tag, this.accept(tag.pendingTag), at);
    return true;
  }

  of(way: Way): Sent[] {
    return this.sent.filter((m) => m.way === way);
  }
}

class Recording16 extends Version16 {
  constructor(
    station: Station,
    readonly rec: Recorder,
  ) {
    super(station);
  }
  override call(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (!this.rec.record(this.station, 'call', action, payload, tag, due)) super.call(action, payload, tag, due);
  }
  override queue(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.rec.record(this.station, 'queue', action, payload, tag, due);
    super.queue(action, payload, tag, due);
  }
  override callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.rec.record(this.station, 'status', action, payload, tag, due);
    super.callIfOnline(action, payload, tag, due);
  }
}

class Recording201 extends Version201 {
  constructor(
    station: Station,
    readonly rec: Recorder,
  ) {
    super(station);
  }
  override call(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (!this.rec.record(this.station, 'call', action, payload, tag, due)) super.call(action, payload, tag, due);
  }
  override queue(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.rec.record(this.station, 'queue', action, payload, tag, due);
    super.queue(action, payload, tag, due);
  }
  override callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.rec.record(this.station, 'status', action, payload, tag, due);
    super.callIfOnline(action, payload, tag, due);
  }
}

/** A station of the group's version whose version object records into `rec`. */
export function recordingStation(index: number, identity: string, group: StationGroup, ctx: StationContext, seed: number, rec: Recorder): Station {
  return new Station(index, identity, group, ctx, seed, (s) => (group.version === '1.6' ? new Recording16(s, rec) : new Recording201(s, rec)));
}
