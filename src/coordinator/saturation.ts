import type { WorkerResult } from '../thread/messages';

/** One of the generator's delays over all workers: the worst worker's p99 and max, ms. */
export interface DelayFigures {
  p99: number;
  max: number;
  /** The worker whose p99 it is, and how many samples that p99 is of. */
  worker: number;
  samples: number;
}

/** The generator's own saturation, reduced over workers (the health checks read it). */
export interface FleetSaturation {
  workers: number;
  eventLoopDelayMs: DelayFigures;
  schedulerLagMs: DelayFigures;
}

/**
 * The worst worker decides: a p99 is not averaged (an average of percentiles is no percentile),
 * and one saturated worker is enough to skew the latencies of its stations. Undefined when no
 * worker measured (an older worker, or none ran).
 */
export function reduceSaturation(results: readonly WorkerResult[]): FleetSaturation | undefined {
  const measured = results.filter((r) => r.saturation !== undefined);
  if (measured.length === 0) return undefined;
  const worst = (pick: (r: WorkerResult) => { count: number; p99: number; max: number }): DelayFigures => {
    const first = pick(measured[0] as WorkerResult);
    let out: DelayFigures = { p99: first.p99, max: 0, worker: (measured[0] as WorkerResult).workerIndex, samples: first.count };
    for (const r of measured) {
      const f = pick(r);
      if (f.p99 > out.p99) out = { ...out, p99: f.p99, worker: r.workerIndex, samples: f.count };
      out.max = Math.max(out.max, f.max);
    }
    return out;
  };
  return {
    workers: measured.length,
    eventLoopDelayMs: worst((r) => r.saturation?.eventLoopDelayMs ?? { count: 0, p99: 0, max: 0 }),
    schedulerLagMs: worst((r) => r.saturation?.schedulerLagMs ?? { count: 0, p99: 0, max: 0 }),
  };
}
