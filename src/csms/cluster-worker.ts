import type { Socket } from 'node:net';
import { CsmsRequestError } from './calls';
import type { PrimaryMessage, RemoteError, WorkerMessage, WorkerReply } from './cluster-messages';
import { startCsmsServer, type CsmsServer } from './server';

/**
 * One process of a CSMS over several: a CSMS of its own (the same server as alone) serving the
 * connections the first process hands it (cluster-primary.ts), all of the stations whose identity
 * hashes to it, and answering the first process's questions (stats, stations, calls to its
 * stations). It also listens on a port of its own, the same server as alone: a fleet that knows
 * the processes' URLs (the run's, against the embedded CSMS) connects to each station's process
 * directly, with no hand-over on the way; its admin API there answers for this process alone.
 * It goes when the first process goes.
 */
function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

function remoteError(err: unknown): RemoteError {
  if (err instanceof CsmsRequestError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

function answer(id: number, work: () => Promise<WorkerReply> | WorkerReply): void {
  Promise.resolve()
    .then(work)
    .then(
      (value) => send({ type: 'reply', id, value }),
      (err: unknown) => send({ type: 'reply', id, error: remoteError(err) }),
    );
}

let server: CsmsServer | undefined;
/** Connections received, not served until the first process has let go of them (its 'serve'). */
const waiting = new Map<number, { socket: Socket; head: Buffer }>();

function onMessage(m: PrimaryMessage, socket?: Socket): void {
  if (m.type === 'start') {
    startCsmsServer({ ...m.options, port: m.options.port === 0 ? 0 : m.options.port + 1 + m.index, processes: 1 }).then(
      (s) => {
        server = s;
        send({ type: 'listening', port: s.port });
      },
      (err: unknown) => {
        send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
        process.exitCode = 1;
        process.disconnect?.();
      },
    );
    return;
  }
  if (m.type === 'conn') {
    if (socket === undefined) return;
    waiting.set(m.id, { socket, head: Buffer.from(m.head) });
    send({ type: 'received', id: m.id });
    return;
  }
  if (m.type === 'serve') {
    const conn = waiting.get(m.id);
    waiting.delete(m.id);
    if (conn !== undefined && server?.adopt(conn.socket, conn.head) !== true) conn.socket.destroy();
    return;
  }
  const csms = server;
  if (csms === undefined) {
    if ('id' in m) send({ type: 'reply', id: m.id, error: { code: 'internal', message: 'this CSMS process has not started' } });
    return;
  }
  switch (m.type) {
    case 'stats':
      return answer(m.id, () => csms.stats());
    case 'stations':
      return answer(m.id, () => csms.stations());
    case 'call':
      return answer(m.id, () => csms.sendCall(m.identity, m.action, m.payload, m.timeoutMs));
    case 'raw':
      return answer(m.id, async () => ({ reply: (await csms.sendRaw(m.identity, m.frame, m.timeoutMs)) ?? null }));
    case 'close':
      return answer(m.id, async () => {
        await csms.close();
        return csms.stats();
      });
  }
}

process.on('message', onMessage);
// A terminal's Ctrl-C reaches the whole group: the first process stops us in order, after it.
process.on('SIGINT', () => undefined);
// The first process gone (killed): nobody routes connections here any more, nobody reads the counts.
process.once('disconnect', () => {
  const csms = server;
  setTimeout(() => process.exit(0), 3000).unref();
  if (csms === undefined) process.exit(0);
  else void csms.close().then(() => process.exit(0));
});
