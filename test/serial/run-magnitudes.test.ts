import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compare } from '../../src/index';
import type { ThresholdResult } from '../../src/report/thresholds';
import { writeScenario } from '../helpers/fleet-cli';
import { heartbeatScenario, Scratch } from '../helpers/heartbeat-fleet';
import { runFleet, runFleets, type FleetResult } from '../helpers/run-fleet';
import { closedPort } from '../helpers/closed-port';

/**
 * The sizes the end-to-end tests leave out because they are bounds on time: on loopback a call
 * takes well under a second, the generator's own delays too, a CSMS that answers 50 ms later
 * shows about 50 ms more, and a run that stops early (fail fast, abortOnFail) does so within
 * seconds of its moment. Such bounds hold only on a machine not busy with other test files, so
 * they run here, one file at a time, ahead of the other (niced) test files, with wide margins. (test/e2e checks the same
 * runs' counts and verdicts, and the bounds a run's own settings guarantee.)
 */
const scratch = new Scratch();
after(() => scratch.close());

function scenario(prefix: string, duration: string, head = ''): string {
  return heartbeatScenario({
    name: 'magnitudes',
    duration,
    seed: 8,
    callTimeout: '5s',
    head,
    groups: [
      { name: 'g16', count: 10, ocpp: '1.6', identity: `${prefix}16-{index:03}` },
      { name: 'g201', count: 10, ocpp: '2.0.1', identity: `${prefix}201-{index:03}` },
    ],
  });
}

describe('a loopback run and one against a CSMS answering 50 ms later, side by side', () => {
  let fast: FleetResult;
  let slow: FleetResult;
  let dir: string;

  before(async () => {
    const [quick, late] = await Promise.all([scratch.csms(), scratch.csms({ delayMs: 50 })]);
    dir = scratch.dir('magnitudes');
    [fast, slow] = await runFleets(
      [
        ['A', quick.url],
        ['C', late.url],
      ].map(([name, url]) => ({ scenario: writeScenario(dir, name as string, scenario(`MAG${name}`, '8s')), url, workers: 1, out: join(dir, name as string), generatorChecks: true })),
    );
    assert.equal(fast.exitCode, 0, fast.result.reason);
    assert.equal(slow.exitCode, 0, slow.result.reason);
  });

  test('loopback latencies are well under a second: µs are not taken for ms', () => {
    const s = fast.summary;
    const hb = s.actions.Heartbeat;
    assert.ok(hb && hb.latencyMs.p50 > 0.02 && hb.latencyMs.p50 < 200, `Heartbeat p50 ${hb?.latencyMs.p50} ms`);
    assert.ok(s.connect.latencyMs.p50 > 0.05 && s.connect.latencyMs.p50 < 2000, `connect p50 ${s.connect.latencyMs.p50} ms`);
    const boot = s.actions.BootNotification;
    assert.ok(boot && boot.latencyMs.p99 > 0.05 && boot.latencyMs.p99 < 2000, `BootNotification p99 ${boot?.latencyMs.p99} ms`);
  });

  test("the generator's own delays are measured in ms, well under a second (the idle loop's 10 ms tick subtracted)", () => {
    const g = fast.summary.generator;
    assert.ok(g?.eventLoopDelayMs && g.schedulerLagMs, 'the generator section has its delays');
    assert.ok(g.eventLoopDelayMs.p99 >= 0 && g.eventLoopDelayMs.p99 < 1000, `event loop p99 ${g.eventLoopDelayMs.p99} ms`);
    assert.ok(g.schedulerLagMs.p99 >= 0 && g.schedulerLagMs.p99 < 1000, `scheduler p99 ${g.schedulerLagMs.p99} ms`);
  });

  test('compare: the regression is of the size of the delay, about 50 ms more at the median', async () => {
    const c = await compare(join(dir, 'A'), join(dir, 'C'));
    const p50 = c.rows.find((row) => row.action === 'Heartbeat' && row.metric === 'p50');
    assert.ok(p50 && p50.baseline !== null && p50.candidate !== null);
    const added = p50.candidate - p50.baseline;
    assert.ok(added > 40 && added < 100, `Heartbeat p50 ${p50.baseline} → ${p50.candidate} ms`);
    assert.equal(p50.verdict, 'regression');
  });
});

test('fail fast stops the run within seconds of unreachableAfter, long before its planned 60 s', async () => {
  const dir = scratch.dir('magnitudes-closed');
  const url = `ws://127.0.0.1:${await closedPort()}/ocpp`;
  const r = await runFleet({ scenario: writeScenario(dir, 'closed', scenario('MAGX', '60s')), url, workers: 1, out: join(dir, 'out'), health: ['unreachableAfter=2s'] });
  assert.equal(r.result.reason, 'unreachable');
  assert.ok(r.summary.durationMs >= 1990 && r.summary.durationMs < 10_000, `the run lasted ${r.summary.durationMs} ms`);
});

test('abortOnFail stops the run within seconds of its grace period (a check a second, then the graceful stop)', async () => {
  const csms = await scratch.csms();
  const dir = scratch.dir('magnitudes-abort');
  const head = 'thresholds:\n  - threshold: Heartbeat.p99 < 1us\n    abortOnFail: true\n    abortGracePeriod: 2s';
  const r = await runFleet({ scenario: writeScenario(dir, 'abort', scenario('MAGY', '60s', head)), url: csms.url, workers: 1, out: join(dir, 'out') });
  assert.equal(r.result.reason, 'abortOnFail');
  assert.equal((r.result.thresholds[0] as ThresholdResult).abortedRun, true);
  assert.ok(r.summary.durationMs >= 2000 && r.summary.durationMs < 15_000, `the run lasted ${r.summary.durationMs} ms`);
});
