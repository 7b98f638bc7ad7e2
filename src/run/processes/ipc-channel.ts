import type { ProcessMessage, ParentMessage } from './messages';
import type { ShardChannel } from './shard-task';

/** What the channel uses of a child process's `process`: a test hands it a fake. */
export interface IpcProcess {
  readonly connected: boolean;
  send?(message: ProcessMessage, sendHandle: undefined, options: object, callback: (error: Error | null) => void): boolean;
  disconnect?(): void;
  on(event: 'message', listener: (message: ParentMessage) => void): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/** A shard's channel to its parent over the IPC channel, and its end. */
export interface IpcChannel extends ShardChannel {
  /**
   * Disconnects once every message sent has been written. A disconnect closes the pipe at once,
   * and what the pipe had not taken yet would be lost: at the end of a run the last records and
   * the result (tens of KB) go at once, while the parent reads every process's last messages, and
   * a 40,000-station bench lost one process's result so (its stations counted as never started).
   */
  end(): Promise<void>;
}

export function ipcChannel(proc: IpcProcess): IpcChannel {
  let unwritten = 0;
  let drained: (() => void) | undefined;
  const written = (): void => {
    unwritten--;
    if (unwritten === 0) drained?.();
  };
  return {
    send(message) {
      // The channel closes with the parent: there is nobody left to tell.
      if (!proc.connected || proc.send === undefined) return;
      unwritten++;
      proc.send(message, undefined, {}, written);
    },
    onMessage: (listener) => proc.on('message', listener),
    onGone: (listener) => proc.once('disconnect', listener),
    async end() {
      if (unwritten > 0) await new Promise<void>((resolve) => (drained = resolve));
      if (proc.connected) proc.disconnect?.();
    },
  };
}
