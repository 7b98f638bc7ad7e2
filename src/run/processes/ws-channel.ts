import { WebSocket } from 'ws';
import type { Shard } from '../../scenario/plan';
import type { ParentMessage, ProcessMessage } from './messages';
import type { ShardChannel } from './shard-task';

/**
 * A shard's way to its aggregator (`run --shard I/N --aggregator URL`): a WebSocket to
 * `URL/shard/I`; records go as binary frames, the rest as JSON (ws-links.ts is the other end).
 */
export async function connectToAggregator(url: string, shard: Shard, timeoutMs = 30_000): Promise<ShardChannel & { close(): void }> {
  const ws = new WebSocket(`${url.replace(/\/+$/, '')}/shard/${shard.index}`, { handshakeTimeout: timeoutMs });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', (err) => reject(new Error(`cannot reach the aggregator at ${url}: ${err.message}`)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the aggregator at ${url} refused shard ${shard.index}/${shard.count}: HTTP ${res.statusCode ?? ''}`)));
  });
  let closing = false;
  return {
    send: (message: ProcessMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (message.type === 'records') {
        const buf = Buffer.alloc(message.words.length * 4);
        for (let i = 0; i < message.words.length; i++) buf.writeUInt32LE(message.words[i] as number, i * 4);
        ws.send(buf, { binary: true });
      } else ws.send(JSON.stringify(message));
    },
    onMessage: (listener) =>
      ws.on('message', (data, binary) => {
        if (binary) return;
        try {
          listener(JSON.parse(String(data)) as ParentMessage);
        } catch {
          // Not ours: ignored.
        }
      }),
    onGone: (listener) =>
      ws.once('close', () => {
        if (!closing) listener();
      }),
    close: () => {
      closing = true;
      ws.close(1000);
    },
  };
}
