import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScenarioError, UsageError } from '../../src/index';
import { endOfRunText } from '../../src/report/run-text';
import type { ThresholdResult } from '../../src/report/thresholds';
import { readSummary, runCli, writeScenario } from '../helpers/fleet-cli';
import { heartbeatScenario, Scratch } from '../helpers/heartbeat-fleet';
import { runFleet, type FleetResult } from '../helpers/run-fleet';

/**
 * Thresholds end to end: runs through run() in this process against the embedded CSMS, the
 * end-of-run text read from endOfRunText; the last test runs the CLI itself, for what only it
 * does with a failed verdict (exit 1, the notice on stderr, the verdict first on stdout).
 */

/** Ten stations heartbeating every second: every threshold below has samples within seconds. */
function scenario(duration: string, thresholds: string): string {
  return heartbeatScenario({
    name: 'e2e-thresholds',
    duration,
    seed: 4,
    callTimeout: '3s',
    head: `thresholds:\n${thresholds}`,
    groups: [
      { name: 'acquired', count: 5, ocpp: '1.6', identity: 'THR16-{index:03}' },
      { name: 'fresh', count: 5, ocpp: '2.0.1', identity: 'THR201-{index:03}' },
    ],
  });
}

const scratch = new Scratch();
after(() => scratch.close());

describe('a run with thresholds, one of them impossible', () => {
  let out: string;
  let junit: string;
  let result: FleetResult;
  let stdout: string;

  before(async () => {
    const csms = await scratch.csms();
    const dir = scratch.dir('thresholds');
    out = join(dir, 'out');
    junit = join(dir, 'reports', 'junit.xml');
    const file = writeScenario(dir, 'thr', scenario('4s', '  - BootNotification.p99 < 10s\n  - "errors.rate < 1%"\n  - group:acquired.Heartbeat.count >= 10'));
    result = await runFleet({ scenario: file, url: csms.url, workers: 1, out, junit, thresholds: ['Heartbeat.p99 < 1us', 'StartTransaction.p95 < 300ms'], timeoutMs: 60_000 });
    stdout = endOfRunText(result.summary, result.result.thresholds, result.result.dir);
  });

  test('exits 1, and summary.json lists each threshold with its value and verdict', () => {
    assert.equal(result.exitCode, 1, result.result.reason);
    const summary = readSummary(out);
    assert.equal(summary.passed, false);
    const t = summary.thresholds as ThresholdResult[];
    assert.deepEqual(t.map((r) => [r.threshold, r.verdict]), [
      ['BootNotification.p99 < 10s', 'pass'],
      ['errors.rate < 1%', 'pass'],
      ['group:acquired.Heartbeat.count >= 10', 'pass'],
      ['Heartbeat.p99 < 1us', 'fail'],
      ['StartTransaction.p95 < 300ms', 'no samples'],
    ]);
    const boot = t[0] as ThresholdResult;
    assert.match(boot.source, /thr\.yaml:8$/);
    assert.equal(boot.unit, 'ms');
    assert.equal(boot.limit, 10_000);
    assert.equal(boot.samples, 10);
    // More than a few µs, and under the 3 s callTimeout that bounds every answered call: a value in
    // ms, not µs or s (that loopback boots take well under a second is test/serial/run-magnitudes').
    assert.ok((boot.value as number) > 0.05 && (boot.value as number) < 3000, `BootNotification p99 ${boot.value} ms`);
    const hb = t[3] as ThresholdResult;
    assert.equal(hb.source, '--threshold');
    assert.equal(hb.limit, 0.001);
    assert.ok((hb.value as number) >= (summary.actions.Heartbeat?.latencyMs.p50 as number));
    assert.equal(t[4]?.value, null);
    // 4 s of heartbeats from 5 stations, boot included: at least 10 in the group.
    assert.ok((t[2]?.value as number) >= 10);
  });

  test('the end-of-run output shows the thresholds first, then the table', () => {
    const first = stdout.indexOf('thresholds: 2 of 5 failed');
    assert.ok(first >= 0, stdout);
    assert.ok(first < stdout.search(/^action /m), 'thresholds come before the action table');
    assert.match(stdout, /^FAILED: Heartbeat\.p99 = [\d.]+ ms, expected < 0\.001 ms \(\d+ samples\); StartTransaction\.p95: no samples/, 'the verdict line first');
    assert.ok(stdout.indexOf('health: all passed') < first, 'health before the thresholds');
    assert.match(stdout, /✗ Heartbeat\.p99 < 1us\s+[\d.]+ ms\s+FAIL/);
    assert.match(stdout, /✗ StartTransaction\.p95 < 300ms\s+no samples\s+NO SAMPLES/);
  });

  test('the JUnit file has a case per threshold with the value in the failure message, and the protocol case', () => {
    assert.ok(existsSync(junit), 'the folder of --junit is created');
    const xml = readFileSync(junit, 'utf8');
    // Five thresholds, five health checks (the generator's own two are off: see runFleet), the protocol case.
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="ocpp-fleet" tests="11" failures="2"/);
    assert.match(xml, /<testcase name="Heartbeat\.p99 &lt; 1us" classname="ocpp-fleet\.e2e-thresholds\.thresholds" time="0">\n\s+<failure message="Heartbeat\.p99 = [\d.]+ ms, expected &lt; 0\.001 ms \(\d+ samples\)" type="threshold">/);
    assert.match(xml, /<testcase name="BootNotification\.p99 &lt; 10s"[^>]*>\n\s+<system-out>BootNotification\.p99 = [\d.]+ ms, expected &lt; 10000 ms \(10 samples\): pass<\/system-out>/);
    assert.match(xml, /<testcase name="run completed without protocol errors" classname="ocpp-fleet\.e2e-thresholds\.run" time="0">\n\s+<system-out>none of malformedFrame/);
  });
});

test('a threshold on an unknown metric is a usage error naming it, before anything runs', async () => {
  const dir = scratch.dir('thr-bad');
  const file = writeScenario(dir, 'thr', scenario('4s', '  - BootNotification.p99 < 10s'));
  const out = join(dir, 'out');
  await assert.rejects(
    runFleet({ scenario: file, out, thresholds: ['BootNotificaton.p99 < 800ms'] }),
    (e: unknown) => e instanceof UsageError && /^--threshold "BootNotificaton\.p99 < 800ms": unknown metric "BootNotificaton".*did you mean "BootNotification"\?$/.test(e.message),
  );
  await assert.rejects(
    runFleet({ scenario: file, out, thresholds: ['Heartbeat.p42x < 1s'] }),
    (e: unknown) => e instanceof UsageError && /unknown aggregation "p42x" for Heartbeat/.test(e.message),
  );
  const located = writeScenario(dir, 'located', scenario('4s', '  - BootNotification.p99 < 10s\n  - group:nobody.Heartbeat.p99 < 1s'));
  await assert.rejects(runFleet({ scenario: located, out }), (e: unknown) => {
    assert.ok(e instanceof ScenarioError, String(e));
    assert.ok(e.message.includes(`${located}:9: thresholds[1]: "group:nobody.Heartbeat.p99 < 1s": unknown group "nobody"; the scenario's groups are acquired, fresh`), e.message);
    return true;
  });
  assert.equal(existsSync(out), false, 'nothing was run');
});

test('the CLI: abortOnFail stops the run once its grace period is over, exit 1, the notice on stderr, the verdict first on stdout', async () => {
  const csms = await scratch.csms();
  const dir = scratch.dir('thr-abort');
  const out = join(dir, 'out');
  const file = writeScenario(dir, 'abort', scenario('60s', '  - threshold: Heartbeat.p99 < 1us\n    abortOnFail: true\n    abortGracePeriod: 2s'));
  const r = await runCli(['run', file, '--url', csms.url, '--workers', '1', '--out', out], 45_000);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /threshold failed, aborting the run \(abortOnFail\): Heartbeat\.p99 = [\d.]+ ms, expected < 0\.001 ms/);
  assert.match(r.stdout, /^FAILED \(stopped before its planned end\): Heartbeat\.p99 = [\d.]+ ms, expected < 0\.001 ms/);
  const summary = readSummary(out);
  assert.equal(summary.partial, true);
  assert.equal(summary.passed, false);
  // Not before the grace period, and before the planned 60 s (how soon after the grace period is
  // test/serial/run-magnitudes': a bound on time).
  assert.ok(summary.durationMs >= 2000 && summary.durationMs < 60_000, `${summary.durationMs} ms`);
  const t = summary.thresholds[0] as ThresholdResult;
  assert.equal(t.abortedRun, true);
  assert.equal(t.verdict, 'fail');
  assert.equal(t.abortOnFail, true);
});
