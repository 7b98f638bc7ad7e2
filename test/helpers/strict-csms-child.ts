import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { StrictCsmsCounts } from './strict-csms';

/** The strict CSMS (strict-csms.ts) started in a process of its own, as the tests use it. */
export interface StrictCsmsProcess {
  readonly url: string;
  /** Its counts now (GET /stats). */
  stats(): Promise<StrictCsmsCounts>;
  /** SIGTERM; resolves with its last counts. */
  stop(): Promise<StrictCsmsCounts>;
  readonly child: ChildProcess;
}

export async function startStrictCsms(options: { rate?: number; seed?: number; heartbeatS?: number } = {}): Promise<StrictCsmsProcess> {
  const args = ['--rate', String(options.rate ?? 0), '--seed', String(options.seed ?? 1), '--heartbeat', String(options.heartbeatS ?? 60)];
  // stdin is a pipe the child watches: it exits when this process goes away.
  const child = spawn(process.execPath, [join(__dirname, 'strict-csms-main.js'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const queue: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  lines.on('line', (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else queue.push(line);
  });
  lines.on('close', () => {
    for (const w of waiters.splice(0)) w(undefined);
  });
  const nextLine = (timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const ready = queue.shift();
      if (ready !== undefined) return resolve(ready);
      const timer = setTimeout(() => reject(new Error(`strict CSMS: no line within ${timeoutMs} ms`)), timeoutMs);
      waiters.push((line) => {
        clearTimeout(timer);
        if (line === undefined) reject(new Error('strict CSMS: its output ended'));
        else resolve(line);
      });
    });
  const first = JSON.parse(await nextLine(15_000)) as { url: string; stats: string };
  return {
    url: first.url,
    child,
    async stats() {
      const res = await fetch(first.stats);
      return (await res.json()) as StrictCsmsCounts;
    },
    async stop() {
      child.kill('SIGTERM');
      return JSON.parse(await nextLine(10_000)) as StrictCsmsCounts;
    },
  };
}
