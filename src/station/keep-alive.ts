import { DEFAULT_PING_INTERVAL_MS } from './defaults';
import type { StationGroup } from './group';
import { SOCKET_OPEN, terminate } from './socket-events';
import { sample } from './socket-reports';
import { TimerKind } from './station-timers';
import type { Transport } from './transport';

/*
 * The WebSocket keep-alive of a transport. A half-open connection (the CSMS stopped reading, a
 * peer vanished without a FIN) looks open for as long as the kernel keeps it. A ping unanswered by
 * a pong within `pingTimeoutMs` ends it. Pings go every `pingIntervalMs`, and at once when a call
 * times out (Transport.probe): a timeout is the first sign of a dead link, and a CSMS that is only
 * slow still pongs (ws answers pings below the application). One timer slot serves both: while a
 * ping is out it holds the pong deadline (`pongDeadline`), otherwise the time of the next ping.
 */

export function pingIntervalMs(group: StationGroup): number {
  return group.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
}

/** As long as the station waits for an answer to a CALL, unless the group says otherwise. */
function pingTimeoutMs(group: StationGroup): number {
  return group.pingTimeoutMs ?? group.callTimeoutMs;
}

/** The Ping timer at `at`. */
export function pingTimer(t: Transport, at: number): void {
  const ws = t.ws;
  if (!t.connected || ws === null) return;
  if (t.pongDeadline < 0) {
    sendPing(t, at);
    return;
  }
  if (at < t.pongDeadline) {
    t.slots.set(TimerKind.Ping, t.pongDeadline);
    return;
  }
  if (t.lostKind === undefined) {
    t.lostKind = 'pingTimeout';
    sample(t, 'pingTimeout', () => `no pong within ${pingTimeoutMs(t.group)} ms of a WebSocket ping; the station closed the connection (${t.attemptUrl})`);
  }
  if (t.silenced) {
    // A paused socket may never report its close: handle it now.
    t.faults?.pauseTally?.add('detectedByPing');
    t.terminateNow(ws);
    return;
  }
  terminate(ws);
}

export function sendPing(t: Transport, now: number): void {
  const ws = t.ws;
  const timeout = pingTimeoutMs(t.group);
  if (timeout <= 0 || ws === null || ws.readyState !== SOCKET_OPEN) return;
  // Half-open: the ping goes nowhere, and its pong never comes.
  if (!t.silenced) ws.ping();
  t.pongDeadline = now + timeout;
  t.slots.set(TimerKind.Ping, t.pongDeadline);
}

/** A pong on the transport's socket: the next ping an interval from now. */
export function pongReceived(t: Transport): void {
  if (t.pongDeadline < 0) return;
  t.pongDeadline = -1;
  const interval = pingIntervalMs(t.group);
  if (interval > 0) t.slots.set(TimerKind.Ping, t.ctx.now() + interval);
  else t.slots.clear(TimerKind.Ping);
}
