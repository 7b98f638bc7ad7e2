import type { Histogram } from 'hdr-histogram-js';
import { Aggregator } from '../../src/metrics/aggregator';
import { newHistogram, record } from '../../src/metrics/histograms';
import { RecordKind, recordCode, recordKind } from '../../src/metrics/record';
import type { RecordSink } from '../../src/metrics/ring';
import { ACTION_NAMES, actionCode, ERROR_KINDS } from '../../src/ocpp';
import { COUNTER_NAMES } from '../../src/station/counters';
import type { Percentiles } from './stats';

/**
 * The fleet's own aggregator, as the CLI builds it, plus what the bench needs to see as records
 * arrive: when the last station booted, and a measurement window (calls and Heartbeat latency
 * between two moments). The extra work is a few comparisons per record, on the coordinator.
 */
export class BenchAggregator extends Aggregator {
  booted = 0;
  /** Largest completion time (ms since the run's epoch) of a BootNotification accepted. */
  lastBootAtMs = -1;
  windowCalls = 0;
  /** Every call answered by a valid CALLRESULT so far (the throughput counter). */
  callsOk = 0;
  /** Every OCPP 2.1 SEND written so far (the streams' counter; w1 = 1 is SendOutcome.Sent). */
  sendsSent = 0;
  private inWindow = false;
  private readonly heartbeat = actionCode('Heartbeat');
  readonly windowResponse: Histogram = newHistogram();
  readonly windowService: Histogram = newHistogram();
  /** Response − service: how late each call left compared with when it was due (the generator's own send side). */
  readonly windowDispatch: Histogram = newHistogram();
  private onAllBooted: (() => void) | undefined;

  constructor(
    private readonly planned: number,
    groupNames: readonly string[],
  ) {
    super({ actionNames: ACTION_NAMES, groupNames, errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  }

  /** Resolves once every planned station has had its boot accepted. */
  allBooted(): Promise<void> {
    if (this.booted >= this.planned) return Promise.resolve();
    return new Promise((resolve) => (this.onAllBooted = resolve));
  }

  openWindow(): void {
    this.inWindow = true;
  }

  closeWindow(): void {
    this.inWindow = false;
  }

  override ingest(w0: number, w1: number, w2: number, w3: number): void {
    const kind = recordKind(w0);
    if (kind === RecordKind.CallOk) this.callsOk++;
    else if (kind === RecordKind.Send && w1 === 1) this.sendsSent++;
    if (kind === RecordKind.CallOk && this.inWindow) {
      this.windowCalls++;
      if (recordCode(w0) === this.heartbeat) {
        record(this.windowResponse, w1);
        record(this.windowService, w2);
        record(this.windowDispatch, w1 > w2 ? w1 - w2 : 0);
      }
    } else if (kind === RecordKind.BootAccepted) {
      this.booted++;
      if (w3 > this.lastBootAtMs) this.lastBootAtMs = w3;
      if (this.booted === this.planned) this.onAllBooted?.();
    }
    super.ingest(w0, w1, w2, w3);
  }
}

/** Percentiles of a µs histogram, in ms. */
export function histogramMs(h: Histogram): Percentiles {
  const at = (p: number): number => h.getValueAtPercentile(p) / 1000;
  return { count: h.totalCount, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: h.maxValue / 1000 };
}

/**
 * The sink of the inline (memory) runs: counts boots and errors, keeps no histogram. The real
 * Aggregator's histograms (~94 KB each, created on first use) are a per-process cost of the
 * coordinator; in an inline run they would be counted as the stations' memory.
 */
export class BootSink implements RecordSink {
  booted = 0;
  lastBootAtMs = -1;
  ingested = 0;
  errors = 0;
  private onAllBooted: (() => void) | undefined;

  constructor(private readonly planned: number) {}

  allBooted(): Promise<void> {
    if (this.booted >= this.planned) return Promise.resolve();
    return new Promise((resolve) => (this.onAllBooted = resolve));
  }

  ingest(w0: number, w1: number, _w2: number, w3: number): void {
    this.ingested++;
    const kind = recordKind(w0);
    if (kind === RecordKind.BootAccepted) {
      this.booted++;
      if (w3 > this.lastBootAtMs) this.lastBootAtMs = w3;
      if (this.booted === this.planned) this.onAllBooted?.();
    } else if (kind === RecordKind.Error) {
      this.errors += w1;
    } else if (kind === RecordKind.ConnectFail) {
      this.errors++;
    }
  }
}
