import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipcChannel, type IpcProcess } from '../../src/run/processes/ipc-channel';
import type { ProcessMessage } from '../../src/run/processes/messages';

/** A child's `process` whose pipe takes the messages when the test says: what a parent slow to read leaves pending. */
function slowPipe(): IpcProcess & { pending: ((error: Error | null) => void)[]; sent: ProcessMessage[]; disconnects: number } {
  const fake = {
    connected: true,
    pending: [] as ((error: Error | null) => void)[],
    sent: [] as ProcessMessage[],
    disconnects: 0,
    send(message: ProcessMessage, _handle: undefined, _options: object, callback: (error: Error | null) => void): boolean {
      fake.sent.push(message);
      fake.pending.push(callback);
      return false;
    },
    disconnect(): void {
      fake.disconnects++;
      fake.connected = false;
    },
    on: () => fake,
    once: () => fake,
  };
  return fake;
}

test('end() disconnects only once every message sent was written: the last records and the result are not cut off', async () => {
  const proc = slowPipe();
  const channel = ipcChannel(proc);
  channel.send({ type: 'records', words: new Uint32Array(4) });
  channel.send({ type: 'failed', message: 'x' });
  let ended = false;
  const end = channel.end().then(() => (ended = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(proc.disconnects, 0, 'not while two messages wait in the pipe');
  proc.pending.shift()?.(null);
  await new Promise((r) => setImmediate(r));
  assert.equal(proc.disconnects, 0, 'not while one does');
  proc.pending.shift()?.(null);
  await end;
  assert.ok(ended);
  assert.equal(proc.disconnects, 1);
  assert.deepEqual(proc.sent.map((m) => m.type), ['records', 'failed']);
});

test('end() with nothing pending disconnects at once; a send after the parent went is dropped, not thrown', async () => {
  const proc = slowPipe();
  const channel = ipcChannel(proc);
  await channel.end();
  assert.equal(proc.disconnects, 1);
  channel.send({ type: 'ready' });
  assert.equal(proc.sent.length, 0);
  await channel.end();
  assert.equal(proc.disconnects, 1, 'a second end does not disconnect again');
});

test('a message whose write failed (the parent gone) still counts as done: end() does not wait forever', async () => {
  const proc = slowPipe();
  const channel = ipcChannel(proc);
  channel.send({ type: 'ready' });
  const end = channel.end();
  // The pipe's callback with an error: the channel closed under it.
  proc.pending.shift()?.(new Error('channel closed'));
  await end;
  assert.equal(proc.disconnects, 1);
});
