import { HISTORY_FORMAT, HISTORY_FORMAT_VERSION, type HistoryEntry } from '../../src/report/history-entry';
import { historyEntryId } from '../../src/report/history-store';

/** What a test sets of a history entry; the rest is a plain passed run of 100 stations. */
export interface EntryFigures {
  readonly series: string;
  readonly startedAt: string;
  readonly scenario?: string;
  /** Heartbeat p50 in ms (p90, p99 and max follow from it). */
  readonly heartbeatMs?: number;
  readonly cpuS?: number;
  readonly partial?: boolean;
}

/** A history entry as `run --history` writes one, with the figures a test chooses. */
export function historyEntry(f: EntryFigures): HistoryEntry {
  const scenario = f.scenario ?? 'nightly';
  const hb = f.heartbeatMs ?? 1;
  const partial = f.partial ?? false;
  return {
    format: HISTORY_FORMAT,
    formatVersion: HISTORY_FORMAT_VERSION,
    id: historyEntryId(f.startedAt, f.series, scenario),
    series: f.series,
    settings: { scenario, scenarioHash: 'feedfeedfeedfeed', stations: 100, workers: 1, durationMs: 600_000, seed: 1, target: 'embedded' },
    version: '0.1.0',
    machine: { cpus: 2, node: 'v20', platform: 'linux-x64' },
    startedAt: f.startedAt,
    endedAt: f.startedAt,
    durationMs: 600_000,
    partial,
    passed: !partial,
    reason: partial ? 'interrupted' : 'passed',
    exitCode: partial ? 3 : 0,
    resultsDir: `/ci/results/${f.startedAt}`,
    fleet: { planned: 100, connected: 100, booted: 100 },
    actions: {
      Heartbeat: { sent: 1000, ok: 1000, failed: 0, timeouts: 0, neverSent: 0, latencyMs: { p50: hb, p90: hb * 1.5, p99: hb * 2, max: hb * 3 } },
      BootNotification: { sent: 100, ok: 100, failed: 0, timeouts: 0, neverSent: 0, latencyMs: { p50: 5, p90: 6, p99: 7, max: 8 } },
    },
    calls: { sent: 1100, failed: 0, timeouts: 0, neverSent: 0 },
    connect: { attempts: 100, errors: 0, latencyMs: { p50: 3, p90: 4, p99: 5, max: 6 } },
    timeToAllBootedMs: 1000,
    errors: {},
    generator: { cpuS: f.cpuS ?? 10, rssPeakMb: 200, rssPerStationKb: 20, eventLoopDelayP99Ms: 5, schedulerLagP99Ms: 5 },
    thresholds: [],
    health: [],
    histograms: '',
  };
}
