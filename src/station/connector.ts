/**
 * One connector (1.6) or EVSE with one connector (2.0.1) and the charging session on it. Plain
 * fields, no methods that allocate: a station holds one per connector for the whole run.
 */
export const enum Phase {
  /** Nothing plugged in; the next session arrives at the connector's timer. */
  Idle = 0,
  /** Plugged in, waiting for the Authorize answer. */
  Authorizing = 1,
  /** Transaction running (its start message sent or queued). */
  Charging = 2,
  /** Stop message sent or queued; back to Idle once the connector is released. */
  Finishing = 3,
}

export interface Transaction {
  /** 2.0.1: the station creates the id; 1.6: a local name until the CSMS assigns its integer. */
  readonly localId: string;
  /** 1.6 only: the id from StartTransaction.conf; undefined until it arrives. */
  csmsId: number | undefined;
  readonly idTag: string;
  readonly startedAt: number;
  /** When the session is planned to end (monotonic ms). */
  endsAt: number;
  readonly meterStartWh: number;
  /** 2.0.1: sequence number of the next TransactionEvent of this transaction. */
  seqNo: number;
  /** 2.0.1: the remoteStartId of the RequestStartTransaction that started it, if any. */
  readonly remoteStartId: number | undefined;
  ended: boolean;
}

export class Connector {
  phase = Phase.Idle;
  /** Operative unless ChangeAvailability made it Inoperative. */
  operative = true;
  /** Energy register in Wh: monotonic over the whole run, as a real meter. */
  energyWh = 0;
  /** Instantaneous power while charging, W. */
  powerW = 0;
  /** When energyWh was last brought up to date (monotonic ms). */
  energyAt = 0;
  tx: Transaction | null = null;
  /** Id tag presented for the session being authorized. */
  pendingTag = '';
  /** Set when a remote start request is being honoured (skips local authorization). */
  pendingRemoteStartId: number | undefined = undefined;
  /** A charging limit from SetChargingProfile, W; undefined when none. */
  limitW: number | undefined = undefined;
  sessionsStarted = 0;

  constructor(readonly id: number) {}

  /** Bring the energy register up to `now`. */
  advance(now: number): void {
    if (this.powerW > 0 && now > this.energyAt) this.energyWh += (this.powerW * (now - this.energyAt)) / 3_600_000;
    this.energyAt = now;
  }
}
