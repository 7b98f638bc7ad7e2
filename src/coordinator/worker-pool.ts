import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { WorkerResult, WorkerTask } from '../thread/messages';

/** The worker's entry (src/worker/main.ts), named by path: the coordinator never imports the floor above it. */
const WORKER_FILE = join(__dirname, '../worker/main.js');

/** Where the shares of a fleet run: worker threads, or this thread. */
export interface WorkerPool {
  run(task: WorkerTask): Promise<WorkerResult>;
  destroy(): Promise<void>;
}

/**
 * `threads` piscina workers, one task each for the whole run; or, with `inThread`, the one share
 * on this thread's own event loop. A process of a fleet over several runs its one share so: a
 * worker thread there would only add an isolate (its heap, its GC, its helper threads) and a
 * thread hop per record, beside a main thread that has little else to do (bench case 12).
 */
export function workerPool(threads: number, inThread: boolean): WorkerPool {
  if (inThread) {
    if (threads !== 1) throw new RangeError(`a fleet runs in this thread only as one share, not ${threads}`);
    return inThreadPool();
  }
  const pool = new Piscina({
    filename: WORKER_FILE,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
    // The task runs for the whole run and lives on its event loop: piscina must never block it.
    atomics: 'disabled',
  });
  return {
    run: (task) => pool.run(task, { transferList: [task.port] }) as Promise<WorkerResult>,
    destroy: () => pool.destroy(),
  };
}

function inThreadPool(): WorkerPool {
  // Loaded on first use: a run in worker threads never compiles the worker's modules here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runWorker = require(WORKER_FILE) as (task: WorkerTask) => Promise<WorkerResult>;
  return {
    // On the next turn, as a thread would start it: the caller's set-up (its listeners on the
    // task's port) is done first, and a throw becomes the task's rejection.
    run: (task) => new Promise<void>((resolve) => setImmediate(resolve)).then(() => runWorker(task)),
    destroy: () => Promise.resolve(),
  };
}
