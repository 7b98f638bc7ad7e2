import type { CsmsCallResult, CsmsRequestErrorCode } from './calls';
import type { ResolvedCsmsOptions } from './options';
import type { CsmsStats } from './stats';
import type { OcppVersion } from '../ocpp';

/**
 * The messages between the first process of a CSMS over several (cluster-primary.ts) and each
 * of its processes (cluster-worker.ts), over the child's IPC channel. A connection crosses as a
 * handle with its `conn` message.
 */
export type PrimaryMessage =
  /** `index` from 0: the process's own port is `options.port` + 1 + index (any free port when `options.port` is 0). */
  | { readonly type: 'start'; readonly options: ResolvedCsmsOptions; readonly index: number }
  /** The socket comes with the message; `head`: the bytes the primary read from it. */
  | { readonly type: 'conn'; readonly id: number; readonly head: Uint8Array }
  /** Connection `id`'s handle is closed in the primary: serve it (see cluster-primary.ts, route). */
  | { readonly type: 'serve'; readonly id: number }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'stations'; readonly id: number }
  | { readonly type: 'call'; readonly id: number; readonly identity: string; readonly action: string; readonly payload: unknown; readonly timeoutMs?: number }
  | { readonly type: 'raw'; readonly id: number; readonly identity: string; readonly frame: string; readonly timeoutMs?: number }
  | { readonly type: 'close'; readonly id: number };

/** A request's failure, as CsmsRequestError carries it (its code decides the HTTP status). */
export interface RemoteError {
  readonly code: CsmsRequestErrorCode | 'internal';
  readonly message: string;
}

export type WorkerReply = CsmsStats | { identity: string; version: OcppVersion }[] | CsmsCallResult | { reply: string | null } | null;

export type WorkerMessage =
  | { readonly type: 'listening'; readonly port: number }
  /** Connection `id` arrived; it waits for 'serve'. */
  | { readonly type: 'received'; readonly id: number }
  | { readonly type: 'reply'; readonly id: number; readonly value?: WorkerReply; readonly error?: RemoteError }
  | { readonly type: 'failed'; readonly message: string };
