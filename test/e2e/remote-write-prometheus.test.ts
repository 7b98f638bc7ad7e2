import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ERROR_KINDS } from '../../src/ocpp';
import type { Summary } from '../../src/report/summary';
import { runCliInProcess } from '../helpers/cli-in-process';
import { closedPort } from '../helpers/closed-port';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server';

/**
 * `run --prometheus-remote-write` against a real Prometheus server (Debian's, its remote-write
 * receiver on) started here, queried back: what it holds after the run is what summary.json
 * says, pushed during the run and once at its end. Then the unhappy path: an endpoint nobody
 * listens on, with credentials in its URL, leaves the run's verdict to the CSMS, says what failed
 * once while the run goes and again at its end, and never prints the password.
 */
const SCENARIO = `
name: pushed
duration: 3s
gracefulStop: 1s
groups:
  - name: old
    count: 4
    ocpp: "1.6"
    identity: "RW16-{index}"
    heartbeatInterval: 1s
  - name: new
    count: 3
    ocpp: "2.0.1"
    identity: "RW201-{index}"
    heartbeatInterval: 1s
`;

describe('Prometheus remote write, against a real Prometheus', () => {
  const dir = tempDir('remote-write');
  const scenario = writeScenario(dir, 'pushed', SCENARIO);
  const testid = `e2e-${process.pid}`;
  let prometheus: PrometheusServer;
  let pushed: { code: number | null; stdout: string; stderr: string; summary: Summary };

  before(async () => {
    prometheus = await startPrometheus();
    const out = join(dir, 'pushed');
    const r = await runCli(
      ['run', scenario, '--workers', '1', '--out', out, '--prometheus-remote-write', prometheus.writeUrl, '--prometheus-remote-write-interval', '1s', '--prometheus-remote-write-label', `testid=${testid}`],
      60_000,
    );
    pushed = { ...r, summary: readSummary(out) };
  });

  after(async () => {
    await prometheus?.stop();
  });

  test('the run passes, and its summary and end-of-run text say every push was accepted, the last after the end', () => {
    const { code, stdout, stderr, summary } = pushed;
    assert.equal(code, 0, stderr);
    const rw = summary.outputs?.prometheusRemoteWrite;
    assert.ok(rw !== undefined, JSON.stringify(summary.outputs));
    assert.equal(rw.url, prometheus.writeUrl);
    assert.deepEqual([rw.failed, rw.finalPushAccepted, rw.intervalMs], [0, true, 1000]);
    // A 3 s run and its graceful stop at one push a second, and the final one.
    assert.ok(rw.pushes >= 3, `${rw.pushes} pushes`);
    assert.match(stdout, new RegExp(`^remote write: ${rw.pushes} pushes to ${prometheus.writeUrl.replace(/[.]/g, '\\.')}, all accepted \\([\\d,]+ samples\\)$`, 'm'));
    assert.doesNotMatch(stderr, /remote write/);
  });

  test('Prometheus holds the final counts: calls by action and outcome, histogram counts, every error kind, the stations gauge', async () => {
    const { summary } = pushed;
    const sel = `testid="${testid}",job="ocpp-fleet",scenario="pushed"`;
    const byAction = async (expr: string): Promise<Record<string, number>> =>
      Object.fromEntries((await prometheus.query(expr)).map((r) => [r.metric.action as string, r.value]));
    const expectedOk = Object.fromEntries(Object.entries(summary.actions).map(([a, s]) => [a, s.ok]));
    assert.ok((expectedOk.Heartbeat ?? 0) >= 7, JSON.stringify(expectedOk));
    assert.deepEqual(await byAction(`sum by (action) (ocpp_fleet_calls_total{${sel},outcome="ok"})`), expectedOk);
    assert.deepEqual(await byAction(`sum by (action) (ocpp_fleet_call_duration_seconds_count{${sel}})`), expectedOk);
    // Per group too: the 2.0.1 group's heartbeats under its own name.
    const newGroup = await prometheus.query(`ocpp_fleet_calls_total{${sel},group="new",action="Heartbeat",outcome="ok"}`);
    assert.deepEqual(newGroup.map((r) => r.value), [summary.groups.new?.actions.Heartbeat?.ok]);
    // Every error kind has a series, at the run's count (0 for most).
    const errors = await prometheus.query(`ocpp_fleet_errors_total{${sel}}`);
    assert.deepEqual(errors.map((r) => r.metric.kind).sort(), [...ERROR_KINDS].sort());
    for (const r of errors) assert.equal(r.value, summary.errors[r.metric.kind as string] ?? 0, r.metric.kind);
    // A p99 computed by Prometheus from the pushed buckets: within the bucket the run's own p99 falls in.
    const [p99] = await prometheus.query(`histogram_quantile(0.99, sum by (le) (ocpp_fleet_call_duration_seconds_bucket{${sel},action="Heartbeat"}))`);
    assert.ok(p99 !== undefined && p99.value > 0 && p99.value <= 30, JSON.stringify(p99));
  });

  test('the metrics were pushed while the run went, not only at its end', async () => {
    const [samples] = await prometheus.query(`count_over_time(ocpp_fleet_calls_total{testid="${testid}",group="old",action="BootNotification",outcome="ok"}[5m])`);
    const pushes = pushed.summary.outputs?.prometheusRemoteWrite?.pushes ?? 0;
    assert.equal(samples?.value, pushes, 'one sample of each series per push');
    // While stations booted, the stations gauge rose to the fleet: its largest value is all of them.
    const [booted] = await prometheus.query(`max_over_time(ocpp_fleet_stations{testid="${testid}",group="old",state="booted"}[5m])`);
    assert.equal(booted?.value, 4);
  });

  test('an endpoint nobody listens on: the run passes on its CSMS\'s merits, the failure said at once and at the end, the password never printed', async () => {
    const port = await closedPort();
    const out = join(dir, 'refused');
    const r = await runCli(['run', scenario, '--workers', '1', '--duration', '2s', '--out', out, '--prometheus-remote-write', `http://fleet:s3cret@127.0.0.1:${port}/api/v1/write`], 60_000);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('remote write'));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(warnings[0] as string, new RegExp(`^warning: Prometheus remote write to http://\\*\\*\\*@127\\.0\\.0\\.1:${port}/api/v1/write failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); the run goes on`));
    const summary = readSummary(out);
    const rw = summary.outputs?.prometheusRemoteWrite;
    assert.ok(rw !== undefined);
    assert.equal(rw.failed, rw.pushes);
    assert.equal(rw.finalPushAccepted, false);
    assert.match(r.stdout, /^remote write: \d+ of \d+ pushes to http:\/\/\*\*\*@127\.0\.0\.1:\d+\/api\/v1\/write failed \(last: connect ECONNREFUSED [^)]+\); the final counts were NOT written$/m);
    for (const text of [r.stdout, r.stderr, readFileSync(join(out, 'summary.json'), 'utf8'), readFileSync(join(out, 'report.html'), 'utf8')]) assert.doesNotMatch(text, /s3cret/);
  });

  test('bad usage exits 2 before anything starts, naming the flag', async () => {
    const scheme = await runCliInProcess(['run', scenario, '--prometheus-remote-write', 'ws://127.0.0.1:9/write']);
    assert.equal(scheme.code, 2);
    assert.match(scheme.stderr, /--prometheus-remote-write must be an http:\/\/ or https:\/\/ URL, got "ws:\/\/127\.0\.0\.1:9\/write"/);
    const alone = await runCliInProcess(['run', scenario, '--prometheus-remote-write-interval', '5s']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /^error: --prometheus-remote-write-interval and --prometheus-remote-write-label need --prometheus-remote-write URL$/m);
    const label = await runCliInProcess(['run', scenario, '--prometheus-remote-write', 'http://127.0.0.1:9/w', '--prometheus-remote-write-label', 'group=x']);
    assert.equal(label.code, 2);
    assert.match(label.stderr, /--prometheus-remote-write-label cannot set "group": the run sets/);
  });
});
