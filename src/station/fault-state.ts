import type { FaultEffects } from '../thread/messages';

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

/** How soon after a pause ends a close still counts as the CSMS having closed the paused connection. */
export const CLOSED_WHILE_PAUSED_WINDOW_MS = 1000;
