import type { JsonObject } from '../ocpp';
import { answerOf, emptyAnswer, nowIso, requestAs, type Handler, type HandlerScope } from './handlers-common';
import { HANDLERS_201 } from './handlers-201';

/**
 * Answers to what an OCPP 2.1 station sends: 2.0.1's answers, shared, and those to the messages
 * 2.1 adds (OCPP 2.1 Part 2). The CSMS stores none of what these messages report (DER alarms,
 * settlements, priority charging): a load test only needs each one answered, as fast as a
 * backend that takes note would.
 */

interface StatusInfo {
  reasonCode: string;
  additionalInfo?: string;
}

interface GenericStatusAnswer {
  status: 'Accepted' | 'Rejected';
  statusInfo?: StatusInfo;
}

type HashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';
type StatusSource = 'CRL' | 'OCSP';

interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

interface GetCertificateChainStatusRequest {
  certificateStatusRequests: { certificateHashData: CertificateHashData; source: StatusSource; urls: string[] }[];
}

interface GetCertificateChainStatusResponse {
  certificateStatus: {
    certificateHashData: CertificateHashData;
    source: StatusSource;
    status: 'Good' | 'Revoked' | 'Unknown' | 'Failed';
    nextUpdate: string;
  }[];
}

interface VatNumberValidationRequest {
  vatNumber: string;
  evseId?: number;
}

interface VatNumberValidationResponse extends GenericStatusAnswer {
  vatNumber: string;
  evseId?: number;
}

interface PullDynamicScheduleUpdateRequest {
  chargingProfileId: number;
}

const ACCEPTED: JsonObject = answerOf<GenericStatusAnswer>(Object.freeze({ status: 'Accepted' }));

/** The station opens a stream of its monitored values: taken (the CSMS only counts what arrives). */
function openPeriodicEventStream(): JsonObject {
  return ACCEPTED;
}

/**
 * Like GetCertificateStatus in 2.0.1: with no CRL or OCSP access this CSMS cannot tell, so every
 * certificate asked about is Failed, echoed with its hash and source so the station can match the
 * answers. nextUpdate is now: a Failed status holds for no time at all.
 */
function getCertificateChainStatus(_scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<GetCertificateChainStatusRequest>(payload);
  const nextUpdate = nowIso();
  const certificateStatus = request.certificateStatusRequests.map(({ certificateHashData: hash, source }) => ({
    certificateHashData: {
      hashAlgorithm: hash.hashAlgorithm,
      issuerNameHash: hash.issuerNameHash,
      issuerKeyHash: hash.issuerKeyHash,
      serialNumber: hash.serialNumber,
    },
    source,
    status: 'Failed' as const,
    nextUpdate,
  }));
  return answerOf<GetCertificateChainStatusResponse>({ certificateStatus });
}

/**
 * This CSMS sends no charging profile at all (its own calls are the mix of call-rate.ts), so it
 * has no dynamic schedule to update for any profile id the station names.
 */
function pullDynamicScheduleUpdate(_scope: HandlerScope, payload: JsonObject): JsonObject {
  const { chargingProfileId } = requestAs<PullDynamicScheduleUpdateRequest>(payload);
  return answerOf<GenericStatusAnswer>({
    status: 'Rejected',
    statusInfo: { reasonCode: 'NotFound', additionalInfo: `no dynamic charging profile ${chargingProfileId}` },
  });
}

/** An EU VAT number: a two-letter country prefix and 2 to 13 letters, digits, '+' or '*'. */
const VAT_NUMBER = /^[A-Z]{2}[0-9A-Z+*]{2,13}$/;

/**
 * A real CSMS asks the tax registry (VIES in the EU); this one judges the format only, so a
 * scenario gets Accepted for a well-formed number and Rejected otherwise. The request's number
 * and EVSE are echoed, as the response requires.
 */
function vatNumberValidation(_scope: HandlerScope, payload: JsonObject): JsonObject {
  const request = requestAs<VatNumberValidationRequest>(payload);
  const valid = VAT_NUMBER.test(request.vatNumber.toUpperCase());
  const response: VatNumberValidationResponse = valid
    ? { vatNumber: request.vatNumber, status: 'Accepted' }
    : { vatNumber: request.vatNumber, status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue' } };
  if (request.evseId !== undefined) response.evseId = request.evseId;
  return answerOf(response);
}

/**
 * The answers to what only 2.1 stations send. BatterySwap cannot be refused (its answer is empty);
 * the DER, priority and settlement notices are taken note of; NotifySettlement's answer may carry
 * a receipt, which this CSMS does not issue.
 */
const NEW_IN_21: readonly (readonly [string, Handler])[] = [
  ['BatterySwap', emptyAnswer],
  ['ClosePeriodicEventStream', emptyAnswer],
  ['GetCertificateChainStatus', getCertificateChainStatus],
  ['NotifyDERAlarm', emptyAnswer],
  ['NotifyDERStartStop', emptyAnswer],
  ['NotifyPriorityCharging', emptyAnswer],
  ['NotifySettlement', emptyAnswer],
  ['OpenPeriodicEventStream', openPeriodicEventStream],
  ['PullDynamicScheduleUpdate', pullDynamicScheduleUpdate],
  ['ReportDERControl', emptyAnswer],
  ['VatNumberValidation', vatNumberValidation],
];

export const HANDLERS_21: ReadonlyMap<string, Handler> = new Map<string, Handler>([...HANDLERS_201, ...NEW_IN_21]);
