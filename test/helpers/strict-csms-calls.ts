import type { StationEntry } from './strict-csms';

/**
 * The strict CSMS's own calls during sessions: Reset (1.6 Soft and Hard, 2.0.1 Immediate and
 * OnIdle), ChangeAvailability (Inoperative, then Operative again 1.5 s later), RemoteStopTransaction
 * / RequestStopTransaction of an open transaction, and TriggerMessage, to random connected
 * stations at a bounded rate. Reset and the remote stop go to stations with a transaction open,
 * when there are some: the case where messages used to be lost.
 */

export interface CallCounts {
  sent: number;
  /** Answered with a CALLRESULT. */
  ok: number;
  /** A CALLERROR, a timeout, or the connection gone first. */
  failed: number;
}

/** Delay before a connector made Inoperative is made Operative again. */
const RESTORE_AFTER_MS = 1500;

/** mulberry32: a small seeded generator, so a run's choices repeat with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class CsmsCalls {
  private readonly rnd: () => number;
  private readonly tally = new Map<string, CallCounts>();
  private timer: NodeJS.Timeout | undefined;
  private readonly restores = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly stations: ReadonlyMap<string, StationEntry>,
    seed: number,
  ) {
    this.rnd = random(seed);
  }

  start(ratePerSec: number): void {
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.round(1000 / ratePerSec)));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const t of this.restores) clearTimeout(t);
    this.restores.clear();
  }

  counts(): Record<string, CallCounts> {
    return Object.fromEntries([...this.tally].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, { ...v }]));
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.rnd() * items.length)];
  }

  private tick(): void {
    const connected = [...this.stations.values()].filter((s) => s.client.state === 1);
    const charging = connected.filter((s) => s.open.size > 0);
    const r = this.rnd();
    if (r < 0.2) {
      const s = this.pick(charging.length > 0 ? charging : connected);
      if (s !== undefined) this.reset(s);
    } else if (r < 0.4) {
      const s = this.pick(connected);
      if (s !== undefined) this.changeAvailability(s, false);
    } else if (r < 0.7 && charging.length > 0) {
      const s = this.pick(charging) as StationEntry;
      const id = this.pick([...s.open]) as number | string;
      if (s.version === '1.6') this.call(s, 'RemoteStopTransaction', { transactionId: id });
      else this.call(s, 'RequestStopTransaction', { transactionId: id });
    } else {
      const s = this.pick(connected);
      if (s !== undefined) this.trigger(s);
    }
  }

  private reset(s: StationEntry): void {
    const soft = this.rnd() < 0.5;
    if (s.version === '1.6') this.call(s, 'Reset', { type: soft ? 'Soft' : 'Hard' });
    else this.call(s, 'Reset', { type: soft ? 'OnIdle' : 'Immediate' });
  }

  private changeAvailability(s: StationEntry, operative: boolean): void {
    if (s.version === '1.6') this.call(s, 'ChangeAvailability', { connectorId: 1, type: operative ? 'Operative' : 'Inoperative' });
    else this.call(s, 'ChangeAvailability', { operationalStatus: operative ? 'Operative' : 'Inoperative', evse: { id: 1 } });
    if (operative) return;
    const restore = setTimeout(() => {
      this.restores.delete(restore);
      if (this.stopped) return;
      // The station it went to, even reconnected (its entry stays, its client changes).
      const now = this.stations.get(s.identity);
      if (now !== undefined) this.changeAvailability(now, true);
    }, RESTORE_AFTER_MS);
    this.restores.add(restore);
  }

  private trigger(s: StationEntry): void {
    if (s.version === '1.6') {
      const requestedMessage = this.pick(['StatusNotification', 'Heartbeat', 'MeterValues']) as string;
      this.call(s, 'TriggerMessage', requestedMessage === 'Heartbeat' ? { requestedMessage } : { requestedMessage, connectorId: 1 });
    } else {
      const requestedMessage = this.pick(['StatusNotification', 'Heartbeat', 'MeterValues', 'TransactionEvent']) as string;
      this.call(s, 'TriggerMessage', requestedMessage === 'Heartbeat' ? { requestedMessage } : { requestedMessage, evse: { id: 1 } });
    }
  }

  private call(s: StationEntry, action: string, params: Record<string, unknown>): void {
    const counts = this.tally.get(action) ?? { sent: 0, ok: 0, failed: 0 };
    this.tally.set(action, counts);
    counts.sent++;
    s.client.call(action, params).then(
      () => counts.ok++,
      () => counts.failed++,
    );
  }
}
