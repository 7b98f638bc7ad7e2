import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { ThresholdResult } from '../../src/report/thresholds';
import { readSummary, runCli, tempDir as newTempDir, writeScenario } from '../helpers/fleet-cli';

/** Ten stations heartbeating every second: every threshold below has samples within seconds. */
function scenario(duration: string, thresholds: string): string {
  return `
name: e2e-thresholds
duration: ${duration}
seed: 4
callTimeout: 3s
gracefulStop: 1s
thresholds:
${thresholds}
groups:
  - name: acquired
    count: 5
    ocpp: "1.6"
    identity: "THR16-{index:03}"
    ramp: all
    heartbeatInterval: 1s
    sessions: { idle: 1h }
  - name: fresh
    count: 5
    ocpp: "2.0.1"
    identity: "THR201-{index:03}"
    ramp: all
    heartbeatInterval: 1s
    sessions: { idle: 1h }
`;
}

const servers: EmbeddedCsms[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = newTempDir(prefix);
  dirs.push(dir);
  return dir;
}

describe('a run with thresholds, one of them impossible', () => {
  let out: string;
  let junit: string;
  let result: Awaited<ReturnType<typeof runCli>>;

  before(async () => {
    const csms = await startEmbeddedCsms({});
    servers.push(csms);
    const dir = tempDir('thresholds');
    out = join(dir, 'out');
    junit = join(dir, 'reports', 'junit.xml');
    const file = writeScenario(dir, 'thr', scenario('4s', '  - BootNotification.p99 < 10s\n  - "errors.rate < 1%"\n  - group:acquired.Heartbeat.count >= 10'));
    result = await runCli(['run', file, '--url', csms.url, '--workers', '1', '--out', out, '--junit', junit, '--threshold', 'Heartbeat.p99 < 1us', '--threshold', 'StartTransaction.p95 < 300ms'], 60_000);
  });

  test('exits 1, and summary.json lists each threshold with its value and verdict', () => {
    assert.equal(result.code, 1, result.stderr);
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
    // Loopback boots take well under a second and more than a few µs: a value in ms, not µs or s.
    assert.ok((boot.value as number) > 0.05 && (boot.value as number) < 2000, `BootNotification p99 ${boot.value} ms`);
    const hb = t[3] as ThresholdResult;
    assert.equal(hb.source, '--threshold');
    assert.equal(hb.limit, 0.001);
    assert.ok((hb.value as number) >= (summary.actions.Heartbeat?.latencyMs.p50 as number));
    assert.equal(t[4]?.value, null);
    // 4 s of heartbeats from 5 stations, boot included: at least 10 in the group.
    assert.ok((t[2]?.value as number) >= 10);
  });

  test('the end-of-run output shows the thresholds first, then the table', () => {
    const first = result.stdout.indexOf('thresholds: 2 of 5 failed');
    assert.ok(first >= 0, result.stdout);
    assert.ok(first < result.stdout.search(/^action /m), 'thresholds come before the action table');
    assert.match(result.stdout, /^FAILED: Heartbeat\.p99 = [\d.]+ ms, expected < 0\.001 ms \(\d+ samples\); StartTransaction\.p95: no samples/, 'the verdict line first');
    assert.ok(result.stdout.indexOf('health: all passed') < first, 'health before the thresholds');
    assert.match(result.stdout, /✗ Heartbeat\.p99 < 1us\s+[\d.]+ ms\s+FAIL/);
    assert.match(result.stdout, /✗ StartTransaction\.p95 < 300ms\s+no samples\s+NO SAMPLES/);
  });

  test('the JUnit file has a case per threshold with the value in the failure message, and the protocol case', () => {
    assert.ok(existsSync(junit), 'the folder of --junit is created');
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="ocpp-fleet" tests="13" failures="2"/);
    assert.match(xml, /<testcase name="Heartbeat\.p99 &lt; 1us" classname="ocpp-fleet\.e2e-thresholds\.thresholds" time="0">\n\s+<failure message="Heartbeat\.p99 = [\d.]+ ms, expected &lt; 0\.001 ms \(\d+ samples\)" type="threshold">/);
    assert.match(xml, /<testcase name="BootNotification\.p99 &lt; 10s"[^>]*>\n\s+<system-out>BootNotification\.p99 = [\d.]+ ms, expected &lt; 10000 ms \(10 samples\): pass<\/system-out>/);
    assert.match(xml, /<testcase name="run completed without protocol errors" classname="ocpp-fleet\.e2e-thresholds\.run" time="0">\n\s+<system-out>none of malformedFrame/);
  });
});

test('a threshold on an unknown metric exits 2 naming it, before anything runs', async () => {
  const dir = tempDir('thr-bad');
  const file = writeScenario(dir, 'thr', scenario('4s', '  - BootNotification.p99 < 10s'));
  const out = join(dir, 'out');
  const flag = await runCli(['run', file, '--out', out, '--threshold', 'BootNotificaton.p99 < 800ms'], 20_000);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /^error: --threshold "BootNotificaton\.p99 < 800ms": unknown metric "BootNotificaton".*did you mean "BootNotification"\?\n$/);
  const aggregation = await runCli(['run', file, '--out', out, '--threshold', 'Heartbeat.p42x < 1s'], 20_000);
  assert.equal(aggregation.code, 2);
  assert.match(aggregation.stderr, /unknown aggregation "p42x" for Heartbeat/);
  const located = writeScenario(dir, 'located', scenario('4s', '  - BootNotification.p99 < 10s\n  - group:nobody.Heartbeat.p99 < 1s'));
  const inFile = await runCli(['run', located, '--out', out], 20_000);
  assert.equal(inFile.code, 2);
  assert.ok(inFile.stderr.includes(`${located}:9: thresholds[1]: "group:nobody.Heartbeat.p99 < 1s": unknown group "nobody"; the scenario's groups are acquired, fresh`), inFile.stderr);
  assert.equal(existsSync(out), false, 'nothing was run');
});

test('abortOnFail stops the run once its grace period is over, like Ctrl-C but with exit 1', async () => {
  const csms = await startEmbeddedCsms({});
  servers.push(csms);
  const dir = tempDir('thr-abort');
  const out = join(dir, 'out');
  const file = writeScenario(dir, 'abort', scenario('60s', '  - threshold: Heartbeat.p99 < 1us\n    abortOnFail: true\n    abortGracePeriod: 2s'));
  const started = Date.now();
  const r = await runCli(['run', file, '--url', csms.url, '--workers', '1', '--out', out, '--quiet'], 45_000);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /threshold failed, aborting the run \(abortOnFail\): Heartbeat\.p99 = [\d.]+ ms, expected < 0\.001 ms/);
  assert.ok(Date.now() - started < 40_000, 'stopped long before the 60 s of load');
  const summary = readSummary(out);
  assert.equal(summary.partial, true);
  assert.equal(summary.passed, false);
  // Not before the grace period, and soon after it (a check a second, then the graceful stop).
  assert.ok(summary.durationMs >= 2000 && summary.durationMs < 15_000, `${summary.durationMs} ms`);
  const t = summary.thresholds[0] as ThresholdResult;
  assert.equal(t.abortedRun, true);
  assert.equal(t.verdict, 'fail');
  assert.equal(t.abortOnFail, true);
});
