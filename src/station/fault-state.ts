import type { FaultEffects } from '../thread/messages';
import type { MalformedSender } from './malformed';

/**
 * Where stations report what a fault did to them. The worker keeps one per fault of the timeline;
 * a station method given none (a session script's disconnect) reports nothing.
 */
export class FaultTally {
  readonly effects: FaultEffects = {};
  /** Stations it hit (malformed: that sent a bad frame). */
  stations = 0;

  add(name: string, n = 1): void {
    const v = this.effects[name];
    this.effects[name] = (typeof v === 'number' ? v : 0) + n;
  }

  addTo(name: string, key: string, n = 1): void {
    const v = this.effects[name];
    const byKey = typeof v === 'object' ? v : (this.effects[name] = {});
    byKey[key] = (byKey[key] ?? 0) + n;
  }
}

/**
 * A station's fault state: allocated the first time a fault hits it, so stations no fault touches
 * carry one null field. Times are on the station clock (ms); -1 means "not now".
 */
export class StationFaults {
  /** No connection attempt before this: the station is offline. */
  offlineUntil = -1;
  /** Reading and sending of the current connection are paused until this (half-open). */
  pausedUntil = -1;
  pauseTally: FaultTally | null = null;
  /** When the last pause ended on a living connection: a close right after was the CSMS's. */
  resumedAt = -1;
  /** Connections live `flapUpMs` (± jitter) and drop, until `flapUntil`. */
  flapUntil = -1;
  flapUpMs = 0;
  flapTally: FaultTally | null = null;
  /** The fault that waits to see this station connect and be accepted again. */
  awaiting: FaultTally | null = null;
  /** Whether the awaited reconnection has been counted. */
  reopened = false;
  malformed: MalformedSender | null = null;
}

/** How soon after a pause ends a close still counts as the CSMS having closed the paused connection. */
export const CLOSED_WHILE_PAUSED_WINDOW_MS = 1000;
