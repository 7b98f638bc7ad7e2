import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupConfigs } from '../../src/coordinator/groups';
import { CallOutcome, NeverSent, type CallRecorder, type JsonObject } from '../../src/ocpp';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { Phase, type Connector, type Transaction } from '../../src/station/connector';
import type { Station } from '../../src/station/station';
import type { GroupConfig } from '../../src/thread/messages';
import { Recorder, recordingStation } from '../helpers/recording-version';
import { VirtualWorker } from './sessions-harness';

/**
 * A station's own counts, without sockets: `authorizeRejected` only for a real refusal (the issue
 * found aborted and timed-out Authorizes counted as refused), the three transaction counters, and
 * what is still queued at the end of the run (never sent, runEnded; transaction messages as
 * `undelivered`).
 */

class CountingWorker extends VirtualWorker {
  readonly notSent: { action: number; reason: NeverSent }[] = [];
  override recorderOf(): CallRecorder {
    return {
      recordCall: () => {},
      recordIncoming: () => {},
      recordError: () => {},
      recordNotSent: (action, reason) => this.notSent.push({ action, reason }),
    };
  }
}

const BOOT: JsonObject = { status: 'Accepted', interval: 3600, currentTime: '2024-05-01T00:00:00Z' };

/** One station, booted, not connected; its version object records what it says into `rec`. */
function oneStation(version: '1.6' | '2.0.1', rec = new Recorder()): { s: Station; w: CountingWorker; c: Connector } {
  const scenario = parseScenario(
    `groups:\n  - name: g\n    count: 1\n    ocpp: "${version}"\n    sessions: {arrival: {fixed: {every: 10m}}, duration: 4m, meterInterval: 1m}\n`,
    'counts.yaml',
  );
  const plan = planFleet(scenario, scenario.seed);
  const group = groupConfigs(scenario, plan.groups)[0] as GroupConfig;
  const a = plan.stations[0] as { identity: string; seed: number; connectAtMs: number };
  const w = new CountingWorker(0);
  const s = recordingStation(0, a.identity, group, w, a.seed, rec);
  w.stations.push(s);
  s.start(a.connectAtMs);
  w.clock = a.connectAtMs;
  s.link.onResult('BootNotification', BOOT, null);
  return { s, w, c: s.charging.connectors[0] as Connector };
}

/** Let a minute pass on the virtual clock. */
function minute(w: CountingWorker): void {
  const until = w.clock + 60_000;
  w.runUntil(until);
  w.clock = until;
}

/** Run until the connector's next vehicle is waiting for its Authorize answer. */
function nextAuthorize(w: CountingWorker, c: Connector): void {
  for (let i = 0; i < 100 && !c.awaitingAuth; i++) minute(w);
  assert.ok(c.awaitingAuth, 'a vehicle is waiting for its Authorize');
}

test('authorizeRejected counts only a real non-Accepted answer, not an aborted, timed-out or refused-by-error Authorize', () => {
  const { s, w, c } = oneStation('1.6');
  const rejected = (): number => w.counts.get('authorizeRejected') ?? 0;

  nextAuthorize(w, c);
  s.link.onCallFailed('Authorize', CallOutcome.Timeout, c, '');
  assert.equal(rejected(), 0, 'a timeout is no refusal');
  assert.equal(c.awaitingAuth, false);
  assert.equal(c.phase, Phase.Idle, 'the vehicle left without a session');

  nextAuthorize(w, c);
  s.link.onCallFailed('Authorize', CallOutcome.CallError, c, 'InternalError');
  assert.equal(rejected(), 0, 'a CALLERROR is no refusal');

  nextAuthorize(w, c);
  s.link.onResult('Authorize', { idTagInfo: { status: 'Invalid' } }, c);
  assert.equal(rejected(), 1, 'the CSMS refused the tag');

  nextAuthorize(w, c);
  s.link.onCallFailed('Authorize', CallOutcome.Aborted, c, '');
  assert.equal(rejected(), 1, 'cut off by the connection: no refusal');
  assert.equal(c.awaitingAuth, true, 'the station authorizes locally once the close has come (offline)');
  assert.equal(w.counts.get('transactionsStarted') ?? 0, 0);
});

test('1.6: transactions started, stopped and stops acknowledged; what is left queued at the end is never sent', () => {
  // The transaction messages it queues (StartTransaction, StopTransaction, MeterValues) are counted.
  const rec = new Recorder();
  const { s, w, c } = oneStation('1.6', rec);
  const transactionMessages = (): number => rec.of('queue').length;
  nextAuthorize(w, c);
  s.link.onResult('Authorize', { idTagInfo: { status: 'Accepted' } }, c);
  assert.equal(w.counts.get('transactionsStarted'), 1);
  const tx = c.tx as Transaction;
  s.link.onResult('StartTransaction', { transactionId: 42, idTagInfo: { status: 'Accepted' } }, tx);
  for (let i = 0; i < 20 && !tx.ended; i++) minute(w);
  assert.equal(w.counts.get('transactionsStopped'), 1, 'the session ended as planned');
  assert.equal(w.counts.get('stopsAcknowledged') ?? 0, 0, 'not before the CSMS answered');
  s.link.onResult('StopTransaction', { idTagInfo: { status: 'Accepted' } }, tx);
  assert.equal(w.counts.get('stopsAcknowledged'), 1);

  // Never connected: everything the station said is still queued. At the end of the run it is
  // recorded as never sent (runEnded), and its transaction messages counted as undelivered.
  const queued = s.link.session.queued;
  assert.ok(transactionMessages() >= 3 && queued > transactionMessages(), `${queued} queued, ${transactionMessages()} transaction messages`);
  assert.equal(s.endRun(), transactionMessages());
  assert.equal(w.counts.get('undelivered'), transactionMessages());
  assert.equal(w.notSent.length, queued);
  assert.ok(w.notSent.every((n) => n.reason === NeverSent.RunEnded));
  assert.equal(s.link.session.queued, 0);
});

test('2.0.1: a stop is acknowledged by the answer to its TransactionEvent Ended, not to an Updated one', () => {
  const { s, w, c } = oneStation('2.0.1');
  nextAuthorize(w, c);
  s.link.onResult('Authorize', { idTokenInfo: { status: 'Accepted' } }, c);
  const tx = c.tx as Transaction;
  assert.equal(s.link.beforeSend('TransactionEvent', { eventType: 'Started' }, tx), true);
  s.link.onResult('TransactionEvent', {}, tx);
  s.link.beforeSend('TransactionEvent', { eventType: 'Updated' }, tx);
  s.link.onResult('TransactionEvent', {}, tx);
  assert.equal(w.counts.get('stopsAcknowledged') ?? 0, 0);
  s.link.beforeSend('TransactionEvent', { eventType: 'Ended' }, tx);
  s.link.onResult('TransactionEvent', {}, tx);
  assert.equal(w.counts.get('stopsAcknowledged'), 1);
  assert.equal(w.counts.get('transactionsStarted'), 1);
});
