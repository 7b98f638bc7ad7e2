import type { JsonObject, OcppVersion } from '../ocpp';
import { clock, type CsmsConnection } from './connection';
import type { CsmsCounters } from './stats';

/**
 * CSMS-initiated load: `rate` CALLs per second, dealt round-robin over the connected stations
 * whose boot was accepted and that have no CSMS call in flight (one outstanding CALL per
 * direction, OCPP-J §4.1.1). Each version gets a mix of harmless calls a real CSMS makes often;
 * none of them changes how the station behaves afterwards, except that TriggerMessage makes it
 * send one more Heartbeat (which both sides count).
 */
export interface MixEntry {
  readonly action: string;
  readonly payload: JsonObject;
}

const freeze = (action: string, payload: object): MixEntry =>
  Object.freeze({ action, payload: Object.freeze(payload) as JsonObject });

const MIX_201: readonly MixEntry[] = [
  freeze('GetVariables', {
    getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
  }),
  freeze('TriggerMessage', { requestedMessage: 'Heartbeat' }),
  freeze('DataTransfer', { vendorId: 'ocpp-fleet', messageId: 'ping', data: 'csms' }),
  freeze('GetLocalListVersion', {}),
];

/**
 * 2.1 adds the reads a CSMS makes of its 2.1 stations (their tariffs, DER controls, periodic
 * streams) and the grid signal it sends them most often: nothing a station does after them
 * changes, but a GetDERControl makes it send the ReportDERControl it asks for.
 */
const MIX_21: readonly MixEntry[] = [
  ...MIX_201,
  freeze('GetTariffs', { evseId: 0 }),
  freeze('GetPeriodicEventStream', {}),
  freeze('AFRRSignal', { timestamp: '2026-01-01T00:00:00Z', signal: 0 }),
  freeze('GetDERControl', { requestId: 1 }),
];

export const CALL_MIX: Readonly<Record<OcppVersion, readonly MixEntry[]>> = {
  '1.6': [
    freeze('GetConfiguration', { key: ['HeartbeatInterval'] }),
    freeze('TriggerMessage', { requestedMessage: 'Heartbeat' }),
    freeze('DataTransfer', { vendorId: 'ocpp-fleet', messageId: 'ping', data: 'csms' }),
    freeze('GetLocalListVersion', {}),
  ],
  '2.0.1': MIX_201,
  '2.1': MIX_21,
};

/** One tick every 20 ms keeps bursts small without a timer per call or per station. */
const TICK_MS = 20;

export class CallRateDriver {
  private timer: NodeJS.Timeout | undefined = undefined;
  private credit = 0;
  private last = 0;
  private cursor = 0;

  constructor(
    private readonly rate: number,
    private readonly live: readonly CsmsConnection[],
    private readonly stats: CsmsCounters,
  ) {}

  start(): void {
    if (this.rate <= 0 || this.timer !== undefined) return;
    this.last = clock();
    this.timer = setInterval(tick, TICK_MS, this);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    const now = clock();
    // After a stall (GC, a blocked loop) catch up at most one second's worth, not a flood.
    this.credit = Math.min(this.credit + (this.rate * (now - this.last)) / 1000, Math.max(this.rate, 1));
    this.last = now;
    let due = Math.floor(this.credit);
    this.credit -= due;
    while (due > 0) {
      const station = this.nextIdle();
      if (station === undefined) {
        this.stats.outgoingSkipped += due;
        return;
      }
      const mix = CALL_MIX[station.version];
      const entry = mix[station.mixTurn++ % mix.length] as MixEntry;
      station.callUnattended(entry.action, entry.payload);
      due--;
    }
  }

  private nextIdle(): CsmsConnection | undefined {
    const count = this.live.length;
    for (let tried = 0; tried < count; tried++) {
      if (this.cursor >= count) this.cursor = 0;
      const candidate = this.live[this.cursor++] as CsmsConnection;
      if (candidate.idle) return candidate;
    }
    return undefined;
  }
}

function tick(driver: CallRateDriver): void {
  driver.tick();
}
