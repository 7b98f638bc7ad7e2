/**
 * The one histogram configuration of the project, and the sets of histograms kept per action.
 *
 * Values are whole microseconds from 1 µs to one hour, three significant digits (0.1 % relative
 * precision). Buckets are the JS Int32 kind: counts up to 2^31 per bucket are far above what a run
 * records in one value bucket, and unlike the WebAssembly kind nothing has to be freed by hand
 * (every histogram the report, merge and compare code builds or decodes is a JS one, and they add
 * up with these). Every histogram has the same layout, so adding two of them is a plain
 * element-wise sum.
 */
import { Int32Histogram, type Histogram } from 'hdr-histogram-js';

export const HIGHEST_TRACKABLE_US = 3_600_000_000;

/**
 * hdr-histogram-js finds a value's bucket with Math.log2 and two Math.pow (~190 ns per
 * recordValue under load, most of the coordinator's ~1 µs per call record); for the whole numbers
 * below 2^32 that our records carry, a count of leading zeros and a shift give the same index
 * (unit test: every power-of-two boundary and a million values against the library's own).
 * Anything else (fractions, 2^32 and above) takes the library's path.
 */
class RecordingHistogram extends Int32Histogram {
  override countsArrayIndex(value: number): number {
    if (value !== value >>> 0) return super.countsArrayIndex(value);
    const half = this.subBucketHalfCountMagnitude;
    const unit = this.unitMagnitude;
    // floor(log2(value)) is 31 - clz32(value); value 0 gives -1, and bucket 0 either way.
    const bucket = Math.max(31 - Math.clz32(value) - half - unit, 0);
    const subBucket = value >>> (bucket + unit);
    return ((bucket + 1) << half) + subBucket - this.subBucketHalfCount;
  }
}

export function newHistogram(): Histogram {
  const histogram = new RecordingHistogram(1, HIGHEST_TRACKABLE_US, 3);
  // A value above one hour is clamped by record() instead of silently doubling the memory.
  histogram.autoResize = false;
  return histogram;
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

/** Calls by outcome: a CallStats's counts, or a live run's of one second (window-ledger.ts). */
export interface CallCounts {
  /** Every call record of any outcome: the CALLs that went on the wire. */
  sent: number;
  ok: number;
  callErrors: number;
  timeouts: number;
  invalid: number;
  aborted: number;
  /** CALLs that never went on the wire (CallNotSent records): not in `sent`. */
  neverSent: number;
}

export function newCallCounts(): CallCounts {
  return { sent: 0, ok: 0, callErrors: 0, timeouts: 0, invalid: 0, aborted: 0, neverSent: 0 };
}

export function addCallCounts(into: CallCounts, from: Readonly<CallCounts>): void {
  into.sent += from.sent;
  into.ok += from.ok;
  into.callErrors += from.callErrors;
  into.timeouts += from.timeouts;
  into.invalid += from.invalid;
  into.aborted += from.aborted;
  into.neverSent += from.neverSent;
}

/** Everything counted for calls of one action (in one group, or merged over groups). */
export class CallStats implements CallCounts {
  sent = 0;
  ok = 0;
  callErrors = 0;
  timeouts = 0;
  invalid = 0;
  aborted = 0;
  neverSent = 0;
  /** From the due time (coordinated-omission free), CallOk only. */
  readonly response = newHistogram();
  /** From the moment the frame was sent, CallOk only. */
  readonly service = newHistogram();
  /** response − service: how late the station sent compared with when it was due. */
  readonly dispatchDelay = newHistogram();
  /** The bytes of the CALLs' frames and of their answers' (UTF-8 text, before framing and compression). */
  bytesSent = 0;
  bytesReceived = 0;

  add(other: CallStats): void {
    addCallCounts(this, other);
    this.bytesSent += other.bytesSent;
    this.bytesReceived += other.bytesReceived;
    this.response.add(other.response);
    this.service.add(other.service);
    this.dispatchDelay.add(other.dispatchDelay);
  }
}

export interface IncomingStats {
  received: number;
  answered: number;
  /** The bytes of the answers' frames and of the CALLs' (UTF-8 text, before framing and compression). */
  bytesSent: number;
  bytesReceived: number;
}

/** Bytes one way and the other (on the wire: sent is written, received is read). */
export interface ByteCounts {
  sent: number;
  received: number;
}
