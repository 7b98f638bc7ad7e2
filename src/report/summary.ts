/**
 * summary.json: the machine-readable result of a run. Its field names are a contract that users'
 * scripts rely on: add fields, never rename or remove one.
 *
 * Times are ms with three decimals. `latencyMs` is the response time measured from the moment a
 * call was due (coordinated-omission corrected at the source, wrk2 style), `serviceTimeMs` from
 * the moment it was sent, `dispatchDelayMs` the difference per call. Empty histograms give zeros.
 */
import { writeFile } from 'node:fs/promises';
import type { Aggregator } from '../metrics/aggregator';
import type { CallStats, IncomingStats } from '../metrics/histograms';
import { NEVER_SENT_REASONS } from '../ocpp/never-sent';
import { bytesSummary, type ByteCounts, type BytesSummary } from './bytes-summary';
import type { FaultSummary } from './faults';
import { sendExchanges, sendsSummaries, type SendSummary, type SendsSummaries } from './sends-summary';
import { delayMs, latencyMs, type DelayMs, type LatencyMs } from './format';
import type { GeneratorCost } from '../coordinator/run-fleet';

export interface FleetInfo {
  planned: number;
  connected: number;
  booted: number;
  /** Stations that tried to connect and never managed to. */
  failedToConnect: number;
  /** Stations whose first connection was not due yet when the run ended (a short or stopped run). */
  notStarted?: number;
}

/** A CSMS target of a run with several: the stations on it at the end, and how many were connected. */
export interface TargetInfo {
  url: string;
  stations: number;
  connected: number;
}

/** What the run command knows and the aggregator does not. */
export interface RunInfo {
  version: string;
  scenario: string;
  seed: number | string;
  target: string;
  startedAt: Date;
  endedAt: Date;
  partial: boolean;
  fleet: FleetInfo;
  settings: Record<string, unknown>;
  /** What the load generator itself cost (its own process, all threads). */
  generator?: GeneratorCost;
  /**
   * Each threshold with its value and verdict, in the order written: the run command passes
   * ThresholdResult[] (thresholds.ts). Typed loosely here because readers of old or merged
   * summaries must not assume the shape.
   */
  thresholds: unknown[];
  /** False when any threshold did not pass. */
  passed: boolean;
  /** Sum of RingReader.produced over workers: compared with what the aggregator ingested. */
  recordsWritten: number;
  /** Each group's OCPP version, by group name (GroupSummary.ocpp). */
  groupVersions?: Record<string, string>;
  /** Optional per-group fleet figures; by default a group's fleet is its last gauge sample. */
  groupFleet?: Record<string, Record<string, number>>;
  /** With several targets: stations per target at the end. */
  targets?: TargetInfo[];
  /** What the embedded CSMS counted, when it was the target. */
  csms?: CsmsSummary;
  /** A run over several processes: how many, their own folders, and the first that died. */
  processes?: ProcessesSummary;
  /** One redacted sample message per error kind (the workers' first, lowest worker index first). */
  errorSamples?: Record<string, string>;
  /** The scenario's faults timeline and what each fault did (only when the scenario has one). */
  faults?: FaultSummary[];
  outputs?: RunOutputs;
}

/**
 * summary.json's `processes`, for a run spread over several (`--processes`): `count` of them,
 * `folders` their own results folders (relative to this one, in shard order), `died` what the
 * first one that died or failed said (absent when none did).
 */
export interface ProcessesSummary {
  count: number;
  folders: string[];
  died?: string;
}

/** summary.json's `outputs.prometheusRemoteWrite`: what the pushes to a remote-write endpoint did. */
export interface RemoteWriteSummary {
  /** The endpoint, credentials redacted. */
  readonly url: string;
  readonly intervalMs: number;
  /** Requests made (the retries of the last push included). */
  readonly pushes: number;
  readonly failed: number;
  /** Samples in the pushes the endpoint accepted. */
  readonly samples: number;
  /** Intervals skipped because the push before was still waiting for its answer. */
  readonly skipped: number;
  /** Whether the last push, made after the run ended, was accepted: then the endpoint holds the final counts. */
  readonly finalPushAccepted: boolean;
  readonly lastError?: string;
}

/** Where the run's figures went besides the results folder. */
export interface RunOutputs {
  prometheusRemoteWrite?: RemoteWriteSummary;
}

/** The embedded CSMS's own counts (its /stats), in summary.json only when it was the target. */
export interface CsmsSummary {
  /** True when it lived to the end of the run (until the fleet had stopped and it was stopped in turn). */
  alive: boolean;
  /** When it died during the run: how, when and what it last wrote. */
  exit?: CsmsExitSummary;
  /**
   * Signed meter values it verified, and those that failed (bad signature, malformed, unknown key).
   * Absent when it could not be asked (it died).
   */
  signedMeterValues?: { verified: number; failed: number };
}

/** How the embedded CSMS died. */
export interface CsmsExitSummary {
  /** Its exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (`SIGKILL`), or null. */
  signal: string | null;
  /** When, in ms since the run's start. */
  atMs: number;
  /** Its last stderr lines, oldest first (at most 20). */
  lastLines: string[];
}

/**
 * One built-in check of the run's health (issue 10): judged on every run, like a threshold, and
 * failing the verdict when it fails. `value` and `limit` are in the check's own unit (a share in
 * percent, a count, ms); null where the check had nothing to measure.
 */
export interface HealthResult {
  check: string;
  value: number | null;
  limit: number | null;
  passed: boolean;
  /** One line saying what was measured and, on failure, where (groups, kinds). */
  detail: string;
}

/** Transactions as the stations saw them: started, stop message created, stop answered by the CSMS. */
export interface TransactionCounts {
  started: number;
  stopped: number;
  stopAcknowledged: number;
  /** started − stopAcknowledged: transactions the CSMS may still hold open after the run. */
  openAtEnd: number;
}

export interface ActionSummary {
  /** CALLs that went on the wire: ok + callErrors + timeouts + invalid + aborted. */
  sent: number;
  ok: number;
  callErrors: number;
  timeouts: number;
  invalid: number;
  aborted: number;
  latencyMs: LatencyMs;
  serviceTimeMs: LatencyMs;
  dispatchDelayMs: DelayMs;
  /** CALLs that never went on the wire (not in `sent`); their reasons are under summary.json's `neverSent`. */
  neverSent?: number;
  /** The bytes of the CALLs' frames (sent) and of their answers' (received): UTF-8 text, before WebSocket framing and compression. */
  bytes?: ByteCounts;
}

/** CSMS-initiated calls of one action: received, answered, and the bytes of their frames (sent: the answers). */
export interface IncomingSummary {
  received: number;
  answered: number;
  bytes?: ByteCounts;
}

export interface GroupSummary {
  /** The OCPP version its stations speak (`1.6`, `2.0.1`; `1.6+2.0.1` when an identities file mixes them). */
  ocpp?: string;
  fleet?: Record<string, number>;
  actions: Record<string, ActionSummary>;
  /** The group's own error counts by kind: why a group never connected, booted or completed its calls. */
  errors?: Record<string, number>;
  transactions?: TransactionCounts;
  bytes?: BytesSummary;
  /** OCPP 2.1's SENDs per action (absent when the group sent none). */
  sends?: Record<string, SendSummary>;
}

export interface Summary {
  tool: 'ocpp-fleet';
  version: string;
  scenario: string;
  seed: number | string;
  target: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  partial: boolean;
  fleet: FleetInfo;
  actions: Record<string, ActionSummary>;
  incoming: Record<string, IncomingSummary>;
  /** OCPP 2.1's SENDs per action: never answered, so counts, a rate and bytes, no latency (absent when none). */
  sends?: Record<string, SendSummary>;
  /** What OCPP carried and what went on the wire, both ways (absent from summaries written before it was counted). */
  bytes?: BytesSummary;
  /**
   * `tlsHandshakeMs` only when connections used TLS: the handshake's share of the connect time.
   * `rejectedByStatus` only when the CSMS refused upgrades: their count per HTTP status ("401": n).
   */
  connect: { attempts: number; ok: number; errors: number; latencyMs: LatencyMs; tlsHandshakeMs?: LatencyMs; rejectedByStatus?: Record<string, number> };
  boot: { accepted: number; timeToAcceptedMs: LatencyMs };
  errors: Record<string, number>;
  /** One redacted sample message per error kind seen (the first one), e.g. the HTTP status and reason of a refused upgrade. */
  errorSamples?: Record<string, string>;
  /** CALLs that never went on the wire, by reason (their total is `errors.neverSent`). */
  neverSent?: Record<string, number>;
  transactions?: TransactionCounts;
  counters: Record<string, number>;
  groups: Record<string, GroupSummary>;
  /** The built-in health checks, in a fixed order; any failed check makes `passed` false. */
  health?: HealthResult[];
  thresholds: unknown[];
  passed: boolean;
  pump: { recordsWritten: number; recordsAggregated: number };
  settings: Record<string, unknown>;
  generator?: GeneratorCost;
  /** With several targets: stations per target at the end (`target` lists them all). */
  targets?: TargetInfo[];
  csms?: CsmsSummary;
  processes?: ProcessesSummary;
  /** One entry per fault of the scenario's timeline (absent without one). */
  faults?: FaultSummary[];
  /** Where the figures went besides this folder (absent when nowhere). */
  outputs?: RunOutputs;
}

export function actionSummary(stats: CallStats): ActionSummary {
  return {
    sent: stats.sent,
    ok: stats.ok,
    callErrors: stats.callErrors,
    timeouts: stats.timeouts,
    invalid: stats.invalid,
    aborted: stats.aborted,
    latencyMs: latencyMs(stats.response),
    serviceTimeMs: latencyMs(stats.service),
    dispatchDelayMs: delayMs(stats.dispatchDelay),
    neverSent: stats.neverSent,
    bytes: { sent: stats.bytesSent, received: stats.bytesReceived },
  };
}

function incomingSummary(stats: IncomingStats): IncomingSummary {
  return { received: stats.received, answered: stats.answered, bytes: { sent: stats.bytesSent, received: stats.bytesReceived } };
}

/** The transaction figures from the stations' counters (a run's, or one group's). */
export function transactionCounts(counters: ReadonlyMap<string, number> | undefined): TransactionCounts {
  const started = counters?.get('transactionsStarted') ?? 0;
  const stopAcknowledged = counters?.get('stopsAcknowledged') ?? 0;
  return {
    started,
    stopped: counters?.get('transactionsStopped') ?? 0,
    stopAcknowledged,
    openAtEnd: Math.max(0, started - stopAcknowledged),
  };
}

/** CALLs never sent by reason name; a reason index with no name (a newer writer) keeps its number. */
function neverSentByName(counts: readonly number[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  counts.forEach((n, i) => {
    if (n !== undefined && n > 0) out.push([NEVER_SENT_REASONS[i] ?? `reason#${i}`, n]);
  });
  return out;
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    out[key] = value;
  }
  return out;
}

function mapValues<T, U>(map: Map<string, T>, f: (value: T) => U): Array<[string, U]> {
  return [...map].map(([key, value]) => [key, f(value)]);
}

/** Counts by HTTP status, in ascending order of status. */
function statusCounts(counts: ReadonlyMap<number, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort((a, b) => a[0] - b[0]).map(([status, n]) => [String(status), n]));
}

/**
 * One entry per group that made a call, counted an error or an event, or was planned (a group that
 * never connected is listed too, with its fleet figures and the errors that say why).
 */
function groupSummaries(aggregator: Aggregator, run: RunInfo, sends: SendsSummaries): Array<[string, GroupSummary]> {
  const groupGauges = aggregator.groupGauges();
  const calls = aggregator.groups();
  const errors = aggregator.groupErrors();
  const counters = aggregator.groupCounters();
  const wire = aggregator.wireBytes();
  const incomingBytes = aggregator.incomingBytesByGroup();
  const durationMs = run.endedAt.getTime() - run.startedAt.getTime();
  const names = new Set([...Object.keys(run.groupFleet ?? {}), ...calls.keys(), ...errors.keys(), ...counters.keys()]);
  return [...names].map((name) => {
    const fleet = run.groupFleet?.[name] ?? groupGauges.get(name);
    const version = run.groupVersions?.[name];
    const actions = sortedRecord(mapValues(calls.get(name) ?? new Map<string, CallStats>(), actionSummary));
    const groupSends = sends.groups.get(name);
    const exchanges = [...Object.values(actions).map((a) => a.bytes ?? { sent: 0, received: 0 }), incomingBytes.get(name) ?? { sent: 0, received: 0 }, ...sendExchanges(groupSends)];
    const groupWire = wire.get(name);
    const group: GroupSummary = {
      ...(version === undefined ? {} : { ocpp: version }),
      ...(fleet === undefined ? {} : { fleet: { ...fleet } }),
      actions,
      errors: sortedRecord(errors.get(name) ?? []),
      transactions: transactionCounts(counters.get(name)),
      bytes: bytesSummary(exchanges, groupWire ?? { sent: 0, received: 0 }, run.groupFleet?.[name]?.planned ?? 0, durationMs),
      ...(groupSends === undefined ? {} : { sends: groupSends }),
    };
    return [name, group];
  });
}

/** Call after the last drain; reads the aggregator, changes nothing in it. */
export function buildSummary(aggregator: Aggregator, run: RunInfo): Summary {
  const sends = sendsSummaries(aggregator, run.endedAt.getTime() - run.startedAt.getTime());
  const groups = groupSummaries(aggregator, run, sends);
  const counters = aggregator.counters();
  const connect = aggregator.connect;
  const boot = aggregator.boot;
  const actions = sortedRecord(mapValues(aggregator.actions(), actionSummary));
  const incoming = sortedRecord(mapValues(aggregator.incomingByAction(), incomingSummary));
  const wire = [...aggregator.wireBytes().values()].reduce((t, w) => ({ sent: t.sent + w.sent, received: t.received + w.received }), { sent: 0, received: 0 });
  const exchanges = [...[...Object.values(actions), ...Object.values(incoming)].map((a) => a.bytes ?? { sent: 0, received: 0 }), ...sendExchanges(sends.run)];
  const durationMs = run.endedAt.getTime() - run.startedAt.getTime();
  return {
    tool: 'ocpp-fleet',
    version: run.version,
    scenario: run.scenario,
    seed: run.seed,
    target: run.target,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt.toISOString(),
    durationMs: run.endedAt.getTime() - run.startedAt.getTime(),
    partial: run.partial,
    fleet: { ...run.fleet },
    actions,
    incoming,
    ...(sends.run === undefined ? {} : { sends: sends.run }),
    bytes: bytesSummary(exchanges, wire, run.fleet.planned, durationMs),
    connect: {
      attempts: connect.attempts,
      ok: connect.ok,
      errors: connect.errors,
      latencyMs: latencyMs(connect.latency),
      ...(connect.tlsHandshake.totalCount > 0 ? { tlsHandshakeMs: latencyMs(connect.tlsHandshake) } : {}),
      ...(connect.rejectedByStatus.size > 0 ? { rejectedByStatus: statusCounts(connect.rejectedByStatus) } : {}),
    },
    boot: { accepted: boot.accepted, timeToAcceptedMs: latencyMs(boot.timeToAccepted) },
    errors: sortedRecord(aggregator.errors()),
    ...(run.errorSamples !== undefined && Object.keys(run.errorSamples).length > 0 ? { errorSamples: sortedRecord(Object.entries(run.errorSamples)) } : {}),
    neverSent: sortedRecord(neverSentByName(aggregator.neverSentByReason())),
    transactions: transactionCounts(counters),
    counters: sortedRecord(counters),
    groups: sortedRecord(groups),
    thresholds: run.thresholds,
    passed: run.passed,
    pump: { recordsWritten: run.recordsWritten, recordsAggregated: aggregator.ingested },
    settings: run.settings,
    ...(run.generator ? { generator: run.generator } : {}),
    ...(run.targets ? { targets: run.targets } : {}),
    ...(run.csms ? { csms: run.csms } : {}),
    ...(run.processes ? { processes: run.processes } : {}),
    ...(run.faults ? { faults: run.faults } : {}),
    ...(run.outputs ? { outputs: run.outputs } : {}),
  };
}

export async function writeSummary(path: string, summary: Summary): Promise<void> {
  await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
}
