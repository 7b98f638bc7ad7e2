import { strict as assert } from 'node:assert';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { openSocket, readBody, sendText, terminate, type SocketEvents } from '../../src/station/socket-events';

/** What the server side of one connection received: text frames in order, and how it ended. */
interface Received {
  frames: string[];
  binary: number;
  closeCode: number;
  ended: Promise<void>;
}

/** A station stand-in: records the events the shared listeners hand it. */
class Recorder implements SocketEvents {
  opened = 0;
  messages: string[] = [];
  closed = 0;
  errors = 0;
  /** The subprotocol of each upgrade, as the server answered it. */
  upgraded: (string | undefined)[] = [];
  binary: number[] = [];
  closes: Array<{ code: number; reason: string }> = [];
  private onOpen: (() => void) | undefined;
  readonly open = new Promise<void>((resolve) => (this.onOpen = resolve));
  socketUpgraded(_ws: WebSocket, protocol: string | undefined): void {
    this.upgraded.push(protocol);
  }
  socketBinary(_ws: WebSocket, bytes: number): void {
    this.binary.push(bytes);
  }
  socketOpened(): void {
    this.opened++;
    this.onOpen?.();
  }
  socketMessage(text: string): void {
    this.messages.push(text);
  }
  socketPong(): void {}
  socketRejected(ws: WebSocket, res: IncomingMessage): void {
    res.resume();
    ws.terminate();
  }
  socketError(): void {
    this.errors++;
  }
  socketClosed(_ws: WebSocket, code: number, reason: Buffer): void {
    this.closed++;
    this.closes.push({ code, reason: reason.toString() });
  }
}

describe('station socket events and held writes', () => {
  let server: WebSocketServer;
  let url = '';
  const connections: Received[] = [];

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => {
      let end: () => void = () => undefined;
      const r: Received = { frames: [], binary: 0, closeCode: 0, ended: new Promise((resolve) => (end = resolve)) };
      connections.push(r);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) r.binary++;
        r.frames.push(data.toString());
        if (data.toString() === 'echo') ws.send('echo back');
        if (data.toString() === 'binary please') ws.send(Buffer.from('[3,"1",{}]'), { binary: true });
        if (data.toString() === 'close me') ws.close(1011, 'chaos: bye');
      });
      ws.on('close', (code: number) => {
        r.closeCode = code;
        end();
      });
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('hands events to the owner and sends text frames in order', async () => {
    const owner = new Recorder();
    const ws = openSocket(owner, `${url}/A`, 'ocpp1.6', { perMessageDeflate: false });
    await owner.open;
    const r = connections.at(-1) as Received;
    for (let i = 0; i < 50; i++) sendText(ws, `[2,"${i}","Heartbeat",{}]`);
    sendText(ws, 'echo');
    while (owner.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(owner.messages, ['echo back']);
    assert.equal(r.frames.length, 51);
    assert.equal(r.binary, 0, 'text frames, not binary');
    assert.equal(r.frames[0], '[2,"0","Heartbeat",{}]');
    assert.equal(r.frames[49], '[2,"49","Heartbeat",{}]');
    ws.close(1000);
    await r.ended;
    assert.equal(r.closeCode, 1000);
    while (owner.closed === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(owner.opened, 1);
    assert.equal(owner.errors, 0);
  });

  it('a close right after sends: the frames go out before the close frame', async () => {
    const owner = new Recorder();
    const ws = openSocket(owner, `${url}/B`, 'ocpp1.6', { perMessageDeflate: false });
    await owner.open;
    const r = connections.at(-1) as Received;
    sendText(ws, '[3,"1",{}]');
    sendText(ws, '[3,"2",{}]');
    ws.close(1000);
    await r.ended;
    assert.deepEqual(r.frames, ['[3,"1",{}]', '[3,"2",{}]']);
    assert.equal(r.closeCode, 1000);
  });

  it('terminate right after sends: what was sent still leaves first', async () => {
    const owner = new Recorder();
    const ws = openSocket(owner, `${url}/C`, 'ocpp1.6', { perMessageDeflate: false });
    await owner.open;
    const r = connections.at(-1) as Received;
    sendText(ws, '[2,"1","StatusNotification",{}]');
    sendText(ws, '[2,"2","StatusNotification",{}]');
    terminate(ws);
    await r.ended;
    assert.deepEqual(r.frames, ['[2,"1","StatusNotification",{}]', '[2,"2","StatusNotification",{}]']);
    assert.equal(r.closeCode, 1006, 'no closing handshake');
  });

  it('a binary frame goes to socketBinary with its size, never to socketMessage as text (OCPP-J is text only)', async () => {
    const owner = new Recorder();
    const ws = openSocket(owner, `${url}/D`, 'ocpp1.6', { perMessageDeflate: false });
    await owner.open;
    assert.deepEqual(owner.upgraded, ['ocpp1.6'], 'the subprotocol the server answered with');
    sendText(ws, 'binary please');
    sendText(ws, 'echo');
    while (owner.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(owner.binary, [10]);
    assert.deepEqual(owner.messages, ['echo back']);
    terminate(ws);
  });

  it('a close by the server hands over its code and reason', async () => {
    const owner = new Recorder();
    const ws = openSocket(owner, `${url}/E`, 'ocpp1.6', { perMessageDeflate: false });
    await owner.open;
    sendText(ws, 'close me');
    while (owner.closed === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(owner.closes, [{ code: 1011, reason: 'chaos: bye' }]);
  });
});

describe('readBody: the start of a refused upgrade\'s body, bounded', () => {
  it('reads at most the bound from a large body, and all of a short one', async () => {
    const http = createServer((req, res) => {
      const body = req.url === '/big' ? 'x'.repeat(1_000_000) : 'go away';
      res.writeHead(401, { 'Content-Length': String(body.length) }).end(body);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const read = (path: string): Promise<string> =>
      new Promise((resolve, reject) => {
        get(`${base}${path}`, (res) =>
          readBody(res, 800, (text) => {
            res.destroy();
            resolve(text);
          }),
        ).on('error', reject);
      });
    try {
      assert.equal(await read('/small'), 'go away');
      const big = await read('/big');
      assert.equal(big.length, 800, 'cut at the bound');
      assert.match(big, /^x+$/);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});
