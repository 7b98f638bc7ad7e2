/**
 * Figures `compare` reports when they changed, without judging them: failovers, bad frames sent by
 * a faults timeline and how they were answered, signed meter values the embedded CSMS refused.
 * They depend on what the scenario injected more than on the CSMS's speed, so a change is worth
 * reading but is no regression.
 */
import type { Summary } from './summary';

export interface InfoChange {
  /** As summary.json names it: `counters.failovers`, `csms.signedMeterValues.failed`. */
  figure: string;
  /** Null when the run did not measure it (no embedded CSMS); a counter never counted is 0. */
  baseline: number | null;
  candidate: number | null;
}

function figures(s: Summary): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, n] of Object.entries(s.counters ?? {})) {
    if (name === 'failovers' || name.startsWith('malformed')) out.set(`counters.${name}`, n);
  }
  const failed = s.csms?.signedMeterValues?.failed;
  if (typeof failed === 'number') out.set('csms.signedMeterValues.failed', failed);
  return out;
}

export function infoChanges(base: Summary, cand: Summary): InfoChange[] {
  const b = figures(base);
  const c = figures(cand);
  const names = [...new Set([...b.keys(), ...c.keys()])].sort();
  const value = (s: Summary, m: Map<string, number>, name: string): number | null =>
    m.get(name) ?? (name.startsWith('csms.') && s.csms?.signedMeterValues === undefined ? null : 0);
  return names
    .map((figure) => ({ figure, baseline: value(base, b, figure), candidate: value(cand, c, figure) }))
    .filter((x) => x.baseline !== x.candidate);
}

export function formatInfoChanges(changes: readonly InfoChange[]): string[] {
  if (changes.length === 0) return [];
  const shown = (v: number | null): string => (v === null ? 'not measured' : String(v));
  return ['changed, for information (not judged):', ...changes.map((x) => `  ${x.figure}: ${shown(x.baseline)} → ${shown(x.candidate)}`)];
}
