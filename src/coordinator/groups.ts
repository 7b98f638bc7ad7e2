import { sessionConfig } from '../scenario/session-config';
import type { GroupSpec, Scenario } from '../scenario/types';
import type { GroupConfig } from '../thread/messages';

/**
 * The plain, clonable settings workers need for each group, in real time: the scenario's
 * timeScale divides session timing and a heartbeat interval the group sets (the CSMS's interval
 * is divided by the station as it arrives); call timeouts, pings and reconnects stay real.
 */
export function groupConfigs(scenario: Scenario, groups: readonly GroupSpec[]): GroupConfig[] {
  const scale = scenario.timeScale ?? 1;
  return groups.map((g, index) => ({
    index,
    name: g.name,
    version: g.ocpp,
    connectors: g.connectors,
    vendor: g.vendor,
    model: g.model,
    firmware: g.firmware,
    heartbeatIntervalMs: g.heartbeatIntervalMs === undefined ? undefined : g.heartbeatIntervalMs / scale,
    pingIntervalMs: g.pingIntervalMs,
    pingTimeoutMs: g.pingTimeoutMs,
    maxFrameBytes: g.maxFrameBytes,
    ...(g.compression === 'none' ? {} : { compression: g.compression }),
    callTimeoutMs: scenario.callTimeoutMs,
    reconnect: { ...g.reconnect },
    sessions: sessionConfig(g.sessions, scale, scenario.startTimeOfDayMs ?? 0),
    ...(g.signedMeterValues === undefined ? {} : { signedMeterValues: { ...g.signedMeterValues } }),
  }));
}
