import type { Measurand } from '../scenario/types';
import { DEFAULT_MEASURANDS } from '../scenario/session-config';
import type { Connector } from './connector';
import type { StationGroup } from './group';

/** One sampled value, before each version puts it in its own shape. */
export interface MeterSample {
  /** A group's measurand, or the export pair a discharging (V2X) session adds. */
  readonly measurand: Measurand | 'Energy.Active.Export.Register' | 'Power.Active.Export';
  readonly value: number;
  readonly unit: string;
  /** Where it is measured, when not at the outlet (the state of charge is the EV's). */
  readonly location: 'EV' | undefined;
}

/** Mains voltage of the model; three phases above what one phase carries (7.4 kW at 32 A). */
const VOLTS = 230;
const SINGLE_PHASE_MAX_W = 7400;

/**
 * The group's measurands read from connector `c` at `now` (its register brought up to date first).
 * SoC needs a modelled EV on a running session and is left out otherwise; when nothing is left,
 * the energy register is reported, as a meter value needs at least one sampled value.
 */
export function meterSamples(c: Connector, group: StationGroup, now: number): MeterSample[] {
  c.advance(now);
  const power = c.powerAt(now);
  const phases = group.sessions.powerW > SINGLE_PHASE_MAX_W ? 3 : 1;
  const out: MeterSample[] = [];
  for (const m of group.sessions.measurands ?? DEFAULT_MEASURANDS) {
    switch (m) {
      case 'Energy.Active.Import.Register':
        out.push({ measurand: m, value: Math.floor(c.energyWh), unit: 'Wh', location: undefined });
        break;
      case 'Power.Active.Import':
        out.push({ measurand: m, value: Math.round(power), unit: 'W', location: undefined });
        break;
      case 'Current.Import':
        out.push({ measurand: m, value: Math.round((power / (VOLTS * phases)) * 10) / 10, unit: 'A', location: undefined });
        break;
      case 'Voltage':
        out.push({ measurand: m, value: VOLTS, unit: 'V', location: undefined });
        break;
      case 'SoC': {
        const soc = c.socPercent(group.sessions.ev?.capacityWh ?? 0);
        if (soc !== undefined) out.push({ measurand: m, value: Math.floor(soc), unit: 'Percent', location: 'EV' });
        break;
      }
    }
  }
  if (out.length === 0) out.push({ measurand: 'Energy.Active.Import.Register', value: Math.floor(c.energyWh), unit: 'Wh', location: undefined });
  // A connector that has given energy back (2.1 V2X) reports its export register, and the power it gives while it does.
  if (c.exportWh > 0 || c.dischargeW > 0) {
    out.push({ measurand: 'Energy.Active.Export.Register', value: Math.floor(c.exportWh), unit: 'Wh', location: undefined });
    out.push({ measurand: 'Power.Active.Export', value: Math.round(c.dischargeW), unit: 'W', location: undefined });
  }
  return out;
}

/** The energy register reading among `samples` (what signed meter values sign), or undefined. */
export function energySample(samples: readonly MeterSample[]): MeterSample | undefined {
  for (const m of samples) if (m.measurand === 'Energy.Active.Import.Register') return m;
  return undefined;
}
