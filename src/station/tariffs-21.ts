import { isDeepStrictEqual } from 'node:util';

/**
 * The default tariffs and transaction tariffs of an OCPP 2.1 station (Part 2, "I. Tariff and
 * cost": SetDefaultTariff, GetTariffs, ClearTariffs, ChangeTransactionTariff). Requests arrive
 * checked against their schema, so they are read as the types below without checking again.
 */

export interface StatusInfo {
  reasonCode: string;
  additionalInfo?: string;
}

/** A price list of a tariff: only its length matters here (TariffCostCtrlr.MaxElements). */
interface PriceList {
  prices: readonly object[];
}

/** The fields of TariffType this station reads; the rest is kept as the CSMS sent it. */
export interface Tariff {
  tariffId: string;
  currency: string;
  validFrom?: string;
  energy?: PriceList;
  chargingTime?: PriceList;
  idleTime?: PriceList;
  fixedFee?: PriceList;
  reservationTime?: PriceList;
  reservationFixed?: PriceList;
}

const PRICE_LISTS = ['energy', 'chargingTime', 'idleTime', 'fixedFee', 'reservationTime', 'reservationFixed'] as const;

/**
 * TariffCostCtrlr.MaxElements[Tariff]: price elements a station stores per price list. A real
 * station's tariff memory is small; refusing beyond it also bounds what one tariff may hold.
 */
export const MAX_TARIFF_ELEMENTS = 16;

export type TariffSetStatus = 'Accepted' | 'Rejected' | 'TooManyElements' | 'ConditionNotSupported' | 'DuplicateTariffId';
export type TariffChangeStatus = 'Accepted' | 'Rejected' | 'TooManyElements' | 'ConditionNotSupported' | 'TxNotFound' | 'NoCurrencyChange';

export interface TariffAssignment {
  tariffId: string;
  tariffKind: 'DefaultTariff' | 'DriverTariff';
  validFrom?: string;
  evseIds?: number[];
}

export interface GetTariffsResponse {
  status: 'Accepted' | 'Rejected' | 'NoTariff';
  statusInfo?: StatusInfo;
  tariffAssignments?: TariffAssignment[];
}

export interface ClearTariffsResult {
  tariffId?: string;
  status: 'Accepted' | 'Rejected' | 'NoTariff';
  statusInfo?: StatusInfo;
}

/** Shared by many answers, so frozen: the encoder only reads it. */
export const UNKNOWN_EVSE: StatusInfo = Object.freeze({ reasonCode: 'UnknownEVSE' });

/** Why a tariff cannot be stored, or undefined when it can: no prices at all, or too many. */
export function tariffProblem(tariff: Tariff): { status: 'Rejected' | 'TooManyElements'; statusInfo?: StatusInfo } | undefined {
  const lists = PRICE_LISTS.map((name) => tariff[name]).filter((list): list is PriceList => list !== undefined);
  if (lists.length === 0) return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue', additionalInfo: 'tariff has no prices' } };
  if (lists.some((list) => list.prices.length > MAX_TARIFF_ELEMENTS)) return { status: 'TooManyElements' };
  return undefined;
}

/**
 * One default tariff per EVSE: a SetDefaultTariff for an EVSE replaces the one it had, evseId 0
 * sets it on every EVSE. A tariff is kept only while an EVSE uses it, so the store never holds
 * more than one tariff per EVSE, however many tariffs a CSMS sends.
 */
export class DefaultTariffs {
  /** Index i: the tariffId of EVSE i + 1. */
  private readonly byEvse: (string | undefined)[] = [];
  private readonly byId = new Map<string, Tariff>();

  /** The default tariff of EVSE `evseId` (1-based), if it has one. */
  tariffOf(evseId: number): Tariff | undefined {
    const id = this.byEvse[evseId - 1];
    return id === undefined ? undefined : this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  set(evseId: number, tariff: Tariff, evseCount: number): { status: TariffSetStatus; statusInfo?: StatusInfo } {
    if (evseId > evseCount) return { status: 'Rejected', statusInfo: UNKNOWN_EVSE };
    const problem = tariffProblem(tariff);
    if (problem !== undefined) return problem;
    // A tariffId names one tariff on the whole station: the same id with other content is refused.
    const known = this.byId.get(tariff.tariffId);
    if (known !== undefined && !isDeepStrictEqual(known, tariff)) return { status: 'DuplicateTariffId' };
    for (const evse of targetEvses(evseId, evseCount)) this.byEvse[evse - 1] = tariff.tariffId;
    this.byId.set(tariff.tariffId, tariff);
    this.forgetUnused();
    return { status: 'Accepted' };
  }

  /** GetTariffs: evseId 0 asks for every EVSE's. */
  get(evseId: number, evseCount: number): GetTariffsResponse {
    if (evseId > evseCount) return { status: 'Rejected', statusInfo: UNKNOWN_EVSE };
    const assignments: TariffAssignment[] = [];
    for (const [tariffId, tariff] of this.byId) {
      const evseIds = this.evsesOf(tariffId).filter((evse) => evseId === 0 || evse === evseId);
      if (evseIds.length === 0) continue;
      const assignment: TariffAssignment = { tariffId, tariffKind: 'DefaultTariff', evseIds };
      if (tariff.validFrom !== undefined) assignment.validFrom = tariff.validFrom;
      assignments.push(assignment);
    }
    return assignments.length === 0 ? { status: 'NoTariff' } : { status: 'Accepted', tariffAssignments: assignments };
  }

  /**
   * ClearTariffs: the tariffs named (all when none is), at one EVSE when evseId is given and not 0
   * (else everywhere), one result per tariff; a single NoTariff when there was nothing to clear.
   */
  clear(tariffIds: readonly string[] | undefined, evseId: number | undefined, evseCount: number): ClearTariffsResult[] {
    if (evseId !== undefined && evseId > evseCount) {
      return (tariffIds ?? [undefined]).map((tariffId) => withId({ status: 'Rejected', statusInfo: UNKNOWN_EVSE }, tariffId));
    }
    const evses = targetEvses(evseId ?? 0, evseCount);
    const named = tariffIds ?? [...this.byId.keys()];
    const results = named.map((tariffId): ClearTariffsResult => {
      const cleared = this.unassign(tariffId, evses);
      return { tariffId, status: cleared ? 'Accepted' : 'NoTariff' };
    });
    this.forgetUnused();
    return results.length === 0 ? [{ status: 'NoTariff' }] : results;
  }

  private evsesOf(tariffId: string): number[] {
    const evses: number[] = [];
    this.byEvse.forEach((id, i) => {
      if (id === tariffId) evses.push(i + 1);
    });
    return evses;
  }

  private unassign(tariffId: string, evses: readonly number[]): boolean {
    let cleared = false;
    for (const evse of evses) {
      if (this.byEvse[evse - 1] !== tariffId) continue;
      this.byEvse[evse - 1] = undefined;
      cleared = true;
    }
    return cleared;
  }

  private forgetUnused(): void {
    const used = new Set(this.byEvse);
    for (const id of this.byId.keys()) if (!used.has(id)) this.byId.delete(id);
  }
}

function targetEvses(evseId: number, evseCount: number): number[] {
  if (evseId !== 0) return [evseId];
  return Array.from({ length: evseCount }, (_, i) => i + 1);
}

function withId(result: ClearTariffsResult, tariffId: string | undefined): ClearTariffsResult {
  return tariffId === undefined ? result : { tariffId, ...result };
}

/**
 * Tariffs a ChangeTransactionTariff gave to running transactions. Only transactions still running
 * are kept (the caller passes them on every call), so the map is bounded by the EVSEs.
 */
export class TransactionTariffs {
  private readonly byTransaction = new Map<string, Tariff>();

  tariffOf(transactionId: string): Tariff | undefined {
    return this.byTransaction.get(transactionId);
  }

  get size(): number {
    return this.byTransaction.size;
  }

  change(transactionId: string, tariff: Tariff, running: readonly string[]): { status: TariffChangeStatus; statusInfo?: StatusInfo } {
    forgetEnded(this.byTransaction, running);
    if (!running.includes(transactionId)) return { status: 'TxNotFound' };
    const problem = tariffProblem(tariff);
    if (problem !== undefined) return problem;
    // The currency of a running transaction cannot change (its cost so far is in that currency).
    const current = this.byTransaction.get(transactionId);
    if (current !== undefined && current.currency !== tariff.currency) return { status: 'NoCurrencyChange' };
    this.byTransaction.set(transactionId, tariff);
    return { status: 'Accepted' };
  }
}

/** Drop the entries of transactions that are no longer running. */
export function forgetEnded<V>(byTransaction: Map<string, V>, running: readonly string[]): void {
  for (const id of byTransaction.keys()) if (!running.includes(id)) byTransaction.delete(id);
}
