import type { GroupSpec, Scenario } from '../scenario/types';
import type { GroupConfig } from '../thread/messages';

/** The plain, clonable settings workers need for each group. */
export function groupConfigs(scenario: Scenario, groups: readonly GroupSpec[]): GroupConfig[] {
  return groups.map((g, index) => ({
    index,
    name: g.name,
    version: g.ocpp,
    connectors: g.connectors,
    vendor: g.vendor,
    model: g.model,
    firmware: g.firmware,
    heartbeatIntervalMs: g.heartbeatIntervalMs,
    pingIntervalMs: g.pingIntervalMs,
    pingTimeoutMs: g.pingTimeoutMs,
    maxFrameBytes: g.maxFrameBytes,
    callTimeoutMs: scenario.callTimeoutMs,
    reconnect: { ...g.reconnect },
    sessions: { ...g.sessions },
  }));
}
