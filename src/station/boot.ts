import type { JsonObject, OcppSession } from '../ocpp';
import { EMPTY_PAYLOAD } from '../ocpp';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { StationState, TimerKind } from './station-timers';
import { intervalMs, MAX_TIMER_MS, type TimerSlots } from './timer-slots';
import type { Transport } from './transport';

/** What the boot cycle needs of its station. */
export interface BootHost {
  /** The version's BootNotification payload. */
  bootPayload(): JsonObject;
  /** Boot accepted: what the station reports and schedules before ordinary calls flow again. */
  onAccepted(now: number): void;
  /** The station is closing its connection on purpose: an answer now is for a connection ending. */
  readonly holding: boolean;
}

/**
 * The boot cycle of a station's link (OCPP 1.6 §4.2, 2.0.1 B01–B03): BootNotification on each new
 * connection; Accepted → normal operation with a heartbeat every interval; Pending → only a new
 * BootNotification after the interval (CSMS calls are still answered); Rejected → nothing until the
 * interval has passed. Intervals from the CSMS are clamped to Node's timer limit.
 */
export class BootCycle {
  heartbeatMs = 60_000;
  private everBooted = false;
  private isBooted = false;

  constructor(
    private readonly host: BootHost,
    private readonly session: OcppSession<unknown>,
    private readonly transport: Transport,
    private readonly slots: TimerSlots,
    private readonly ctx: StationContext,
    private readonly group: StationGroup,
  ) {
    if (group.heartbeatIntervalMs !== undefined) this.heartbeatMs = Math.min(group.heartbeatIntervalMs, MAX_TIMER_MS);
  }

  get booted(): boolean {
    return this.isBooted;
  }

  /** A new heartbeat interval from the CSMS (ChangeConfiguration / SetVariables). */
  setHeartbeatInterval(ms: number): void {
    this.heartbeatMs = Math.min(ms, MAX_TIMER_MS);
    if (this.isBooted) this.slots.set(TimerKind.Heartbeat, this.ctx.now() + this.heartbeatMs);
  }

  /** Boot on a new connection, or (the Boot timer, `retry`) again after Pending, Rejected or no answer. */
  send(due: number, retry: boolean): void {
    if (!this.transport.connected) return;
    if (retry) this.ctx.count(this.group, 'bootRetries');
    this.transport.state = StationState.Booting;
    this.session.call('BootNotification', this.host.bootPayload(), null, due, true);
  }

  /** BootNotification answered (both versions share the shape of the answer we use). */
  answered(status: string, intervalS: number): void {
    // Closing on purpose: the boot of the next connection is what counts.
    if (this.host.holding) return;
    const now = this.ctx.now();
    const group = this.group;
    // Under timeScale the CSMS's heartbeat interval is scenario time too: the station divides it.
    const scaled = status === 'Accepted' && group.heartbeatIntervalMs === undefined ? intervalS / (group.sessions.timeScale ?? 1) : intervalS;
    const interval = scaled > 0 ? intervalMs(scaled) : 0;
    if (status === 'Accepted' && this.isBooted) {
      // A boot the CSMS triggered while already accepted: only the interval may change.
      if (group.heartbeatIntervalMs === undefined && interval > 0) this.heartbeatMs = interval;
      return;
    }
    const t = this.transport;
    if (status === 'Accepted') {
      t.state = StationState.Accepted;
      t.resetBackoff();
      if (group.heartbeatIntervalMs === undefined && interval > 0) this.heartbeatMs = interval;
      this.ctx.recordBootAccepted(group, now - t.bootCycleStartedAt);
      t.bootCycleStartedAt = -1;
      if (!this.everBooted) this.ctx.stationMilestone(group, 'booted');
      this.everBooted = true;
      this.isBooted = true;
      this.ctx.gauge(group, 'booted', 1);
      t.faults?.booted();
      const replay = this.session.queued;
      if (replay > 0) this.ctx.count(group, 'replayed', replay);
      this.host.onAccepted(now);
      this.session.openGate(now);
      this.slots.set(TimerKind.Heartbeat, now + this.heartbeatMs);
      return;
    }
    // Pending: only BootNotification again after the interval (CSMS calls are still answered).
    // Rejected: nothing at all until the interval has passed. Interval 0: the station chooses.
    if (status === 'Pending') {
      t.state = StationState.Pending;
      this.ctx.count(group, 'bootPending');
      t.faults?.awaiting?.add('bootPending');
    } else {
      t.state = StationState.Rejected;
      this.ctx.error(group, 'bootRejected');
    }
    this.slots.set(TimerKind.Boot, now + (interval > 0 ? interval : this.fallbackRetryMs()));
  }

  /** A boot got no answer, an error or an invalid one: retry within the reconnect bounds. */
  retryLater(): void {
    this.slots.set(TimerKind.Boot, this.ctx.now() + this.fallbackRetryMs());
  }

  /** After no answer, an error, or an interval of 0: retry within the reconnect bounds. */
  private fallbackRetryMs(): number {
    return Math.max(this.group.reconnect.minMs, Math.min(this.group.reconnect.maxMs, 30_000));
  }

  /** No longer in normal operation: not booted, no heartbeat, no boot retry. */
  leave(): void {
    if (this.isBooted) {
      this.isBooted = false;
      this.ctx.gauge(this.group, 'booted', -1);
    }
    this.slots.clear(TimerKind.Boot);
    this.slots.clear(TimerKind.Heartbeat);
  }

  /** The Heartbeat timer. */
  heartbeat(due: number): void {
    if (!this.isBooted) return;
    this.session.call('Heartbeat', EMPTY_PAYLOAD, null, due);
    this.slots.set(TimerKind.Heartbeat, due + this.heartbeatMs);
  }
}
