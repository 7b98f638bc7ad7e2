import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { readSummary, runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * 2.1 stations against a server on a real socket that garbles 2.1's frames: it answers every
 * StatusNotification with a payload its schema refuses, sends a SEND (the CSMS has none in 2.1)
 * and a CALLRESULTERROR about an answer the station never gave. Through the real CLI: the station
 * tells the server with a CALLRESULTERROR of its own, counts each kind, never answers the SEND,
 * and the run is no green one: exit 1, the first line naming the failed check.
 */
const SCENARIO = `
name: garbled-21
duration: 3s
gracefulStop: 1s
callTimeout: 2s
groups:
  - name: v21
    count: 2
    ocpp: "2.1"
    identity: "GARB-{index}"
    heartbeatInterval: 1h
    sessions: { idle: 1h }
`;

const received: unknown[][] = [];
const http = createServer();
const wss = new WebSocketServer({ server: http, handleProtocols: (offered) => (offered.has('ocpp2.1') ? 'ocpp2.1' : false) });
after(() => new Promise<void>((r) => wss.close(() => http.close(() => r()))));

function answer(ws: WebSocket, frame: unknown[]): void {
  const [type, id, action] = frame;
  if (type !== 2) return;
  if (action === 'BootNotification') {
    ws.send(JSON.stringify([3, id, { currentTime: new Date().toISOString(), interval: 3600, status: 'Accepted' }]));
    // Once booted: a SEND, which a CSMS has none of in 2.1, and a CALLRESULTERROR about nothing the station said.
    setTimeout(() => {
      ws.send(JSON.stringify([6, 'srv-1', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: new Date().toISOString(), data: [{ t: 0, v: '1' }] }]));
      ws.send(JSON.stringify([5, 'srv-call-7', 'FormatViolation', 'your answer to srv-call-7 lacked its status', {}]));
    }, 200);
  } else if (action === 'StatusNotification') {
    ws.send(JSON.stringify([3, id, { status: 'Accepted' }]));
  } else {
    ws.send(JSON.stringify([3, id, {}]));
  }
}

test('a server garbling 2.1\'s frames: CALLRESULTERROR sent back, invalidResponse, invalidSend and callResultError counted, exit 1', async () => {
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as unknown[];
      received.push(frame);
      answer(ws, frame);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  const dir = tempDir('garbled-21');
  const out = join(dir, 'out');
  const r = await runCli(['run', writeScenario(dir, 'garbled', SCENARIO), '--url', `ws://127.0.0.1:${port}`, '--out', out, '--yes'], 60_000);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout.split('\n')[0] ?? '', /^FAILED: \d+ of \d+ calls did not complete \(StatusNotification invalid \d+\)/);

  const s = readSummary(out);
  const statuses = s.actions.StatusNotification;
  assert.ok(statuses !== undefined && statuses.invalid > 0 && statuses.invalid === statuses.sent, JSON.stringify(statuses));
  assert.equal(s.errors.invalidResponse, statuses.invalid);
  assert.equal(s.errors.invalidSend, 2, 'one SEND to each station');
  assert.equal(s.errors.callResultError, 2);
  assert.match(s.errorSamples?.callResultError ?? '', /^our answer to srv-call-7 refused: FormatViolation: your answer to srv-call-7 lacked its status$/);
  assert.match(s.errorSamples?.invalidSend ?? '', /NotifyPeriodicEventStream is not a SEND the CSMS makes in OCPP 2\.1/);

  // What the server got back: a CALLRESULTERROR for each bad answer, naming the call and why; nothing for the SEND.
  const refusals = received.filter((f) => f[0] === 5);
  assert.equal(refusals.length, statuses.invalid);
  for (const f of refusals) {
    assert.equal(f.length, 5);
    assert.match(String(f[3]), /^StatusNotification answer: /);
    assert.equal(typeof f[1], 'string');
  }
  assert.equal(received.filter((f) => f[1] === 'srv-1').length, 0, 'the SEND was never answered');
  assert.equal(received.filter((f) => f[0] === 4).length, 0, 'nor was anything answered with a CALLERROR');
});
