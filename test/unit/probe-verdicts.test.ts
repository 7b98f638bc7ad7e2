import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { validatorsFor, OCPP_VERSIONS } from '../../src/ocpp';
import { plainTwin } from '../../src/probe/checks';
import { describeAnswer, describeConnect } from '../../src/probe/describe';
import { bootNotification, heartbeat, schemaInvalid, unsignedMeterValues } from '../../src/probe/payloads';
import { classifyConnectError } from '../../src/probe/socket';
import type { Answer, ConnectResult } from '../../src/probe/types';
import {
  accessFinding,
  duplicateIdFinding,
  plainUrlFinding,
  schemaInvalidFinding,
  secondConnectionFinding,
  tryPlainFinding,
  unsignedFinding,
} from '../../src/probe/verdicts';

/** The probe's verdict rules, fed literal observations: when in doubt, inconclusive, never protected. */

const OPEN: ConnectResult = { kind: 'open', protocol: 'ocpp1.6' };
const HTTP_401: ConnectResult = { kind: 'http', status: 401, statusText: 'Unauthorized' };
const HTTP_409: ConnectResult = { kind: 'http', status: 409, statusText: 'Conflict' };
const TIMEOUT: ConnectResult = { kind: 'timeout', ms: 5000 };
const TLS_ALERT: ConnectResult = { kind: 'failed', failure: 'tlsRefused', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' };
const UNTRUSTED: ConnectResult = { kind: 'failed', failure: 'tlsUntrusted', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' };
const RESET: ConnectResult = { kind: 'failed', failure: 'reset', code: 'ECONNRESET' };

const result = (payload: Record<string, unknown>): Answer => ({ kind: 'result', payload, schemaValid: true });
const callError = (code: string): Answer => ({ kind: 'error', code, description: 'no' });
const closed = (code: number): Answer => ({ kind: 'closed', close: { code, reason: '' } });
const timedOut: Answer = { kind: 'timeout', ms: 5000 };

describe('probe verdicts: access (no credentials, wrong password, unknown identity)', () => {
  it('an open socket with an Accepted or Pending boot is exposed', () => {
    assert.equal(accessFinding(OPEN, result({ status: 'Accepted' })).verdict, 'exposed');
    assert.equal(accessFinding(OPEN, result({ status: 'Pending' })).verdict, 'exposed');
  });
  it('an open socket whose boot is Rejected, refused or cut is protected', () => {
    assert.equal(accessFinding(OPEN, result({ status: 'Rejected' })).verdict, 'protected');
    assert.equal(accessFinding(OPEN, callError('SecurityError')).verdict, 'protected');
    assert.equal(accessFinding(OPEN, closed(1008)).verdict, 'protected');
  });
  it('HTTP refusals, TLS alerts and resets are protected', () => {
    for (const r of [HTTP_401, HTTP_409, TLS_ALERT, RESET]) assert.equal(accessFinding(r, undefined).verdict, 'protected', describeConnect(r));
    assert.match(accessFinding(HTTP_401, undefined).reason, /HTTP 401/);
  });
  it('a timeout, our own TLS refusal or an unanswered boot is inconclusive, never protected', () => {
    assert.equal(accessFinding(TIMEOUT, undefined).verdict, 'inconclusive');
    assert.equal(accessFinding(UNTRUSTED, undefined).verdict, 'inconclusive');
    assert.equal(accessFinding(OPEN, timedOut).verdict, 'inconclusive');
  });
});

describe('probe verdicts: plain ws://', () => {
  it('a ws:// URL that answers at all is exposed', () => {
    assert.equal(plainUrlFinding(OPEN).verdict, 'exposed');
    assert.equal(plainUrlFinding(HTTP_401).verdict, 'exposed');
  });
  it('--try-plain: an upgrade or a 401 over plain is exposed; a reset or another status is protected; a timeout is inconclusive', () => {
    assert.equal(tryPlainFinding(OPEN).verdict, 'exposed');
    assert.equal(tryPlainFinding(HTTP_401).verdict, 'exposed');
    assert.equal(tryPlainFinding({ kind: 'http', status: 400, statusText: 'Bad Request' }).verdict, 'protected');
    assert.equal(tryPlainFinding(RESET).verdict, 'protected');
    assert.equal(tryPlainFinding(TIMEOUT).verdict, 'inconclusive');
  });
  it('the plain twin of a wss:// URL keeps host, port and path (443 when none is named)', () => {
    assert.equal(plainTwin('wss://csms.example.com/ocpp'), 'ws://csms.example.com:443/ocpp');
    assert.equal(plainTwin('wss://127.0.0.1:9000'), 'ws://127.0.0.1:9000');
    assert.equal(plainTwin('wss://[::1]:9443/a/b/'), 'ws://[::1]:9443/a/b');
  });
});

describe('probe verdicts: messages', () => {
  it('schema-invalid: CALLERROR or a dropped connection is protected, a CALLRESULT exposed, silence inconclusive', () => {
    assert.equal(schemaInvalidFinding(callError('FormationViolation')).verdict, 'protected');
    assert.match(schemaInvalidFinding(callError('FormationViolation')).reason, /CALLERROR FormationViolation/);
    assert.equal(schemaInvalidFinding(closed(1002)).verdict, 'protected');
    assert.match(schemaInvalidFinding(closed(1002)).reason, /close code 1002/);
    assert.equal(schemaInvalidFinding(result({ idTagInfo: { status: 'Accepted' } })).verdict, 'exposed');
    assert.equal(schemaInvalidFinding(timedOut).verdict, 'inconclusive');
  });
  it('duplicate id: both answered is exposed; a refused, ignored or fatal repeat is protected; a failed first is inconclusive', () => {
    const ok = result({ currentTime: '2025-01-01T00:00:00Z' });
    assert.equal(duplicateIdFinding(ok, ok).verdict, 'exposed');
    assert.equal(duplicateIdFinding(ok, callError('ProtocolError')).verdict, 'protected');
    assert.equal(duplicateIdFinding(ok, closed(1008)).verdict, 'protected');
    assert.equal(duplicateIdFinding(ok, timedOut).verdict, 'protected');
    assert.equal(duplicateIdFinding(timedOut, timedOut).verdict, 'inconclusive');
  });
  it('unsigned meter values: accepted is the finding "accepted unsigned"', () => {
    const finding = unsignedFinding(result({}));
    assert.equal(finding.verdict, 'exposed');
    assert.match(finding.reason, /^accepted unsigned/);
    assert.equal(unsignedFinding(callError('SecurityError')).verdict, 'protected');
    assert.equal(unsignedFinding(timedOut).verdict, 'inconclusive');
  });
});

describe('probe verdicts: a second connection of a connected identity', () => {
  const base = { secondBoot: undefined, firstClosed: undefined, secondClosed: undefined, firstHeartbeat: undefined };
  it('refused second, first kept: protected', () => {
    const f = secondConnectionFinding({ ...base, second: HTTP_409 });
    assert.equal(f.verdict, 'protected');
    assert.match(f.reason, /HTTP 409.*the first stays open/);
  });
  it('first kicked: exposed, naming the close code', () => {
    const f = secondConnectionFinding({ ...base, second: OPEN, secondBoot: result({ status: 'Accepted' }), firstClosed: { code: 4000, reason: 'replaced' } });
    assert.equal(f.verdict, 'exposed');
    assert.match(f.reason, /takes over.*close code 4000/);
  });
  it('both kept and both alive: exposed; the second closed at once: protected', () => {
    const ok = result({ currentTime: '2025-01-01T00:00:00Z' });
    assert.equal(secondConnectionFinding({ ...base, second: OPEN, secondBoot: result({ status: 'Accepted' }), firstHeartbeat: ok }).verdict, 'exposed');
    assert.equal(secondConnectionFinding({ ...base, second: OPEN, secondClosed: { code: 1008, reason: '' } }).verdict, 'protected');
  });
  it('a second attempt that timed out is inconclusive', () => {
    assert.equal(secondConnectionFinding({ ...base, second: TIMEOUT }).verdict, 'inconclusive');
  });
});

describe('probe wire details', () => {
  it('connection errors are classified by code only', () => {
    const err = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });
    assert.deepEqual(classifyConnectError(err('ECONNREFUSED'), 5000), { kind: 'failed', failure: 'unreachable', code: 'ECONNREFUSED' });
    assert.deepEqual(classifyConnectError(err('SELF_SIGNED_CERT_IN_CHAIN'), 5000), { kind: 'failed', failure: 'tlsUntrusted', code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    assert.deepEqual(classifyConnectError(err('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 5000).kind, 'failed');
    assert.equal((classifyConnectError(err('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 5000) as { failure: string }).failure, 'tlsRefused');
    assert.equal((classifyConnectError(err('ECONNRESET', 'socket hang up'), 5000) as { failure: string }).failure, 'reset');
    assert.deepEqual(classifyConnectError(new Error('Opening handshake has timed out'), 3000), { kind: 'timeout', ms: 3000 });
  });
  it('answers are described with their codes as received', () => {
    assert.equal(describeAnswer(callError('FormationViolation')), 'CALLERROR FormationViolation "no"');
    assert.equal(describeAnswer(closed(4000)), 'connection closed (close code 4000)');
    assert.equal(describeAnswer(timedOut), 'no answer within 5 s');
    assert.equal(describeConnect(OPEN), '101 Switching Protocols, subprotocol ocpp1.6');
  });
  for (const version of OCPP_VERSIONS) {
    it(`OCPP ${version}: the probe's own messages are schema-valid, the schema-invalid one is not`, () => {
      const v = validatorsFor(version);
      for (const m of [bootNotification(version), heartbeat(), unsignedMeterValues(version, new Date())]) {
        const validate = v.request(m.action);
        assert.ok(validate, m.action);
        assert.equal(validate(m.payload), true, `${m.action}: ${JSON.stringify(validate.errors)}`);
      }
      const bad = schemaInvalid(version);
      assert.equal(v.request(bad.action)?.(bad.payload), false);
    });
  }
});
