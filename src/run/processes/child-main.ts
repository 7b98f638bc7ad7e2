import { keepNiceInSession } from '../../csms/session-priority';
import type { ParentMessage, ProcessMessage } from './messages';
import { runShardTask, type ShardChannel } from './shard-task';

/**
 * One process of a run spread over several (`processes`; the parent is process-fleet.ts): its
 * shard (shard-task.ts) over its IPC channel. It ignores the terminal's signals (it runs in a
 * session of its own) and stops at once when the parent goes.
 */
function send(message: ProcessMessage): void {
  // The channel closes with the parent: there is nobody left to tell.
  if (process.connected) process.send?.(message);
}

// In a session of its own: the nice value the run was started with holds for this process too.
keepNiceInSession();

const channel: ShardChannel = {
  send,
  onMessage: (listener) => process.on('message', listener),
  onGone: (listener) => process.once('disconnect', listener),
};

process.once('message', (task: ParentMessage) => {
  if (task.type !== 'run') {
    send({ type: 'failed', message: `expected the task first, got "${task.type}"` });
    process.exitCode = 2;
    return;
  }
  runShardTask(task, channel).then(
    () => process.disconnect?.(),
    (err: unknown) => {
      send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
      if (process.connected) process.disconnect?.();
    },
  );
});
