import type { JsonObject } from '../ocpp/frame';
import { DERControls, derReport, type DERControlFilter, type SetDERControlRequest } from './der-21';
import { DefaultTariffs, forgetEnded, TransactionTariffs, type StatusInfo, type Tariff } from './tariffs-21';

/**
 * Answers of an OCPP 2.1 station to the calls 2.1 adds to 2.0.1 on the CSMS side (Part 2: I.
 * tariffs, K. dynamic schedules and priority charging, R. DER control, the battery swap and web
 * payment). Kept apart from the 2.0.1 station so it is a pure function of its state and the
 * request: the caller passes what it knows of the station (`Answer21Context`) and answers
 * NotImplemented when `answer21` returns undefined. AdjustPeriodicEventStream and
 * GetPeriodicEventStream belong with the event streams, not here.
 */

export interface Answer21Context {
  readonly evseCount: number;
  /** The transactions running now, by their OCPP transactionId. */
  readonly transactionIds: readonly string[];
}

interface AdditionalInfo {
  additionalIdToken: string;
  type: string;
}

/** IdTokenType as 2.1 defines it (its type is a string, no longer an enum). */
export interface IdToken21 {
  idToken: string;
  type: string;
  additionalInfo?: AdditionalInfo[];
}

type GenericStatus = 'Accepted' | 'Rejected';

interface StatusAnswer<S extends string = GenericStatus> {
  status: S;
  statusInfo?: StatusInfo;
}

type ScheduleValue = 'limit' | 'dischargeLimit' | 'setpoint' | 'setpointReactive';

/** ChargingScheduleUpdateType: the values of the current period of a dynamic charging profile. */
type ChargingScheduleUpdate = Readonly<Partial<Record<ScheduleValue | `${ScheduleValue}_L2` | `${ScheduleValue}_L3`, number>>>;

interface ScheduleUpdate {
  readonly chargingProfileId: number;
  readonly scheduleUpdate: ChargingScheduleUpdate;
}

interface AllowedEnergyTransfer {
  readonly transactionId: string;
  readonly allowedEnergyTransfer: readonly string[];
}

/**
 * What the 2.1 calls set on one station. Everything is bounded whatever the CSMS sends: one
 * default tariff per EVSE, per-transaction data only for the transactions still running, at most
 * MAX_DER_CONTROLS DER controls, and only the last dynamic schedule and energy transfer modes.
 */
export class Station21State {
  readonly defaultTariffs = new DefaultTariffs();
  readonly transactionTariffs = new TransactionTariffs();
  readonly derControls = new DERControls();
  private readonly priority = new Map<string, true>();
  private lastSchedule: ScheduleUpdate | undefined;
  private lastEnergyTransfer: AllowedEnergyTransfer | undefined;
  private lastAfrrSignal: number | undefined;

  isPriorityCharging(transactionId: string): boolean {
    return this.priority.has(transactionId);
  }

  get priorityTransactions(): number {
    return this.priority.size;
  }

  get dynamicSchedule(): ScheduleUpdate | undefined {
    return this.lastSchedule;
  }

  get allowedEnergyTransfer(): AllowedEnergyTransfer | undefined {
    return this.lastEnergyTransfer;
  }

  /** The last aFRR activation signal (automatic frequency restoration reserve), as the CSMS sent it. */
  get afrrSignal(): number | undefined {
    return this.lastAfrrSignal;
  }

  setPriority(transactionId: string, active: boolean, running: readonly string[]): void {
    forgetEnded(this.priority, running);
    if (active) this.priority.set(transactionId, true);
    else this.priority.delete(transactionId);
  }

  setSchedule(update: ScheduleUpdate): void {
    this.lastSchedule = update;
  }

  setEnergyTransfer(transfer: AllowedEnergyTransfer): void {
    this.lastEnergyTransfer = transfer;
  }

  setAfrrSignal(signal: number): void {
    this.lastAfrrSignal = signal;
  }
}

function asRequest<R extends object>(payload: JsonObject): R {
  return payload as object as R;
}

/** A response or request built as its OCPP type, handed over as a plain JSON object. */
function json<R extends object>(message: R): JsonObject {
  return message as object as JsonObject;
}

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;
const ACCEPTED: JsonObject = Object.freeze({ status: 'Accepted' }) as JsonObject;

/** The reason code of OCPP's list for a transaction the station does not know. */
const TX_NOT_FOUND: StatusInfo = Object.freeze({ reasonCode: 'TxNotFound' });

type Answerer = (state: Station21State, payload: JsonObject, ctx: Answer21Context) => JsonObject;

function setDefaultTariff(state: Station21State, payload: JsonObject, ctx: Answer21Context): JsonObject {
  const request = asRequest<{ evseId: number; tariff: Tariff }>(payload);
  return json(state.defaultTariffs.set(request.evseId, request.tariff, ctx.evseCount));
}

function getTariffs(state: Station21State, payload: JsonObject, ctx: Answer21Context): JsonObject {
  return json(state.defaultTariffs.get(asRequest<{ evseId: number }>(payload).evseId, ctx.evseCount));
}

function clearTariffs(state: Station21State, payload: JsonObject, ctx: Answer21Context): JsonObject {
  const request = asRequest<{ tariffIds?: string[]; evseId?: number }>(payload);
  return json({ clearTariffsResult: state.defaultTariffs.clear(request.tariffIds, request.evseId, ctx.evseCount) });
}

function changeTransactionTariff(state: Station21State, payload: JsonObject, ctx: Answer21Context): JsonObject {
  const request = asRequest<{ transactionId: string; tariff: Tariff }>(payload);
  return json(state.transactionTariffs.change(request.transactionId, request.tariff, ctx.transactionIds));
}

function setDERControl(state: Station21State, payload: JsonObject): JsonObject {
  return json(state.derControls.set(asRequest<SetDERControlRequest>(payload)));
}

function getDERControl(state: Station21State, payload: JsonObject): JsonObject {
  const found = state.derControls.matching(asRequest<DERControlFilter>(payload)).length > 0;
  return json<StatusAnswer<'Accepted' | 'NotFound'>>({ status: found ? 'Accepted' : 'NotFound' });
}

function clearDERControl(state: Station21State, payload: JsonObject): JsonObject {
  return json<StatusAnswer<'Accepted' | 'NotFound'>>({ status: state.derControls.clear(asRequest<DERControlFilter>(payload)) });
}

/**
 * Priority charging is asked for a transaction: one not running is refused with TxNotFound, since
 * the schema has no status of its own for it (NoProfile is for a station without such a profile).
 */
function usePriorityCharging(state: Station21State, payload: JsonObject, ctx: Answer21Context): JsonObject {
  const request = asRequest<{ transactionId: string; activate: boolean }>(payload);
  if (!ctx.transactionIds.includes(request.transactionId)) {
    return json<StatusAnswer<'Accepted' | 'Rejected' | 'NoProfile'>>({ status: 'Rejected', statusInfo: TX_NOT_FOUND });
  }
  state.setPriority(request.transactionId, request.activate, ctx.transactionIds);
  return ACCEPTED;
}

/** The modes are those of one transaction (ISO 15118-20 renegotiation): none to apply without it. */
function notifyAllowedEnergyTransfer(state: Station21State, payload: JsonObject, ctx: Answer21Context): JsonObject {
  const request = asRequest<AllowedEnergyTransfer>(payload);
  if (!ctx.transactionIds.includes(request.transactionId)) return json<StatusAnswer>({ status: 'Rejected', statusInfo: TX_NOT_FOUND });
  state.setEnergyTransfer({ transactionId: request.transactionId, allowedEnergyTransfer: request.allowedEnergyTransfer });
  return ACCEPTED;
}

function updateDynamicSchedule(state: Station21State, payload: JsonObject): JsonObject {
  const request = asRequest<ScheduleUpdate>(payload);
  state.setSchedule({ chargingProfileId: request.chargingProfileId, scheduleUpdate: request.scheduleUpdate });
  return ACCEPTED;
}

function afrrSignal(state: Station21State, payload: JsonObject): JsonObject {
  state.setAfrrSignal(asRequest<{ signal: number }>(payload).signal);
  return ACCEPTED;
}

/** The station unlocks a slot; the swap itself is reported by BatterySwap CALLs (batterySwapRequest). */
function requestBatterySwap(): JsonObject {
  return ACCEPTED;
}

/** NotifyWebPaymentStarted has an empty answer: the station only shows that a payment is under way. */
function notifyWebPaymentStarted(): JsonObject {
  return EMPTY;
}

const ANSWERS: ReadonlyMap<string, Answerer> = new Map<string, Answerer>([
  ['AFRRSignal', afrrSignal],
  ['ChangeTransactionTariff', changeTransactionTariff],
  ['ClearDERControl', clearDERControl],
  ['ClearTariffs', clearTariffs],
  ['GetDERControl', getDERControl],
  ['GetTariffs', getTariffs],
  ['NotifyAllowedEnergyTransfer', notifyAllowedEnergyTransfer],
  ['NotifyWebPaymentStarted', notifyWebPaymentStarted],
  ['RequestBatterySwap', requestBatterySwap],
  ['SetDERControl', setDERControl],
  ['SetDefaultTariff', setDefaultTariff],
  ['UpdateDynamicSchedule', updateDynamicSchedule],
  ['UsePriorityCharging', usePriorityCharging],
]);

/** Whether `action` is one of the 2.1 calls answered here (the caller builds its context only then). */
export function answers21(action: string): boolean {
  return ANSWERS.has(action);
}

/** The answer of a 2.1 station to `action`, or undefined when it is not one of the 2.1 calls handled here. */
export function answer21(state: Station21State, action: string, payload: JsonObject, ctx: Answer21Context): JsonObject | undefined {
  return ANSWERS.get(action)?.(state, payload, ctx);
}

/**
 * The ReportDERControlRequest that follows a GetDERControl answered Accepted (the report carries
 * what the answer only says exists), with the requestId the CSMS gave.
 */
export function derControlReport(state: Station21State, getRequest: JsonObject): JsonObject {
  const request = asRequest<DERControlFilter & { requestId: number }>(getRequest);
  return json(derReport(state.derControls, request.requestId, request));
}

/** State of charge of a battery taken in (depleted) and handed out (charged), in percent. */
const SOC_IN = 12;
const SOC_OUT = 96;
const SOH = 94;

/**
 * The BatterySwapRequest a station sends after a RequestBatterySwap it accepted, under the same
 * requestId and idToken: BatteryIn for the depleted battery put in slot `evseId`, BatteryOut for
 * the charged one taken out. The serial numbers follow the requestId so a run can be traced.
 */
export function batterySwapRequest(requestId: number, idToken: IdToken21, eventType: 'BatteryIn' | 'BatteryOut' = 'BatteryIn', evseId = 1): JsonObject {
  const batteryIn = eventType === 'BatteryIn';
  const battery = { evseId, serialNumber: `BAT-${requestId}-${batteryIn ? 'IN' : 'OUT'}`, soC: batteryIn ? SOC_IN : SOC_OUT, soH: SOH };
  return json({ eventType, requestId, idToken, batteryData: [battery] });
}
