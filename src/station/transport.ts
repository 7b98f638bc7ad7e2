import type { IncomingMessage } from 'node:http';
import type { SecureContext } from 'node:tls';
import { nextRandom } from '../scenario/random';
import { subprotocolOf, type ErrorKind } from '../ocpp';
import type { StationContext } from './context';
import type { StationGroup } from './group';
import { pingIntervalMs, pingTimer, pongReceived, sendPing } from './keep-alive';
import { openSocket, sendText, SOCKET_OPEN, terminate, wireBytes, type ConnectFn, type SocketEvents, type WireSocket } from './socket-events';
import { socketOptions, type SocketOwner } from './socket-options';
import { attemptError, attemptSample, CLOSE_GRACE_MS, closedKind, openSocketError, rejected, unexplainedAttempt, upgraded, binaryFrame } from './socket-reports';
import { AfterClose, StationState, TimerKind } from './station-timers';
import type { TimerSlots } from './timer-slots';
import { TransportFaults } from './transport-faults';

/** What the transport tells the station it carries (the link: session, boot, heartbeat). */
export interface TransportHost {
  /** The connection is open and speaks the right subprotocol. */
  transportOpened(now: number): void;
  /** The connection closed (for whatever reason; `byFault`: the scenario's own fault cut it), before any reconnect is planned. */
  transportClosed(byFault: boolean): void;
  transportFrame(text: string): void;
  /** Messages wait to be delivered: the station still (re)connects once the run is stopping. */
  readonly mustDeliver: boolean;
  /** A CALL is on the wire, unanswered: cutting the connection now aborts it. */
  readonly callOutstanding: boolean;
}

/**
 * A station's connection, one part of it: connecting to `<url>/<identity>` with the version's
 * subprotocol through the context's connect function (ws in a worker, a fake in a unit test),
 * reconnects with exponential backoff and jitter, failover between targets, the WebSocket
 * keep-alive that finds half-open links, purposeful closes and fault injection
 * (transport-faults.ts). Failures and their samples are socket-reports.ts's. Its timers are slots
 * of the station's TimerSlots; the station's timer table hands them back here.
 */
export class Transport implements SocketEvents, SocketOwner {
  state = StationState.Idle;
  /** HTTP Basic auth password (security profiles 1 and 2); never logged, never in a result. */
  password: string | undefined = undefined;
  /** Only for stations with a client certificate of their own (profile 3); made by socketOptions. */
  tlsContext: SecureContext | undefined = undefined;
  /** Index in `ctx.targets` of the target the station is on or last tried (-1: none yet). */
  targetIndex = -1;
  ws: WireSocket | null = null;
  /** Why the current attempt failed, as its socket's events said (undefined: not known). */
  failedKind: ErrorKind | undefined = undefined;
  /** The HTTP status of a refused upgrade (0: none), counted under `connect.rejectedByStatus`. */
  failedStatus = 0;
  /** The error that decided `failedKind`: its sample is taken only if the attempt is counted as failed. */
  failedError: Error | undefined = undefined;
  /** Why the station itself ends an open connection; counted instead of `connectionLost`. */
  lostKind: ErrorKind | undefined = undefined;
  /** When the current boot cycle began: its first connection attempt (-1: none under way). */
  bootCycleStartedAt = -1;
  /** What faults do to this station; null until one hits it (most stations never carry one). */
  faults: TransportFaults | null = null;
  /** Half-open: frames go nowhere (set by a pause, read on every send). */
  silenced = false;
  private attempts = 0;
  private connectStartedAt = 0;
  private everAttempted = false;
  private everConnected = false;
  private isConnected = false;
  /** Set while the station closes its own socket: what follows the close (see close). */
  private afterClose: AfterClose = AfterClose.Unplanned;
  /** When the ping that is out must have been answered by a pong (clock ms); -1: no ping out. */
  pongDeadline = -1;
  /** Set when the socket failed before the station counted it as connected. */
  private connectFailed = false;
  /** The last attempt or connection failed: the next attempt goes to the next target (failover). */
  private leaveTarget = false;
  /** Set while a fault cuts the connection: neither an error nor a purposeful close. */
  private faultCut = false;
  /** When the reconnect after a fault's cut is due (clock ms); -1: the group's backoff. */
  private reconnectAt = -1;
  /** The station's seeded random stream: backoff and flapping jitter draw from it. */
  private rng: number;
  private readonly connectFn: ConnectFn;

  constructor(
    readonly host: TransportHost,
    readonly slots: TimerSlots,
    readonly ctx: StationContext,
    readonly group: StationGroup,
    readonly identity: string,
    readonly index: number,
    seed: number,
  ) {
    this.rng = seed >>> 0 || 1;
    this.connectFn = ctx.connect ?? openSocket;
  }

  random(): number {
    const r = nextRandom(this.rng);
    this.rng = r.state;
    return r.value;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Whether a connection of this station has ever opened. */
  get everOpened(): boolean {
    return this.everConnected;
  }

  /** The socket takes frames now (open; half-open ones included, they swallow them). */
  get open(): boolean {
    return this.ws !== null && this.ws.readyState === SOCKET_OPEN;
  }

  /** The URL of the current attempt (or connection), as a sample shows it. */
  get attemptUrl(): string {
    const base = this.ctx.targets?.urlOf(this.targetIndex) ?? this.ctx.baseUrl;
    return `${base}/${encodeURIComponent(this.identity)}`;
  }

  /** Boot accepted: the next drop starts the backoff from its minimum again. */
  resetBackoff(): void {
    this.attempts = 0;
  }

  // ---- connection --------------------------------------------------------------------------
  /** The Connect timer: open a connection, unless the station is offline, stopped or done. */
  connect(): void {
    if ((this.ctx.stopping && !this.host.mustDeliver) || this.state === StationState.Stopped) return;
    const offlineUntil = this.faults?.offlineUntil ?? -1;
    if (offlineUntil > this.ctx.now()) {
      // Offline: the first attempt once the link is back, with the group's backoff from its minimum.
      this.attempts = 0;
      this.slots.set(TimerKind.Connect, offlineUntil + this.backoffMs());
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
    this.failedError = undefined;
    this.ws = this.connectFn(this, url, subprotocolOf(this.group.version), socketOptions(this, this.ctx, url));
  }

  // ---- the socket's events (socket-events.ts); those of a socket no longer the station's are ignored
  socketUpgraded(ws: WireSocket, protocol: string | undefined): void {
    if (ws === this.ws) upgraded(this, protocol);
  }

  socketBinary(ws: WireSocket, bytes: number): void {
    if (ws === this.ws) binaryFrame(this, bytes);
  }

  socketRejected(ws: WireSocket, res: IncomingMessage): void {
    rejected(this, ws, res);
  }

  socketMessage(text: string): void {
    this.host.transportFrame(text);
  }

  socketError(ws: WireSocket, err: Error): void {
    if (ws !== this.ws) return;
    if (!this.isConnected) {
      attemptError(this, err);
      return;
    }
    // An error on an open connection: ws has started a closing handshake (a protocol violation
    // by the peer) or the socket is already gone. A peer that never completes it must not hold
    // the station for ws's 30 s.
    if (openSocketError(this, err)) {
      // ws has written its close frame (1009 for an oversized frame, 1007 for one that is not
      // UTF-8…) and stopped reading: the peer's close frame would never be read, and for an
      // oversized frame reading on would mean megabytes per station. End it now.
      terminate(ws);
      return;
    }
    if (!this.slots.isSet(TimerKind.CloseDeadline)) this.slots.set(TimerKind.CloseDeadline, this.ctx.now() + CLOSE_GRACE_MS);
  }

  socketClosed(ws: WireSocket, code: number, reason: Buffer): void {
    const wire = wireBytes(ws);
    if (wire !== undefined) this.ctx.recordWireBytes(this.group, wire.written, wire.read);
    this.onClose(ws, this.failedKind, code, reason);
  }

  socketOpened(ws: WireSocket): void {
    if (ws !== this.ws) return;
    const now = this.ctx.now();
    if (ws.protocol !== subprotocolOf(this.group.version)) {
      this.ctx.recordConnect(this.group, false, now - this.connectStartedAt, 'subprotocolMismatch');
      this.connectFailed = true;
      terminate(ws);
      return;
    }
    this.ctx.recordConnect(this.group, true, now - this.connectStartedAt, undefined);
    if (this.group.compression !== undefined) this.ctx.count(this.group, ws.extensions.includes('permessage-deflate') ? 'compressedConnections' : 'compressionDeclined');
    if (this.everConnected) this.ctx.count(this.group, 'reconnects');
    else this.ctx.stationMilestone(this.group, 'connected');
    this.everConnected = true;
    this.isConnected = true;
    this.ctx.gauge(this.group, 'connected', 1);
    this.state = StationState.Booting;
    this.pongDeadline = -1;
    const interval = pingIntervalMs(this.group);
    if (interval > 0) this.slots.set(TimerKind.Ping, now + interval);
    if (this.faults !== null) this.faults.opened(now);
    this.host.transportOpened(now);
  }

  // ---- WebSocket keep-alive (keep-alive.ts) -------------------------------------------------
  /** The Ping timer: the next ping, or the end of a connection whose pong never came. */
  onPingTimer(at: number): void {
    pingTimer(this, at);
  }

  socketPong(ws: WireSocket): void {
    if (ws === this.ws) pongReceived(this);
  }

  /** A call timed out: ask the link whether it is still alive, unless a ping is already out. */
  probe(): void {
    if (this.isConnected && this.pongDeadline < 0) sendPing(this, this.ctx.now());
  }

  /** The CloseDeadline timer: a close (or a refusal's body) took too long. */
  closeDeadline(): void {
    if (this.ws !== null) terminate(this.ws);
  }

  private onClose(ws: WireSocket, failedKind: ErrorKind | undefined, code = 1006, reason: Buffer | undefined = undefined): void {
    if (ws !== this.ws) return;
    this.ws = null;
    const now = this.ctx.now();
    const wasConnected = this.isConnected;
    const unplanned = this.afterClose === AfterClose.Unplanned && !this.faultCut;
    if (!this.isConnected) {
      // An attempt cut short by the end of the run or a fault is not a failure of the target.
      if (!this.connectFailed && unplanned) {
        const kind = failedKind ?? unexplainedAttempt(this, code, reason);
        attemptSample(this, kind);
        this.ctx.recordConnect(this.group, false, now - this.connectStartedAt, kind, this.failedStatus);
      }
    } else {
      this.isConnected = false;
      this.ctx.gauge(this.group, 'connected', -1);
      if (unplanned) this.ctx.error(this.group, closedKind(this, this.state === StationState.Accepted, code, reason));
    }
    if (this.faults !== null) this.faults.closed(now, wasConnected);
    this.connectFailed = false;
    this.lostKind = undefined;
    this.pongDeadline = -1;
    this.slots.clear(TimerKind.Ping);
    this.slots.clear(TimerKind.CloseDeadline);
    this.host.transportClosed(this.faultCut);
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
    if (this.ctx.stopping && !this.host.mustDeliver) return;
    if (after === AfterClose.Reboot) {
      this.attempts = 0;
      this.bootCycleStartedAt = -1;
      this.slots.set(TimerKind.Connect, now + 1000);
      return;
    }
    if (after === AfterClose.Reconnect || after === AfterClose.ReconnectNow) {
      this.slots.set(TimerKind.Connect, after === AfterClose.ReconnectNow ? now : now + this.backoffMs());
      return;
    }
    // The peer or the network ended it: the next attempt fails over (several targets).
    this.leaveTarget = true;
    if (reconnectAt >= 0) {
      // A cold boot: a new boot cycle, at the time the fault says.
      this.attempts = 0;
      this.bootCycleStartedAt = -1;
      this.slots.set(TimerKind.Connect, reconnectAt);
      return;
    }
    this.slots.set(TimerKind.Connect, now + this.backoffMs());
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

  send(text: string): boolean {
    const ws = this.ws;
    if (ws === null || ws.readyState !== SOCKET_OPEN) return false;
    // Half-open: the frame is written into a link that delivers nothing.
    if (this.silenced) return true;
    sendText(ws, text);
    if (this.faults !== null && this.faults.malformed !== null) this.faults.malformed.afterFrame(ws, this.ctx.now());
    return true;
  }

  /** The station's fault state, created on first use. */
  faultState(): TransportFaults {
    return (this.faults ??= new TransportFaults(this));
  }

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
  terminateNow(ws: WireSocket): void {
    terminate(ws);
    this.onClose(ws, undefined);
  }

  /**
   * Close the socket on purpose, and then: stop (Reset done, end of run), reboot (reconnect shortly
   * and boot again), or reconnect after the backoff or at once (a script's disconnect / reconnect).
   */
  close(after: Exclude<AfterClose, AfterClose.Unplanned>): void {
    const ws = this.ws;
    if (ws === null) {
      if (after === AfterClose.Stop) this.state = StationState.Stopped;
      else if (after === AfterClose.Reboot) this.slots.set(TimerKind.Connect, this.ctx.now() + 1000);
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
    this.slots.set(TimerKind.CloseDeadline, this.ctx.now() + CLOSE_GRACE_MS);
  }

  /** End of run: the socket closes now and no reconnect follows (the station clears its timers). */
  shutdown(): void {
    this.state = StationState.Stopped;
    if (this.ws !== null) {
      this.afterClose = AfterClose.Stop;
      terminate(this.ws);
    }
  }
}
