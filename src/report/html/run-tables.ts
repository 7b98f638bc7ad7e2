/**
 * The report's tables of the optional parts of a run: the targets and where the stations were,
 * what the embedded CSMS counted, and the faults timeline with what each fault did.
 */
import type { FaultEffects, FaultSummary } from '../faults';
import type { Summary, TargetInfo } from '../summary';
import { cell, formatCount, formatDurationMs, table } from './tables';

export function targetsTable(targets: readonly TargetInfo[]): string {
  const rows = targets.map((t) => {
    const down = t.connected < t.stations;
    return `<tr>${cell(t.url, 'name')}${cell(formatCount(t.stations), 'num')}${cell(formatCount(t.connected), down ? 'num bad' : 'num')}</tr>`;
  });
  return table('targets', ['target', 'stations', 'connected'], rows, 1);
}

/** The embedded CSMS's own counts, as name/value pairs. */
export function csmsEntries(csms: NonNullable<Summary['csms']>): Array<readonly [string, unknown]> {
  // `alive` and `exit` come with a supervised CSMS; `signedMeterValues` is absent when it died.
  const fate = csms as { alive?: boolean; exit?: { code?: number | null; signal?: string | null; atMs?: number } };
  const entries: Array<readonly [string, unknown]> = [];
  if (fate.alive !== undefined) entries.push(['alive to the end', fate.alive]);
  if (fate.exit !== undefined) {
    const how = fate.exit.signal ? `killed by ${fate.exit.signal}` : `exit code ${fate.exit.code ?? '?'}`;
    entries.push(['died', `${how}${fate.exit.atMs === undefined ? '' : `, ${(fate.exit.atMs / 1000).toFixed(1)} s into the run`}`]);
  }
  const signed: Record<string, number> | undefined = csms.signedMeterValues;
  for (const [k, v] of Object.entries(signed ?? {})) entries.push([`signed meter values ${k}`, v]);
  return entries;
}

/** `dropped 11, reconnected 4, sent invalidJson 3 / notArray 3`: the effects in one line. */
export function effectsText(effects: FaultEffects): string {
  const parts = Object.entries(effects).map(([name, v]) =>
    typeof v === 'number' ? `${name} ${formatCount(v)}` : `${name} ${Object.entries(v).map(([k, n]) => `${k} ${formatCount(n)}`).join(' / ')}`,
  );
  return parts.length === 0 ? '–' : parts.join(', ');
}

function when(f: FaultSummary): string {
  const period = f.forMs === undefined ? '' : ` for ${formatDurationMs(f.forMs)}`;
  return `${f.at}${period}`;
}

export function faultsTable(faults: readonly FaultSummary[]): string {
  const rows = faults.map((f) => {
    const scope = f.kind === 'nodeLoss' ? `target ${f.target ?? '?'}` : `${Number((f.share * 100).toFixed(2))}% of ${f.groups === null ? 'every group' : f.groups.join(', ')}`;
    return `<tr>${cell(`[${f.index}] ${f.kind}`, 'name')}${cell(when(f))}${cell(scope)}${cell(effectsText(f.effects))}${cell(formatCount(f.stations), 'num')}</tr>`;
  });
  return table('faults', ['fault', 'at', 'hits', 'effects', 'stations'], rows, 4);
}
