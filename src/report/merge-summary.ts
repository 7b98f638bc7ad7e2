/**
 * The summary.json of a merged sharded run, from the shards' summaries and their whole-run
 * histograms added together. What is added and what is taken as the latest is listed in the
 * README ("Sharded runs and merge"); the rule is that a merged figure means what the same
 * figure of one unsharded run would mean.
 */
import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from '../metrics/histograms';
import { mergeFaultSummaries, type FaultSummary } from './faults';
import { delayMs, latencyMs } from './format';
import { bytesSummary, type ByteCounts, type BytesSummary } from './bytes-summary';
import type { ActionSummary, CsmsSummary, GroupSummary, IncomingSummary, Summary, TargetInfo, TransactionCounts } from './summary';
import { groupTag } from './totals';

export class MergeError extends Error {
  override name = 'MergeError';
}

/** One shard as merge reads it: its folder, its summary, and its start in ms since the epoch. */
export interface ShardSummary {
  dir: string;
  summary: Summary;
  startMs: number;
}

function add(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
}

/** Keys in order, as a single run writes them (a kind first seen in a later shard is not last). */
function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A group is all booted when every shard's part is: the latest of their times, each moved from its
 * shard's start onto the merged start (shards start a few hundred ms apart). A shard holding no
 * station of the group has nothing to wait for.
 */
function mergeBootTime(fleet: Record<string, number>, parts: ReadonlyArray<{ group: GroupSummary; offsetMs: number }>): void {
  delete fleet.timeToAllBootedMs;
  const waited = parts.filter((p) => (p.group.fleet?.planned ?? 1) > 0);
  const times = waited.map((p) => p.group.fleet?.timeToAllBootedMs);
  if (waited.length === 0 || !times.every((t) => typeof t === 'number')) return;
  fleet.timeToAllBootedMs = Math.max(...waited.map((p, i) => (times[i] as number) + p.offsetMs));
}

/**
 * Transactions add up over shards (each shard's stations are its own); openAtEnd is recomputed
 * from the sums. Undefined when no shard had the figures (summaries older than them).
 */
export function mergeTransactions(parts: readonly (TransactionCounts | undefined)[]): TransactionCounts | undefined {
  const present = parts.filter((t): t is TransactionCounts => t !== undefined);
  if (present.length === 0) return undefined;
  const sum = (k: keyof TransactionCounts): number => present.reduce((n, t) => n + t[k], 0);
  const started = sum('started');
  const stopAcknowledged = sum('stopAcknowledged');
  return { started, stopped: sum('stopped'), stopAcknowledged, openAtEnd: Math.max(0, started - stopAcknowledged) };
}

function actionFrom(counts: ActionSummary[], totals: Map<string, Histogram>, tag: string): ActionSummary {
  const sum = (k: 'sent' | 'ok' | 'callErrors' | 'timeouts' | 'invalid' | 'aborted' | 'neverSent'): number => counts.reduce((n, a) => n + (a[k] ?? 0), 0);
  return {
    sent: sum('sent'),
    ok: sum('ok'),
    callErrors: sum('callErrors'),
    timeouts: sum('timeouts'),
    invalid: sum('invalid'),
    aborted: sum('aborted'),
    latencyMs: latencyMs(totals.get(tag) ?? newHistogram()),
    serviceTimeMs: latencyMs(totals.get(`${tag}.service`) ?? newHistogram()),
    dispatchDelayMs: delayMs(totals.get(`${tag}.dispatch`) ?? newHistogram()),
    neverSent: sum('neverSent'),
    bytes: addBytes(counts.map((a) => a.bytes)),
  };
}

function addBytes(parts: readonly (ByteCounts | undefined)[]): ByteCounts {
  return parts.reduce<ByteCounts>((t, b) => ({ sent: t.sent + (b?.sent ?? 0), received: t.received + (b?.received ?? 0) }), { sent: 0, received: 0 });
}

/** The shards' bytes added up, per station per day judged again on the merged fleet and length. */
function mergeBytes(parts: readonly (BytesSummary | undefined)[], stations: number, durationMs: number): BytesSummary | undefined {
  const present = parts.filter((b): b is BytesSummary => b !== undefined);
  if (present.length === 0) return undefined;
  return bytesSummary([addBytes(present)], addBytes(present.map((b) => b.wire)), stations, durationMs);
}

function mergeActions(
  maps: Record<string, ActionSummary>[],
  totals: Map<string, Histogram>,
  tagOf: (action: string) => string,
): Record<string, ActionSummary> {
  const names = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
  const out: Record<string, ActionSummary> = {};
  for (const name of names) {
    out[name] = actionFrom(maps.flatMap((m) => (m[name] ? [m[name] as ActionSummary] : [])), totals, tagOf(name));
  }
  return out;
}

/**
 * Stations and connected stations per target URL, added over shards, in the order the URLs first
 * appear. Shards against the same CSMS share URLs; shards that each started their own embedded
 * CSMS have URLs of their own (other ports), which stay apart: they were other CSMSs.
 */
export function mergeTargets(shards: readonly (readonly TargetInfo[] | undefined)[]): TargetInfo[] | undefined {
  if (shards.every((t) => t === undefined)) return undefined;
  const byUrl = new Map<string, TargetInfo>();
  for (const targets of shards) {
    for (const t of targets ?? []) {
      const into = byUrl.get(t.url);
      if (into === undefined) byUrl.set(t.url, { url: t.url, stations: t.stations, connected: t.connected });
      else {
        into.stations += t.stations;
        into.connected += t.connected;
      }
    }
  }
  return [...byUrl.values()];
}

/**
 * Each shard that started the embedded CSMS had its own: their counts add (over the CSMSs that could
 * be asked); the merged CSMS is alive when every shard's lived to its end, and a death is the first
 * dead shard's (in the order given), its `atMs` moved from that shard's start onto the merged start.
 */
export function mergeCsms(shards: readonly (CsmsSummary | undefined)[], startOffsetsMs: readonly number[] = []): CsmsSummary | undefined {
  const present = shards.filter((c): c is CsmsSummary => c !== undefined);
  if (present.length === 0) return undefined;
  const signed: Record<string, number> = {};
  const asked = present.filter((c) => c.signedMeterValues !== undefined);
  for (const c of asked) add(signed, c.signedMeterValues as unknown as Record<string, number>);
  // A summary written before `alive` existed has no death in it: such a CSMS is taken as alive.
  const dead = shards.findIndex((c) => c?.alive === false);
  const exit = shards[dead]?.exit;
  return {
    alive: dead < 0,
    ...(exit === undefined ? {} : { exit: { ...exit, atMs: exit.atMs + (startOffsetsMs[dead] ?? 0) } }),
    ...(asked.length === 0 ? {} : { signedMeterValues: { verified: 0, failed: 0, ...signed } }),
  };
}

/** The shards' fault timelines must be one timeline for their effects to be added entry by entry. */
function mergeFaults(shards: readonly ShardSummary[]): FaultSummary[] | undefined {
  const timelines = shards.map((s) => s.summary.faults);
  const key = (f: readonly FaultSummary[] | undefined): string => (f ?? []).map((e) => `${e.kind}@${e.atMs}`).join(',');
  const first = timelines.find((t) => t !== undefined);
  shards.forEach((s, i) => {
    const t = timelines[i];
    if (t !== undefined && key(t) !== key(first)) {
      throw new MergeError(`${s.dir}: its faults timeline (${key(t)}) is not the first shard's (${key(first)}): were they shards of one run?`);
    }
  });
  return mergeFaultSummaries(timelines);
}

export function mergeSummaries(shards: readonly ShardSummary[], totals: Map<string, Histogram>): Summary {
  const s = shards.map((x) => x.summary);
  const first = s[0] as Summary;
  const startedAt = Math.min(...shards.map((x) => x.startMs));
  const endedAt = Math.max(...s.map((x) => Date.parse(x.endedAt)));
  const fleet: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const neverSent: Record<string, number> = {};
  const counters: Record<string, number> = {};
  const incoming: Record<string, IncomingSummary> = {};
  for (const x of s) {
    add(fleet, x.fleet as unknown as Record<string, number>);
    add(errors, x.errors);
    add(neverSent, x.neverSent);
    add(counters, x.counters);
    for (const [a, v] of Object.entries(x.incoming)) {
      const i = (incoming[a] ??= { received: 0, answered: 0 });
      i.received += v.received;
      i.answered += v.answered;
      if (v.bytes !== undefined) i.bytes = addBytes([i.bytes, v.bytes]);
    }
  }
  const groupNames = [...new Set(s.flatMap((x) => Object.keys(x.groups)))].sort();
  const groups: Record<string, GroupSummary> = {};
  for (const g of groupNames) {
    const parts = shards.flatMap((x) => {
      const group = x.summary.groups[g];
      return group ? [{ group, offsetMs: x.startMs - startedAt }] : [];
    });
    const groupFleet: Record<string, number> = {};
    const groupErrors: Record<string, number> = {};
    for (const p of parts) {
      add(groupFleet, p.group.fleet);
      add(groupErrors, p.group.errors);
    }
    mergeBootTime(groupFleet, parts);
    const transactions = mergeTransactions(parts.map((p) => p.group.transactions));
    const version = parts.find((p) => p.group.ocpp !== undefined)?.group.ocpp;
    groups[g] = {
      ...(version === undefined ? {} : { ocpp: version }),
      fleet: groupFleet as GroupSummary['fleet'],
      actions: mergeActions(parts.map((p) => p.group.actions), totals, (a) => groupTag(g, a)),
      errors: sorted(groupErrors),
      ...(transactions === undefined ? {} : { transactions }),
    };
    const groupBytes = mergeBytes(parts.map((p) => p.group.bytes), groupFleet.planned ?? 0, endedAt - startedAt);
    if (groupBytes !== undefined) (groups[g] as GroupSummary).bytes = groupBytes;
  }
  const bytes = mergeBytes(s.map((x) => x.bytes), fleet.planned ?? 0, endedAt - startedAt);
  const scenarios = [...new Set(s.map((x) => x.scenario))];
  const faults = mergeFaults(shards);
  const targets = mergeTargets(s.map((x) => x.targets));
  const csms = mergeCsms(
    s.map((x) => x.csms),
    shards.map((x) => x.startMs - startedAt),
  );
  const rejectedByStatus: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  for (const x of s) {
    add(rejectedByStatus, x.connect.rejectedByStatus);
    // A kind's sample: the first shard's that has one, as the coordinator takes the first worker's.
    for (const [kind, text] of Object.entries(x.errorSamples ?? {})) errorSamples[kind] ??= text;
  }
  const transactions = mergeTransactions(s.map((x) => x.transactions));
  return {
    tool: 'ocpp-fleet',
    version: first.version,
    scenario: scenarios.join('+'),
    seed: first.seed,
    target: [...new Set(s.map((x) => x.target))].join(', '),
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationMs: endedAt - startedAt,
    partial: s.some((x) => x.partial),
    fleet: fleet as unknown as Summary['fleet'],
    actions: mergeActions(s.map((x) => x.actions), totals, (a) => a),
    incoming,
    ...(bytes === undefined ? {} : { bytes }),
    connect: {
      attempts: s.reduce((n, x) => n + x.connect.attempts, 0),
      ok: s.reduce((n, x) => n + x.connect.ok, 0),
      errors: s.reduce((n, x) => n + x.connect.errors, 0),
      latencyMs: latencyMs(totals.get('connect') ?? newHistogram()),
      ...(totals.has('tls') ? { tlsHandshakeMs: latencyMs(totals.get('tls') as Histogram) } : {}),
      ...(Object.keys(rejectedByStatus).length === 0 ? {} : { rejectedByStatus }),
    },
    boot: { accepted: s.reduce((n, x) => n + x.boot.accepted, 0), timeToAcceptedMs: latencyMs(totals.get('boot') ?? newHistogram()) },
    errors: sorted(errors),
    neverSent: sorted(neverSent),
    ...(transactions === undefined ? {} : { transactions }),
    ...(Object.keys(errorSamples).length === 0 ? {} : { errorSamples }),
    counters,
    groups,
    // Thresholds are re-judged on the merged figures by whoever merges with thresholds; the
    // shards' own verdicts are kept per shard below.
    thresholds: [],
    passed: s.every((x) => x.passed),
    pump: {
      recordsWritten: s.reduce((n, x) => n + x.pump.recordsWritten, 0),
      recordsAggregated: s.reduce((n, x) => n + x.pump.recordsAggregated, 0),
    },
    settings: {
      mergedFrom: shards.map((x) => ({ dir: x.dir, startedAt: x.summary.startedAt, passed: x.summary.passed, settings: x.summary.settings })),
    },
    ...(targets === undefined ? {} : { targets }),
    ...(csms === undefined ? {} : { csms }),
    ...(faults === undefined ? {} : { faults }),
  };
}
