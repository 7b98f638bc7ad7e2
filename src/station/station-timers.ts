/**
 * A station's timer slots on the worker's one scheduler, and the states of its connection. Plain
 * constants, in their own file so that every layer of the station (socket, faults, link, sessions)
 * reads them from one place.
 */

/** Timer kinds of a station; connector k (1-based) uses ConnectorBase + k - 1. */
export const enum TimerKind {
  Connect = 0,
  Boot = 1,
  Heartbeat = 2,
  CallTimeout = 3,
  Close = 4,
  /** End of run: stop the running transactions (spread over the fleet, see `windDownAt`). */
  WindDown = 5,
  /** WebSocket keep-alive: send the next ping, or give up on the one that is out (see `onPingTimer`). */
  Ping = 6,
  /** A close the peer has not completed in time: terminate the socket. */
  CloseDeadline = 7,
  /** Faults timeline: a flapping connection's up-time is over. */
  FaultFlap = 8,
  /** Faults timeline: a half-open pause ends. */
  FaultResume = 9,
  /** Faults timeline: the oldest bad frame's answer is due. */
  FaultMalformed = 10,
  /** OCPP 2.1: the next reading of the station's periodic event streams (streams-21.ts). */
  Stream = 11,
  ConnectorBase = 12,
}
export const TIMER_SLOTS = 64;

export const enum StationState {
  Idle = 0,
  Connecting = 1,
  /** Open, BootNotification sent or about to be. */
  Booting = 2,
  Pending = 3,
  Rejected = 4,
  Accepted = 5,
  Closing = 6,
  Stopped = 7,
}

/** What follows a close the station asked for (Unplanned: the peer or the network closed it). */
export const enum AfterClose {
  Unplanned = 0,
  /** Reset done, or the end of the run: no reconnect. */
  Stop = 1,
  /** Reset or a script's reboot: reconnect shortly and boot again (a new boot cycle). */
  Reboot = 2,
  /** A script's disconnect: reconnect after the group's backoff. */
  Reconnect = 3,
  /** A script's reconnect: at once. */
  ReconnectNow = 4,
}
