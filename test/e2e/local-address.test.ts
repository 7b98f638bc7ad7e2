import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/** Connections spread over several source addresses: on Linux all of 127.0.0.0/8 is loopback. */
test('--local-address spreads the stations\' connections over the addresses given', async () => {
  const seen = new Map<string, number>();
  const http = createServer();
  // A server that only accepts and records where each connection came from; stations time out on
  // their boot (nothing answers), which does not matter here.
  const wss = new WebSocketServer({ server: http, handleProtocols: (p) => [...p][0] ?? false });
  wss.on('connection', (_ws, req) => {
    const from = req.socket.remoteAddress ?? '?';
    seen.set(from, (seen.get(from) ?? 0) + 1);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  try {
    const dir = tempDir('local');
    const scenario = writeScenario(dir, 'local', `
name: local
duration: 2s
gracefulStop: 1s
callTimeout: 10s
health:
  # Nothing answers the boots: only where the connections come from is judged here.
  booted: off
  incompleteCalls: off
groups:
  - {name: g, count: 6, ocpp: "1.6", identity: "LA-{index}", ramp: all}
`);
    const r = await runCli(['run', scenario, '--url', `ws://127.0.0.1:${port}`, '--local-address', '127.0.0.2,127.0.0.3', '--workers', '1', '--out', join(dir, 'out'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...seen.entries()].sort(), [['127.0.0.2', 3], ['127.0.0.3', 3]]);
    assert.deepEqual(readSummary(join(dir, 'out')).settings.localAddresses, ['127.0.0.2', '127.0.0.3']);
    const bad = await runCli(['run', scenario, '--local-address', '127.0.0.2,nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--local-address takes IP addresses separated by commas, got "nope"/);
  } finally {
    wss.close();
    await new Promise((r) => http.close(r));
  }
});
