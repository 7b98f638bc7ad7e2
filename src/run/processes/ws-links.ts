import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ShardLink, ShardLinks } from './links';
import type { ParentMessage, ProcessMessage } from './messages';

/**
 * The shards of a fleet judged by an aggregator (`ocpp-fleet aggregate`): pods of a Kubernetes
 * Indexed Job (or runs on several machines), each `run --shard I/N --aggregator URL`, connected
 * over a WebSocket at `/shard/I`. Records come as binary frames (the four words of each, little
 * endian, as RecordBatch gathers them); everything else as JSON text, both ways.
 */
export interface ShardServer extends ShardLinks {
  /** The port listened on (the one asked for, or the system's pick for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on host:port for `count` shards; `open()` waits at most `waitMs` for all of them. */
export async function listenForShards(host: string, port: number, count: number, waitMs: number): Promise<ShardServer> {
  const server = new WebSocketServer({ host, port, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const links: (ShardLink | undefined)[] = Array.from({ length: count }, () => undefined);
  let arrived: (() => void) | undefined;
  server.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const index = Number(/^\/shard\/(\d+)$/.exec(req.url ?? '')?.[1] ?? NaN) - 1;
    if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
      ws.close(1008, `expected /shard/I with 1 ≤ I ≤ ${count}, got ${req.url ?? ''}`);
      return;
    }
    if (links[index] !== undefined) {
      ws.close(1008, `shard ${index + 1} is already connected`);
      return;
    }
    links[index] = wsLink(ws);
    arrived?.();
  });
  return {
    noun: 'shard',
    count,
    port: (server.address() as { port: number }).port,
    open: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const missing = links.flatMap((l, i) => (l === undefined ? [i + 1] : []));
          reject(new Error(`${count - missing.length} of ${count} shards connected within ${Math.round(waitMs / 1000)} s (missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''})`));
        }, waitMs);
        arrived = () => {
          if (links.some((l) => l === undefined)) return;
          clearTimeout(timer);
          resolve(links as ShardLink[]);
        };
        arrived();
      }),
    close: () =>
      new Promise((resolve) => {
        for (const ws of server.clients) ws.terminate();
        server.close(() => resolve());
      }),
  };
}

function wsLink(ws: WebSocket): ShardLink {
  const listeners: ((m: ProcessMessage) => void)[] = [];
  ws.on('message', (data: RawData, binary: boolean) => {
    const m = binary ? records(data) : parseMessage(String(data));
    if (m !== undefined) for (const l of listeners) l(m);
  });
  return {
    send: (message: ParentMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    onMessage: (listener) => void listeners.push(listener),
    ended: new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => resolve(`disconnected (${code}${reason.length > 0 ? `: ${reason.toString()}` : ''})`))),
  };
}

function records(data: RawData): ProcessMessage | undefined {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  if (buf.length % 16 !== 0) return undefined;
  // A copy, aligned for the 32-bit view.
  const words = new Uint32Array(buf.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = buf.readUInt32LE(i * 4);
  return { type: 'records', words };
}

/** A shard's JSON message; its result's times come back as Dates. */
function parseMessage(text: string): ProcessMessage | undefined {
  try {
    const m = JSON.parse(text) as ProcessMessage;
    if (m.type === 'result') {
      const o = m.outcome as { startedAt: Date | string; endedAt: Date | string };
      o.startedAt = new Date(o.startedAt);
      o.endedAt = new Date(o.endedAt);
    }
    return m;
  } catch {
    return undefined;
  }
}
