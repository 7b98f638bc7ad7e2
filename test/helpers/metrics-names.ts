/** Name tables for metrics and report tests (index = code), as the OCPP layer will give them. */
import type { NameTables } from '../../src/metrics/aggregator';

export const ACTION = { Heartbeat: 0, MeterValues: 1, BootNotification: 2, RemoteStartTransaction: 3 } as const;
export const GROUP = { urban: 0, highway: 1 } as const;
export const ERROR = { ECONNREFUSED: 0, TIMEOUT: 1 } as const;
export const COUNTER = { reconnects: 0 } as const;

export const NAMES: NameTables = {
  actionNames: Object.keys(ACTION),
  groupNames: Object.keys(GROUP),
  errorNames: Object.keys(ERROR),
  counterNames: Object.keys(COUNTER),
};
