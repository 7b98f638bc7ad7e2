/**
 * What the bench asks of its measured children, and what they answer: one typed set, like the
 * fleet's own thread messages. Times in ms, CPU in µs, memory in bytes unless a name says otherwise.
 */
import type { Percentiles } from './stats';

export type BareSpec =
  /**
   * Closed loop: every connection sends a Heartbeat CALL, waits for its answer, sends the next.
   * Interactive: ready once connected, sampled by the parent, runs until asked to finish.
   */
  | { readonly mode: 'closed'; readonly url: string; readonly connections: number }
  /** Open connections and hold them idle: memory per connection. */
  | { readonly mode: 'idle'; readonly url: string; readonly connections: number; readonly settleMs: number }
  /**
   * Open N connections at once; with `boot`, each then sends one BootNotification ('boot') or a
   * 1.6 station's whole boot ('sequence': Boot and two StatusNotifications, one at a time).
   */
  | { readonly mode: 'connect'; readonly url: string; readonly connections: number; readonly boot: false | 'boot' | 'sequence' }
  /**
   * Open loop: each connection's Heartbeat is due every `intervalMs` (phases spread), sent when due
   * or, if the previous one is unanswered, as soon as it is (the one-outstanding-call rule), and
   * timed from when it was due. Interactive: ready once connected; the first sample opens the
   * measurement window, the second closes it.
   */
  | { readonly mode: 'open'; readonly url: string; readonly connections: number; readonly intervalMs: number }
  /**
   * OCPP 2.1 periodic event streams: each connection (subprotocol ocpp2.1) sends a
   * NotifyPeriodicEventStream SEND every `intervalMs` (phases spread), built as a station builds
   * it (a reading, its time, JSON.stringify), never answered. Interactive: ready once connected;
   * samples count the SENDs written.
   */
  | { readonly mode: 'send'; readonly url: string; readonly connections: number; readonly intervalMs: number };

export interface BareClosedResult {
  readonly connectMs: number;
  readonly roundTrips: number;
}

export interface MemoryResult {
  readonly count: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
  readonly externalBytes: number;
  readonly rssPerItemKb: number;
  /** Growth of V8's young generation (committed), and RSS per item without it. */
  readonly newSpaceBytes: number;
  readonly rssPerItemKbWithoutYoung: number;
  readonly heapPerItemKb: number;
  /** Process RSS at the end, MB. */
  readonly rssTotalMb: number;
}

export interface ConnectResult {
  readonly opened: number;
  readonly connectMs: number;
  /** Time until every connection's boot frames were answered (connect included), when asked. */
  readonly bootMs: number | null;
  readonly failed: number;
}

export interface LatencyResult {
  readonly calls: number;
  readonly perSec: number;
  /** ms from when the call was due (coordinated-omission corrected). */
  readonly response: Percentiles;
  /** ms from when the call went on the wire. */
  readonly service: Percentiles;
  /** ms from when the call was due to when it went on the wire. */
  readonly dispatch: Percentiles;
  readonly cpuUsPerCall: number;
}

/**
 * throughput: interactive (ready once booted, sampled by the parent, finish on request);
 * latency: interactive, the first sample opens the window of Heartbeat latencies, the second closes it;
 * memory: memory after warm-up; ramp: time to all booted;
 * sends: interactive as throughput, its samples counting the SENDs written (OCPP 2.1 streams).
 */
export type FleetMeasure = 'throughput' | 'memory' | 'ramp' | 'latency' | 'sends';

export interface FleetSpec {
  readonly url: string;
  /** Identities are `<identity>-00001`…; the responder serves by this prefix in interleaved cases. */
  readonly identity: string;
  readonly stations: number;
  readonly version: '1.6' | '2.0.1' | '2.1';
  readonly connectors: number;
  readonly workers: number;
  /** Heartbeat interval forced on every station (ms; fractions allowed), or undefined to follow the CSMS. */
  readonly heartbeatMs: number | undefined;
  /** Connections per second; 0 = unpaced (all at once). */
  readonly rampPerSec: number;
  /**
   * 'pool': the real FleetRun (piscina worker threads, the pump, the coordinator) in this process.
   * 'inline': the worker's own task function run on the main thread, so that gc() and the heap
   * figures see the stations (memory case).
   */
  readonly mode: 'pool' | 'inline';
  readonly measure: FleetMeasure;
  /** After every station booted: wait this long, then measure over `windowMs`. */
  readonly warmupMs: number;
  readonly windowMs: number;
  /** Hard cap on the run. */
  readonly capMs: number;
  /** PEM of a CA to trust (a `wss://` url with a generated certificate). */
  readonly ca?: string;
  /**
   * Meter-values load (case 8): each station charges from its first moments for the whole run and
   * sends meter values every this many ms (fractions allowed), OCMF-signed with `signed`.
   */
  readonly meterMs?: number;
  readonly signed?: boolean;
  /**
   * Periodic event streams (case 11, version 2.1): each station starts one long session at once and
   * opens a stream of one NotifyPeriodicEventStream SEND every this many seconds.
   */
  readonly streamS?: number;
}

export interface FleetResult {
  readonly planned: number;
  readonly booted: number;
  /** ms from the run's epoch to the last BootNotification accepted, or null if not all booted. */
  readonly timeToAllBootedMs: number | null;
  readonly connectP99Ms: number;
  readonly errors: Record<string, number>;
  /** Window figures (throughput and latency measures). */
  readonly calls: number;
  readonly windowMs: number;
  readonly perSec: number;
  readonly cpuUs: number;
  readonly cpuUsPerCall: number;
  /** Heartbeat latency over the window (latency measure), ms. */
  readonly response: Percentiles | null;
  readonly service: Percentiles | null;
  readonly dispatch: Percentiles | null;
  readonly memory: MemoryResult | null;
  /** Records the workers wrote vs the coordinator read: equal when the pump lost nothing. */
  readonly recordsWritten: number;
  readonly recordsRead: number;
}

/**
 * Case 9, the soak: a mixed fleet (half 1.6, half 2.0.1, two connectors each) with heartbeats,
 * charging sessions and meter values against a CSMS, sampled every `sampleEveryMs` from the run's
 * start; the samples from `steadyAfterMs` on are the steady ones the trends are fitted to.
 */
export interface SoakSpec {
  readonly url: string;
  /** The CSMS's process, whose RSS is read from /proc at each sample (-1: none). */
  readonly csmsPid: number;
  /** Stations in all, half of them in each version. */
  readonly stations: number;
  readonly durationMs: number;
  readonly sampleEveryMs: number;
  readonly steadyAfterMs: number;
  /** Connections per second per group (0: all at once). */
  readonly rampPerSec: number;
  /** Durations as the scenario file writes them ("1m", "250ms"). */
  readonly heartbeat: string;
  readonly meanIdle: string;
  readonly sessionMedian: string;
  readonly meterInterval: string;
  /** Print a line per sample on stdout as the run goes (a long run shows its progress). */
  readonly printSamples: boolean;
  /** Write a heap snapshot of the generator at the first steady sample and at the last (for finding a leak). */
  readonly snapshotDir?: string;
}

/** One sample, taken after a forced GC. Bytes unless a name says otherwise. */
export interface SoakSample {
  /** ms since the run's epoch. */
  readonly atMs: number;
  readonly steady: boolean;
  readonly rss: number;
  /** V8 heap used after GC, the interval log's lines taken out (see soak-child.ts). */
  readonly heap: number;
  /** Of `heap`: V8's compiled code and bytecode with their metadata (v8.getHeapCodeStatistics). */
  readonly code: number;
  /** V8's heap as committed, and of it the young generation: RSS the heap holds, used or not. */
  readonly heapTotal: number;
  readonly newSpace: number;
  /** Memory outside V8's heap that V8 knows of (ArrayBuffers, Buffers: socket data). */
  readonly external: number;
  /** Heap the interval log's lines of this interval held (after GC, before vs after taking them out). */
  readonly hlogHeap: number;
  /** Those lines: how many, and their characters. */
  readonly hlogLines: number;
  readonly hlogChars: number;
  /** The CSMS process's RSS (VmRSS), or NaN. */
  readonly csmsRss: number;
  readonly connected: number;
  readonly charging: number;
  /** Calls completed (any outcome) since the run started, and failed ones. */
  readonly calls: number;
  readonly failures: number;
}

export interface SoakResult {
  readonly planned: number;
  readonly booted: number;
  readonly samples: SoakSample[];
  readonly errors: Record<string, number>;
  readonly counters: Record<string, number>;
  /** Calls sent per action. */
  readonly sent: Record<string, number>;
  readonly recordsWritten: number;
  readonly recordsRead: number;
  readonly snapshots: string[];
}

/**
 * Case 12: a fleet over several processes, through `run()` (the only way a fleet spreads over
 * processes): 1.6 stations, one connector, a Heartbeat every `heartbeatMs`, no sessions, the
 * targets given in order (each station's home target by its identity, as the CSMS's processes
 * are chosen). Ready once every station booted; finishes (the run stopped) when asked.
 */
export interface ProcessesSpec {
  readonly urls: readonly string[];
  readonly stations: number;
  readonly processes: number;
  readonly heartbeatMs: number;
  readonly rampPerSec: number;
  readonly out: string;
  readonly capMs: number;
}

/** What the fleet's run said at its end (the window's figures are read from /proc and the responders). */
export interface ProcessesResult {
  readonly booted: number;
  /** summary.json's `errors`, by kind, and a sample message of each. */
  readonly errors: Readonly<Record<string, number>>;
  readonly errorSamples: Readonly<Record<string, string>>;
  /** The run's reason and exit code, and summary.json's `processes.died` when a process died or failed. */
  readonly verdict: string;
  readonly died?: string;
}
