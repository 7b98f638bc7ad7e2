/**
 * The report's tables of the optional parts of a run: the targets and where the stations were,
 * what the embedded CSMS counted, and the faults timeline with what each fault did.
 */
import type { FaultSummary } from '../faults';
import type { FaultEffects } from '../../thread/messages';
import type { Summary, TargetInfo } from '../summary';
import { cell, formatCount, formatDurationMs, table } from './tables';

export function targetsTable(targets: readonly TargetInfo[]): string {
  const rows = targets.map((t) => {
    const down = t.connected < t.stations;
    return `<tr>${cell(t.url, 'name')}${cell(formatCount(t.stations), 'num')}${cell(formatCount(t.connected), down ? 'num bad' : 'num')}</tr>`;
  });
  return table('targets', ['target', 'stations', 'connected'], rows, 1);
}

/** The embedded CSMS's own counts, as name/value pairs; how it died, when it did. */
export function csmsEntries(csms: NonNullable<Summary['csms']>): Array<readonly [string, unknown]> {
  const exit = csms.exit;
  const how = exit === undefined ? '' : exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
  const life: Array<readonly [string, unknown]> =
    exit === undefined
      ? [['alive to the end', csms.alive !== false ? 'yes' : 'no']]
      : [
          ['alive to the end', `no: died ${(exit.atMs / 1000).toFixed(1)} s into the run (${how})`],
          // One cell: the lines joined with a visible mark (HTML would fold line breaks into spaces).
          ['its last lines', exit.lastLines.join(' ⏎ ')],
        ];
  return [...life, ...Object.entries(csms.signedMeterValues ?? {}).map(([k, v]) => [`signed meter values ${k}`, v] as const)];
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
