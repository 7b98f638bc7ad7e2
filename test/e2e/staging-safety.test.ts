import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmTargets, isLoopback } from '../../src/run/staging-safety';
import { runCli } from '../helpers/fleet-cli';

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
