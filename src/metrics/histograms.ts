/**
 * The one histogram configuration of the project, and the sets of histograms kept per action.
 *
 * Values are whole microseconds from 1 µs to one hour, three significant digits (0.1 % relative
 * precision). Buckets are the JS Int32 kind: ~90 ns per recordValue where the packed kind costs
 * ~500 ns (FACTS.md), counts up to 2^31 per bucket are far above what a run records in one value
 * bucket, and unlike the WebAssembly kind nothing has to be freed by hand. Every histogram has
 * the same layout, so adding two of them is a plain element-wise sum.
 */
import { build, type Histogram } from 'hdr-histogram-js';

export const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    // A value above one hour is clamped by record() instead of silently doubling the memory.
    autoResize: false,
  });
}

/** Records a µs value, clamped into the trackable range (record words can reach 2^32 - 1). */
export function record(histogram: Histogram, us: number): void {
  histogram.recordValue(us > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : us);
}

/**
 * Histograms are ~94 KB each: the per-second ones are returned here when their second closes
 * and reused, so a long run does not allocate one per action per second.
 */
export class HistogramPool {
  private readonly free: Histogram[] = [];

  take(): Histogram {
    return this.free.pop() ?? newHistogram();
  }

  give(histogram: Histogram): void {
    histogram.reset();
    histogram.tag = '';
    this.free.push(histogram);
  }
}

/** Everything counted for calls of one action (in one group, or merged over groups). */
export class CallStats {
  /** Every call record of any outcome. */
  sent = 0;
  ok = 0;
  callErrors = 0;
  timeouts = 0;
  invalid = 0;
  aborted = 0;
  /** From the due time (coordinated-omission free), CallOk only. */
  readonly response = newHistogram();
  /** From the moment the frame was sent, CallOk only. */
  readonly service = newHistogram();
  /** response − service: how late the station sent compared with when it was due. */
  readonly dispatchDelay = newHistogram();

  add(other: CallStats): void {
    this.sent += other.sent;
    this.ok += other.ok;
    this.callErrors += other.callErrors;
    this.timeouts += other.timeouts;
    this.invalid += other.invalid;
    this.aborted += other.aborted;
    this.response.add(other.response);
    this.service.add(other.service);
    this.dispatchDelay.add(other.dispatchDelay);
  }
}

export interface IncomingStats {
  received: number;
  answered: number;
}
