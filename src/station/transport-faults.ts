import { CLOSED_WHILE_PAUSED_WINDOW_MS, type FaultTally } from './fault-state';
import type { MalformedSender } from './malformed';
import { TimerKind } from './station-timers';
import type { Transport } from './transport';

/**
 * What faults do to a station's connection, and the state they leave: allocated by the transport
 * the first time a fault hits the station (faultState), so stations no fault touches carry one
 * null field. The faults timeline calls these for its stations, session scripts for theirs; a
 * drop (`cut`) is the transport's own. A `tally` given to a method hears what the fault did to
 * this station (see FaultTally). Times are on the station clock (ms); -1 means "not now".
 */
export class TransportFaults {
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

  constructor(private readonly t: Transport) {}

  /** Offline until `until` (clock ms): the connection is cut and no attempt is made before then. */
  goOffline(until: number): boolean {
    this.offlineUntil = until;
    return this.t.cut();
  }

  /**
   * Half-open until `until`: the station stops reading its socket and what it sends goes nowhere
   * (its pings too, so its ping timeout may end the connection, as on a real half-open link). Then
   * it reads and sends again if the connection still lives. False when no connection was open.
   */
  pauseReading(until: number, tally: FaultTally | null): boolean {
    const t = this.t;
    const ws = t.ws;
    if (ws === null || !t.connected || t.silenced) return false;
    this.pausedUntil = until;
    this.pauseTally = tally;
    this.resumedAt = -1;
    t.silenced = true;
    ws.pause();
    t.slots.set(TimerKind.FaultResume, until);
    return true;
  }

  /** Until `until`, each connection lives `upMs` (± half the group's reconnect jitter), then is cut. */
  flap(until: number, upMs: number, tally: FaultTally | null): void {
    this.flapUntil = until;
    this.flapUpMs = upMs;
    this.flapTally = tally;
    this.awaiting = tally;
    this.reopened = this.t.connected;
    if (this.t.connected) this.armFlap(this.t.ctx.now());
  }

  /** Follow frames with bad ones (see MalformedSender); false while an earlier sender still awaits answers. */
  sendMalformed(sender: MalformedSender): boolean {
    if (this.malformed !== null && !this.malformed.done) return false;
    this.malformed = sender;
    return true;
  }

  /** Report this station's next connection and accepted boot to `tally` (reconnected, rebooted). */
  expectReconnect(tally: FaultTally | null): void {
    this.awaiting = tally;
    this.reopened = false;
  }

  /** The boot was accepted: the fault that awaited it hears so. */
  booted(): void {
    if (this.awaiting === null) return;
    this.awaiting.add('rebooted');
    this.awaiting = null;
  }

  /** FaultFlap, FaultResume and FaultMalformed timers. */
  onTimer(kind: number, at: number): void {
    if (kind === TimerKind.FaultFlap) {
      const outstanding = this.t.connected && this.t.host.callOutstanding;
      if (this.t.cut()) {
        if (outstanding) this.flapTally?.add('callsCut');
        this.t.ctx.count(this.t.group, 'faultFlaps');
        this.flapTally?.add('flaps');
      }
    } else if (kind === TimerKind.FaultResume) {
      this.resumeReading(at);
    } else {
      this.malformed?.onTimer(at);
    }
  }

  opened(now: number): void {
    if (this.awaiting !== null && !this.reopened) {
      this.reopened = true;
      this.awaiting.add('reconnected');
    }
    this.armFlap(now);
  }

  closed(now: number, wasConnected: boolean): void {
    const t = this.t;
    t.slots.clear(TimerKind.FaultFlap);
    if (t.silenced) {
      t.silenced = false;
      this.pausedUntil = -1;
      t.slots.clear(TimerKind.FaultResume);
    } else if (wasConnected && this.resumedAt >= 0 && now - this.resumedAt <= CLOSED_WHILE_PAUSED_WINDOW_MS) {
      // The CSMS closed the connection while the station was not reading; it learns so on resuming.
      this.pauseTally?.add('closedByCsms');
    }
    this.resumedAt = -1;
    // Each reconnection of a flapping station counts.
    if (this.flapUntil > now) {
      this.awaiting = this.flapTally;
      this.reopened = false;
    }
    this.malformed?.onClosed();
  }

  private resumeReading(now: number): void {
    const t = this.t;
    if (!t.silenced) return;
    t.silenced = false;
    this.pausedUntil = -1;
    const ws = t.ws;
    if (ws === null || !t.connected) return;
    this.resumedAt = now;
    this.pauseTally?.add('resumed');
    ws.resume();
  }

  private armFlap(now: number): void {
    if (now >= this.flapUntil) return;
    const jitter = this.t.group.reconnect.jitter;
    const up = this.flapUpMs * (1 - jitter / 2 + jitter * this.t.random());
    if (now + up < this.flapUntil) this.t.slots.set(TimerKind.FaultFlap, now + up);
  }
}
