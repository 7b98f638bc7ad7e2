import type { JsonObject } from '../ocpp';
import type { StreamParams } from './streams-21';

/**
 * How a 2.1 CSMS opens a periodic event stream (Part 2, N: the CSMS sets a Periodic monitor with
 * `periodicEventStream` params; the station then opens the stream for that monitor): the
 * SetVariableMonitoring items this station takes, the power of an EVSE (component `EVSE` with
 * its `evse.id`, variable `Power`), and what it says of the others. The streams open once the
 * answer is on the wire, from `toOpen`.
 */
interface MonitoringData {
  id?: number;
  type: string;
  severity: number;
  value: number;
  periodicEventStream?: { interval?: number; values?: number };
  component: { name: string; evse?: { id: number } };
  variable: { name: string };
}

export interface StreamToOpen {
  readonly connector: number;
  readonly monitorId: number;
  readonly params: StreamParams;
}

type MonitorStatus = 'Accepted' | 'UnknownComponent' | 'UnknownVariable' | 'UnsupportedMonitorType' | 'Rejected';

export class Monitors {
  private nextId = 1;
  /** The answer being built's streams, to open once it is on the wire. */
  toOpen: StreamToOpen[] = [];

  /** SetVariableMonitoring: each item judged; `streaming(connector)` says whether the EVSE streams already. */
  set(payload: JsonObject, evseCount: number, streaming: (connector: number) => boolean): JsonObject {
    this.toOpen = [];
    const results = (payload.setMonitoringData as MonitoringData[]).map((m) => {
      const { status, id } = this.judge(m, evseCount, streaming);
      return {
        ...(id === undefined ? {} : { id }),
        status,
        type: m.type,
        severity: m.severity,
        component: m.component,
        variable: m.variable,
        ...(status === 'Accepted' ? {} : { statusInfo: { reasonCode: REASONS[status] } }),
      };
    });
    return { setMonitoringResult: results };
  }

  private judge(m: MonitoringData, evseCount: number, streaming: (connector: number) => boolean): { status: MonitorStatus; id?: number } {
    const connector = m.component.evse?.id ?? 0;
    if (m.component.name !== 'EVSE' || connector < 1 || connector > evseCount) return { status: 'UnknownComponent' };
    if (m.variable.name !== 'Power') return { status: 'UnknownVariable' };
    if (m.type !== 'Periodic' || m.periodicEventStream === undefined) return { status: 'UnsupportedMonitorType' };
    if (streaming(connector) || this.toOpen.some((s) => s.connector === connector)) return { status: 'Rejected' };
    const id = m.id ?? this.nextId++;
    const p = m.periodicEventStream;
    this.toOpen.push({ connector, monitorId: id, params: { intervalS: Math.max(1, p.interval ?? 1), values: Math.max(1, p.values ?? 1) } });
    return { status: 'Accepted', id };
  }
}

/** Why an item was not taken, in the 20 characters a reasonCode has. */
const REASONS: Readonly<Record<Exclude<MonitorStatus, 'Accepted'>, string>> = {
  UnknownComponent: 'NotAnEVSE',
  UnknownVariable: 'OnlyPower',
  UnsupportedMonitorType: 'OnlyStreams',
  Rejected: 'AlreadyStreaming',
};

/** ClearVariableMonitoring: Accepted for the ids of a stream's monitor (`known`), whose streams then close; NotFound for the others. */
export function clearMonitoring(payload: JsonObject, known: (monitorId: number) => boolean): { answer: JsonObject; cleared: number[] } {
  const ids = payload.id as number[];
  const cleared = ids.filter(known);
  return { answer: { clearMonitoringResult: ids.map((id) => ({ id, status: cleared.includes(id) ? 'Accepted' : 'NotFound' })) }, cleared };
}
