import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { groupConfigs } from '../../src/coordinator/groups';
import { NodeLoss } from '../../src/coordinator/node-loss';
import { FleetRun } from '../../src/coordinator/run-fleet';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { Aggregator } from '../../src/metrics/aggregator';
import { ACTION_NAMES, ERROR_KINDS } from '../../src/ocpp';
import { parseScenario } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';
import { COUNTER_NAMES } from '../../src/station/counters';
import { homeTarget } from '../../src/station/targets';
import { waitFor } from '../helpers/fleet-cli';

/**
 * `NodeLoss.loseNode`, the entry point of the faults timeline, both ways: against the embedded
 * CSMS it stops the node and starts it again; against targets it cannot stop (here the same CSMS,
 * left untouched) the stations treat the target as unreachable and move off it.
 */
const STATIONS = 20;
const SCENARIO = `
name: node-loss
duration: 30s
callTimeout: 5s
gracefulStop: 2s
groups:
  - name: cp
    count: ${STATIONS}
    ocpp: "2.0.1"
    identity: "NL-{index:03}"
    ramp: 100/s
    reconnect: {min: 300ms, max: 2s, jitter: 0.3}
    sessions: {idle: 1h}
`;

describe('loseNode', () => {
  let csms: EmbeddedCsms;
  before(async () => {
    csms = await startEmbeddedCsms({ nodes: 2 });
  });
  after(() => csms.stop());

  test('against targets it cannot stop, the stations drop the lost one and skip it', async () => {
    const scenario = parseScenario(SCENARIO, 'node-loss.yaml');
    const plan = planFleet(scenario, scenario.seed, scenario.groups);
    const aggregator = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['cp'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
    const run = new FleetRun({
      plan,
      groups: groupConfigs(scenario, scenario.groups),
      baseUrl: csms.urls[0] as string,
      targetUrls: csms.urls,
      workers: 1,
      durationMs: scenario.durationMs,
      gracefulStopMs: scenario.gracefulStopMs,
      aggregator,
    });
    const running = run.run();
    const onNode1 = plan.stations.filter((s) => homeTarget(s.identity, 2) === 1).length;
    assert.ok(onNode1 > 0 && onNode1 < STATIONS);
    try {
      await waitFor('the fleet booted on both nodes', async () => {
        const s = await csms.stats();
        return s.boots.accepted >= STATIONS && s.nodes?.[1]?.connections === onNode1 ? s : undefined;
      });
      await new NodeLoss(run, 2).loseNode(1, 60_000);
      const s = await waitFor('every station on node 0', async () => {
        const st = await csms.stats();
        return st.nodes?.[0]?.connections === STATIONS ? st : undefined;
      });
      // The CSMS was not touched: node 1 still listens, the stations stay away from it.
      assert.deepEqual(s.nodes?.map((n) => [n.listening, n.connections]), [[true, STATIONS], [true, 0]]);
    } finally {
      run.stop();
    }
    const outcome = await running;
    assert.deepEqual(outcome.targets, [{ stations: STATIONS, connected: STATIONS }, { stations: 0, connected: 0 }]);
    assert.equal(aggregator.counters().get('failovers'), onNode1);
  });

  test('against the embedded CSMS, the node stops and listens again after the period', async () => {
    const loss = new NodeLoss({ loseTarget: () => assert.fail('the embedded CSMS is stopped for real') }, 2, csms);
    await assert.rejects(loss.loseNode(2, 100), RangeError);
    await assert.rejects(loss.loseNode(0, 0), RangeError);
    await loss.loseNode(0, 800);
    assert.deepEqual((await csms.nodes()).map((n) => n.listening), [false, true]);
    await waitFor('node 0 listening again', async () => ((await csms.nodes())[0]?.listening === true ? true : undefined), 10_000);
    loss.dispose();
  });
});
