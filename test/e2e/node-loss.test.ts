import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NodeLoss } from '../../src/coordinator/node-loss';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { formatIdentity } from '../../src/scenario/identities';
import { homeTarget } from '../../src/station/targets';
import { tempDir, waitFor, writeScenario } from '../helpers/fleet-cli';
import { duringRun, runFleet } from '../helpers/run-fleet';

/**
 * `NodeLoss.loseNode`, the entry point of the faults timeline, both ways: against the embedded
 * CSMS it stops the node and starts it again; against targets it cannot stop (here the same CSMS,
 * given as two URLs and left untouched) the stations of a run treat the target as unreachable
 * and move off it: the timeline's nodeLoss, 3 s into a run through run() in this process.
 */
const STATIONS = 20;
const SCENARIO = `
name: node-loss
duration: 8s
callTimeout: 5s
gracefulStop: 2s
faults:
  - at: 3s
    nodeLoss: {target: 1, for: 1m}
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
    const dir = tempDir('node-loss');
    const onNode1 = Array.from({ length: STATIONS }, (_x, i) => formatIdentity('NL-{index:03}', i + 1)).filter((id) => homeTarget(id, 2) === 1).length;
    assert.ok(onNode1 > 0 && onNode1 < STATIONS);
    const running = runFleet({ scenario: writeScenario(dir, 'node-loss', SCENARIO), url: csms.urls, workers: 1, out: `${dir}/out` });
    // A test that fails before awaiting it must not also report an unhandled rejection.
    running.catch(() => undefined);
    const s = await duringRun(running, 'every station on node 0', async () => {
      const st = await csms.stats();
      return st.nodes?.[0]?.connections === STATIONS ? st : undefined;
    });
    // The CSMS was not touched: node 1 still listens, the stations stay away from it.
    assert.deepEqual(s.nodes?.map((n) => [n.listening, n.connections]), [[true, STATIONS], [true, 0]]);
    const r = await running;
    assert.equal(r.exitCode, 0, r.result.reason);
    assert.deepEqual(r.summary.targets?.map((t) => [t.stations, t.connected]), [[STATIONS, STATIONS], [0, 0]]);
    assert.equal(r.summary.counters.failovers, onNode1);
    assert.equal(r.summary.faults?.[0]?.kind, 'nodeLoss');
    // Each station that moved booted on node 1 first, then again on node 0.
    assert.equal((await csms.stats()).boots.accepted, STATIONS + onNode1);
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
