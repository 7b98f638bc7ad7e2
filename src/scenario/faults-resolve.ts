import type { RawFault } from './file-schema-faults';
import { show, type Locator } from './load-errors';
import { FAULT_KINDS, MALFORMED_KINDS, type FaultKind, type FaultSpec } from './faults';
import { parseDuration } from './units';

/** Shortest `for` and `up`: below it a fault would be over before the scheduler could tell. */
const MIN_PERIOD_MS = 100;

/** The faults timeline of the file, checked beyond what the schema says (one kind, known groups, periods). */
export function resolveFaults(raw: readonly RawFault[] | undefined, groupNames: readonly string[], at: Locator): FaultSpec[] {
  return (raw ?? []).map((f, i) => resolveFault(f, i, groupNames, at));
}

function resolveFault(f: RawFault, i: number, groupNames: readonly string[], at: Locator): FaultSpec {
  const path = ['faults', i] as const;
  const kinds = FAULT_KINDS.filter((k) => f[k] !== undefined);
  if (kinds.length !== 1) {
    const detail =
      kinds.length === 0
        ? `expected one of ${FAULT_KINDS.join(', ')}, got none`
        : `expected only one of ${FAULT_KINDS.join(', ')}, got ${kinds.join(' and ')}`;
    throw at.error(kinds.length === 0 ? path : [...path, kinds[1] as string], detail);
  }
  const kind = kinds[0] as FaultKind;
  const body = f[kind] as { share?: number; for?: string | number; up?: string | number; kinds?: string[]; reason?: string; target?: number };
  if (kind === 'nodeLoss' && f.groups !== undefined) {
    throw at.error([...path, 'groups'], 'a nodeLoss hits a CSMS node, not groups: remove "groups"');
  }
  (f.groups ?? []).forEach((name, g) => {
    if (!groupNames.includes(name)) {
      throw at.error([...path, 'groups', g], `expected the name of a group (${groupNames.join(', ')}), got ${show(name)}`);
    }
  });
  const period = (field: 'for' | 'up'): number => {
    const value = body[field];
    if (value === undefined) return 0;
    const ms = parseDuration(value) as number;
    if (ms < MIN_PERIOD_MS) throw at.error([...path, kind, field], `expected at least ${MIN_PERIOD_MS}ms, got ${show(value)}`);
    return ms;
  };
  const forMs = period('for');
  const upMs = period('up');
  if (kind === 'flapping' && upMs >= forMs) {
    throw at.error([...path, kind, 'up'], `expected less than flapping.for (${show(body.for)}), got ${show(body.up)}`);
  }
  return Object.freeze({
    kind,
    atMs: parseDuration(f.at) as number,
    share: body.share ?? 1,
    forMs,
    upMs,
    kinds: Object.freeze([...((body.kinds as FaultSpec['kinds'] | undefined) ?? MALFORMED_KINDS)]),
    reason: (body.reason as FaultSpec['reason'] | undefined) ?? 'PowerLoss',
    target: body.target ?? -1,
    groups: f.groups === undefined ? undefined : Object.freeze([...f.groups]),
    line: at.line(path),
  });
}
