import type { JsonObject } from '../../src/ocpp';
import { Connector } from '../../src/station/connector';
import type { StationContext } from '../../src/station/context';
import type { StationGroup } from '../../src/station/group';
import type { CallTag, Outlet } from '../../src/station/outlet';
import { Station } from '../../src/station/station';
import { versionOf } from '../../src/station/version';

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
 * What a station's version object put on the wire, recorded where it leaves (its outlet), and the
 * Authorize answered at once if `accept` says how: no subclass of the station or of its version.
 */
export class Recorder {
  readonly sent: Sent[] = [];
  /** Answer each Authorize at once, accepting the tags for which this is true; undefined: leave it to the session. */
  accept: ((idTag: string) => boolean) | undefined = undefined;

  /** True when the call was answered here and must not reach the session. */
  record(s: Station, way: Way, action: string, payload: JsonObject, tag: CallTag, at: number): boolean {
    const c = tag instanceof Connector ? tag : tag === null ? undefined : s.charging.connectors.find((x) => x.tx === tag);
    this.sent.push({ way, action, payload, at, connector: c?.id });
    if (action !== 'Authorize' || this.accept === undefined || !(tag instanceof Connector)) return false;
    s.charging.onAuthorized(tag, this.accept(tag.pendingTag), at);
    return true;
  }

  of(way: Way): Sent[] {
    return this.sent.filter((m) => m.way === way);
  }
}

/** The station's outlet with a recorder around it: each call is recorded, then goes on (an answered Authorize stops here). */
class RecordingOutlet implements Outlet {
  constructor(
    private readonly inner: Outlet,
    private readonly station: Station,
    private readonly rec: Recorder,
  ) {}

  call(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    if (!this.rec.record(this.station, 'call', action, payload, tag, due)) this.inner.call(action, payload, tag, due);
  }

  queue(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.rec.record(this.station, 'queue', action, payload, tag, due);
    this.inner.queue(action, payload, tag, due);
  }

  callIfOnline(action: string, payload: JsonObject, tag: CallTag, due: number): void {
    this.rec.record(this.station, 'status', action, payload, tag, due);
    this.inner.callIfOnline(action, payload, tag, due);
  }
}

/** A station of the group's version whose version object says everything through a recording outlet. */
export function recordingStation(index: number, identity: string, group: StationGroup, ctx: StationContext, seed: number, rec: Recorder): Station {
  return new Station(index, identity, group, ctx, seed, (s) => versionOf(s, new RecordingOutlet(s.link, s, rec)));
}
