import type { Histogram } from 'hdr-histogram-js';
import type { CallStats } from './histograms';

/**
 * Statistics gathered elsewhere, by group and code, for `addPart`: what a live run's window holds
 * (src/metrics/window-ledger.ts), in the aggregator's own terms.
 */
export interface AggregatorPart {
  readonly calls: readonly { readonly group: number; readonly code: number; readonly stats: CallStats }[];
  readonly connect: { readonly attempts: number; readonly ok: number; readonly errors: number; readonly latency: Histogram };
  readonly boot: { readonly accepted: number; readonly timeToAccepted: Histogram };
  readonly errors: readonly GroupCount[];
  readonly counters: readonly GroupCount[];
  /** CallNotSent counts by reason index. */
  readonly neverSent: readonly number[];
}

/** A count of one code (error kind, counter) in one group. */
export interface GroupCount {
  readonly group: number;
  readonly code: number;
  readonly n: number;
}
