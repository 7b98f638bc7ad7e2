import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { confirmTargets, isLoopback } from '../../src/run/staging-safety';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/** One target, without a terminal to ask on (as in CI). */
const confirmTarget = (url: string, stations: number, limit: number, yes: boolean): Promise<void> => confirmTargets([url], stations, limit, yes, undefined);

test('a non-loopback target with a fleet above the limit needs --yes without a terminal, and nothing connects', async () => {
  // The .invalid domain never resolves: the refusal must come before any connection attempt.
  const r = await runCli(['run', 'scenarios/smoke.yaml', '--url', 'wss://csms.example.invalid/ocpp', '--duration', '5s']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /200 charge points against csms\.example\.invalid, which is not this machine: pass --yes to confirm/);
  assert.doesNotMatch(r.stderr, /connect|ENOTFOUND/);
});

test('loopback targets and small fleets need no confirmation', async () => {
  for (const url of ['ws://127.0.0.1:9000', 'ws://localhost:1', 'wss://[::1]:443', 'ws://127.10.0.5/x']) assert.equal(isLoopback(url), true, url);
  for (const url of ['ws://10.0.0.1', 'wss://csms.example.com', 'ws://128.0.0.1']) assert.equal(isLoopback(url), false, url);
  await confirmTarget('ws://127.0.0.1:9', 100_000, 100, false);
  await confirmTarget('wss://csms.example.invalid', 100, 100, false);
  await confirmTarget('wss://csms.example.invalid', 100_000, 100, true);
  await assert.rejects(confirmTarget('wss://csms.example.invalid', 101, 100, false), /pass --yes/);
});

test('--max-rate caps the calls per second of the whole fleet; the wait shows as dispatch delay', async () => {
  const dir = tempDir('maxrate');
  const scenario = writeScenario(
    dir,
    'rate',
    `
name: rate
duration: 6s
gracefulStop: 1s
groups:
  - name: g
    count: 40
    ocpp: "1.6"
    identity: "RATE-{index:02}"
    ramp: all
    heartbeatInterval: 1s
`,
  );
  const out = join(dir, 'out');
  // The fleet offers twice the cap on purpose: the calls still held when the run ends are never
  // sent (runEnded), which the incompleteCalls check rightly fails; here the cap itself is judged.
  const r = await runCli(['run', scenario, '--max-rate', '20/s', '--workers', '2', '--out', out, '--quiet', '--health', 'incompleteCalls=off']);
  assert.equal(r.code, 0, r.stderr);
  const s = readSummary(out);
  const sent = Object.values(s.actions).reduce((n, a) => n + a.sent, 0);
  const perSec = sent / (s.durationMs / 1000);
  // Unlimited, 40 stations would send ~40 heartbeats a second plus 80 calls at boot.
  assert.ok(perSec > 12 && perSec <= 24, `${perSec.toFixed(1)} calls/s over ${s.durationMs} ms (${sent} calls)`);
  assert.equal(s.settings.maxRatePerSec, 20);
  const hb = s.actions.Heartbeat;
  assert.ok(hb && hb.dispatchDelayMs.p99 > 100, `Heartbeat dispatch delay p99 ${hb?.dispatchDelayMs.p99} ms`);
  assert.ok(hb.serviceTimeMs.p50 < 100, 'the CSMS itself answers fast');
});
