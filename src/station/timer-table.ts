import type { Station } from './station';
import { AfterClose, TimerKind } from './station-timers';

/** What a timer slot does when it fires: `at` is its due time, `kind` its slot. */
type TimerAction = (s: Station, at: number, kind: number) => void;

/**
 * Every timer of a station, in one table indexed by TimerKind: which part it belongs to and what
 * it does, read in one place. Plain functions shared by all stations (no closure per station);
 * slots from ConnectorBase on are the connectors' (CONNECTOR_TIMER).
 */
export const TIMER_TABLE: readonly TimerAction[] = [
  /* Connect */ (s) => s.link.transport.connect(),
  /* Boot: again after Pending, Rejected or no answer */ (s, at) => s.link.boot.send(at, true),
  /* Heartbeat */ (s, at) => s.link.boot.heartbeat(at),
  /* CallTimeout */ (s, at) => s.link.callTimeoutTimer(at),
  /* Close */ (s) => s.link.closeSocket(AfterClose.Stop),
  /* WindDown: end of run */ (s) => s.charging.stopAllSessions('Local'),
  /* Ping: keep-alive, half-open detection */ (s, at) => s.link.transport.onPingTimer(at),
  /* CloseDeadline */ (s) => s.link.transport.closeDeadline(),
  /* FaultFlap */ (s, at, kind) => s.link.transport.faults?.onTimer(kind, at),
  /* FaultResume */ (s, at, kind) => s.link.transport.faults?.onTimer(kind, at),
  /* FaultMalformed */ (s, at, kind) => s.link.transport.faults?.onTimer(kind, at),
  /* Stream: OCPP 2.1's periodic event streams */ (s, at) => s.version.onStreamTimer?.(at),
];

/** A connector's slot: a vehicle arrives, or the step of its running script resumes. */
export const CONNECTOR_TIMER: TimerAction = (s, at, kind) => s.charging.connectorTimer(kind - TimerKind.ConnectorBase, at);
