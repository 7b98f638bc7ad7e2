import type { JsonObject } from '../ocpp';
import { answer21, answers21, batterySwapRequest, derControlReport, Station21State, type IdToken21 } from './answers-21';
import { Connector } from './connector';
import type { CallTag, Outlet } from './outlet';
import type { Station } from './station';
import { TimerKind } from './station-timers';
import { clearMonitoring, Monitors, type StreamToOpen } from './monitors-21';
import { PeriodicStreams, type StreamHost, type StreamParams } from './streams-21';

/**
 * What an OCPP 2.1 station does beyond its 2.0.1 behaviour, held by its Version201 object as one
 * part: the answers to the calls 2.1 adds (answers-21.ts), its periodic event streams
 * (streams-21.ts), opened by its sessions' scripts or by the CSMS's Periodic monitors
 * (monitors-21.ts: SetVariableMonitoring, ClearVariableMonitoring), and the CALLs some answers
 * ask for once on the wire (a BatterySwap after a RequestBatterySwap, the ReportDERControl a
 * GetDERControl asks for, a stream opened or closed).
 */
export class Ocpp21 implements StreamHost {
  private readonly state = new Station21State();
  readonly streams: PeriodicStreams;
  private readonly monitors = new Monitors();
  private followUp:
    | { kind: 'batterySwap'; requestId: number; idToken: IdToken21 }
    | { kind: 'derReport'; request: JsonObject }
    | { kind: 'openStreams'; streams: readonly StreamToOpen[] }
    | { kind: 'closeStreams'; monitorIds: readonly number[] }
    | undefined = undefined;

  constructor(
    private readonly station: Station,
    private readonly outlet: Outlet,
  ) {
    this.streams = new PeriodicStreams(this, (t) => Date.now() + (t - station.now()));
  }

  /** The answer to a CSMS call 2.1 added; undefined when the call is none of 2.1's (2.0.1 answers it, or NotImplemented). */
  onIncoming(action: string, payload: JsonObject): JsonObject | undefined {
    this.followUp = undefined;
    switch (action) {
      case 'AdjustPeriodicEventStream':
        return this.streams.adjust(payload.id as number, (payload.params ?? {}) as { interval?: number; values?: number }, this.station.now());
      case 'GetPeriodicEventStream':
        return this.streams.list();
      case 'SetVariableMonitoring': {
        const answer = this.monitors.set(payload, this.station.charging.connectors.length, (c) => this.streams.has(c));
        if (this.monitors.toOpen.length > 0) this.followUp = { kind: 'openStreams', streams: this.monitors.toOpen };
        return answer;
      }
      case 'ClearVariableMonitoring': {
        const { answer, cleared } = clearMonitoring(payload, (id) => this.streams.hasMonitor(id));
        if (cleared.length > 0) this.followUp = { kind: 'closeStreams', monitorIds: cleared };
        return answer;
      }
      default:
        break;
    }
    // 2.0.1's calls (most of what a CSMS sends) go on to the 2.0.1 answers without building a context.
    if (!answers21(action)) return undefined;
    const answer = answer21(this.state, action, payload, this.context());
    if (answer === undefined) return undefined;
    if (action === 'RequestBatterySwap' && answer.status === 'Accepted') {
      this.followUp = { kind: 'batterySwap', requestId: payload.requestId as number, idToken: payload.idToken as IdToken21 };
    } else if (action === 'GetDERControl' && answer.status === 'Accepted') {
      this.followUp = { kind: 'derReport', request: payload };
    }
    return answer;
  }

  /** The answer is on the wire: a swap is reported (the charged battery out, the depleted one in), a DER report sent. */
  afterIncoming(now: number): boolean {
    const f = this.followUp;
    if (f === undefined) return false;
    this.followUp = undefined;
    switch (f.kind) {
      case 'batterySwap':
        this.outlet.call('BatterySwap', batterySwapRequest(f.requestId, f.idToken, 'BatteryOut'), null, now);
        this.outlet.call('BatterySwap', batterySwapRequest(f.requestId, f.idToken, 'BatteryIn'), null, now);
        break;
      case 'derReport':
        this.outlet.call('ReportDERControl', derControlReport(this.state, f.request), null, now);
        break;
      case 'openStreams':
        for (const s of f.streams) this.streams.open(s.connector, s.params, now, s.monitorId);
        break;
      case 'closeStreams':
        for (const id of f.monitorIds) this.streams.monitorCleared(id, now);
        break;
    }
    return true;
  }

  /** Answers to the 2.1 CALLs of the station: an accepted stream starts. */
  onResult(action: string, payload: JsonObject, tag: CallTag): void {
    if (action === 'OpenPeriodicEventStream' && tag instanceof Connector) this.streams.opened(tag.id, payload.status === 'Accepted', this.station.now());
  }

  /** A script's `stream` step. */
  openStream(c: Connector, params: StreamParams, due: number): void {
    this.streams.open(c.id, params, due);
  }

  // ---- StreamHost ------------------------------------------------------------------------------
  sendUnconfirmed(action: string, payload: JsonObject): boolean {
    return this.station.link.session.sendUnconfirmed(action, payload);
  }

  callFor(connector: number, action: string, payload: JsonObject, due: number): void {
    this.outlet.call(action, payload, this.station.charging.connectors[connector - 1] ?? null, due);
  }

  setStreamTimer(at: number): void {
    this.station.setTimer(TimerKind.Stream, at);
  }

  readingOf(connector: number, now: number): string {
    const c = this.station.charging.connectors[connector - 1];
    return c === undefined ? '0' : String(Math.round(c.powerAt(now)));
  }

  private context(): { evseCount: number; transactionIds: string[] } {
    const ids: string[] = [];
    for (const c of this.station.charging.connectors) if (c.tx !== null && !c.tx.ended) ids.push(c.tx.localId);
    return { evseCount: this.station.charging.connectors.length, transactionIds: ids };
  }
}
