import type { ActionInfo } from './action-table';
import type { JsonObject } from './frame';

/** A CALL waiting in a session's queue. */
export interface QueuedCall<Tag> {
  action: string;
  /** Resolved when the call is made: direction, validators and record code of `action`. */
  info: ActionInfo;
  payload: JsonObject;
  tag: Tag;
  dueAt: number;
  /** Goes out even while the gate is closed (BootNotification before the station is accepted). */
  bypassGate: boolean;
}

/**
 * A session's FIFO of CALLs waiting for their turn. Taking the head moves an index instead of
 * shifting the array (the hot path: one take per call); the array is compacted once the consumed
 * part is the larger half, and reset when it empties, so it stays as small as the backlog.
 */
export class CallQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The i-th waiting entry (0 = the next to go). */
  at(i: number): T {
    return this.items[this.head + i] as T;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Put an entry back at the front (a call cut off by a disconnect goes first next time). */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  /** Insert before the i-th waiting entry. */
  insert(i: number, item: T): void {
    this.items.splice(this.head + i, 0, item);
  }

  /** Take the next entry; undefined when empty. */
  take(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 16 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keep only the entries for which `keep` is true, in order; returns how many were dropped. */
  retain(keep: (item: T) => boolean): number {
    const kept: (T | undefined)[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (keep(item)) kept.push(item);
    }
    const dropped = this.length - kept.length;
    this.items = kept;
    this.head = 0;
    return dropped;
  }
}
