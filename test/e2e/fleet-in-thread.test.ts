import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetRun } from '../../src/coordinator/run-fleet';
import { startEmbeddedCsms } from '../../src/csms/child';
import { Aggregator } from '../../src/metrics/aggregator';
import { ACTION_NAMES, ERROR_KINDS } from '../../src/ocpp';
import { resolveRunConfig } from '../../src/run/config';
import { stationOptions } from '../../src/run/fleet-options';
import { COUNTER_NAMES } from '../../src/station/counters';

/**
 * FleetRun's `inThread` (what a process of a fleet over several uses): the one share runs on this
 * thread's event loop, so its stations' sockets are this thread's handles, and it measures what a
 * worker thread would have (every call sent answered, the same counts in the aggregator). Without
 * it the sockets live in a worker thread and this thread holds none.
 */
const SCENARIO = {
  name: 'in-thread',
  duration: '4s',
  gracefulStop: '1s',
  groups: [{ name: 'cp', count: 6, ocpp: '1.6', identity: 'INTHREAD-{index}', heartbeatInterval: '1s', pingInterval: '0s' }],
};

async function runOnce(url: string, inThread: boolean): Promise<{ socketsHere: number; sent: number; answered: number; booted: number }> {
  const config = resolveRunConfig(SCENARIO, { url, workers: 1 });
  const aggregator = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['cp'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  let socketsHere = 0;
  let booted = 0;
  const run = new FleetRun({
    plan: config.plan,
    ...stationOptions(config, [url]),
    inThread,
    aggregator,
    onTick: (_second, _live, gauges) => {
      // The highest seen: a tick during the wind-down reads the stations already gone.
      booted = Math.max(booted, gauges.total.booted);
      socketsHere = Math.max(socketsHere, process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length);
    },
  });
  const outcome = await run.run();
  const heartbeat = aggregator.actions().get('Heartbeat');
  assert.equal(outcome.partial, false);
  return { socketsHere, sent: heartbeat?.sent ?? 0, answered: heartbeat?.ok ?? 0, booted };
}

test('inThread: the one share runs on this thread, measured as a worker thread measures it', { timeout: 60_000 }, async () => {
  const csms = await startEmbeddedCsms();
  try {
    const here = await runOnce(csms.url, true);
    const worker = await runOnce(csms.url, false);
    // The stations' 6 connections (the CSMS is another process: its sockets are not ours).
    assert.ok(here.socketsHere >= 6, `in this thread: ${here.socketsHere} TCP sockets seen, expected the 6 stations'`);
    assert.equal(worker.socketsHere, 0, 'in a worker thread: no station socket is this thread\'s');
    for (const r of [here, worker]) {
      assert.equal(r.booted, 6);
      // At least one each: how many more fit in 4 s depends on how busy the machine is.
      assert.ok(r.sent >= 6, `${r.sent} Heartbeats sent in 4 s by 6 stations every second`);
      assert.equal(r.answered, r.sent);
    }
  } finally {
    await csms.stop();
  }
});

test('inThread with more than one share is refused, not silently run in threads', () => {
  const config = resolveRunConfig(SCENARIO, { url: 'ws://127.0.0.1:9/', workers: 2 });
  const aggregator = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['cp'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  const run = new FleetRun({ plan: config.plan, ...stationOptions(config, ['ws://127.0.0.1:9/']), inThread: true, aggregator });
  return assert.rejects(run.run(), /in this thread only as one share, not 2/);
});
