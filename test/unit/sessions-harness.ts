import type { CallRecorder } from '../../src/ocpp';
import type { StationContext } from '../../src/station/context';
import type { CounterName } from '../../src/station/counters';
import type { StationGroup } from '../../src/station/group';
import type { Station } from '../../src/station/station';
import { TimerKind } from '../../src/station/station-timers';

/**
 * A worker without sockets or time passing: a settable clock (the seam stations read time
 * through), the run's epoch where the worker's runtime keeps it, and a timer list run in order.
 * Connection timers are never run, so nothing leaves the process.
 */
export class VirtualWorker implements StationContext {
  clock = 0;
  readonly baseUrl = 'ws://127.0.0.1:9';
  readonly localAddresses = undefined;
  readonly tls = { context: undefined, ca: undefined, rejectUnauthorized: true };
  readonly stopping = false;
  readonly counts = new Map<CounterName, number>();
  readonly stations: Station[] = [];
  private timers: { index: number; kind: number; at: number }[] = [];

  constructor(readonly epoch: number) {}

  /** An arrow: the OCPP session holds the clock as a plain function. */
  readonly now = (): number => this.clock;

  /** As WorkerRuntime.atEpochOffset: where a moment of the plan falls on this clock. */
  atEpochOffset(ms: number): number {
    return this.epoch + ms;
  }

  schedule(index: number, kind: number, at: number): void {
    this.timers.push({ index, kind, at });
  }

  /** Fire every timer due up to `until` (on this clock) in time order, the clock following. */
  runUntil(until: number): void {
    for (;;) {
      let next = -1;
      this.timers.forEach((t, i) => {
        if (t.kind !== TimerKind.Connect && t.at <= until && (next < 0 || t.at < (this.timers[next] as { at: number }).at)) next = i;
      });
      if (next < 0) return;
      const [t] = this.timers.splice(next, 1) as [{ index: number; kind: number; at: number }];
      this.clock = Math.max(this.clock, t.at);
      (this.stations[t.index] as Station).onTimer(t.kind, t.at);
    }
  }

  count(_group: StationGroup, name: CounterName, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
  error(): void {}
  recordConnect(): void {}
  recordBootAccepted(): void {}
  recordTlsHandshake(): void {}
  recordWireBytes(): void {}
  gauge(): void {}
  stationMilestone(): void {}
  recorderOf(): CallRecorder {
    return { recordCall: () => {}, recordIncoming: () => {}, recordError: () => {} };
  }
}
