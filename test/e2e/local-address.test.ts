import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { RunOptionError } from '../../src/index';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * Connections spread over several source addresses: on Linux all of 127.0.0.0/8 is loopback. The
 * run goes through run(); the CLI's own reading of --local-address is in cli.test.ts.
 */
test('localAddress spreads the stations\' connections over the addresses given', async () => {
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
    const r = await runFleet({ scenario, url: `ws://127.0.0.1:${port}`, localAddress: ['127.0.0.2', '127.0.0.3'], workers: 1, out: join(dir, 'out') });
    assert.equal(r.exitCode, 0, r.result.reason);
    assert.deepEqual([...seen.entries()].sort(), [['127.0.0.2', 3], ['127.0.0.3', 3]]);
    assert.deepEqual(readSummary(join(dir, 'out')).settings.localAddresses, ['127.0.0.2', '127.0.0.3']);
    await assert.rejects(
      runFleet({ scenario, url: `ws://127.0.0.1:${port}`, localAddress: ['127.0.0.2', 'nope'] }),
      (e: unknown) => e instanceof RunOptionError && /^options\.localAddress must be IP addresses, got "nope"$/.test(e.message),
    );
  } finally {
    wss.close();
    await new Promise((r) => http.close(r));
  }
});
