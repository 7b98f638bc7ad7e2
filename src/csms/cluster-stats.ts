import type { CsmsStats } from './stats';

/**
 * The stats of a CSMS over several processes: every count added over the processes (each holds
 * its own stations, so every count is a disjoint part), `uptimeS` the longest; what is no number
 * is the first process's. Without `nodes`: each process's one node is a private listener of its
 * own, not the CSMS's (the caller says what the CSMS's node is).
 */
export function sumStats(parts: readonly CsmsStats[]): Omit<CsmsStats, 'nodes'> {
  const counts = parts.map(({ nodes: _nodes, ...rest }) => rest);
  const [first, ...rest] = counts;
  if (first === undefined) throw new RangeError('no stats to add');
  return rest.reduce((sum, p) => ({ ...(add(sum, p) as typeof sum), uptimeS: Math.max(sum.uptimeS, p.uptimeS) }), first);
}

function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, unknown> = { ...b, ...a };
    for (const key of Object.keys(b)) if (key in a) out[key] = add(a[key], b[key]);
    return out;
  }
  return a === undefined ? b : a;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
