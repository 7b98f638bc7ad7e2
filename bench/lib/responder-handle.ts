import type { ChildProcess } from 'node:child_process';
import type { ResponderMessage, ResponderStats, ToResponder } from '../responder';
import { forkScript } from './child';

export interface ResponderOptions {
  delayMs?: number;
  jitterMs?: number;
  stallMs?: number;
  stallEveryMs?: number;
  stallFirstMs?: number;
}

export interface Responder {
  readonly url: string;
  readonly pid: number;
  /** Answer only connections whose identity starts with `<only>-` (null: all); resolves once applied. */
  serve(only: string | null): Promise<void>;
  /** Forget the hold times so far (a measurement window starts). */
  reset(): Promise<void>;
  /** CALLs answered so far. */
  answered(): Promise<number>;
  /** Stop it and get what it did. */
  stop(): Promise<ResponderStats>;
}

/** Fork the bare responder (its own process, its own file limit) and wait until it listens. */
export function startResponder(options: ResponderOptions = {}): Promise<Responder> {
  const args: string[] = [];
  if (options.delayMs !== undefined) args.push('--delay-ms', String(options.delayMs));
  if (options.jitterMs !== undefined) args.push('--jitter-ms', String(options.jitterMs));
  if (options.stallMs !== undefined) args.push('--stall-ms', String(options.stallMs));
  if (options.stallEveryMs !== undefined) args.push('--stall-every-ms', String(options.stallEveryMs));
  if (options.stallFirstMs !== undefined) args.push('--stall-first-ms', String(options.stallFirstMs));
  // The responder is never profiled with the clients: it is not what is measured.
  const child = forkScript('responder.js', args, []);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the responder did not listen within 10 s'));
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the responder exited before listening (code ${String(code)})`));
    });
    child.once('message', (m: ResponderMessage) => {
      if (m.type !== 'listening') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: `ws://127.0.0.1:${m.port}`,
        pid: child.pid ?? -1,
        serve: (only) => serveOnly(child, only),
        reset: async () => {
          await request(child, { type: 'reset' }, 'reset');
        },
        answered: async () => {
          const m = await request(child, { type: 'count' }, 'count');
          return m.type === 'count' ? m.answered : Number.NaN;
        },
        stop: () => stopResponder(child),
      });
    });
  });
}

async function serveOnly(child: ChildProcess, only: string | null): Promise<void> {
  await request(child, { type: 'serve', only }, 'serving');
}

/** Send a message and wait for the answer of the given type (5 s at most). */
function request(child: ChildProcess, message: ToResponder, answer: ResponderMessage['type']): Promise<ResponderMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the responder did not answer ${message.type} within 5 s`)), 5000);
    const onMessage = (m: ResponderMessage): void => {
      if (m.type !== answer) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

function stopResponder(child: ChildProcess): Promise<ResponderStats> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      reject(new Error('the responder had already exited'));
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the responder did not stop within 10 s'));
    }, 10_000);
    child.on('message', (m: ResponderMessage) => {
      if (m.type !== 'stats') return;
      clearTimeout(timer);
      resolve(m.stats);
    });
    child.send({ type: 'stop' } satisfies ToResponder);
  });
}
