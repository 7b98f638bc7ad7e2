import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readSummary, REPO_ROOT, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runCliInProcess } from '../helpers/cli-in-process';
import { closedPort } from '../helpers/closed-port';

const TINY = `
name: tiny
duration: 2s
gracefulStop: 1s
callTimeout: 1s
groups:
  - name: g
    count: 3
    ocpp: "1.6"
    identity: "TINY-{index}"
    reconnect: { min: 200ms, max: 400ms }
`;

/**
 * Help and the refusals run the command line in this process (runCliInProcess: the same
 * commander program, checks and exit codes, without a process start each); what a shell sees of
 * a refusal (the exit status, nothing but the error on stderr, no password) is checked on a
 * process of its own below.
 */
describe('command line', () => {
  test('--help names every command, and run --help every flag', async () => {
    const top = await runCliInProcess(['--help']);
    assert.equal(top.code, 0);
    for (const cmd of ['run', 'validate', 'csms']) assert.match(top.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'));
    assert.match(top.stdout, /Exit codes: 0 passed, 1 a health check or threshold failed, 2 bad usage or configuration, 3 target unreachable or run aborted/);
    const run = await runCliInProcess(['run', '--help']);
    assert.equal(run.code, 0);
    for (const flag of ['--url', '--cps', '--duration', '--workers', '--seed', '--out', '--json', '--quiet']) {
      assert.ok(run.stdout.includes(flag), flag);
    }
  });

  test('a bad flag value exits 2 and names the flag and the value', async () => {
    const r = await runCliInProcess(['run', '--cps', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cps must be a whole number from 1 to 1000000, got "0"/);
    const d = await runCliInProcess(['run', '--duration', 'soon']);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /--duration must be a duration such as "30s"/);
    const u = await runCliInProcess(['run', '--url', 'http://example.invalid']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--url must start with ws:\/\/ or wss:\/\//);
    const a = await runCliInProcess(['run', '--local-address', '127.0.0.2,nope']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--local-address takes IP addresses separated by commas, got "nope"/);
  });

  test('an unknown option exits 2', async () => {
    const r = await runCliInProcess(['run', '--cpz', '10']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--cpz'/);
  });

  test('a URL with credentials is refused and the password is never printed', async () => {
    const r = await runCli(['run', '--url', 'ws://cp:s3cretPassw0rd@127.0.0.1:9/ocpp']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /must not carry credentials/);
    assert.ok(!r.stderr.includes('s3cretPassw0rd') && !r.stdout.includes('s3cretPassw0rd'));
  });

  test('a broken scenario exits 2 with file, line and field, and no stack trace', async () => {
    const dir = tempDir('bad');
    const file = writeScenario(dir, 'bad', 'name: bad\ngroups:\n  - name: g\n    count: 2\n    ocpp: "2.0"\n');
    const r = await runCliInProcess(['run', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: groups\\[0\\]\\.ocpp: expected "1\\.6" or "2\\.0\\.1" or "2\\.1", got "2\\.0"`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('validate prints the plan without connecting', async () => {
    const r = await runCli(['validate', join(REPO_ROOT, 'scenarios/smoke.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /scenario smoke: 200 charge points, duration 30s, seed 1/);
    assert.match(r.stdout, /group cp16: 100 × OCPP 1\.6, 2 connector\(s\), ramp 100\/s/);
    assert.match(r.stdout, /group cs201: 100 × OCPP 2\.0\.1/);
  });

  test('an unreachable target exits 3, says so, and still writes the results', async () => {
    const dir = tempDir('unreachable');
    const out = join(dir, 'out');
    const port = await closedPort();
    const r = await runCli(['run', writeScenario(dir, 'tiny', TINY), '--url', `ws://127.0.0.1:${port}`, '--out', out, '--quiet']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no charge point could connect to ws:\/\/127\.0\.0\.1:\d+ \(connectRefused ×\d+\)/);
    const summary = readSummary(out);
    assert.equal(summary.fleet.connected, 0);
    assert.equal(summary.fleet.failedToConnect, 3);
    // Three stations retrying every 200–400 ms for 2 s: several attempts each.
    assert.ok((summary.errors.connectRefused ?? 0) >= 6, `${summary.errors.connectRefused} refused`);
    assert.equal(summary.connect.ok, 0);
  });

  test('--json prints summary.json on stdout and nothing else', async () => {
    const dir = tempDir('json');
    const r = await runCli(['run', writeScenario(dir, 'tiny', TINY), '--out', join(dir, 'out'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { tool: string; fleet: { booted: number } };
    assert.equal(printed.tool, 'ocpp-fleet');
    assert.equal(printed.fleet.booted, 3);
    assert.deepEqual(printed, readSummary(join(dir, 'out')));
    assert.match(r.stderr, /BootNotification\s+3\s+3/);
  });
});
