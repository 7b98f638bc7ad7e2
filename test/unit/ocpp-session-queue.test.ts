import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CallQueue } from '../../src/ocpp/call-queue';
import { OcppSession, CallOutcome, type CallRecorder, type SessionHost } from '../../src/ocpp/session';
import { Harness } from '../helpers/ocpp-session-harness';

/** The session's queue, its per-action table and the switches the bench uses. */

const T = '2024-05-01T12:00:00Z';

describe('CallQueue', () => {
  it('keeps FIFO order through takes, front re-insertions, inserts and compaction', () => {
    const q = new CallQueue<number>();
    const out: number[] = [];
    let next = 0;
    // Uneven pushes and takes make the head move, compact and reset many times.
    for (let round = 0; round < 500; round++) {
      for (let k = 0; k < (round % 5) + 1; k++) q.push(next++);
      for (let k = 0; k < (round % 4) + 1 && q.length > 0; k++) out.push(q.take() as number);
    }
    while (q.length > 0) out.push(q.take() as number);
    assert.equal(q.take(), undefined);
    assert.deepEqual(out, Array.from({ length: next }, (_, i) => i));

    for (let i = 0; i < 40; i++) q.push(i);
    for (let i = 0; i < 30; i++) q.take();
    q.unshift(29);
    q.insert(1, 100);
    assert.equal(q.length, 12);
    assert.deepEqual(Array.from({ length: q.length }, (_, i) => q.at(i)), [29, 100, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    assert.equal(q.retain((n) => n % 2 === 1), 6);
    assert.deepEqual(Array.from({ length: q.length }, (_, i) => q.at(i)), [29, 31, 33, 35, 37, 39]);
  });
});

describe('OcppSession: queue, answers and switches', () => {
  it('200 queued Heartbeats go out one at a time, in order, each recorded once with its end time', () => {
    const h = new Harness({ version: '1.6' });
    h.session.attach();
    h.session.openGate(0);
    for (let i = 0; i < 200; i++) h.session.call('Heartbeat', {}, `hb${i}`, 0);
    assert.equal(h.session.queued, 199);
    for (let i = 1; i <= 200; i++) {
      assert.deepEqual(h.take(), [`[2,"${i}","Heartbeat",{}]`]);
      h.now = i;
      h.session.receive(`[3,"${i}",{"currentTime":"${T}"}]`);
    }
    assert.equal(h.session.queued, 0);
    assert.equal(h.calls.length, 200);
    assert.ok(h.calls.every((c) => c.outcome === CallOutcome.Ok));
    assert.deepEqual(h.results.map((r) => r.tag), Array.from({ length: 200 }, (_, i) => `hb${i}`));
    assert.deepEqual(h.callEnds, Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('validateIncoming: false takes an answer that fails its schema as Ok', () => {
    const h = new Harness({ version: '1.6', validateIncoming: false });
    h.session.attach();
    h.session.openGate(0);
    h.session.call('Heartbeat', {}, 'hb', 0);
    h.session.receive('[3,"1",{"currentTime":"noon"}]');
    assert.deepEqual(h.errors, []);
    assert.equal(h.calls[0]?.outcome, CallOutcome.Ok);
  });

  it('two sessions on one thread, one answering from inside the other: each reads its own frame', () => {
    // The parsed frame is shared by the sessions of a thread; the CSMS side answers synchronously
    // from inside the station's sendFrame, so a frame is parsed while another is being handled.
    const log: string[] = [];
    const recorder: CallRecorder = { recordCall: () => {}, recordIncoming: () => {}, recordError: (k) => log.push(`error ${k}`) };
    let station: OcppSession<string> | undefined;
    const csmsHost: SessionHost<string> = {
      sendFrame: (text) => {
        station?.receive(text);
        return true;
      },
      onResult: () => {},
      onCallFailed: () => {},
      onIncoming: (action) => (action === 'Heartbeat' ? { currentTime: T } : undefined),
      afterIncoming: () => {},
      beforeSend: () => true,
      armTimeout: () => {},
    };
    const csms = new OcppSession<string>(csmsHost, recorder, { version: '1.6', role: 'csms', callTimeoutMs: 1000, clock: () => 0 });
    const stationHost: SessionHost<string> = {
      ...csmsHost,
      sendFrame: (text) => {
        csms.receive(text);
        return true;
      },
      onResult: (action, payload, tag) => log.push(`result ${action} ${tag} ${String(payload.currentTime)}`),
      onIncoming: () => undefined,
    };
    station = new OcppSession<string>(stationHost, recorder, { version: '1.6', callTimeoutMs: 1000, clock: () => 0 });
    csms.attach();
    csms.openGate(0);
    station.attach();
    station.openGate(0);
    station.call('Heartbeat', {}, 'a', 0);
    station.call('Heartbeat', {}, 'b', 0);
    assert.deepEqual(log, [`result Heartbeat a ${T}`, `result Heartbeat b ${T}`]);
  });
});
