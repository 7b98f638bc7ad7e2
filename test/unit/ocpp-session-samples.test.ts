import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { clip, strayAnswerText, TimedOutIds } from '../../src/ocpp/session-samples';
import { Harness } from '../helpers/ocpp-session-harness';

/**
 * The session's error samples (summary.json `errorSamples`): one message per kind that says what
 * happened, and the text built only while the kind has none, so a run with a million timeouts
 * builds one string.
 */
test('each session-level error kind gets a sample that names the action and what came back', () => {
  const h = new Harness({ version: '1.6', callTimeoutMs: 1000 });
  h.session.attach();
  h.session.openGate(0);
  h.session.call('Heartbeat', {}, 'a', 0);
  h.now = 1000;
  h.session.checkTimeout(1000);
  h.session.call('Authorize', { idTag: 'T1' }, 'b', 1000);
  h.session.receive('[4,"2","InternalError","the database is down",{}]');
  h.session.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }, 'c', 1000);
  h.session.receive('[3,"3",{"unexpected":true}]');
  h.session.receive('[3,"1",{"currentTime":"2026-12-07T00:00:00Z"}]');
  h.session.receive('[3,"99",{}]');
  h.session.receive('not json at all');
  h.session.receive('[2,"7","Reset",{"type":"Sideways"}]');
  h.session.receive('[2,"8","NoSuchAction",{}]');
  const s = Object.fromEntries(h.samples);
  assert.equal(s.timeout, 'Heartbeat got no answer within 1000 ms');
  assert.equal(s.callError, 'Authorize answered InternalError: the database is down');
  assert.match(s.invalidResponse ?? '', /^StatusNotification answer: /);
  assert.equal(s.lateResponse, 'a CALLRESULT for message id "1", whose call had timed out');
  assert.equal(s.unknownMessageId, 'a CALLRESULT for message id "99", which no call waits for');
  assert.match(s.malformedFrame ?? '', /: not json at all$/);
  assert.match(s.invalidIncomingPayload ?? '', /^Reset: /);
  assert.equal(s.notImplemented, 'NoSuchAction is not an action the CSMS sends in OCPP 1.6');
  assert.deepEqual([...h.samples.keys()].sort(), [...new Set(h.errors)].sort(), 'a sample for every kind counted, none other');
});

test('the text is built once per kind: later errors of a kind only count', () => {
  const h = new Harness({ version: '2.0.1', callTimeoutMs: 10 });
  h.session.attach();
  h.session.openGate(0);
  for (let i = 0; i < 50; i++) {
    h.session.call('Heartbeat', {}, `t${i}`, h.now);
    h.now += 10;
    h.session.checkTimeout(h.now);
  }
  assert.equal(h.errors.filter((k) => k === 'timeout').length, 50);
  assert.equal(h.samplesBuilt, 1);
});

test('a peer text is clipped, and late answers are told from unknown ones', () => {
  assert.equal(clip('x'.repeat(120)), 'x'.repeat(120));
  assert.equal(clip('y'.repeat(500)), `${'y'.repeat(120)}… (500 characters)`);
  assert.equal(strayAnswerText(false, '42', 'GenericError'), 'a CALLERROR (GenericError) for message id "42", which no call waits for');
  const ids = new TimedOutIds(2);
  ids.remember('1');
  ids.remember('2');
  ids.remember('3');
  assert.deepEqual([ids.has('1'), ids.has('2'), ids.has('3'), ids.has('')], [false, true, true, false]);
});
