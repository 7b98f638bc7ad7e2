import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { openSocket, sendText, terminate, type SocketEvents } from '../../src/station/socket-events';

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
  private onOpen: (() => void) | undefined;
  readonly open = new Promise<void>((resolve) => (this.onOpen = resolve));
  socketOpened(): void {
    this.opened++;
    this.onOpen?.();
  }
  socketMessage(text: string): void {
    this.messages.push(text);
  }
  socketPong(): void {}
  socketRejected(ws: WebSocket): void {
    ws.terminate();
  }
  socketError(): void {
    this.errors++;
  }
  socketClosed(): void {
    this.closed++;
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
});
