import { getHeapSpaceStatistics } from 'node:v8';
import type { MemoryResult } from './specs';

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  /** V8's heap as committed (what of it is in RSS, used or not). */
  heapTotal: number;
  external: number;
  /** V8's young generation as committed: it grows with the allocation rate, not with N. */
  newSpace: number;
}

/** Collect garbage (children run with --expose-gc) and read the process's memory. */
export function gcNow(): MemorySnapshot {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  // `external` already includes the ArrayBuffers (Node's definition).
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, newSpace: young?.space_size ?? 0 };
}

export function memoryDelta(before: MemorySnapshot, after: MemorySnapshot, count: number): MemoryResult {
  const n = Math.max(1, count);
  return {
    count,
    rssBytes: after.rss - before.rss,
    heapBytes: after.heapUsed - before.heapUsed,
    externalBytes: after.external - before.external,
    rssPerItemKb: (after.rss - before.rss) / 1024 / n,
    newSpaceBytes: after.newSpace - before.newSpace,
    rssPerItemKbWithoutYoung: (after.rss - before.rss - (after.newSpace - before.newSpace)) / 1024 / n,
    heapPerItemKb: (after.heapUsed - before.heapUsed) / 1024 / n,
    rssTotalMb: after.rss / 1048576,
  };
}
