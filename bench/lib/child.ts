import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Every measured party runs in a process of its own (the responder, the bare client, the fleet),
 * so that one's CPU, memory and event loop never land in another's figures.
 *
 * The protocol is small and typed: the parent sends the spec; the child may say `ready` (set up,
 * e.g. every station booted), answers `sample` requests with a counter and its CPU time (the
 * interleaved throughput cases), and sends one `result` once it is done or asked to `finish`.
 * The parent kills a child whose time is up, so no bench can hang.
 */
export interface Sample {
  /** A monotonic count of completed operations (round trips, calls). */
  readonly count: number;
  /** process.cpuUsage() user + system, µs, all threads of the child. */
  readonly cpuUs: number;
}

export type ToChild<S> = { readonly type: 'spec'; readonly spec: S } | { readonly type: 'sample' } | { readonly type: 'finish' };

export type FromChild<R> =
  | { readonly type: 'ready'; readonly info: ReadyInfo }
  | { readonly type: 'sample'; readonly sample: Sample }
  | { readonly type: 'result'; readonly result: R }
  | { readonly type: 'error'; readonly message: string };

/** What a child says when it is set up: free-form figures of the set-up (connect time, boot time). */
export type ReadyInfo = Readonly<Record<string, number | null>>;

/** Options of node for the measured children (profiling); set once by run.ts. */
const extraExecArgv: string[] = [];

export function setChildExecArgv(args: readonly string[]): void {
  extraExecArgv.splice(0, extraExecArgv.length, ...args);
}

/** The compiled bench folder (dist/bench). */
export const BENCH_DIST = join(__dirname, '..');

export function forkScript(script: string, args: readonly string[] = [], execArgv: readonly string[] = []): ChildProcess {
  return fork(join(BENCH_DIST, script), [...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Never the parent's own flags (a test runner's): only what the bench asks for.
    execArgv: [...execArgv],
  });
}

/** A measured child. Every wait is bounded by the child's deadline. */
export class ChildRun<S, R> {
  private readonly child: ChildProcess;
  private readonly waiting: ((m: FromChild<R>) => void)[] = [];
  /** Messages that arrived while nobody waited (a child may be ready before the parent asks). */
  private readonly inbox: FromChild<R>[] = [];
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private finalResult: R | undefined;

  constructor(
    readonly script: string,
    spec: S,
    timeoutMs: number,
    options: { gc?: boolean; profile?: boolean } = {},
  ) {
    const execArgv: string[] = [];
    if (options.gc) execArgv.push('--expose-gc');
    if (options.profile !== false) execArgv.push(...extraExecArgv);
    this.child = forkScript(script, [], execArgv);
    this.timer = setTimeout(() => this.fail(new Error(`${script} did not finish within ${timeoutMs} ms`)), timeoutMs);
    this.child.on('message', (m: FromChild<R>) => {
      if (m.type === 'error') {
        this.fail(new Error(`${script}: ${m.message}`));
        return;
      }
      if (m.type === 'result') {
        this.finalResult = m.result;
        clearTimeout(this.timer);
      }
      const waiter = this.waiting.shift();
      if (waiter) waiter(m);
      else this.inbox.push(m);
    });
    this.child.once('exit', (code, signal) => {
      // Messages sent just before exiting may still be on their way.
      setTimeout(() => {
        if (this.finalResult === undefined) this.fail(new Error(`${script} exited before answering (${signal ?? `code ${String(code)}`})`));
      }, 200).unref();
    });
    this.child.once('error', (err) => this.fail(err));
    this.child.send({ type: 'spec', spec } satisfies ToChild<S>);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    clearTimeout(this.timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (const w of this.waiting.splice(0)) w({ type: 'error', message: err.message });
  }

  private next<T extends FromChild<R>['type']>(type: T, send?: ToChild<S>): Promise<Extract<FromChild<R>, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      const take = (m: FromChild<R>): void => {
        if (m.type === type) resolve(m as Extract<FromChild<R>, { type: T }>);
        else if (m.type === 'error') reject(this.failure ?? new Error(m.message));
        else reject(new Error(`${this.script}: expected ${type}, got ${m.type}`));
      };
      if (send) this.child.send(send);
      const early = this.inbox.shift();
      if (early) take(early);
      else this.waiting.push(take);
    });
  }

  async ready(): Promise<ReadyInfo> {
    return (await this.next('ready')).info;
  }

  async sample(): Promise<Sample> {
    return (await this.next('sample', { type: 'sample' })).sample;
  }

  /** Ask an interactive child to stop, and get its result. */
  async finish(): Promise<R> {
    return (await this.next('result', { type: 'finish' })).result;
  }

  /** The result of a child that ends by itself. */
  async result(): Promise<R> {
    return (await this.next('result')).result;
  }

  kill(): void {
    this.fail(new Error(`${this.script} was stopped`));
  }

  /** The child's process id, for what is read of it from /proc. */
  get pid(): number {
    return this.child.pid ?? -1;
  }
}

/** Run a child that ends by itself: spec in, result out. */
export function runChild<S, R>(script: string, spec: S, timeoutMs: number, options: { gc?: boolean } = {}): Promise<R> {
  return new ChildRun<S, R>(script, spec, timeoutMs, options).result();
}

/** What a child's handler may use to talk to its parent. */
export interface ChildIo {
  ready(info: ReadyInfo): void;
  /** The counter `sample` requests read. */
  onSample(read: () => number): void;
  /** Resolves when the parent asks the child to finish. */
  finishRequested(): Promise<void>;
}

/** The child side: wait for the spec, run the handler, send its result (or the error), then exit. */
export function serveChild<S, R>(handler: (spec: S, io: ChildIo) => Promise<R>): void {
  // A parent that dies must not leave a child holding thousands of sockets.
  process.once('disconnect', () => process.exit(3));
  let read: () => number = () => 0;
  let finishRequested: () => void = () => undefined;
  const finish = new Promise<void>((resolve) => (finishRequested = resolve));
  const io: ChildIo = {
    ready: (info) => send<R>({ type: 'ready', info }),
    onSample: (fn) => (read = fn),
    finishRequested: () => finish,
  };
  process.on('message', (m: ToChild<S>) => {
    if (m.type === 'sample') {
      const cpu = process.cpuUsage();
      send<R>({ type: 'sample', sample: { count: read(), cpuUs: cpu.user + cpu.system } });
    } else if (m.type === 'finish') {
      finishRequested();
    } else if (m.type === 'spec') {
      handler(m.spec, io).then(
        (result) => send<R>({ type: 'result', result }, true),
        (err: unknown) => send<R>({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, true),
      );
    }
  });
}

function send<R>(message: FromChild<R>, thenExit = false): void {
  if (!process.send) process.exit(1);
  process.send(message, undefined, {}, () => {
    if (thenExit) process.exit(0);
  });
}
