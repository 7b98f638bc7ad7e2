import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordKind } from '../../src/metrics/record';
import { CallOutcome } from '../../src/ocpp/session-host';

/**
 * The session reports a call's end as a CallOutcome, and the worker writes that number into the
 * ring as the record's kind without translating it (worker/runtime.ts, the hot path). Pinned
 * here, value by value, so that a reordered enum on either side cannot pass a timeout off as an
 * answer in every histogram.
 */
test('CallOutcome values are the ring\'s call record kinds', () => {
  assert.equal(CallOutcome.Ok, RecordKind.CallOk);
  assert.equal(CallOutcome.CallError, RecordKind.CallError);
  assert.equal(CallOutcome.Timeout, RecordKind.CallTimeout);
  assert.equal(CallOutcome.Invalid, RecordKind.CallInvalid);
  assert.equal(CallOutcome.Aborted, RecordKind.CallAborted);
  assert.deepEqual([CallOutcome.Ok, CallOutcome.CallError, CallOutcome.Timeout, CallOutcome.Invalid, CallOutcome.Aborted], [1, 2, 3, 4, 5]);
});

test('NotSent is no call record kind: it goes to the ring as CallNotSent, with its reason', () => {
  assert.equal(CallOutcome.NotSent, 6);
  assert.equal(RecordKind.ConnectOk as number, 6, 'the kind with the same number is a connection, so NotSent must never be written as a call kind');
});
