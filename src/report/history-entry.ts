/**
 * One run in a history (`run --history DIR`): what a trend needs of the run, without its results
 * folder. The essentials of summary.json (latencies per action, counts, errors, the time to all
 * booted, connect time, the generator's cost, the verdict), the whole-run histograms, and the
 * series the run belongs to: the scenario's fingerprint and the settings that make two runs
 * comparable. Runs of different series are never compared (src/trend/).
 *
 * A file format read by later versions: fields are added, never renamed or removed, and
 * `formatVersion` changes only if a field changes meaning.
 */
import type { Summary } from './summary';

export const HISTORY_FORMAT = 'ocpp-fleet-history';
export const HISTORY_FORMAT_VERSION = 1;

/** Response time percentiles in ms; null when nothing was answered ok (an empty histogram). */
export interface HistoryLatency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface HistoryAction {
  sent: number;
  ok: number;
  /** callErrors + timeouts + invalid + aborted + neverSent: every call not completed ok. */
  failed: number;
  timeouts: number;
  neverSent: number;
  latencyMs: HistoryLatency | null;
}

/** What makes runs comparable, as recorded: a run belongs to the series of these values' hash. */
export interface HistorySettings {
  /** The scenario's name and the hash of what it asks of the fleet (its load, not its verdicts). */
  scenario: string;
  scenarioHash: string;
  stations: number;
  workers: number;
  durationMs: number;
  seed: number;
  /** `embedded` for the embedded CSMS (whatever its port), else the target URLs, redacted. */
  target: string;
  shard?: string;
  maxRatePerSec?: number;
  localAddresses?: number;
  security?: Record<string, unknown>;
}

export interface HistoryEntry {
  format: typeof HISTORY_FORMAT;
  formatVersion: typeof HISTORY_FORMAT_VERSION;
  /** The entry's file name without `.json`: `<UTC start>-<series>-<scenario>-<random>`. */
  id: string;
  /** 12 hex digits: the hash of `settings`. */
  series: string;
  settings: HistorySettings;
  version: string;
  /** Where it ran, for the reader (not part of the series): cores, Node.js, platform. */
  machine: { cpus: number; node: string; platform: string };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  partial: boolean;
  passed: boolean;
  /** run()'s reason and exit code (README, "Exit codes"). */
  reason: string;
  exitCode: number;
  /** The run's results folder as it was written (absolute; it may have moved since). */
  resultsDir: string;
  fleet: { planned: number; connected: number; booted: number };
  actions: Record<string, HistoryAction>;
  calls: { sent: number; failed: number; timeouts: number; neverSent: number };
  connect: { attempts: number; errors: number; latencyMs: HistoryLatency | null };
  /** ms from the start until every planned station had been accepted once; null if never. */
  timeToAllBootedMs: number | null;
  errors: Record<string, number>;
  /** The generator's own cost (null when the summary has none, e.g. a merged one). */
  generator: { cpuS: number; rssPeakMb: number; rssPerStationKb: number; eventLoopDelayP99Ms: number | null; schedulerLagP99Ms: number | null } | null;
  thresholds: { threshold: string; verdict: string; value: number | null }[];
  health: { check: string; passed: boolean }[];
  /**
   * The whole-run histograms as an HdrHistogram interval log (values in µs): `<Action>` response
   * times, `connect`, `boot`. Exact: they add up across runs as they do across shards.
   */
  histograms: string;
}

/** What the run layer knows that the summary does not. */
export interface HistoryEntryInfo {
  id: string;
  series: string;
  settings: HistorySettings;
  machine: HistoryEntry['machine'];
  reason: string;
  exitCode: number;
  resultsDir: string;
  histograms: string;
}

function latency(l: { p50: number; p90: number; p99: number; max: number }, ok: number): HistoryLatency | null {
  return ok === 0 ? null : { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max };
}

export function buildHistoryEntry(summary: Summary, info: HistoryEntryInfo): HistoryEntry {
  const actions: Record<string, HistoryAction> = {};
  const calls = { sent: 0, failed: 0, timeouts: 0, neverSent: 0 };
  for (const [name, a] of Object.entries(summary.actions)) {
    const neverSent = a.neverSent ?? 0;
    const failed = a.callErrors + a.timeouts + a.invalid + a.aborted + neverSent;
    actions[name] = { sent: a.sent, ok: a.ok, failed, timeouts: a.timeouts, neverSent, latencyMs: latency(a.latencyMs, a.ok) };
    calls.sent += a.sent;
    calls.failed += failed;
    calls.timeouts += a.timeouts;
    calls.neverSent += neverSent;
  }
  const g = summary.generator;
  return {
    format: HISTORY_FORMAT,
    formatVersion: HISTORY_FORMAT_VERSION,
    id: info.id,
    series: info.series,
    settings: info.settings,
    version: summary.version,
    machine: info.machine,
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    durationMs: summary.durationMs,
    partial: summary.partial,
    passed: summary.passed,
    reason: info.reason,
    exitCode: info.exitCode,
    resultsDir: info.resultsDir,
    fleet: { planned: summary.fleet.planned, connected: summary.fleet.connected, booted: summary.fleet.booted },
    actions,
    calls,
    connect: { attempts: summary.connect.attempts, errors: summary.connect.errors, latencyMs: latency(summary.connect.latencyMs, summary.connect.ok) },
    timeToAllBootedMs: g?.timeToAllBootedMs ?? null,
    errors: { ...summary.errors },
    generator: g === undefined ? null : {
      cpuS: Math.round((g.cpuUserS + g.cpuSystemS) * 1000) / 1000,
      rssPeakMb: g.rssPeakMb,
      rssPerStationKb: g.rssPerStationKb,
      eventLoopDelayP99Ms: g.eventLoopDelayMs?.p99 ?? null,
      schedulerLagP99Ms: g.schedulerLagMs?.p99 ?? null,
    },
    thresholds: summary.thresholds.map((t) => {
      const r = t as { threshold?: unknown; verdict?: unknown; value?: unknown };
      return { threshold: String(r.threshold), verdict: String(r.verdict), value: typeof r.value === 'number' ? r.value : null };
    }),
    health: (summary.health ?? []).map((h) => ({ check: h.check, passed: h.passed })),
    histograms: info.histograms,
  };
}

/** The whole-run histogram log (histograms-total.hlog's text) cut to the tags a history keeps. */
export function historyHistograms(totals: string): string {
  return totals
    .split('\n')
    .filter((line) => {
      const m = /^Tag=([^,]*),/.exec(line);
      if (m === null) return true;
      const tag = m[1] as string;
      return tag === 'connect' || tag === 'boot' || !(tag.includes('.') || tag.includes('=') || tag === 'tls');
    })
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An entry read back, checked where a trend relies on it; the problem in words otherwise (the
 * caller names the file). Entries of a later format version are refused, not misread.
 */
export function parseHistoryEntry(text: string): HistoryEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!isRecord(value) || value.format !== HISTORY_FORMAT) return `not an ocpp-fleet history entry (no "format": "${HISTORY_FORMAT}")`;
  if (value.formatVersion !== HISTORY_FORMAT_VERSION) return `format version ${String(value.formatVersion)}, this ocpp-fleet reads ${HISTORY_FORMAT_VERSION}`;
  const wrong = ['id', 'series', 'startedAt'].filter((k) => typeof value[k] !== 'string');
  wrong.push(...['settings', 'actions', 'calls', 'connect', 'errors'].filter((k) => !isRecord(value[k])));
  if (typeof value.partial !== 'boolean') wrong.push('partial');
  if (typeof value.startedAt === 'string' && Number.isNaN(Date.parse(value.startedAt))) wrong.push('startedAt');
  if (wrong.length > 0) return `lacks or has a wrong ${wrong.join(', ')}`;
  return value as unknown as HistoryEntry;
}
