/**
 * Small statistics for the baselines. The bare clients keep every latency in a typed array and
 * sort it once at the end: exact percentiles, fine for the ~10^5 samples a bench window holds.
 * The fleet's own figures come from its HDR histograms, as in a real run.
 */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Growable Float64Array of samples. */
export class Samples {
  private data = new Float64Array(4096);
  private size = 0;

  get count(): number {
    return this.size;
  }

  push(x: number): void {
    if (this.size === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.size++] = x;
  }

  percentiles(): Percentiles {
    const sorted = this.data.slice(0, this.size).sort();
    return {
      count: this.size,
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      p999: quantile(sorted, 0.999),
      max: this.size > 0 ? (sorted[this.size - 1] as number) : 0,
    };
  }
}

/** Nearest-rank quantile of a sorted array (the HDR convention: a value that was observed). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** CPU time (user + system) in µs between two process.cpuUsage() readings. */
export function cpuMicros(from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number {
  return to.user - from.user + (to.system - from.system);
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Significant-digit rounding for table cells: 84,321 → 84,300; 0.01234 → 0.0123. */
export function sig(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.ceil(Math.log10(Math.abs(x)));
  const f = 10 ** (digits - p);
  return Math.round(x * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
