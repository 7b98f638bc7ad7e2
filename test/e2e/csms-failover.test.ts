import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { formatIdentity } from '../../src/scenario/identities';
import { homeTarget } from '../../src/station/targets';
import { RunOptionError, UsageError } from '../../src/index';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';
import { duringRun, runFleet } from '../helpers/run-fleet';

/**
 * The loss of one CSMS node: run() in this process runs 30 stations against the embedded CSMS in
 * its own process, listening with 2 nodes that share one state. The stations spread over both by their
 * identity; the test stops node 1 through the admin API, the stations on it fail over to node 0
 * and boot there again, and a CSMS-initiated call still reaches each of them.
 */
const STATIONS = 30;
const IDENTITY = 'FO-{index:03}';
const identities = Array.from({ length: STATIONS }, (_, i) => formatIdentity(IDENTITY, i + 1));

const scenario = (extra: string, duration: string): string => `
name: e2e-failover
duration: ${duration}
callTimeout: 5s
gracefulStop: 3s
${extra}
groups:
  - name: cp
    count: ${STATIONS}
    ocpp: "1.6"
    identity: "${IDENTITY}"
    ramp: 100/s
    heartbeatInterval: 60s
    reconnect: {min: 300ms, max: 2s, jitter: 0.3}
    sessions: {idle: 1h}
`;

/** Stations whose home is node k, as the fleet computes it. */
const homes = (k: number): string[] => identities.filter((id) => homeTarget(id, 2) === k);

describe('several targets, one CSMS node lost', () => {
  let csms: EmbeddedCsms;
  const dir = tempDir('failover');
  before(async () => {
    csms = await startEmbeddedCsms({ nodes: 2 });
  });
  after(async () => {
    await csms.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('stations on a stopped node fail over to the other, boot there, and CSMS calls still reach them', async () => {
    assert.equal(csms.urls.length, 2);
    assert.match(csms.stderr(), new RegExp(`listening on ${csms.urls[0]}, ${csms.urls[1]} .*2 nodes`));
    const file = writeScenario(dir, 'failover', scenario('', '18s'));
    const out = `${dir}/out`;
    const exit = runFleet({ scenario: file, url: csms.urls, workers: 2, out, timeoutMs: 50_000 });
    // A test that fails before awaiting it must not also report an unhandled rejection.
    exit.catch(() => undefined);

    // Spread over both nodes by identity: the CSMS sees exactly the split the fleet computes.
    const onNode1 = homes(1);
    assert.ok(onNode1.length >= 5 && homes(0).length >= 5, `a lopsided spread: ${onNode1.length} of ${STATIONS} on node 1`);
    await duringRun(exit, 'every station booted on its home node', async () => {
      const s = await csms.stats();
      return s.boots.accepted >= STATIONS && s.nodes?.[1]?.connections === onNode1.length ? s : undefined;
    });
    const stations = await csms.stations();
    assert.deepEqual(stations.filter((s) => s.node === 1).map((s) => s.identity).sort(), onNode1);

    const stopped = await csms.stopNode(1);
    assert.equal(stopped.listening, false);
    const settled = await duringRun(exit, 'every station connected to node 0 and booted again', async () => {
      const s = await csms.stats();
      return s.nodes?.[0]?.connections === STATIONS && s.boots.accepted >= STATIONS + onNode1.length ? s : undefined;
    });
    assert.equal(settled.nodes?.[1]?.connections, 0);

    // A CSMS-initiated call reaches each station that moved, through the node it is on now.
    for (const identity of onNode1) {
      assert.deepEqual(await csms.call(identity, 'TriggerMessage', { requestedMessage: 'Heartbeat' }), { result: { status: 'Accepted' } }, identity);
    }
    assert.equal((await csms.startNode(1)).listening, true);

    const result = await exit;
    assert.equal(result.exitCode, 0, result.result.reason);
    const summary = readSummary(out);
    assert.equal(summary.fleet.connected, STATIONS);
    assert.ok((summary.counters.failovers ?? 0) >= onNode1.length, `failovers ${summary.counters.failovers} < ${onNode1.length}`);
    assert.ok((summary.errors.connectionLost ?? 0) >= onNode1.length);
    assert.deepEqual(summary.targets, [
      { url: csms.urls[0], stations: STATIONS, connected: STATIONS },
      { url: csms.urls[1], stations: 0, connected: 0 },
    ]);
    assert.equal(summary.target, `${csms.urls[0]}, ${csms.urls[1]}`);
    assert.equal(summary.incoming.TriggerMessage?.answered, onNode1.length);
  });
});

test('a scenario asking the embedded CSMS for 2 nodes spreads the fleet over both', async () => {
  const dir = tempDir('nodes');
  try {
    const file = writeScenario(dir, 'nodes', scenario('csms: {nodes: 2}', '4s'));
    const result = await runFleet({ scenario: file, out: `${dir}/out`, timeoutMs: 40_000 });
    assert.equal(result.exitCode, 0, result.result.reason);
    const summary = readSummary(`${dir}/out`);
    assert.match(summary.target, /^embedded CSMS \(ws:\/\/127\.0\.0\.1:\d+, ws:\/\/127\.0\.0\.1:\d+\)$/);
    assert.deepEqual(
      summary.targets?.map((t) => [t.stations, t.connected]),
      [0, 1].map((k) => [homes(k).length, homes(k).length]),
    );
    assert.equal(summary.counters.failovers ?? 0, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('several URLs: every target is checked, none is shown with its credentials', async () => {
  const dir = tempDir('urls');
  try {
    const file = writeScenario(dir, 'urls', scenario('', '4s'));
    await assert.rejects(
      runFleet({ scenario: file, url: ['ws://127.0.0.1:1', 'wss://127.0.0.1:2'] }),
      (e: unknown) => e instanceof UsageError && /the targets mix ws:\/\/ and wss:\/\//.test(e.message),
    );
    await assert.rejects(
      runFleet({ scenario: file, url: ['ws://127.0.0.1:1', 'ws://cp:s3cret@127.0.0.1:2'] }),
      (e: unknown) => e instanceof RunOptionError && /must not carry credentials/.test(e.message) && !e.message.includes('s3cret'),
    );
    // Each target is held to the staging check: one that is not this machine needs `yes`.
    await assert.rejects(
      runFleet({ scenario: file, cps: 500, url: ['ws://127.0.0.1:1', 'ws://10.255.255.1:1'] }),
      (e: unknown) => e instanceof UsageError && /against 10\.255\.255\.1:1, which is not this machine: pass --yes/.test(e.message),
    );
    // The CLI collects --url given several times and checks them all before anything runs.
    const mixed = await runCli(['run', file, '--dry-run', '--url', 'ws://127.0.0.1:1', '--url', 'wss://127.0.0.1:2'], 20_000);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /the targets mix ws:\/\/ and wss:\/\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
