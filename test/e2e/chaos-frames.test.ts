import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MessageType } from '../../src/ocpp';
import type { Summary } from '../../src/report/summary';
import { DUPLICATED, GARBAGE, INVALID_CALLS, UNKNOWN_CALLS, type ChaosVersion, type StationLog } from '../chaos/chaos-csms';
import { assertBooksBalance, assertErrors, assertHealthyUntouched, groupSum, runAgainstChaos, type ChaosGroup, assertFailedVerdict } from '../chaos/fleet-vs-chaos';

/**
 * A CSMS that sends what OCPP-J does not allow, or answers wrongly: the fleet keeps running,
 * answers with the CALLERROR the specification prescribes where one is due (and nothing where none
 * is), counts each thing under its documented kind, and goes on measuring the healthy stations.
 */
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

function chaosGroups(prefix: string, behaviour: ChaosGroup['behaviour']): ChaosGroup[] {
  return [
    { name: 'chaos16', ocpp: '1.6', count: 2, prefix: `${prefix}16`, behaviour },
    { name: 'chaos201', ocpp: '2.0.1', count: 2, prefix: `${prefix}201`, behaviour },
  ];
}

const CHAOS = ['chaos16', 'chaos201'] as const;

/** The summary of the invalid-payloads run, for the check below that is known to fail yet. */
let invalidRun: Summary | undefined;

function versionOf(log: StationLog): ChaosVersion {
  return log.identity.includes('201-') ? '2.0.1' : '1.6';
}

function callErrorsFrom(log: StationLog): Array<[string, string]> {
  return log.replies.filter((r) => r.type === MessageType.CallError).map((r) => [r.id, r.code]);
}

describe('chaos CSMS: frames and answers', { timeout: 120_000 }, () => {
  it('malformed frames (not JSON, not an array, bad ids, wrong shapes, unknown message type) are answered per OCPP-J and counted as malformedFrame', async () => {
    const run = await runAgainstChaos('garbage', { groups: chaosGroups('GB', 'garbage') }, closers);
    const { summary: s, csms } = run;
    assert.equal(run.fleet.exitCode, 0, run.fleet.result.reason);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const stations = csms.logsOf('garbage');
    assert.equal(stations.length, 4);
    assertErrors(s, { malformedFrame: 4 * GARBAGE.length });
    for (const log of stations) {
      const v = versionOf(log);
      // A CALLERROR for every broken CALL, with the id it carried or "-1"; none for broken answers.
      const expected = GARBAGE.flatMap((g) => (g.reply ? [[g.reply.id, g.reply.code[v]] as [string, string]] : []));
      assert.deepEqual(callErrorsFrom(log), expected, `${log.identity} (${v})`);
      assert.equal(log.replies.length, expected.length, `${log.identity}: no CALLRESULT to anything`);
      assert.equal(log.malformed, 0, `${log.identity}: every frame the station sent is well-formed`);
    }
    // The stations that got the garbage kept working normally.
    assert.equal(groupSum(s, CHAOS, 'sent'), groupSum(s, CHAOS, 'ok'));
    assert.ok(groupSum(s, CHAOS, 'ok', 'Heartbeat') >= 4);
    assert.equal(s.counters.reconnects, undefined);
  });

  it('answers to ids never used, and second answers to answered calls, are counted as unknownMessageId and change nothing', async () => {
    const run = await runAgainstChaos('stray', { groups: chaosGroups('ST', 'strayAnswers') }, closers);
    const { summary: s, csms } = run;
    assert.equal(run.fleet.exitCode, 0, run.fleet.result.reason);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    assert.equal(csms.total('strayAnswers', 'duplicatesSent'), 4 * DUPLICATED);
    // Per station: DUPLICATED second answers, one CALLRESULT and one CALLERROR to ids never sent.
    assertErrors(s, { unknownMessageId: 4 * (DUPLICATED + 2) });
    for (const log of csms.logsOf('strayAnswers')) assert.equal(log.replies.length, 0, `${log.identity}: a CALLRESULT or CALLERROR is never answered`);
    assert.equal(groupSum(s, CHAOS, 'sent'), groupSum(s, CHAOS, 'ok'));
    assert.equal(s.actions.BootNotification?.sent, 8, 'one boot per station: a duplicate boot answer is not a second boot');
  });

  it('CALLERRORs in answer to every call are counted per action and as callError, and the station goes on', async () => {
    const run = await runAgainstChaos('callerrors', { groups: chaosGroups('CE', 'callErrors') }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const sentByCsms = csms.total('callErrors', 'callErrorsSent');
    assert.ok(sentByCsms >= 4 * 4, `CALLERRORs sent: ${sentByCsms}`);
    assertErrors(s, { callError: sentByCsms });
    assert.equal(groupSum(s, CHAOS, 'callErrors'), sentByCsms, 'every CALLERROR the CSMS sent is in the chaos groups');
    assert.equal(groupSum(s, CHAOS, 'sent'), groupSum(s, CHAOS, 'callErrors') + groupSum(s, CHAOS, 'ok'));
    assert.equal(groupSum(s, CHAOS, 'ok'), 4, 'only the boots were answered with a CALLRESULT');
    for (const g of CHAOS) {
      assert.ok((s.groups[g]?.actions.StatusNotification?.callErrors ?? 0) >= 2, `${g}: StatusNotification`);
      assert.ok((s.groups[g]?.actions.Heartbeat?.callErrors ?? 0) >= 4, `${g}: heartbeats go on after CALLERRORs`);
    }
  });

  it('schema-invalid CALLs get the CALLERROR of the violated constraint, unknown actions NotImplemented; schema-invalid answers count as invalid, and a refused boot answer is retried', async () => {
    const run = await runAgainstChaos('invalid', { groups: chaosGroups('IV', 'invalidPayloads') }, closers);
    const { summary: s, csms } = run;
    assertFailedVerdict(run, ['incompleteCalls']);
    assertBooksBalance(s);
    assertHealthyUntouched(run);
    const invalidAnswers = csms.total('invalidPayloads', 'invalidAnswersSent');
    assertErrors(s, { invalidIncomingPayload: 4 * INVALID_CALLS.length, notImplemented: 4 * UNKNOWN_CALLS.length, invalidResponse: invalidAnswers });
    for (const log of csms.logsOf('invalidPayloads')) {
      const v = versionOf(log);
      const calls = [...INVALID_CALLS, ...UNKNOWN_CALLS];
      assert.deepEqual(callErrorsFrom(log), calls.map((c) => [c.id, c.code[v]]), `${log.identity} (${v})`);
      assert.equal(log.replies.length, calls.length, `${log.identity}: an invalid CALL is never acted on`);
      assert.equal(log.connections, 1, `${log.identity}: the invalid Reset did not reset the station`);
    }
    for (const g of CHAOS) {
      const boot = s.groups[g]?.actions.BootNotification;
      assert.equal(boot?.invalid, 2, `${g}: each station's first boot answer was invalid`);
      assert.equal(boot?.ok, 2, `${g}: and its retry accepted`);
      assert.equal(s.groups[g]?.fleet?.booted, 2);
      assert.ok((s.groups[g]?.actions.Heartbeat?.invalid ?? 0) >= 2, `${g}: Heartbeat answers invalid`);
    }
    assert.equal(s.counters.bootRetries, 4);
    assert.equal(s.incoming.Reset?.received, 4 * 3);
    assert.equal(s.incoming.Reset?.answered, 4 * 3);
    assert.equal(s.incoming.ChangeAvailability?.answered, 4);
    assert.equal(s.incoming.StartTransaction?.answered, 2);
    assert.equal(s.incoming.TransactionEvent?.answered, 2);
    invalidRun = s;
    assert.equal(s.counters.resets, undefined, 'no reset happened');
  });

  it(
    'a CALL of an action that does not exist is counted as notImplemented only, not under a made-up name in incoming',
    () => {
      assert.ok(invalidRun, 'the invalid-payloads run');
      assert.deepEqual(Object.keys(invalidRun.incoming).sort(), ['ChangeAvailability', 'Reset', 'StartTransaction', 'TransactionEvent']);
    },
  );
});
