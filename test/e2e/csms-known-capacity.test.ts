import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { CsmsStats } from '../../src/csms/stats';
import type { Summary } from '../../src/report/summary';
import { runCliInProcess } from '../helpers/cli-in-process';
import { BareStation } from '../helpers/csms-client';
import { SAMPLES_16 } from '../helpers/csms-samples';
import { tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * The CSMS of known capacity (issue 12, point 5) driven by real fleet runs through `run()`: one
 * server of 20 ms, 50 calls/s. Under capacity every call waits about its service time; over it the
 * stations' calls queue behind each other and the latency climbs far above it. The bounds below
 * are floors the model guarantees (no answer can come sooner than its service), which a slow
 * machine only makes truer; the ceiling of the light run is 20× below the heavy run's floor.
 */
const SERVICE_MS = 20;

/** `timeScale` divides the heartbeat interval (1 s as written: a file's shortest), not the CSMS's service time. */
function scenario(name: string, stations: number, timeScale: number, csms: string): string {
  return `
name: ${name}
duration: 4s
timeScale: ${timeScale}
seed: 5
callTimeout: 20s
gracefulStop: 2s
${csms}
groups:
  - name: g
    count: ${stations}
    ocpp: "1.6"
    identity: "${name}-{index:02}"
    ramp: all
    heartbeatInterval: 1s
`;
}

describe('the embedded CSMS with a known capacity, under a real fleet', { timeout: 120_000 }, () => {
  let csms: EmbeddedCsms;
  let light: Summary;
  let heavy: Summary;
  let heavyStats: CsmsStats;

  before(async () => {
    const dir = tempDir('known-capacity');
    // Offered 5 stations × 2/s = 10 calls/s: a fifth of the capacity.
    const lightRun = await runFleet({ scenario: writeScenario(dir, 'light', scenario('light', 5, 2, `csms: {serviceTime: ${SERVICE_MS}ms}`)), workers: 1 });
    assert.equal(lightRun.exitCode, 0, `under capacity the run passes: ${lightRun.result.reason}`);
    light = lightRun.summary;
    // Offered 20 stations × 10/s = 200 calls/s: four times the capacity. This CSMS is started here
    // (the run is given its URL) so that its counts can be read after the run.
    csms = await startEmbeddedCsms({ serviceTimeMs: SERVICE_MS, servers: 1 });
    const heavyRun = await runFleet({ scenario: writeScenario(dir, 'heavy', scenario('heavy', 20, 10, '')), url: csms.url, workers: 1 });
    heavy = heavyRun.summary;
    heavyStats = await csms.stats();
  });

  after(async () => {
    await csms?.stop();
  });

  test("the scenario's csms block reached the CSMS: no call was answered sooner than its service time", () => {
    assert.deepEqual(light.fleet, { planned: 5, connected: 5, booted: 5, failedToConnect: 0, notStarted: 0 });
    assert.deepEqual(light.errors, {});
    const hb = light.actions.Heartbeat;
    assert.ok(hb !== undefined && hb.ok >= 20, `Heartbeats answered: ${hb?.ok}`);
    for (const [action, a] of Object.entries(light.actions)) {
      // HDR histograms keep 3 significant digits: 20 ms may read 19.98.
      assert.ok(a.serviceTimeMs.min >= SERVICE_MS * 0.99, `${action} answered after ${a.serviceTimeMs.min} ms`);
    }
  });

  test('over capacity the CSMS answered every call through its one server, and the queue filled with the whole fleet', () => {
    assert.deepEqual(heavy.fleet, { planned: 20, connected: 20, booted: 20, failedToConnect: 0, notStarted: 0 });
    const hb = heavy.actions.Heartbeat;
    assert.ok(hb !== undefined && hb.ok > 100 && hb.timeouts === 0 && hb.callErrors === 0, JSON.stringify(hb));
    const q = heavyStats.serviceQueue;
    assert.ok(q !== undefined, 'stats.serviceQueue is there');
    assert.deepEqual([q.servers, q.serviceTimeMs, q.capacityPerSecond], [1, SERVICE_MS, 50]);
    assert.equal(q.received, heavyStats.incomingTotal.received, 'every station CALL passed through the queue');
    // Calls of stations that left at the end of the run may still be in service: served or held, never lost.
    assert.equal(q.served + q.queueLength, q.received);
    for (const [action, a] of Object.entries(heavy.actions)) {
      const answered = heavyStats.incoming[action]?.answered ?? 0;
      assert.ok(a.ok <= answered, `${action}: the fleet got ${a.ok} answers, the CSMS gave ${answered}`);
    }
    assert.ok(heavyStats.incomingTotal.answered > 100);
    // One outstanding CALL per station: the queue holds at most the fleet, and over capacity it held all of it.
    assert.equal(q.maxQueueLength, 20);
  });

  test('over capacity the latency climbs far above the service time (the queue, not the service, is the wait)', () => {
    const heavyHb = heavy.actions.Heartbeat;
    const lightHb = light.actions.Heartbeat;
    assert.ok(heavyHb !== undefined && lightHb !== undefined);
    // 20 stations behind one 20 ms server: a call sent finds ~19 ahead of it, ~380 ms of service.
    assert.ok(heavyHb.serviceTimeMs.p50 >= 10 * SERVICE_MS, `heavy service time p50 ${heavyHb.serviceTimeMs.p50} ms`);
    // From the due moment it is worse still: each station's own heartbeats pile up behind its one outstanding call.
    assert.ok(heavyHb.latencyMs.p99 > heavyHb.serviceTimeMs.p99, `latency p99 ${heavyHb.latencyMs.p99} ms vs service ${heavyHb.serviceTimeMs.p99} ms`);
    assert.ok(heavyHb.latencyMs.p50 > 4 * lightHb.latencyMs.p50, `latency p50 ${heavyHb.latencyMs.p50} ms over capacity vs ${lightHb.latencyMs.p50} ms under it`);
    assert.ok(heavyStats.serviceQueue !== undefined && heavyStats.serviceQueue.meanWaitMs >= 5 * SERVICE_MS, `mean wait ${heavyStats.serviceQueue?.meanWaitMs} ms`);
  });
});

describe('ocpp-fleet csms --service-time-ms T --servers S', { timeout: 60_000 }, () => {
  const usage: [string[], string][] = [
    [['--service-time-ms', '4', '--delay-ms', '20'], 'error: --service-time-ms and --delay-ms cannot be combined: the service queue answers each call when its service ends (give one or the other)'],
    [['--service-time-ms', '4', '--jitter-ms', '5'], 'error: --service-time-ms and --jitter-ms cannot be combined: the service queue answers each call when its service ends (give one or the other)'],
    [['--servers', '2'], 'error: --servers needs --service-time-ms: servers with no service time have nothing to model'],
  ];
  for (const [flags, line] of usage) {
    test(`exits 2 on ${flags.join(' ')}, naming both flags`, async () => {
      const r = await runCliInProcess(['csms', '--port', '0', ...flags]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.split('\n')[0], line);
    });
  }

  for (const [flags, pattern] of [
    [['--service-time-ms', '-1'], /--service-time-ms must be a number >= 0 and <= 2147483647, got "-1"/],
    [['--service-time-ms', 'fast'], /--service-time-ms must be a number >= 0 and <= 2147483647, got "fast"/],
    [['--service-time-ms', '4', '--servers', '0'], /--servers must be an integer from 1 to 10000, got "0"/],
    [['--service-time-ms', '4', '--servers', '1.5'], /--servers must be an integer from 1 to 10000, got "1.5"/],
  ] as const) {
    test(`exits 2 on ${flags.join(' ')}, naming the flag and the value`, async () => {
      const r = await runCliInProcess(['csms', '--port', '0', ...flags]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
    });
  }

  test('says its capacity when it starts, counts its queue in /stats and prints it when it stops', async () => {
    const csms = await startEmbeddedCsms({ serviceTimeMs: 4, servers: 2 });
    try {
      assert.match(csms.stderr(), /CSMS listening on ws:\/\/127\.0\.0\.1:\d+ \(OCPP 1\.6, 2\.0\.1, 2\.1; 2 × 4 ms servers: capacity 500 calls\/s\)/);
      const station = await BareStation.connect(csms.url, 'CP-Q', 'ocpp1.6');
      await station.result('BootNotification', SAMPLES_16.BootNotification);
      await station.result('Heartbeat', {});
      await station.close();
      const q = (await csms.stats()).serviceQueue;
      assert.deepEqual(q, { servers: 2, serviceTimeMs: 4, capacityPerSecond: 500, received: 2, served: 2, queueLength: 0, maxQueueLength: 1, meanWaitMs: 0 });
    } finally {
      await csms.stop();
    }
    assert.match(csms.stderr(), /service queue: 2 × 4 ms \(capacity 500 calls\/s\): 2 served, 0 held, at most 1 held, mean wait 0\.0 ms/);
  });

  test('without a service time /stats has no serviceQueue', async () => {
    const csms = await startEmbeddedCsms({});
    try {
      assert.equal((await csms.stats()).serviceQueue, undefined);
    } finally {
      await csms.stop();
    }
  });
});
