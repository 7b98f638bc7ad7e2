import { fork, type ChildProcess } from 'node:child_process';
import { request, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { OcppVersion } from '../ocpp';
import type { CsmsCallResult } from './calls';
import type { NodeInfo } from './nodes';
import { CSMS_FLAGS, resolveCsmsOptions, type CsmsOptions } from './options';
import type { CsmsStats } from './stats';
import { LineRing } from './line-ring';

/**
 * The embedded CSMS in a process of its own, so that its CPU never competes with the fleet's
 * event loop and its measurements (the fleet's latency) stay honest. It is the `csms` command of
 * our own CLI, forked with an IPC channel that carries one message: the port it listens on.
 *
 * Supervised: it runs in a session (and so a process group) of its own, so a terminal's Ctrl-C
 * reaches the fleet alone, which stops its stations gracefully and this CSMS last; it stops by
 * itself when the parent goes away (the IPC channel closes; see csms-command.ts), so a fleet
 * killed with SIGKILL leaves no orphan; and its exit is observed (`exited`) with its code or
 * signal and its last stderr lines, so the parent can act on an unexpected death at once.
 */
export interface EmbeddedCsmsOptions extends Omit<CsmsOptions, 'port'> {
  /** Default 0: a free port. */
  port?: number;
  /** How long the child may take to listen (default 15 s). */
  startTimeoutMs?: number;
}

/** How the child ended. */
export interface CsmsExit {
  /** Its exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the exit was seen (Date.now()). */
  atWallMs: number;
  /** Its last stderr lines (at most 20), oldest first. */
  lastLines: string[];
  /** True when it exited after stop() asked it to; false for a death nobody asked for. */
  requested: boolean;
}

export interface EmbeddedCsms {
  readonly port: number;
  /** `ws://127.0.0.1:<port>` (or the host it listens on, when that is a specific address): node 0. */
  readonly url: string;
  /** Every node's port and URL, node 0 first (one unless started with `nodes`). */
  readonly ports: readonly number[];
  readonly urls: readonly string[];
  /**
   * With `processes`: each process's own URL, in order. A fleet connecting each station to the
   * one its identity hashes to (a fleet's home target among these URLs) skips the hand-over.
   */
  readonly processUrls?: readonly string[];
  readonly pid: number;
  stats(): Promise<CsmsStats>;
  stations(): Promise<{ identity: string; version: OcppVersion; node?: number; process?: number }[]>;
  nodes(): Promise<NodeInfo[]>;
  /** Close node `index`'s listener and cut its connections (admin POST /nodes/stop). */
  stopNode(index: number): Promise<NodeInfo>;
  /** Listen again on node `index`'s port (admin POST /nodes/start). */
  startNode(index: number): Promise<NodeInfo>;
  call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<CsmsCallResult>;
  /** The station's next frame after `frame`, or undefined when it sent none in time. */
  raw(identity: string, frame: string, timeoutMs?: number): Promise<string | undefined>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
  stop(): Promise<void>;
  /** The child's stderr so far (its last 64 KB): the listening line, then the stats summary. */
  stderr(): string;
  /** Resolves once the child has exited, however it ended (it never rejects). */
  readonly exited: Promise<CsmsExit>;
}

/** The compiled CLI entry, beside this file's folder once built (dist/src/cli/main.js). */
const CLI_ENTRY = join(__dirname, '../cli/main.js');
const KILL_AFTER_MS = 5000;
const STDERR_KEPT = 64 * 1024;

export async function startEmbeddedCsms(options: EmbeddedCsmsOptions = {}): Promise<EmbeddedCsms> {
  const { startTimeoutMs = 15_000, ...rest } = options;
  // Checked here too, so a bad option is a TypeError in the caller, not a child's exit code.
  const resolved = resolveCsmsOptions({ ...rest, port: rest.port ?? 0 });
  if (!Number.isFinite(startTimeoutMs) || startTimeoutMs <= 0) {
    throw new TypeError(`options.startTimeoutMs must be a number > 0, got ${String(startTimeoutMs)}`);
  }
  const args = ['csms'];
  for (const key of Object.keys(CSMS_FLAGS) as (keyof CsmsOptions)[]) {
    // Empty strings are options left out (no TLS, no auth file).
    if (resolved[key] !== '') args.push(CSMS_FLAGS[key], String(resolved[key]));
  }

  // execArgv is not inherited: a parent under `node --test` or a profiler must not pass that on.
  // detached: a session of its own, out of the terminal's foreground process group, whose Ctrl-C
  // would otherwise kill it before the fleet's graceful stop could send its last messages to it.
  const child = fork(CLI_ENTRY, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [], detached: true });
  let stderr = '';
  const lines = new LineRing();
  // OCPP_FLEET_DEBUG (as for stack traces in main.ts): the CSMS's own lines, its pid and final counts included.
  const echo = process.env.OCPP_FLEET_DEBUG ? (line: string) => process.stderr.write(`[csms ${String(child.pid)}] ${line}\n`) : undefined;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > STDERR_KEPT) stderr = stderr.slice(-STDERR_KEPT);
    const complete = lines.push(chunk);
    if (echo !== undefined) for (const line of complete) echo(line);
  });
  let stopRequested = false;
  const exited = new Promise<CsmsExit>((resolve) => {
    // 'close' rather than 'exit': stderr has been read to its end, so the last lines are all there.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      resolve({ code, signal, atWallMs: Date.now(), lastLines: lines.last(), requested: stopRequested });
    });
  });
  const { ports, processPorts } = await listeningPorts(child, startTimeoutMs, () => stderr);
  const port = ports[0] as number;
  // Neither the channel nor the child should keep the parent alive; if the parent exits without
  // stop(), the child sees the channel close and stops by itself.
  child.channel?.unref();
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();

  const host = isWildcard(resolved.host) ? '127.0.0.1' : resolved.host;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const tls = resolved.tlsCert !== '';
  // Every node serves the admin API; a stopped node does not, so a request refused by one goes to the next.
  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    for (let i = 0; ; i++) {
      try {
        return await adminRequest(tls, host, ports[i] as number, method, path, body);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || i + 1 >= ports.length) throw err;
      }
    }
  };
  const urls = ports.map((p) => `${tls ? 'wss' : 'ws'}://${hostInUrl}:${p}`);
  return {
    port,
    url: urls[0] as string,
    ports,
    urls,
    ...(processPorts.length === 0 ? {} : { processUrls: processPorts.map((p) => `${tls ? 'wss' : 'ws'}://${hostInUrl}:${p}`) }),
    pid: child.pid ?? -1,
    stats: () => admin('GET', '/stats') as Promise<CsmsStats>,
    stations: () => admin('GET', '/stations') as Promise<{ identity: string; version: OcppVersion; node?: number }[]>,
    nodes: () => admin('GET', '/nodes') as Promise<NodeInfo[]>,
    stopNode: (index) => admin('POST', '/nodes/stop', { node: index }) as Promise<NodeInfo>,
    startNode: (index) => admin('POST', '/nodes/start', { node: index }) as Promise<NodeInfo>,
    call: (identity, action, payload, timeoutMs) =>
      admin('POST', '/call', { identity, action, payload, timeoutMs }) as Promise<CsmsCallResult>,
    raw: async (identity, frame, timeoutMs) => {
      const answer = (await admin('POST', '/raw', { identity, frame, timeoutMs })) as { reply: string | null };
      return answer.reply ?? undefined;
    },
    stop: () => {
      // A child already gone died of its own accord, even if its 'close' is still to come.
      if (child.exitCode === null && child.signalCode === null) stopRequested = true;
      return stopChild(child);
    },
    stderr: () => stderr,
    exited,
  };
}

function listeningPorts(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<{ ports: number[]; processPorts: number[] }> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const onMessage = (message: unknown): void => {
      const m = message as { type?: unknown; port?: unknown; ports?: unknown; processPorts?: unknown } | null;
      if (m === null || m.type !== 'listening' || typeof m.port !== 'number') return;
      cleanup();
      const numbers = (x: unknown): number[] => (Array.isArray(x) && x.every((p) => typeof p === 'number') ? (x as number[]) : []);
      const ports = numbers(m.ports);
      resolve({ ports: ports.length > 0 ? ports : [m.port], processPorts: numbers(m.processPorts) });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      reject(new Error(`the embedded CSMS exited before listening (${how}): ${stderr().trim() || '(no output)'}`));
    };
    const onError = (error: Error): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`the embedded CSMS could not be started: ${error.message}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`the embedded CSMS did not listen within ${timeoutMs} ms: ${stderr().trim() || '(no output)'}`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** One admin call, on a fresh connection (no agent): nothing lingers to keep a process alive. */
function adminRequest(tls: boolean, host: string, port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const options = { host, port, method, path, agent: false, headers: text === undefined ? {} : { 'content-type': 'application/json' } };
  // Our own child on loopback: its certificate was made for the stations, not for this client.
  const send = tls ? (o: typeof options, cb: (res: IncomingMessage) => void) => httpsRequest({ ...o, rejectUnauthorized: false }, cb) : request;
  return new Promise((resolve, reject) => {
    const req = send(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        let value: unknown;
        try {
          value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          reject(new Error(`CSMS admin ${method} ${path}: answer is not JSON (HTTP ${String(res.statusCode)})`));
          return;
        }
        if (res.statusCode === 200) resolve(value);
        else reject(new Error(`CSMS admin ${method} ${path}: HTTP ${String(res.statusCode)}: ${(value as { error?: string }).error ?? ''}`));
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}
