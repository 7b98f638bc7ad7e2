import { fork } from 'node:child_process';
import type { ParentMessage, ProcessMessage, ProcessTask } from './messages';

/** One shard as the fleet over several sees it: a child process, or a pod over a WebSocket. */
export interface ShardLink {
  send(message: ParentMessage): void;
  onMessage(listener: (message: ProcessMessage) => void): void;
  /** Resolves once the link ended, with how, as a message says it ("exited with SIGKILL: …"). */
  readonly ended: Promise<string>;
}

/** The shards of a fleet over several: what they are called, and how they are reached. */
export interface ShardLinks {
  /** "process" or "shard", for what is said of one ("process 2 of 3 exited with SIGKILL"). */
  readonly noun: string;
  readonly count: number;
  /** Every link, in shard order, once all are there; rejects when they cannot all be. */
  open(): Promise<ShardLink[]>;
}

const STDERR_KEPT = 4000;

/**
 * Child processes of this one (child-main.js), each given its task: sessions of their own (a
 * terminal's Ctrl-C reaches the parent only, which stops them in order); execArgv not inherited
 * (a test runner's or a profiler's flags are not the child's).
 */
export function forkLinks(tasks: readonly ProcessTask[], entry: string): ShardLinks {
  return {
    noun: 'process',
    count: tasks.length,
    open: async () =>
      tasks.map((task) => {
        const proc = fork(entry, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [], detached: true, serialization: 'advanced' });
        let stderr = '';
        proc.stderr?.setEncoding('utf8');
        proc.stderr?.on('data', (text: string) => {
          stderr = (stderr + text).slice(-STDERR_KEPT);
        });
        const ended = new Promise<string>((resolve) => {
          proc.once('exit', (code, signal) => resolve(`exited with ${signal === null ? `code ${code}` : signal}${lastLine(stderr)}`));
        });
        proc.send(task satisfies ParentMessage);
        return {
          send: (message: ParentMessage) => {
            if (proc.connected) proc.send(message);
          },
          onMessage: (listener: (m: ProcessMessage) => void) => proc.on('message', listener),
          ended,
        };
      }),
  };
}

/** The last line a process wrote on stderr, to say why it went. */
function lastLine(stderr: string): string {
  const line = stderr.trim().split('\n').at(-1);
  return line === undefined || line === '' ? '' : `: ${line}`;
}
