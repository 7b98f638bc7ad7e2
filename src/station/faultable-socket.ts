import type WebSocket from 'ws';
import type { CounterName } from './counters';
import { CLOSED_WHILE_PAUSED_WINDOW_MS, StationFaults, type FaultTally } from './fault-state';
import type { MalformedSender } from './malformed';
import { StationSocket, TimerKind } from './station-socket';

/**
 * What faults do to a station's connection, as small general methods: the faults timeline calls
 * them for its stations, session scripts may call them for theirs. `cut` (a drop) is the socket's
 * own; here are going offline, half-open pauses, flapping and bad frames, and their bookkeeping.
 * A `tally` given to a method hears what the fault did to this station (see FaultTally).
 */
export abstract class FaultableSocket extends StationSocket {
  /** The station's fault state, created on first use. */
  protected faultState(): StationFaults {
    return (this.faults ??= new StationFaults());
  }

  /** Counted under `counters` in summary.json (the bad-frame sender counts through here). */
  countEvent(name: CounterName): void {
    this.ctx.count(this.group, name);
  }

  /** Offline until `until` (clock ms): the connection is cut and no attempt is made before then. */
  goOffline(until: number): boolean {
    this.faultState().offlineUntil = until;
    return this.cut();
  }

  /**
   * Half-open until `until`: the station stops reading its socket and what it sends goes nowhere
   * (its pings too, so its ping timeout may end the connection, as on a real half-open link). Then
   * it reads and sends again if the connection still lives. False when no connection was open.
   */
  pauseReading(until: number, tally: FaultTally | null = null): boolean {
    const ws = this.ws;
    if (ws === null || !this.connected || this.silenced) return false;
    const f = this.faultState();
    f.pausedUntil = until;
    f.pauseTally = tally;
    f.resumedAt = -1;
    this.silenced = true;
    ws.pause();
    this.setTimer(TimerKind.FaultResume, until);
    return true;
  }

  /** Until `until`, each connection lives `upMs` (± half the group's reconnect jitter), then is cut. */
  flap(until: number, upMs: number, tally: FaultTally | null = null): void {
    const f = this.faultState();
    f.flapUntil = until;
    f.flapUpMs = upMs;
    f.flapTally = tally;
    f.awaiting = tally;
    f.reopened = this.connected;
    if (this.connected) this.armFlap(f, this.ctx.now());
  }

  /** Follow frames with bad ones (see MalformedSender); false while an earlier sender still awaits answers. */
  sendMalformed(sender: MalformedSender): boolean {
    const f = this.faultState();
    if (f.malformed !== null && !f.malformed.done) return false;
    f.malformed = sender;
    return true;
  }

  /** Report this station's next connection and accepted boot to `tally` (reconnected, rebooted). */
  expectReconnect(tally: FaultTally | null): void {
    const f = this.faultState();
    f.awaiting = tally;
    f.reopened = false;
  }

  protected onFaultTimer(kind: number, at: number): void {
    const f = this.faults;
    if (f === null) return;
    if (kind === TimerKind.FaultFlap) {
      if (this.cut()) {
        this.countEvent('faultFlaps');
        f.flapTally?.add('flaps');
      }
    } else if (kind === TimerKind.FaultResume) {
      this.resumeReading(f, at);
    } else {
      f.malformed?.onTimer(at);
    }
  }

  protected onFaultOpen(f: StationFaults, now: number): void {
    if (f.awaiting !== null && !f.reopened) {
      f.reopened = true;
      f.awaiting.add('reconnected');
    }
    this.armFlap(f, now);
  }

  protected onFaultClose(f: StationFaults, now: number, wasConnected: boolean): void {
    this.clearTimer(TimerKind.FaultFlap);
    if (this.silenced) {
      this.silenced = false;
      f.pausedUntil = -1;
      this.clearTimer(TimerKind.FaultResume);
    } else if (wasConnected && f.resumedAt >= 0 && now - f.resumedAt <= CLOSED_WHILE_PAUSED_WINDOW_MS) {
      // The CSMS closed the connection while the station was not reading; it learns so on resuming.
      f.pauseTally?.add('closedByCsms');
    }
    f.resumedAt = -1;
    // Each reconnection of a flapping station counts.
    if (f.flapUntil > now) {
      f.awaiting = f.flapTally;
      f.reopened = false;
    }
    f.malformed?.onClosed();
  }

  private resumeReading(f: StationFaults, now: number): void {
    const ws: WebSocket | null = this.ws;
    if (!this.silenced) return;
    this.silenced = false;
    f.pausedUntil = -1;
    if (ws === null || !this.connected) return;
    f.resumedAt = now;
    f.pauseTally?.add('resumed');
    ws.resume();
  }

  private armFlap(f: StationFaults, now: number): void {
    if (now >= f.flapUntil) return;
    const jitter = this.group.reconnect.jitter;
    const up = f.flapUpMs * (1 - jitter / 2 + jitter * this.random());
    if (now + up < f.flapUntil) this.setTimer(TimerKind.FaultFlap, now + up);
  }
}
