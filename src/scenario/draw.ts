import type { RandomStream } from './random';
import type { Distribution } from './types';

/** Redraws of a truncated normal before settling for its mean (mean > 0: each try succeeds half the time or more). */
const NORMAL_TRIES = 32;

/** One draw of `d` from `r`. Normal draws at or below 0 are drawn again (truncated at > 0). */
export function drawFrom(d: Distribution, r: RandomStream): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return r.uniform(d.min, d.max);
    case 'normal':
      for (let i = 0; i < NORMAL_TRIES; i++) {
        const x = d.mean + d.sd * r.normal();
        if (x > 0) return x;
      }
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp(d.sigma * r.normal());
  }
}
