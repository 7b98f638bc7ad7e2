import type { SecureContext } from 'node:tls';
import type { CallRecorder, ErrorKind } from '../ocpp';
import type { CounterName } from './counters';
import type { ConnectFn } from './socket-events';
import type { StationGroup } from './group';
import type { TargetList } from './targets';

/** What TLS needs, resolved once per worker: trusted CAs, verification, fleet-wide client cert. */
export interface SharedTls {
  /**
   * Built once for the worker (trusted CAs, the fleet-wide client certificate): parsing a CA
   * list costs milliseconds, so it must not happen per connection.
   */
  readonly context: SecureContext | undefined;
  /** Trusted CAs for per-station contexts (undefined: the system's). */
  readonly ca: readonly string[] | undefined;
  readonly rejectUnauthorized: boolean;
  /** A folder of `<identity>.pem` / `<identity>.key`: each station builds its own context once. */
  readonly clientCertDir?: string;
}

/**
 * What a station needs from the worker that runs it: one clock, one scheduler, the metrics pump.
 * The worker implements it once; stations never create timers or write to shared memory themselves.
 */
export interface StationContext {
  /** Monotonic ms (performance.now of this thread). */
  now(): number;
  /** The moment `ms` after the run's epoch, on the `now()` clock: the plan counts from the epoch. */
  atEpochOffset(ms: number): number;
  /** Call `onTimer(kind, at)` of station `index` at `at`; a later schedule of the same kind supersedes. */
  schedule(index: number, kind: number, at: number): void;
  /**
   * How the stations' transports open a socket: `openSocket` (ws) in a worker; undefined means
   * the same. A unit test passes a fake and drives the socket's events itself.
   */
  readonly connect?: ConnectFn;
  /** Where connections go: `<baseUrl>/<identity>`. */
  readonly baseUrl: string;
  /** Several CSMS endpoints to spread over and fail over between; undefined: `baseUrl` alone. */
  readonly targets?: TargetList;
  /** --max-rate: a token for one CALL of `station`, or false (it is resumed when one is free). */
  takeCallToken?(station: { resumeCalls(): void }): boolean;
  /** Source addresses to spread connections over; undefined: the system's choice. */
  readonly localAddresses: readonly string[] | undefined;
  /** TLS options shared by every station of the worker, built once (profiles 2 and 3). */
  readonly tls: SharedTls;
  /** Whether the run is winding down: no new sessions, no reconnects. */
  readonly stopping: boolean;
  count(group: StationGroup, name: CounterName, n?: number): void;
  error(group: StationGroup, kind: ErrorKind): void;
  /** A connection attempt; a failed one has its kind, and the HTTP status of a refused upgrade (0: none). */
  recordConnect(group: StationGroup, ok: boolean, ms: number, kind: ErrorKind | undefined, status?: number): void;
  /**
   * Error samples (summary.json `errorSamples`): whether the worker still wants one of `kind`, and
   * the redacted message to keep (the first of each kind). Optional: contexts of unit tests keep none.
   */
  wantsErrorSample?(kind: ErrorKind): boolean;
  errorSample?(kind: ErrorKind, text: string): void;
  recordBootAccepted(group: StationGroup, ms: number): void;
  recordTlsHandshake(group: StationGroup, ms: number): void;
  /** A connection closed: the bytes its socket wrote and read. */
  recordWireBytes(group: StationGroup, written: number, read: number): void;
  /** Gauges: connected, booted, charging (per group, summed by the coordinator). */
  gauge(group: StationGroup, which: 'connected' | 'booted' | 'charging', delta: number): void;
  /** Stations report first connect and first boot so the fleet figures count stations, not events. */
  stationMilestone(group: StationGroup, which: 'attempted' | 'connected' | 'booted'): void;
  recorderOf(group: StationGroup): CallRecorder;
}
