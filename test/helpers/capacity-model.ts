/**
 * A capacity search run against the CSMS model (model-live-run.ts) into a temporary folder: the
 * unit tests of the search's driver use it, and the knee page's browser test takes its
 * capacity.json as its fixture.
 */
import { join } from 'node:path';
import { searchCapacity, type CapacityResult } from '../../src/capacity/capacity';
import { resolveCapacityConfig, type CapacityOptions } from '../../src/capacity/options';
import { modelStart, type CsmsModel, type ModelLog } from './model-live-run';
import { tempDir } from './temp-dir';

export const MODEL_SCENARIO = {
  name: 'capacity-model',
  duration: '30s',
  seed: 7,
  groups: [
    { name: 'ac', count: 3, ocpp: '1.6', identity: 'CAPM-AC-{index:05}', ramp: 'all' },
    { name: 'dc', count: 1, ocpp: '2.0.1', identity: 'CAPM-DC-{index:05}', ramp: 'all' },
  ],
};

/** 1,000 calls/s at 4 ms a call, 0.5 calls/s a station: overloaded from 2,000 stations. */
export const KNEE_MODEL: CsmsModel = { capacityPerSecond: 1000, serviceMs: 4, callsPerStation: 0.5 };

/** A fixed clock, so the same search writes the same bytes. */
const EPOCH = Date.parse('2026-12-10T10:00:00.000Z');

export async function modelCapacity(
  model: CsmsModel,
  extra: Partial<CapacityOptions> = {},
): Promise<{ result: CapacityResult; log: ModelLog; out: string }> {
  const out = join(tempDir('capacity'), 'out');
  const config = resolveCapacityConfig({ scenario: MODEL_SCENARIO, slo: ['TransactionEvent.p99 < 100ms'], hold: '10s', warmup: '2s', out, ...extra } as CapacityOptions);
  const { start, log } = modelStart(model);
  let ticks = 0;
  const result = await searchCapacity(config, start, () => new Date(EPOCH + 60_000 * ticks++));
  return { result, log, out };
}
