import type { RawGroup } from './file-schema';
import type { FieldPath, Locator } from './load-errors';
import type { SessionSpec, SignedMeterValuesSpec } from './types';

/**
 * A group's `signedMeterValues`, checked against its sessions: what is signed is the energy
 * register reading, so the group must report it.
 */
export function resolveSignedMeterValues(g: RawGroup, sessions: SessionSpec, path: FieldPath, at: Locator): SignedMeterValuesSpec | undefined {
  const raw = g.signedMeterValues;
  if (raw === undefined) return undefined;
  if (!sessions.measurands.includes('Energy.Active.Import.Register')) {
    throw at.error(
      [...path, 'signedMeterValues'],
      `needs Energy.Active.Import.Register in sessions.measurands (the reading that is signed), got [${sessions.measurands.join(', ')}]`,
    );
  }
  return Object.freeze({ format: 'ocmf', tamperShare: typeof raw === 'object' ? (raw.tamperShare ?? 0) : 0 });
}
