import type { Aggregator } from '../metrics/aggregator';
import { nameOf } from '../metrics/names';
import type { SendCounts } from '../metrics/send-tally';

/**
 * summary.json's `sends`: OCPP 2.1's SENDs per action (NotifyPeriodicEventStream), for the run
 * and per group. A SEND is no call: it is never answered, so it has counts, a rate and bytes,
 * and no latency. Absent from runs that sent none, as every 1.6 and 2.0.1 run.
 */
export interface SendSummary extends SendCounts {
  /** SENDs written per second of the run. */
  perSecond: number;
}

export interface SendsSummaries {
  readonly run: Record<string, SendSummary> | undefined;
  readonly groups: ReadonlyMap<string, Record<string, SendSummary>>;
}

export function sendsSummaries(aggregator: Aggregator, durationMs: number): SendsSummaries {
  const action = (code: number): string => aggregator.actionName(code);
  const group = (index: number): string => nameOf(aggregator.names.groupNames, index, 'group');
  const groups = new Map<string, Record<string, SendSummary>>();
  for (const [name, actions] of aggregator.sends.byGroup(group, action)) groups.set(name, summaries(actions, durationMs));
  const run = aggregator.sends.byAction(action);
  return { run: run.size === 0 ? undefined : summaries(run, durationMs), groups };
}

function summaries(counts: ReadonlyMap<string, SendCounts>, durationMs: number): Record<string, SendSummary> {
  const out: Record<string, SendSummary> = {};
  for (const name of [...counts.keys()].sort()) {
    const c = counts.get(name) as SendCounts;
    out[name] = { ...c, perSecond: durationMs > 0 ? Math.round((c.sent / durationMs) * 100_000) / 100 : 0 };
  }
  return out;
}

/** The SENDs' frame bytes, one exchange per action, for `bytes`. */
export function sendExchanges(sends: Record<string, SendSummary> | undefined): Array<{ sent: number; received: number }> {
  return Object.values(sends ?? {}).map((s) => s.bytes);
}
