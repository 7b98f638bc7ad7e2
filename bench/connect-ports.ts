/**
 * Why the embedded CSMS takes a process per 12,700 stations (src/run/processes/count.ts): the
 * system time of connect() from one source address to one address and port, as the connections
 * to that port grow.
 *
 *   node dist/bench/connect-ports.js [N]   (default 18000; at most what the open-file limit allows)
 *
 * A listener in a child process takes the connections; this process opens N in batches of 1,000
 * (all at once within a batch) and prints each batch's system and user CPU per connect. Linux
 * looks for a free source port among the even ports of its ephemeral range first, and among the
 * odd ones only once no even one is free for that destination: past half the range (~14,100 here)
 * each connect scans every even port first. Batches of 1,000 overflow the listener's backlog
 * now and then, which shows as a batch of ~1 s (SYN retried), not as CPU.
 */
import { fork } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

const BATCH = 1000;

function listen(): void {
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address !== null ? address.port : 0);
  });
  // Ends with its parent.
  process.once('disconnect', () => process.exit(0));
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function measure(total: number): Promise<void> {
  const child = fork(__filename, ['listen']);
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const sockets: Socket[] = [];
  try {
    for (let opened = 0; opened < total; opened += BATCH) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, total - opened) }, () => open(port)))));
      const used = process.cpuUsage(cpu);
      const n = Math.min(BATCH, total - opened);
      process.stdout.write(`${String(opened + n).padStart(6)} connections: ${(used.system / n).toFixed(0).padStart(4)} µs system, ${(used.user / n).toFixed(0).padStart(3)} µs user per connect (the batch ${(performance.now() - t0).toFixed(0)} ms)\n`);
    }
  } finally {
    for (const s of sockets) s.destroy();
    child.disconnect();
  }
}

if (process.argv[2] === 'listen') listen();
else {
  const total = Number(process.argv[2] ?? 18_000);
  if (!Number.isSafeInteger(total) || total < 1) throw new RangeError(`expected a number of connections, got ${process.argv[2]}`);
  measure(total).catch((err: unknown) => {
    process.stderr.write(`connect-ports: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
