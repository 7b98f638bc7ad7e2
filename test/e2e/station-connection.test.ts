import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * How stations meet a server that will not talk OCPP with them, and a CSMS that makes them wait.
 * The runs go through run() in this process; the verdict is the result's reason and exit code.
 */
const TWO = (version: string, extra = ''): string => `
name: conn
duration: 3s
gracefulStop: 1s
callTimeout: 2s
groups:
  - name: g
    count: 2
    ocpp: "${version}"
    identity: "CONN-{index}"
    reconnect: { min: 300ms, max: 600ms }
    ${extra}
`;

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return (server.address() as { port: number }).port;
}

test('a server that picks another subprotocol is refused and counted as subprotocolMismatch (exit 3)', async () => {
  const http = createServer();
  // A server that answers every upgrade with ocpp2.0.1, whatever the station asked for.
  const wss = new WebSocketServer({ server: http, handleProtocols: () => 'ocpp2.0.1' });
  closers.push(() => new Promise((r) => wss.close(() => r())));
  const port = await listen(http);
  const dir = tempDir('subproto');
  const r = await runFleet({ scenario: writeScenario(dir, 'c', TWO('1.6')), url: `ws://127.0.0.1:${port}`, out: join(dir, 'out') });
  assert.equal(r.exitCode, 3, r.result.reason);
  assert.equal(r.result.reason, 'noConnection');
  const s = readSummary(join(dir, 'out'));
  assert.equal(s.fleet.connected, 0);
  assert.ok((s.errors.subprotocolMismatch ?? 0) >= 4, JSON.stringify(s.errors));
  assert.equal(s.connect.ok, 0);
});

test('an upgrade refused with HTTP 401 is counted as handshakeRejected', async () => {
  const http = createServer();
  http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'));
  const port = await listen(http);
  const dir = tempDir('401');
  const r = await runFleet({ scenario: writeScenario(dir, 'c', TWO('2.0.1')), url: `ws://127.0.0.1:${port}`, out: join(dir, 'out') });
  assert.equal(r.exitCode, 3, r.result.reason);
  assert.match(r.result.message ?? '', /handshakeRejected ×\d+/);
  const s = readSummary(join(dir, 'out'));
  assert.ok((s.errors.handshakeRejected ?? 0) >= 4, JSON.stringify(s.errors));
});

test('Pending boots are honoured: only BootNotification again, after the interval the CSMS gave', async () => {
  const csms: EmbeddedCsms = await startEmbeddedCsms({ pendingBoots: 2, bootRetryIntervalS: 1 });
  closers.push(() => csms.stop());
  const dir = tempDir('pending');
  const scenario = TWO('2.0.1', 'sessions: { idle: 100ms, duration: 1s, meterInterval: 500ms }').replace('duration: 3s', 'duration: 5s');
  const r = await runFleet({ scenario: writeScenario(dir, 'c', scenario), url: csms.url, out: join(dir, 'out') });
  assert.equal(r.exitCode, 0, r.result.reason);
  const s = readSummary(join(dir, 'out'));
  const stats = await csms.stats();
  assert.equal(s.counters.bootPending, 4, 'two Pending answers per station');
  assert.equal(s.counters.bootRetries, 4);
  assert.equal(s.actions.BootNotification?.sent, 6);
  assert.equal(stats.boots.pending, 4);
  assert.equal(stats.boots.accepted, 2);
  assert.equal(s.fleet.booted, 2);
  // Two retries 1 s apart: acceptance comes no sooner than ~2 s after the first boot. That each
  // retry is due exactly the interval later is test/unit/station-boot's (an injected clock).
  assert.ok(s.boot.timeToAcceptedMs.p50 >= 1900, `${s.boot.timeToAcceptedMs.p50} ms`);
  // Nothing but BootNotification went out before acceptance; the rest of the run went on after it.
  assert.equal(stats.boots.callsBeforeAccepted, 0);
  assert.ok((s.actions.StatusNotification?.sent ?? 0) >= 2);
  assert.equal(stats.incoming.StatusNotification?.received, s.actions.StatusNotification?.sent);
});
