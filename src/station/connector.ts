import type { ScriptStep } from '../scenario/script';
import type { PlannedSession, SessionCursor } from '../scenario/sessions';

/**
 * One connector (1.6) or EVSE with one connector (2.0.1) and the charging session on it. Plain
 * fields, no methods that allocate: a station holds one per connector for the whole run.
 */
export const enum Phase {
  /** Nothing plugged in; the next session arrives at the connector's timer. */
  Idle = 0,
  /** Plugged in, no transaction yet (1.6 Preparing): authorizing, or waiting for a start step. */
  Authorizing = 1,
  /** Transaction running (its start message sent or queued). */
  Charging = 2,
  /** Stop message sent or queued, the vehicle still plugged in; back to Idle when it leaves (unplug). */
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

/** A transaction starting on `c` now, with the meter's reading as its start; it becomes `c.tx`. */
export function openTransaction(c: Connector, localId: string, idTag: string, at: number): Transaction {
  const tx: Transaction = {
    localId,
    csmsId: undefined,
    idTag,
    startedAt: at,
    endsAt: at,
    meterStartWh: Math.floor(c.energyWh),
    seqNo: 0,
    remoteStartId: c.pendingRemoteStartId,
    ended: false,
  };
  c.tx = tx;
  return tx;
}

const NO_STEPS: readonly ScriptStep[] = Object.freeze([]);

export class Connector {
  phase = Phase.Idle;
  /** Operative unless ChangeAvailability made it Inoperative. */
  operative = true;
  /** Energy register in Wh: monotonic over the whole run, as a real meter. */
  energyWh = 0;
  /** Power of the running session once ramped up, W (the group's, or a CSMS limit below it); 0 when idle. */
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
  /** This connector's planned sessions; created when the station first schedules one. */
  cursor: SessionCursor | undefined = undefined;
  /** The planned session whose vehicle is due next (kept while the connector is busy or the station down). */
  next: PlannedSession | undefined = undefined;
  /** The planned session running now; undefined for a session the CSMS started. */
  planned: PlannedSession | undefined = undefined;
  /** When the running session began to draw power (monotonic ms); its power rises over `rampMs` from there. */
  chargeFrom = 0;
  /** Ramp-up of the power at the start of a session, real ms (0: full power at once). */
  rampMs = 0;
  /** Scenario time per real time: the register counts scenario energy, so it grows this much faster. */
  energyScale = 1;
  /** State of charge of the EV on arrival (%), and the register then; undefined when the EV is not modelled. */
  startSoc: number | undefined = undefined;
  sessionFromWh = 0;
  /** OCPP 2.1 V2X: the energy the EV gave back, Wh (Energy.Active.Export.Register), and the power it gives now, W (0: not discharging). */
  exportWh = 0;
  dischargeW = 0;
  /** The export register when the running session began (the EV's state of charge falls by what it gave back since). */
  sessionExportFromWh = 0;
  /** The script of the session on this connector (read-only, shared by the group's stations). */
  script: readonly ScriptStep[] = NO_STEPS;
  /** Index of the step running in `script`; -1: no session (the connector waits for its next vehicle). */
  step = -1;
  /**
   * State of the running step: -1 until it has begun; for a timed step (wait, meterValues) that it
   * has armed the connector's timer, and for a counted meterValues how many are left to send.
   */
  stepLeft = -1;
  /** An Authorize answer is awaited for the running step. */
  awaitingAuth = false;
  /** '' while charging; `SuspendedEV` or `SuspendedEVSE` while a script has suspended it. */
  suspended: '' | 'SuspendedEV' | 'SuspendedEVSE' = '';

  constructor(readonly id: number) {}

  /** Free for a new session: nothing plugged in and no script running (a script may wait before plugIn). */
  get free(): boolean {
    return this.phase === Phase.Idle && this.step < 0;
  }

  /** Instantaneous power at `t`: rising linearly over the ramp, then `powerW`. */
  powerAt(t: number): number {
    if (this.rampMs <= 0 || t >= this.chargeFrom + this.rampMs) return this.powerW;
    return (this.powerW * Math.max(0, t - this.chargeFrom)) / this.rampMs;
  }

  /** Bring the energy register up to `now` (exact on the ramp: the power is linear in time there). */
  advance(now: number): void {
    const from = this.energyAt;
    if (this.powerW > 0 && now > from) {
      const rampEnd = this.chargeFrom + this.rampMs;
      const mid = Math.min(now, Math.max(from, rampEnd));
      const wattMs = ((this.powerAt(from) + this.powerAt(mid)) / 2) * (mid - from) + this.powerW * (now - mid);
      this.energyWh += (wattMs * this.energyScale) / 3_600_000;
    }
    if (this.dischargeW > 0 && now > from) this.exportWh += (this.dischargeW * (now - from) * this.energyScale) / 3_600_000;
    this.energyAt = now;
  }

  /** State of charge now (%), from the energy delivered since arrival; undefined when the EV is not modelled. */
  socPercent(capacityWh: number): number | undefined {
    if (this.startSoc === undefined || !(capacityWh > 0)) return undefined;
    const netWh = this.energyWh - this.sessionFromWh - (this.exportWh - this.sessionExportFromWh);
    return Math.max(0, Math.min(100, this.startSoc + (100 * netWh) / capacityWh));
  }
}
