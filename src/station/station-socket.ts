import WebSocket from 'ws';
import { subprotocolOf, type ErrorKind } from '../ocpp';
import { DEFAULT_PING_INTERVAL_MS } from './defaults';
import type { SecureContext } from 'node:tls';
import { socketOptions } from './socket-options';
import { openSocket, sendText, terminate, type SocketEvents } from './socket-events';
import { CLOSE_GRACE_MS, SocketReports } from './socket-reports';
import type { StationFaults } from './fault-state';
import { AfterClose, StationState, TimerKind } from './station-timers';

export { AfterClose, StationState, TIMER_SLOTS, TimerKind } from './station-timers';

/**
 * The socket of a virtual charge point: connecting to `<url>/<identity>` with the version's
 * subprotocol, reconnects with exponential backoff and jitter, the WebSocket keep-alive that finds
 * half-open links, purposeful closes (Reset, end of run, scripts) and failover between targets.
 * Timer slots are StationClock's; failures and their samples SocketReports'; what is said over the
 * socket is `StationLink`'s.
 */
export abstract class StationSocket extends SocketReports implements SocketEvents {
  state = StationState.Idle;
  /** Only for stations with a client certificate of their own (profile 3); made by socketOptions. */
  tlsContext: SecureContext | undefined = undefined;
  /** When the current boot cycle began: its first connection attempt (-1: none under way). */
  protected bootCycleStartedAt = -1;
  private attempts = 0;
  private connectStartedAt = 0;
  private everAttempted = false;
  private everConnected = false;
  private isConnected = false;
  /** Set while the station closes its own socket: what follows the close (see closeSocket). */
  private afterClose: AfterClose = AfterClose.Unplanned;
  /** When the ping that is out must have been answered by a pong (clock ms); -1: no ping out. */
  private pongDeadline = -1;
  /** Set when the socket failed before the station counted it as connected. */
  private connectFailed = false;
  /** The last attempt or connection failed: the next attempt goes to the next target (failover). */
  private leaveTarget = false;
  /** What faults do to this station (station-faults); null until one hits it. */
  faults: StationFaults | null = null;
  /** Half-open: frames go nowhere (set by `pauseReading`, read on every send). */
  protected silenced = false;
  /** Set while a fault cuts the connection: neither an error nor a purposeful close. */
  private faultCut = false;
  /** When the reconnect after a fault's cut is due (clock ms); -1: the group's backoff. */
  private reconnectAt = -1;

  /** The connection is open and speaks the right subprotocol. */
  protected abstract onConnected(now: number): void;
  /** The connection closed (for whatever reason), before any reconnect is planned. */
  protected abstract onDisconnected(): void;
  protected abstract onFrame(text: string): void;
  /** Timers of kinds the socket does not own (boot, heartbeat, call timeout, sessions). */
  protected abstract onLinkTimer(kind: number, at: number): void;
  /** Fault timers (FaultFlap, FaultResume, FaultMalformed), and a station under faults connecting or closing. */
  protected abstract onFaultTimer(kind: number, at: number): void;
  protected abstract onFaultOpen(f: StationFaults, now: number): void;
  protected abstract onFaultClose(f: StationFaults, now: number, wasConnected: boolean): void;
  /** Messages wait to be delivered: the station still (re)connects once the run is stopping. */
  protected abstract get mustDeliver(): boolean;

  /** Schedule the first connection at `at` (monotonic ms). */
  start(at: number): void {
    this.setTimer(TimerKind.Connect, at);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Whether a connection of this station has ever opened. */
  get everOpened(): boolean {
    return this.everConnected;
  }

  /** Entry point of the worker's scheduler. Stale timers (superseded or cleared) are ignored. */
  onTimer(kind: number, at: number): void {
    if (!this.takeTimer(kind, at)) return;
    switch (kind) {
      case TimerKind.Connect:
        this.connect();
        return;
      case TimerKind.Close:
        this.closeSocket();
        return;
      case TimerKind.Ping:
        this.onPingTimer(at);
        return;
      case TimerKind.CloseDeadline:
        if (this.ws !== null) terminate(this.ws);
        return;
      case TimerKind.FaultFlap:
      case TimerKind.FaultResume:
      case TimerKind.FaultMalformed:
        this.onFaultTimer(kind, at);
        return;
      default:
        this.onLinkTimer(kind, at);
    }
  }

  /** Boot accepted: the next drop starts the backoff from its minimum again. */
  protected resetBackoff(): void {
    this.attempts = 0;
  }

  // ---- connection --------------------------------------------------------------------------
  private connect(): void {
    if ((this.ctx.stopping && !this.mustDeliver) || this.state === StationState.Stopped) return;
    const offlineUntil = this.faults?.offlineUntil ?? -1;
    if (offlineUntil > this.ctx.now()) {
      // Offline: the first attempt once the link is back, with the group's backoff from its minimum.
      this.attempts = 0;
      this.setTimer(TimerKind.Connect, offlineUntil + this.backoffMs());
      return;
    }
    this.state = StationState.Connecting;
    this.connectStartedAt = this.ctx.now();
    if (this.bootCycleStartedAt < 0) this.bootCycleStartedAt = this.connectStartedAt;
    if (!this.everAttempted) this.ctx.stationMilestone(this.group, 'attempted');
    this.everAttempted = true;
    const url = `${this.targetUrl()}/${encodeURIComponent(this.identity)}`;
    this.failedKind = undefined;
    this.failedStatus = 0;
    this.ws = openSocket(this, url, subprotocolOf(this.group.version), socketOptions(this, this.ctx, url));
  }

  // ---- the socket's events (socket-events.ts); those of a socket no longer the station's are ignored
  socketMessage(text: string): void {
    this.onFrame(text);
  }

  socketError(ws: WebSocket, err: Error): void {
    if (ws !== this.ws) return;
    if (this.isConnected) this.onOpenSocketError(this.openSocketError(err));
    else this.attemptError(err);
  }

  socketClosed(ws: WebSocket, code: number, reason: Buffer): void {
    this.onClose(ws, this.failedKind, code, reason);
  }

  /**
   * An error on an open connection: ws has started a closing handshake (a protocol violation by
   * the peer) or the socket is already gone. A peer that never completes the handshake must not
   * hold the station for ws's 30 s.
   */
  private onOpenSocketError(protocolViolation: boolean): void {
    if (protocolViolation) {
      // ws has written its close frame (1009 for an oversized frame, 1007 for one that is not
      // UTF-8…) and stopped reading: the peer's close frame would never be read, and for an
      // oversized frame reading on would mean megabytes per station. End it now.
      if (this.ws !== null) terminate(this.ws);
      return;
    }
    if (!this.timerSet(TimerKind.CloseDeadline)) this.setTimer(TimerKind.CloseDeadline, this.ctx.now() + CLOSE_GRACE_MS);
  }

  // ---- WebSocket keep-alive ----------------------------------------------------------------
  private get pingIntervalMs(): number {
    return this.group.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
  }

  /** As long as the station waits for an answer to a CALL, unless the group says otherwise. */
  private get pingTimeoutMs(): number {
    return this.group.pingTimeoutMs ?? this.group.callTimeoutMs;
  }

  /**
   * A half-open connection (the CSMS stopped reading, a peer vanished without a FIN) looks open to
   * the station for as long as the kernel keeps it. A ping unanswered by a pong within
   * `pingTimeoutMs` ends it. Pings go every `pingIntervalMs`, and at once when a call times out:
   * a timeout is the first sign of a dead link, and a CSMS that is only slow still pongs (ws answers
   * pings below the application). One timer slot serves both: while a ping is out it holds the
   * pong deadline, otherwise the time of the next ping.
   */
  private onPingTimer(at: number): void {
    if (!this.isConnected || this.ws === null) return;
    if (this.pongDeadline < 0) {
      this.sendPing(at);
      return;
    }
    if (at < this.pongDeadline) {
      this.setTimer(TimerKind.Ping, this.pongDeadline);
      return;
    }
    if (this.lostKind === undefined) {
      this.lostKind = 'pingTimeout';
      this.sample('pingTimeout', () => `no pong within ${this.pingTimeoutMs} ms of a WebSocket ping; the station closed the connection (${this.attemptUrl})`);
    }
    if (this.silenced) {
      // A paused socket may never report its close: handle it now.
      this.faults?.pauseTally?.add('detectedByPing');
      this.terminateNow(this.ws);
      return;
    }
    terminate(this.ws);
  }

  private sendPing(now: number): void {
    const ws = this.ws;
    if (this.pingTimeoutMs <= 0 || ws === null || ws.readyState !== WebSocket.OPEN) return;
    // Half-open: the ping goes nowhere, and its pong never comes.
    if (!this.silenced) ws.ping();
    this.pongDeadline = now + this.pingTimeoutMs;
    this.setTimer(TimerKind.Ping, this.pongDeadline);
  }

  socketPong(ws: WebSocket): void {
    if (ws !== this.ws || this.pongDeadline < 0) return;
    this.pongDeadline = -1;
    if (this.pingIntervalMs > 0) this.setTimer(TimerKind.Ping, this.ctx.now() + this.pingIntervalMs);
    else this.clearTimer(TimerKind.Ping);
  }

  /** A call timed out: ask the link whether it is still alive, unless a ping is already out. */
  protected probeLink(): void {
    if (this.isConnected && this.pongDeadline < 0) this.sendPing(this.ctx.now());
  }

  socketOpened(ws: WebSocket): void {
    if (ws !== this.ws) return;
    const now = this.ctx.now();
    if (ws.protocol !== subprotocolOf(this.group.version)) {
      this.ctx.recordConnect(this.group, false, now - this.connectStartedAt, 'subprotocolMismatch');
      this.connectFailed = true;
      terminate(ws);
      return;
    }
    this.ctx.recordConnect(this.group, true, now - this.connectStartedAt, undefined);
    if (this.everConnected) this.ctx.count(this.group, 'reconnects');
    else this.ctx.stationMilestone(this.group, 'connected');
    this.everConnected = true;
    this.isConnected = true;
    this.ctx.gauge(this.group, 'connected', 1);
    this.state = StationState.Booting;
    this.pongDeadline = -1;
    if (this.pingIntervalMs > 0) this.setTimer(TimerKind.Ping, now + this.pingIntervalMs);
    if (this.faults !== null) this.onFaultOpen(this.faults, now);
    this.onConnected(now);
  }

  private onClose(ws: WebSocket, failedKind: ErrorKind | undefined, code = 1006, reason: Buffer | undefined = undefined): void {
    if (ws !== this.ws) return;
    this.ws = null;
    const now = this.ctx.now();
    const wasConnected = this.isConnected;
    const unplanned = this.afterClose === AfterClose.Unplanned && !this.faultCut;
    if (!this.isConnected) {
      // An attempt cut short by the end of the run or a fault is not a failure of the target.
      if (!this.connectFailed && unplanned) {
        const kind = failedKind ?? this.unexplainedAttempt(code, reason);
        this.ctx.recordConnect(this.group, false, now - this.connectStartedAt, kind, this.failedStatus);
      }
    } else {
      this.isConnected = false;
      this.ctx.gauge(this.group, 'connected', -1);
      if (unplanned) this.ctx.error(this.group, this.closedKind(this.state === StationState.Accepted, code, reason));
    }
    if (this.faults !== null) this.onFaultClose(this.faults, now, wasConnected);
    this.connectFailed = false;
    this.lostKind = undefined;
    this.pongDeadline = -1;
    this.clearTimer(TimerKind.Ping);
    this.clearTimer(TimerKind.CloseDeadline);
    this.onDisconnected();
    const after = this.afterClose;
    this.afterClose = AfterClose.Unplanned;
    const reconnectAt = this.faultCut ? this.reconnectAt : -1;
    this.faultCut = false;
    this.reconnectAt = -1;
    if (this.state === StationState.Stopped) return;
    if (after === AfterClose.Stop) {
      this.state = StationState.Stopped;
      return;
    }
    this.state = StationState.Idle;
    if (this.ctx.stopping && !this.mustDeliver) return;
    if (after === AfterClose.Reboot) {
      this.attempts = 0;
      this.bootCycleStartedAt = -1;
      this.setTimer(TimerKind.Connect, now + 1000);
      return;
    }
    if (after === AfterClose.Reconnect || after === AfterClose.ReconnectNow) {
      this.setTimer(TimerKind.Connect, after === AfterClose.ReconnectNow ? now : now + this.backoffMs());
      return;
    }
    // The peer or the network ended it: the next attempt fails over (several targets).
    this.leaveTarget = true;
    if (reconnectAt >= 0) {
      // A cold boot: a new boot cycle, at the time the fault says.
      this.attempts = 0;
      this.bootCycleStartedAt = -1;
      this.setTimer(TimerKind.Connect, reconnectAt);
      return;
    }
    this.setTimer(TimerKind.Connect, now + this.backoffMs());
  }

  /** Several targets: the one this attempt goes to (see TargetList.choose); a change is a failover. */
  private targetUrl(): string {
    const list = this.ctx.targets;
    if (list === undefined) return this.ctx.baseUrl;
    const next = list.choose(this.targetIndex, this.identity, this.leaveTarget, this.ctx.now());
    if (this.targetIndex >= 0 && next !== this.targetIndex) this.ctx.count(this.group, 'failovers');
    this.targetIndex = next;
    this.leaveTarget = false;
    return list.urlOf(next);
  }

  /** Target `index` is lost: a connection to it (open or opening) ends, and the station fails over. */
  loseTarget(index: number): void {
    if (this.targetIndex === index && this.ws !== null && this.afterClose === AfterClose.Unplanned) terminate(this.ws);
  }

  /** Exponential backoff with jitter: min · 2^attempt, capped at max, the jittered share drawn. */
  private backoffMs(): number {
    const { minMs, maxMs, jitter } = this.group.reconnect;
    const base = Math.min(maxMs, minMs * 2 ** Math.min(this.attempts, 20));
    this.attempts++;
    return base * (1 - jitter) + base * jitter * this.random();
  }

  sendFrame(text: string): boolean {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return false;
    // Half-open: the frame is written into a link that delivers nothing.
    if (this.silenced) return true;
    sendText(ws, text);
    if (this.faults !== null && this.faults.malformed !== null) this.faults.malformed.afterFrame(ws, this.ctx.now());
    return true;
  }

  // ---- faults (the scenario's timeline, session scripts; the rest is FaultableSocket's) -----
  /**
   * Cut the connection abruptly, as a network fault or a power cut would: no closing handshake,
   * the CSMS sees the TCP connection end; the close is handled at once. The station reconnects with
   * its group's backoff, or at `reconnectAt` (clock ms, a new boot cycle). A connection attempt under
   * way is abandoned too. True when an open connection was cut.
   */
  cut(reconnectAt = -1): boolean {
    const ws = this.ws;
    if (ws === null) return false;
    const open = this.isConnected;
    this.faultCut = true;
    this.reconnectAt = reconnectAt;
    this.terminateNow(ws);
    return open;
  }

  /** Terminate `ws` and handle its close now, rather than when (or whether) its 'close' event comes. */
  private terminateNow(ws: WebSocket): void {
    terminate(ws);
    this.onClose(ws, undefined);
  }

  /**
   * Close the socket on purpose, and then: stop (Reset done, end of run), reboot (reconnect shortly
   * and boot again), or reconnect after the backoff or at once (a script's disconnect / reconnect).
   */
  closeSocket(after: Exclude<AfterClose, AfterClose.Unplanned> = AfterClose.Stop): void {
    const ws = this.ws;
    if (ws === null) {
      if (after === AfterClose.Stop) this.state = StationState.Stopped;
      else if (after === AfterClose.Reboot) this.setTimer(TimerKind.Connect, this.ctx.now() + 1000);
      return;
    }
    // A script's disconnect does not override a close already under way (Reset, end of run).
    const reconnect = after === AfterClose.Reconnect || after === AfterClose.ReconnectNow;
    if (reconnect && (this.state === StationState.Closing || this.state === StationState.Stopped)) return;
    this.afterClose = after;
    this.state = StationState.Closing;
    ws.close(1000);
    // A peer that never completes the closing handshake must not hold the station (a timer slot of
    // the worker's scheduler, not a Node timer per station).
    this.setTimer(TimerKind.CloseDeadline, this.ctx.now() + CLOSE_GRACE_MS);
  }

  /** End of run: nothing new starts; the socket closes now and no reconnect follows. */
  shutdown(): void {
    this.state = StationState.Stopped;
    this.clearAllTimers();
    if (this.ws !== null) {
      this.afterClose = AfterClose.Stop;
      terminate(this.ws);
    }
  }
}
