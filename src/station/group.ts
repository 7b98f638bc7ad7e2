import type { OcppVersion } from '../ocpp';

/** What stations of one fleet group share: read-only settings, one copy per worker. */
export interface StationGroup {
  readonly index: number;
  readonly name: string;
  readonly version: OcppVersion;
  readonly connectors: number;
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly heartbeatIntervalMs: number | undefined;
  readonly callTimeoutMs: number;
  readonly reconnect: { readonly minMs: number; readonly maxMs: number; readonly jitter: number };
  readonly sessions: {
    readonly meanIdleMs: number;
    readonly durationMs: number;
    readonly meterIntervalMs: number;
    readonly powerW: number;
    readonly invalidTagShare: number;
  };
}
