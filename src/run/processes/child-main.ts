import { keepNiceInSession } from '../../csms/session-priority';
import { ipcChannel } from './ipc-channel';
import type { ParentMessage } from './messages';
import { runShardTask } from './shard-task';

/**
 * One process of a run spread over several (`processes`; the parent is process-fleet.ts): its
 * shard (shard-task.ts) over its IPC channel. It ignores the terminal's signals (it runs in a
 * session of its own) and stops at once when the parent goes.
 */

// In a session of its own: the nice value the run was started with holds for this process too.
keepNiceInSession();

const channel = ipcChannel(process);

process.once('message', (task: ParentMessage) => {
  if (task.type !== 'run') {
    channel.send({ type: 'failed', message: `expected the task first, got "${task.type}"` });
    process.exitCode = 2;
    void channel.end();
    return;
  }
  runShardTask(task, channel).then(
    () => channel.end(),
    (err: unknown) => {
      channel.send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      process.exitCode = 1;
      return channel.end();
    },
  );
});
