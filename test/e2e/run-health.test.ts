import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UsageError } from '../../src/index';
import { endOfRunText } from '../../src/report/run-text';
import type { HealthResult, Summary } from '../../src/report/summary';
import { HEALTH_CHECKS } from '../../src/scenario/health';
import { readSummary, writeScenario } from '../helpers/fleet-cli';
import { heartbeatScenario, Scratch, verdictLine } from '../helpers/heartbeat-fleet';
import { runFleet, stderrOf, type FleetOptions, type FleetResult } from '../helpers/run-fleet';
import { closedPort } from '../helpers/closed-port';

/**
 * Run health end to end: run() in this process against a real CSMS in its own process (or nothing
 * at all on a closed port), judged by the built-in checks, the generator's own among them. Each
 * case asserts what a user reads first: the exit code, `passed`, the verdict line the CLI prints
 * first on stdout (endOfRunText; thresholds.test.ts runs the CLI itself) and the health entries.
 */

const scratch = new Scratch();
after(() => scratch.close());

/** Two groups of three heartbeating every second, no sessions: a run that is all boots and heartbeats. */
function scenario(duration: string, head = ''): string {
  const reconnect = '{min: 500ms, max: 1s}';
  return heartbeatScenario({
    name: 'e2e-health',
    duration,
    seed: 7,
    callTimeout: '5s',
    head,
    groups: [
      { name: 'allowed', count: 3, ocpp: '1.6', identity: 'HOK-{index:03}', reconnect },
      { name: 'refused', count: 3, ocpp: '2.0.1', identity: 'HNO-{index:03}', reconnect },
    ],
  });
}

/** One worker, every health check as the scenario and the options set it: the generator's included. */
function judged(options: FleetOptions): Promise<FleetResult> {
  return runFleet({ workers: 1, generatorChecks: true, ...options });
}

function health(s: Summary, check: string): HealthResult {
  const h = s.health?.find((e) => e.check === check);
  assert.ok(h, `no ${check} in ${JSON.stringify(s.health)}`);
  return h;
}

describe('run health, judged on every run', () => {
  test('a healthy run against the embedded CSMS: exit 0, PASSED first, seven checks passed, one JUnit case each', async () => {
    const dir = scratch.dir('health-ok');
    const out = join(dir, 'out');
    const junit = join(dir, 'junit.xml');
    const r = await judged({ scenario: writeScenario(dir, 'ok', scenario('4s')), out, junit });
    assert.equal(r.exitCode, 0, r.result.reason);
    assert.match(verdictLine(r), /^PASSED: 6 stations, [\d,]+ calls, 7 health checks passed$/);
    const s = readSummary(out);
    assert.equal(s.passed, true);
    assert.deepEqual(s.health?.map((h) => [h.check, h.passed]), HEALTH_CHECKS.map((c) => [c, true]));
    assert.deepEqual([health(s, 'connected').value, health(s, 'booted').value, health(s, 'incompleteCalls').value], [100, 100, 0]);
    assert.equal(health(s, 'csmsAlive').value, 1);
    // The generator's own delays are measured, in ms, and a run of 4 s has too few samples to judge a p99 by.
    for (const c of ['eventLoopDelay', 'schedulerLag']) {
      assert.deepEqual([health(s, c).value, health(s, c).passed], [null, true]);
      assert.match(health(s, c).detail, /^not judged: .* p99 [\d.]+ ms.* of [\d,]+ samples, fewer than the 1,000 a p99 needs$/);
    }
    const g = s.generator;
    assert.ok(g?.eventLoopDelayMs && g.schedulerLagMs, 'the generator section has its delays');
    // Their size (well under a second, not µs taken for ms) is test/serial/run-magnitudes': a bound on time.
    assert.ok(g.eventLoopDelayMs.p99 >= 0 && g.schedulerLagMs.p99 >= 0);
    assert.equal((s.settings.health as Record<string, unknown>).unreachableAfterMs, 10_000);
    const text = endOfRunText(r.summary, r.result.thresholds, r.result.dir);
    assert.ok(text.indexOf('health: all passed') < text.search(/^action /m), 'health before the table');
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="ocpp-fleet" tests="8" failures="0"/);
    for (const c of HEALTH_CHECKS) assert.match(xml, new RegExp(`<testcase name="health: ${c}" classname="ocpp-fleet\\.e2e-health\\.health"`));
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<table id="health">/);
  });

  test('every boot Rejected (csms --boot-status Rejected): exit 1, FAILED on booted; relaxed by health booted=off: exit 0', async () => {
    const csms = await scratch.csms({ bootStatus: 'Rejected', bootRetryIntervalS: 1 });
    const dir = scratch.dir('health-rejected');
    const file = writeScenario(dir, 'rejected', scenario('4s'));
    const out = join(dir, 'out');
    const junit = join(dir, 'junit.xml');
    const r = await judged({ scenario: file, url: csms.url, out, junit });
    assert.equal(r.exitCode, 1, r.result.reason);
    // The groups' own kinds come with per-group error counts (when the summary has them).
    assert.match(verdictLine(r), /^FAILED: booted 0 of 6 stations \(bootRejected ×\d+\); groups allowed 0 of 3( \(bootRejected ×\d+\))?, refused 0 of 3( \(bootRejected ×\d+\))?$/);
    const s = readSummary(out);
    assert.equal(s.passed, false);
    assert.deepEqual([health(s, 'connected').value, health(s, 'connected').passed], [100, true]);
    const booted = health(s, 'booted');
    assert.deepEqual([booted.value, booted.limit, booted.passed], [0, 100, false]);
    assert.equal(health(s, 'csmsAlive').value, null, 'not the embedded CSMS of this run: not judged');
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testcase name="health: booted" classname="ocpp-fleet\.e2e-health\.health" time="0">\n\s+<failure message="booted = 0%, expected ≥ 100%: booted 0 of 6 stations/);
    assert.match(xml, /<testcase name="run completed without protocol errors"[^>]*>\n\s+<failure message="no charge point was booted" type="run">/);

    const relaxedOut = join(dir, 'relaxed');
    const relaxed = await judged({ scenario: file, url: csms.url, out: relaxedOut, health: ['booted=off'] });
    assert.equal(relaxed.exitCode, 0, relaxed.result.reason);
    assert.match(verdictLine(relaxed), /^PASSED: 6 stations, [\d,]+ calls, 6 health checks passed$/);
    const rs = readSummary(relaxedOut);
    assert.equal(rs.passed, true);
    assert.equal(rs.health?.some((h) => h.check === 'booted'), false, 'a check turned off is absent');
    assert.equal((rs.settings.health as Record<string, unknown>).booted, 'off');
  });

  test('Basic auth refusing one group (csms --basic-auth): exit 1, the refused group named and listed under groups', async () => {
    const dir = scratch.dir('health-auth');
    writeFileSync(join(dir, 'passwords.csv'), `identity,password\n${['HOK-001', 'HOK-002', 'HOK-003'].map((id) => `${id},sesame-${id}`).join('\n')}\n`);
    // The fleet gives every station a password; the CSMS knows only the `allowed` group's.
    writeFileSync(join(dir, 'fleet-passwords.csv'), `identity,password\n${['HOK-001', 'HOK-002', 'HOK-003', 'HNO-001', 'HNO-002', 'HNO-003'].map((id) => `${id},sesame-${id}`).join('\n')}\n`);
    const csms = await scratch.csms({ basicAuth: join(dir, 'passwords.csv') });
    const out = join(dir, 'out');
    const r = await judged({ scenario: writeScenario(dir, 'auth', scenario('4s')), url: csms.url, out, passwordFile: join(dir, 'fleet-passwords.csv') });
    assert.equal(r.exitCode, 1, r.result.reason);
    assert.match(
      verdictLine(r),
      /^FAILED: connected 3 of 6 stations \(handshakeRejected ×\d+\); group refused 0 of 3( \(handshakeRejected ×\d+\))?; booted 3 of 6 stations \(3 never connected\); group refused 0 of 3 \(3 never connected\)$/,
    );
    const s = readSummary(out);
    assert.equal(s.passed, false);
    assert.deepEqual([health(s, 'connected').value, health(s, 'booted').value], [50, 50]);
    assert.equal(health(s, 'incompleteCalls').passed, true, 'the stations that connected completed their calls');
    assert.deepEqual(s.groups.refused?.fleet, { planned: 3, connected: 0, booted: 0, failedToConnect: 3, notStarted: 0 });
    assert.deepEqual(s.groups.refused?.actions, {});
    assert.doesNotMatch(verdictLine(r) + stderrOf(r) + readFileSync(join(out, 'summary.json'), 'utf8'), /sesame/);
  });

  test('a port nobody listens on: fail fast, exit 3 after the 10 s default, not after the 60 s duration', async () => {
    const dir = scratch.dir('health-closed');
    const port = await closedPort();
    const out = join(dir, 'out');
    const r = await judged({ scenario: writeScenario(dir, 'closed', scenario('60s')), url: `ws://127.0.0.1:${port}/ocpp`, out, timeoutMs: 55_000 });
    assert.equal(r.exitCode, 3, r.result.reason);
    assert.equal(r.result.reason, 'unreachable');
    assert.match(stderrOf(r), new RegExp(`error: no charge point connected to ws://127\\.0\\.0\\.1:${port}/ocpp within 10 s of the first attempt \\(connectRefused ×\\d+\\); stopping the run`));
    assert.match(verdictLine(r), /^FAILED \(stopped before its planned end\): connected 0 of 6 stations \(connectRefused ×\d+\)/);
    const s = readSummary(out);
    assert.equal(s.passed, false);
    assert.equal(s.partial, true);
    // Not before the 10 s default (less a timer's millisecond of rounding), and stopped before the
    // planned 60 s (how soon after 10 s is test/serial/run-magnitudes': a bound on time).
    assert.ok(s.durationMs >= 9_990 && s.durationMs < 60_000, `the run lasted ${s.durationMs} ms`);
    assert.deepEqual([health(s, 'connected').value, health(s, 'connected').passed], [0, false]);
    assert.deepEqual(Object.keys(s.groups).sort(), ['allowed', 'refused'], 'every planned group is listed');
  });

  test('the scenario\'s health block turns fail fast off; health unreachableAfter sets it; a bad value is a usage error', async () => {
    const dir = scratch.dir('health-block');
    const port = await closedPort();
    const out = join(dir, 'out');
    const url = `ws://127.0.0.1:${port}/ocpp`;
    const file = writeScenario(dir, 'block', scenario('3s', 'health:\n  unreachableAfter: off\n  connected: 0\n  booted: 0'));
    const r = await judged({ scenario: file, url, out });
    // Nothing connected in the whole run: still unreachable (3) at its end, but not stopped early.
    assert.equal(r.exitCode, 3, r.result.reason);
    assert.equal(r.result.reason, 'noConnection');
    assert.doesNotMatch(stderrOf(r), /stopping the run/);
    const s = readSummary(out);
    assert.equal(s.partial, false);
    assert.deepEqual([health(s, 'connected').limit, health(s, 'connected').passed], [0, true]);
    assert.equal((s.settings.health as Record<string, unknown>).unreachableAfterMs, 'off');

    const fast = await judged({ scenario: writeScenario(dir, 'fast', scenario('30s')), url, out: join(dir, 'fast'), health: ['unreachableAfter=2s'] });
    assert.equal(fast.exitCode, 3);
    assert.equal(fast.result.reason, 'unreachable');
    assert.match(stderrOf(fast), /within 2 s of the first attempt/);

    await assert.rejects(
      judged({ scenario: file, url, health: ['booted=most'] }),
      (e: unknown) => e instanceof UsageError && /options\.health booted: expected a share in percent from 0 to 100/.test(e.message),
    );
  });
});
