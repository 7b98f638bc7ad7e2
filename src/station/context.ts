import type { CallRecorder, ErrorKind } from '../ocpp';
import type { CounterName } from './counters';
import type { StationGroup } from './group';

/**
 * What a station needs from the worker that runs it: one clock, one scheduler, the metrics pump.
 * The worker implements it once; stations never create timers or write to shared memory themselves.
 */
export interface StationContext {
  /** Monotonic ms (performance.now of this thread). */
  now(): number;
  /** Call `onTimer(kind, at)` of station `index` at `at`; a later schedule of the same kind supersedes. */
  schedule(index: number, kind: number, at: number): void;
  /** Where connections go: `<baseUrl>/<identity>`. */
  readonly baseUrl: string;
  /** Whether the run is winding down: no new sessions, no reconnects. */
  readonly stopping: boolean;
  count(group: StationGroup, name: CounterName, n?: number): void;
  error(group: StationGroup, kind: ErrorKind): void;
  recordConnect(group: StationGroup, ok: boolean, ms: number, kind: ErrorKind | undefined): void;
  recordBootAccepted(group: StationGroup, ms: number): void;
  /** Gauges: connected, booted, charging (per group, summed by the coordinator). */
  gauge(group: StationGroup, which: 'connected' | 'booted' | 'charging', delta: number): void;
  /** Stations report first connect and first boot so the fleet figures count stations, not events. */
  stationMilestone(group: StationGroup, which: 'attempted' | 'connected' | 'booted'): void;
  recorderOf(group: StationGroup): CallRecorder;
}
