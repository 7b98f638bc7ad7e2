import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { LAG_BUCKETS } from '../metrics/lag-buckets';
import { GeneratorCode } from '../metrics/record';
import { LagHistogram } from './lag-histogram';
import type { WorkerRuntime } from './runtime';

/** The event-loop sampler's period (as monitorEventLoopDelay's resolution in main.ts). */
const SAMPLE_MS = 10;

/**
 * A live run's worker says, once a second, how saturated it was in that second: the delay buckets
 * its event loop and its scheduler gained (src/metrics/lag-buckets.ts) and how busy its thread was
 * (event-loop utilisation), as Generator records through the pump. The coordinator adds any
 * window's seconds up, so the generator's saturation is judged step by step, not only at the end.
 * Node's event-loop monitor keeps no buckets to send, so the loop's delay is sampled here too:
 * a 10 ms interval timer's lateness, which is what that monitor measures. Two timers per worker,
 * none per station; an ordinary run has neither.
 */
export class SaturationPulse {
  private readonly loop = new LagHistogram();
  private readonly loopSent = new Uint32Array(LAG_BUCKETS);
  private readonly lagSent = new Uint32Array(LAG_BUCKETS);
  private sampler: NodeJS.Timeout | undefined;
  private publisher: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private utilisation: EventLoopUtilization = performance.eventLoopUtilization();
  /** The second the next publication covers (seconds since the epoch). */
  private second = 0;

  constructor(private readonly rt: WorkerRuntime) {}

  /** Once the epoch is set. */
  start(): void {
    this.lastTick = performance.now();
    this.sampler = setInterval(() => {
      const now = performance.now();
      this.loop.record(now - this.lastTick - SAMPLE_MS);
      this.lastTick = now;
    }, SAMPLE_MS);
    this.utilisation = performance.eventLoopUtilization();
    this.second = this.currentSecond();
    this.arm();
  }

  stop(): void {
    clearInterval(this.sampler);
    clearTimeout(this.publisher);
  }

  private currentSecond(): number {
    return Math.max(0, Math.floor((performance.now() - this.rt.atEpochOffset(0)) / 1000));
  }

  private arm(): void {
    const due = this.rt.atEpochOffset((this.second + 1) * 1000);
    this.publisher = setTimeout(() => this.publish(), Math.max(0, due - performance.now()));
  }

  private publish(): void {
    const second = this.second;
    const rt = this.rt;
    this.loop.emitNew(this.loopSent, (b, n) => rt.recordGenerator(GeneratorCode.LoopDelayBucket + b, n, 0, second));
    rt.scheduler.lag.emitNew(this.lagSent, (b, n) => rt.recordGenerator(GeneratorCode.SchedulerLagBucket + b, n, 0, second));
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, this.utilisation);
    this.utilisation = now;
    rt.recordGenerator(GeneratorCode.Utilisation, Math.round(d.active * 1000), Math.round(d.idle * 1000), second);
    // A publication that came more than a second late covers the seconds it missed as one.
    this.second = Math.max(second + 1, this.currentSecond());
    this.arm();
  }
}
