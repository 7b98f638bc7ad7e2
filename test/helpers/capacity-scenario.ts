import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapacityReport } from '../../src/capacity/report';

/**
 * Scenarios for capacity searches against the real embedded CSMS (the e2e and serial tests; bench
 * case 10 builds the same). Each station boots, starts one session after a random idle (mean 1 s)
 * and charges for the rest of the search, sending a MeterValues every `meterInterval` and nothing
 * else (heartbeats every 5 minutes): once its session started, exactly one call per
 * `meterInterval`, at a phase of its own. Both matter: a steady rate makes the true capacity in
 * stations exactly capacity × meterInterval, and random phases keep the calls from falling due
 * at the same instant (heartbeats of stations booted together would queue behind each other at a
 * fraction of the CSMS's capacity, and a search would find that burst's limit, not the CSMS's).
 */
export interface CapacityScenario {
  readonly name: string;
  /** The embedded CSMS's block, e.g. `{serviceTime: 10ms, servers: 2}`; none: its default. */
  readonly csms?: string;
  readonly meterInterval?: string;
  readonly timeScale?: number;
  readonly gracefulStop?: string;
}

export function capacityScenario(s: CapacityScenario): string {
  return `
name: ${s.name}
seed: 12
callTimeout: 60s
gracefulStop: ${s.gracefulStop ?? '5s'}
timeScale: ${s.timeScale ?? 1}
${s.csms === undefined ? '' : `csms: ${s.csms}`}
groups:
  - name: g
    count: 100
    ocpp: "1.6"
    connectors: 1
    identity: "${s.name.toUpperCase()}-{index:05}"
    ramp: all
    heartbeatInterval: 5m
    sessions:
      arrival: {poisson: {meanIdle: 1s}}
      duration: 1h
      meterInterval: ${s.meterInterval ?? '1s'}
`;
}

export function readCapacityJson(dir: string): CapacityReport {
  return JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
}
