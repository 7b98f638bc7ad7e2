import type { JsonObject, SendVerdict } from '../ocpp';
import type { Connector, Transaction } from './connector';
import type { CallTag, Outlet } from './outlet';
import type { Station } from './station';
import type { StreamParams } from './streams-21';
import { Version16 } from './version-16';
import { Version201 } from './version-201';

/** Why a station boots again: a cold boot (power cut, watchdog) or a reset (its own, or the CSMS's). */
export type RebootCause = 'PowerLoss' | 'Reboot' | 'LocalReset' | 'RemoteReset';

/**
 * What one OCPP version puts on the wire and how it answers the CSMS, held by the station as an
 * object (version-16.ts, version-201.ts), as the embedded CSMS holds its handler tables. The
 * station decides when (its sessions, its boot, its timers); this object decides what is said:
 * every message a station's charging and answers put on the wire is written in one of the two
 * files. Methods of a prototype shared by every station of a version: no closure per message.
 */
export interface StationVersion {
  bootPayload(): JsonObject;
  /** An accepted boot: what the version says first, before the station reports its statuses. */
  accepted(now: number): void;
  /** Report every connector's current status (after boot, and on request). */
  reportAllStatus(due: number): void;
  /** A vehicle plugs in: status Preparing (1.6) / Occupied (2.0.1). */
  reportPlugIn(c: Connector, due: number): void;
  /** Authorize the session's tag (`c.pendingTag`); the answer comes to the station's `onAuthorized`. */
  authorize(c: Connector, due: number): void;
  startTransaction(c: Connector, idTag: string, due: number): void;
  sendMeterValues(c: Connector, tx: Transaction, due: number): void;
  /** Charging suspended or resumed (`c.suspended`): 1.6 StatusNotification, 2.0.1 TransactionEvent Updated. */
  reportChargingState(c: Connector, tx: Transaction, due: number): void;
  stopTransaction(c: Connector, tx: Transaction, reason: string, due: number): void;
  /** Status reporting when the vehicle leaves; `reportedFinishing`: the stop already said Finishing. */
  afterRelease(c: Connector, now: number, reportedFinishing: boolean): void;
  /** Whether an Authorize answer accepts the tag (1.6 idTagInfo, 2.0.1 idTokenInfo). */
  authorizeAccepted(payload: JsonObject): boolean;
  /** Answers to the version's own transaction messages. */
  onTransactionResult(action: string, payload: JsonObject, tag: CallTag): void;
  /** Whether a queued call must survive a disconnect (transaction messages are queued offline). */
  isTransactionMessage(action: string, tag: CallTag): boolean;
  /** A queued call is leaving: the version may patch it (1.6 transaction ids) or drop it. */
  beforeSend(action: string, payload: JsonObject, tag: CallTag): SendVerdict;
  /** The answer to a CSMS CALL (undefined: NotImplemented). */
  onIncoming(action: string, payload: JsonObject): JsonObject | undefined;
  /** The answer is on the wire: what the call asked for beyond it happens now. */
  afterIncoming(action: string): void;
  /** The reason the next BootNotification gives (2.0.1 BootReasonEnumType; 1.6's boot carries none). */
  nextBootAfter(cause: RebootCause): void;
  /** Where its CALLs leave: the station's link, or what a test put around it. */
  readonly outlet: Outlet;
  /** OCPP 2.1: a script's `stream` step opens a periodic event stream of the connector's power. */
  openStream?(c: Connector, params: StreamParams, due: number): void;
  /** OCPP 2.1: the station's stream timer fired. */
  onStreamTimer?(at: number): void;
  /** OCPP 2.1 V2X: the connector started (`c.dischargeW` > 0) or stopped giving energy back. */
  reportDischarge?(c: Connector, tx: Transaction, due: number): void;
}

/** Makes a station's version object (tests pass one that records what the station says). */
export type VersionFactory = (s: Station) => StationVersion;

/** The version object of the station's group, saying its CALLs through `outlet` (the link unless a test says). */
export function versionOf(s: Station, outlet: Outlet = s.link): StationVersion {
  return s.group.version === '1.6' ? new Version16(s, outlet) : new Version201(s, outlet);
}
