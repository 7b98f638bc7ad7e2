import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../src/ocpp/frame';
import { validatorsFor } from '../../src/ocpp/schemas';
import { clearMonitoring, Monitors } from '../../src/station/monitors-21';
import { PeriodicStreams, type StreamHost } from '../../src/station/streams-21';

/**
 * A station's periodic event streams (OCPP 2.1), without sockets or timers: a host that records
 * what the streams send and where they arm the station's stream timer, on a clock the test moves.
 * Every payload is checked against the official 2.1 schema it travels under.
 */
class Host implements StreamHost {
  readonly sends: JsonObject[] = [];
  readonly calls: { connector: number; action: string; payload: JsonObject }[] = [];
  timerAt = -1;
  online = true;

  sendUnconfirmed(action: string, payload: JsonObject): boolean {
    assert.equal(action, 'NotifyPeriodicEventStream');
    valid('request', action, payload);
    if (!this.online) return false;
    this.sends.push(payload);
    return true;
  }

  callFor(connector: number, action: string, payload: JsonObject): void {
    valid('request', action, payload);
    this.calls.push({ connector, action, payload });
  }

  setStreamTimer(at: number): void {
    this.timerAt = at;
  }

  readingOf(connector: number, now: number): string {
    return `${connector}@${now}`;
  }
}

function valid(kind: 'request' | 'response', action: string, payload: JsonObject): void {
  const validate = validatorsFor('2.1')[kind](action);
  assert.ok(validate !== undefined, `${action} ${kind} schema`);
  assert.ok(validate(payload), `${action} ${kind}: ${JSON.stringify(validate.errors)}`);
}

/** Fire the stream timer at each time it asks for, up to `until`. */
function runUntil(streams: PeriodicStreams, host: Host, until: number): void {
  while (host.timerAt >= 0 && host.timerAt <= until) {
    const at = host.timerAt;
    host.timerAt = -1;
    streams.onTimer(at);
  }
}

const EPOCH = Date.UTC(2026, 11, 7, 10, 0, 0);

describe('periodic event streams of a 2.1 station', () => {
  it('open, accepted: a SEND every interval with `values` readings, until the session ends and the stream is closed', () => {
    const host = new Host();
    const streams = new PeriodicStreams(host, (t) => EPOCH + t);
    streams.open(1, { intervalS: 2, values: 4 }, 0);
    assert.deepEqual(host.calls, [{ connector: 1, action: 'OpenPeriodicEventStream', payload: { constantStreamData: { id: 1, variableMonitoringId: 1001, params: { interval: 2, values: 4 } } } }]);
    assert.equal(host.timerAt, -1, 'nothing is read before the CSMS accepted');
    streams.opened(1, true, 1000);
    runUntil(streams, host, 7000);
    // Readings every 500 ms from 1500; each 4th makes a SEND: at 3000, 5000, 7000.
    assert.equal(host.sends.length, 3);
    assert.deepEqual(host.sends[0], {
      id: 1,
      pending: 0,
      basetime: new Date(EPOCH + 1500).toISOString(),
      data: [{ t: 0, v: '1@1500' }, { t: 0.5, v: '1@2000' }, { t: 1, v: '1@2500' }, { t: 1.5, v: '1@3000' }],
    });
    assert.equal(host.sends[2]?.basetime, new Date(EPOCH + 5500).toISOString());
    assert.equal(streams.openCount, 1);
    streams.close(1, 7200);
    assert.deepEqual(host.calls.at(-1), { connector: 1, action: 'ClosePeriodicEventStream', payload: { id: 1 } });
    assert.equal(streams.openCount, 0);
  });

  it('refused: no stream, no timer, and nothing to close', () => {
    const host = new Host();
    const streams = new PeriodicStreams(host, (t) => EPOCH + t);
    streams.open(2, { intervalS: 1, values: 1 }, 0);
    streams.opened(2, false, 100);
    assert.equal(host.timerAt, -1);
    streams.close(2, 200);
    assert.deepEqual(host.calls.map((c) => c.action), ['OpenPeriodicEventStream']);
  });

  it('AdjustPeriodicEventStream changes the rate of an open stream; GetPeriodicEventStream lists the open ones', () => {
    const host = new Host();
    const streams = new PeriodicStreams(host, (t) => EPOCH + t);
    assert.deepEqual(streams.list(), {});
    valid('response', 'GetPeriodicEventStream', streams.list());
    streams.open(1, { intervalS: 10, values: 1 }, 0);
    streams.opened(1, true, 0);
    const adjusted = streams.adjust(1, { interval: 1 }, 1000);
    valid('response', 'AdjustPeriodicEventStream', adjusted);
    assert.deepEqual(adjusted, { status: 'Accepted' });
    runUntil(streams, host, 4000);
    assert.equal(host.sends.length, 3, 'one a second from the adjustment on');
    const unknown = streams.adjust(99, { interval: 1 }, 4000);
    valid('response', 'AdjustPeriodicEventStream', unknown);
    assert.equal(unknown.status, 'Rejected');
    const listed = streams.list();
    valid('response', 'GetPeriodicEventStream', listed);
    assert.deepEqual(listed, { constantStreamData: [{ id: 1, variableMonitoringId: 1001, params: { interval: 1, values: 1 } }] });
  });

  it('offline, the readings wait for the next SEND, at most 100 of them; a stalled timer sends once, not a burst', () => {
    const host = new Host();
    const streams = new PeriodicStreams(host, (t) => EPOCH + t);
    streams.open(1, { intervalS: 1, values: 1 }, 0);
    streams.opened(1, true, 0);
    host.online = false;
    runUntil(streams, host, 150_000);
    host.online = true;
    runUntil(streams, host, 151_000);
    assert.equal(host.sends.length, 1);
    assert.ok((host.sends[0]?.data as unknown[]).length <= 100, `${(host.sends[0]?.data as unknown[]).length} readings`);
    streams.onTimer(200_000);
    assert.equal(host.sends.length, 2, 'fifty seconds late: one SEND');
    assert.equal(host.timerAt, 201_000);
  });

  it('a second stream on the same connector is not opened; a reboot forgets every stream', () => {
    const host = new Host();
    const streams = new PeriodicStreams(host, (t) => EPOCH + t);
    streams.open(1, { intervalS: 1, values: 1 }, 0);
    streams.open(1, { intervalS: 1, values: 1 }, 0);
    assert.equal(host.calls.length, 1);
    streams.opened(1, true, 0);
    streams.clear();
    assert.equal(streams.openCount, 0);
    streams.onTimer(5000);
    assert.deepEqual(host.sends, []);
  });
});

describe('the CSMS\'s Periodic monitors (SetVariableMonitoring, ClearVariableMonitoring)', () => {
  const monitor = (evse: number, extra: object = {}): JsonObject => ({
    type: 'Periodic',
    value: 1,
    severity: 8,
    periodicEventStream: { interval: 2, values: 4 },
    component: { name: 'EVSE', evse: { id: evse } },
    variable: { name: 'Power' },
    ...extra,
  });

  it('takes an EVSE\'s power as a stream to open, says why it takes nothing else, each answer valid against 2.1', () => {
    const monitors = new Monitors();
    const request = {
      setMonitoringData: [
        monitor(1),
        monitor(2, { id: 40 }),
        monitor(2),
        monitor(3),
        monitor(1, { variable: { name: 'Voltage' } }),
        monitor(1, { type: 'UpperThreshold', periodicEventStream: undefined }),
        monitor(1, { component: { name: 'Connector' } }),
      ],
    };
    valid('request', 'SetVariableMonitoring', request as JsonObject);
    const answer = monitors.set(request as JsonObject, 2, (c) => c === 9);
    valid('response', 'SetVariableMonitoring', answer);
    const results = answer.setMonitoringResult as { id?: number; status: string }[];
    assert.deepEqual(results.map((r) => [r.id, r.status]), [
      [1, 'Accepted'],
      [40, 'Accepted'],
      [undefined, 'Rejected'],
      [undefined, 'UnknownComponent'],
      [undefined, 'UnknownVariable'],
      [undefined, 'UnsupportedMonitorType'],
      [undefined, 'UnknownComponent'],
    ]);
    assert.deepEqual(monitors.toOpen, [
      { connector: 1, monitorId: 1, params: { intervalS: 2, values: 4 } },
      { connector: 2, monitorId: 40, params: { intervalS: 2, values: 4 } },
    ]);
  });

  it('a monitor\'s stream stays when a session ends, and closes when the monitor is cleared', () => {
    const host = new Host();
    const streams = new PeriodicStreams(host, (t) => EPOCH + t);
    assert.equal(streams.open(1, { intervalS: 1, values: 1 }, 0, 40), true);
    assert.equal(host.calls[0]?.payload.constantStreamData && (host.calls[0].payload.constantStreamData as { variableMonitoringId: number }).variableMonitoringId, 40);
    streams.opened(1, true, 0);
    streams.sessionEnded(1, 500);
    assert.equal(streams.openCount, 1);
    const cleared = clearMonitoring({ id: [40, 41] }, (id) => streams.hasMonitor(id));
    valid('response', 'ClearVariableMonitoring', cleared.answer);
    assert.deepEqual(cleared.cleared, [40]);
    streams.monitorCleared(40, 600);
    assert.deepEqual(host.calls.at(-1), { connector: 1, action: 'ClosePeriodicEventStream', payload: { id: 1 } });
    assert.equal(streams.openCount, 0);
  });
});
