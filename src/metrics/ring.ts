/**
 * The pump: a single-producer single-consumer ring of measurement records in shared memory.
 *
 * One ring per worker. The worker (producer) writes records with plain stores and publishes its
 * write index with Atomics.store once per batch: every PUBLISH_BATCH records and on flush(), which
 * the worker calls on its flush tick and at the end. The coordinator (consumer) reads the index
 * with Atomics.load, reads the records and publishes its read index the same way. Publishing with
 * a sequentially consistent store after the plain stores is what makes the words visible to the
 * other thread before the index that announces them, so a reader never sees half a record.
 * Publishing per batch rather than per record is what makes the ring cheaper than batched
 * postMessage: two sequentially consistent stores cost ~20 ns, the record's four words ~3 ns.
 *
 * Indices are counts of records modulo 2^32, kept in Int32 slots: `(write - read) >>> 0` is the
 * number of records in the ring even after the counters wrap, as long as the capacity stays below
 * 2^31 records.
 *
 * Nothing is ever dropped: when the ring is full, the writer keeps records in a local backlog of
 * typed arrays and moves them into the ring, oldest first, once per batch of writes and on flush().
 */
import { RECORD_WORDS } from './record';

/** Int32 slots before the records; the two indices sit 64 bytes apart so they do not share a cache line. */
const HEADER_SLOTS = 32;
const HEADER_BYTES = HEADER_SLOTS * 4;
const WRITE = 0;
const CAPACITY = 1;
const WORDS = 2;
/** Low 32 bits of every record handed to write(), backlog included: the conservation check. */
const PRODUCED = 3;
const READ = 16;

/** Largest capacity the wrap-around arithmetic of the indices allows. */
const MAX_CAPACITY = 2 ** 30;

/**
 * Records the writer accumulates before it publishes them. At 1,000,000 records/s that is a
 * publication every 0.25 ms; at low rates the worker's flush tick publishes what is left.
 */
export const PUBLISH_BATCH = 256;

export interface RecordSink {
  ingest(w0: number, w1: number, w2: number, w3: number): void;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

export function createRing(capacityRecords: number): SharedArrayBuffer {
  if (!isPowerOfTwo(capacityRecords) || capacityRecords > MAX_CAPACITY) {
    throw new RangeError(`capacityRecords must be a power of two up to 2^30, got ${capacityRecords}`);
  }
  const sab = new SharedArrayBuffer(HEADER_BYTES + capacityRecords * RECORD_WORDS * 4);
  const header = new Int32Array(sab, 0, HEADER_SLOTS);
  header[CAPACITY] = capacityRecords;
  header[WORDS] = RECORD_WORDS;
  return sab;
}

interface RingView {
  header: Int32Array;
  records: Uint32Array;
  capacity: number;
  mask: number;
}

function openRing(sab: SharedArrayBuffer): RingView {
  const header = new Int32Array(sab, 0, HEADER_SLOTS);
  const capacity = header[CAPACITY];
  if (!isPowerOfTwo(capacity) || header[WORDS] !== RECORD_WORDS) {
    throw new TypeError('not a ring created by createRing()');
  }
  const records = new Uint32Array(sab, HEADER_BYTES, capacity * RECORD_WORDS);
  return { header, records, capacity, mask: capacity - 1 };
}

const INITIAL_BACKLOG_RECORDS = 1024;
const SHRINK_ABOVE_RECORDS = 65536;

export class RingWriter {
  private readonly header: Int32Array;
  private readonly records: Uint32Array;
  private readonly capacity: number;
  private readonly mask: number;
  private writeIndex: number;
  /** Last read index seen; refreshed only when the ring looks full, to keep Atomics off the fast path. */
  private readIndex: number;
  private producedCount = 0;
  /** Records handed to write() since the last publication (in the ring or the backlog). */
  private unpublishedCount = 0;
  /** A writer re-opened on a used ring continues the shared count instead of resetting it. */
  private readonly producedBase: number;
  // The backlog is a FIFO of words [head, tail) in a growable array: no object per record.
  private backlogWords = new Uint32Array(INITIAL_BACKLOG_RECORDS * RECORD_WORDS);
  private head = 0;
  private tail = 0;

  constructor(sab: SharedArrayBuffer) {
    const view = openRing(sab);
    this.header = view.header;
    this.records = view.records;
    this.capacity = view.capacity;
    this.mask = view.mask;
    this.writeIndex = Atomics.load(this.header, WRITE);
    this.readIndex = Atomics.load(this.header, READ);
    this.producedBase = Atomics.load(this.header, PRODUCED);
  }

  /** Records waiting in the local backlog because the ring was full. */
  get backlog(): number {
    return (this.tail - this.head) / RECORD_WORDS;
  }

  /** Records handed to write() since this writer was created, backlog included. */
  get written(): number {
    return this.producedCount;
  }

  /** Records written since the last publication: the reader cannot see them until the next flush(). */
  get unpublished(): number {
    return this.unpublishedCount;
  }

  /** Stores one record; it becomes visible to the reader with its batch, or at the next flush(). */
  write(w0: number, w1: number, w2: number, w3: number): void {
    this.producedCount++;
    // While a backlog waits, later records queue behind it (order is kept); it is moved into the
    // ring once per batch, not per record: looking for room reads the reader's index, a cache
    // line the other thread keeps writing.
    if (this.tail !== this.head || !this.hasRoom()) {
      this.pushBacklog(w0, w1, w2, w3);
    } else {
      const at = (this.writeIndex & this.mask) * RECORD_WORDS;
      const records = this.records;
      records[at] = w0;
      records[at + 1] = w1;
      records[at + 2] = w2;
      records[at + 3] = w3;
      this.writeIndex = (this.writeIndex + 1) | 0;
    }
    if (++this.unpublishedCount === PUBLISH_BATCH) this.flush();
  }

  /**
   * Moves as much of the backlog into the ring as there is room for, and publishes every record
   * in the ring and the produced count to the reader; never blocks. Call it at the end of a
   * burst of writes (the worker's flush tick) and until `backlog` is 0 at the end.
   */
  flush(): void {
    this.moveBacklog();
    this.publish();
    this.unpublishedCount = 0;
  }

  /** The records in the ring and the produced count become visible to the reader. */
  private publish(): void {
    Atomics.store(this.header, PRODUCED, (this.producedBase + this.producedCount) | 0);
    Atomics.store(this.header, WRITE, this.writeIndex);
  }

  /** Moves as much of the backlog into the ring as there is room for, unpublished. */
  private moveBacklog(): void {
    if (this.tail === this.head) return;
    let free = this.freeSlots();
    if (free === 0) return;
    const records = this.records;
    const words = this.backlogWords;
    let moved = 0;
    while (free > 0 && this.head < this.tail) {
      const at = ((this.writeIndex + moved) & this.mask) * RECORD_WORDS;
      const from = this.head;
      records[at] = words[from];
      records[at + 1] = words[from + 1];
      records[at + 2] = words[from + 2];
      records[at + 3] = words[from + 3];
      this.head = from + RECORD_WORDS;
      moved++;
      free--;
    }
    this.writeIndex = (this.writeIndex + moved) | 0;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
      // A burst (a reconnect storm, a stalled coordinator) should not pin its memory for the whole run.
      if (this.backlogWords.length > SHRINK_ABOVE_RECORDS * RECORD_WORDS) {
        this.backlogWords = new Uint32Array(INITIAL_BACKLOG_RECORDS * RECORD_WORDS);
      }
    }
  }

  private hasRoom(): boolean {
    if (((this.writeIndex - this.readIndex) >>> 0) < this.capacity) return true;
    return this.freeSlots() > 0;
  }

  private freeSlots(): number {
    this.readIndex = Atomics.load(this.header, READ);
    return this.capacity - ((this.writeIndex - this.readIndex) >>> 0);
  }

  private pushBacklog(w0: number, w1: number, w2: number, w3: number): void {
    if (this.tail + RECORD_WORDS > this.backlogWords.length) this.growBacklog();
    const words = this.backlogWords;
    const at = this.tail;
    words[at] = w0;
    words[at + 1] = w1;
    words[at + 2] = w2;
    words[at + 3] = w3;
    this.tail = at + RECORD_WORDS;
  }

  private growBacklog(): void {
    const used = this.tail - this.head;
    const old = this.backlogWords;
    // Compact in place while at least half the array is already consumed; otherwise double.
    if (used * 2 <= old.length) {
      old.copyWithin(0, this.head, this.tail);
    } else {
      const next = new Uint32Array(old.length * 2);
      next.set(old.subarray(this.head, this.tail));
      this.backlogWords = next;
    }
    this.head = 0;
    this.tail = used;
  }
}

/** How many records the reader consumes before it publishes its index, so a busy writer gets room early. */
const PUBLISH_EVERY = 4096;

export class RingReader {
  private readonly header: Int32Array;
  private readonly records: Uint32Array;
  private readonly mask: number;
  private readIndex: number;
  private consumedCount = 0;
  // The shared PRODUCED slot holds only 32 bits; the reader rebuilds the full count from wraps.
  private producedLow = 0;
  private producedHigh = 0;

  constructor(sab: SharedArrayBuffer) {
    const view = openRing(sab);
    this.header = view.header;
    this.records = view.records;
    this.mask = view.mask;
    this.readIndex = Atomics.load(this.header, READ);
  }

  /** Records the writer has been handed so far (those still in its backlog included). */
  get produced(): number {
    const low = Atomics.load(this.header, PRODUCED) >>> 0;
    if (low < this.producedLow) this.producedHigh += 2 ** 32;
    this.producedLow = low;
    return this.producedHigh + low;
  }

  /** Records this reader has handed to sinks. */
  get consumed(): number {
    return this.consumedCount;
  }

  /**
   * Hands every record published so far to the sink, oldest first; returns how many.
   * `max` bounds the work of one call so a coordinator tick stays short.
   */
  drain(sink: RecordSink, max = Number.POSITIVE_INFINITY): number {
    const write = Atomics.load(this.header, WRITE);
    let available = (write - this.readIndex) >>> 0;
    if (available > max) available = max;
    const records = this.records;
    const mask = this.mask;
    let index = this.readIndex;
    for (let i = 0; i < available; i++) {
      const at = (index & mask) * RECORD_WORDS;
      sink.ingest(records[at], records[at + 1], records[at + 2], records[at + 3]);
      index = (index + 1) | 0;
      if ((i & (PUBLISH_EVERY - 1)) === PUBLISH_EVERY - 1) Atomics.store(this.header, READ, index);
    }
    this.readIndex = index;
    Atomics.store(this.header, READ, index);
    this.consumedCount += available;
    // Observing PRODUCED often keeps the wrap detection of `produced` sound on long runs.
    void this.produced;
    return available;
  }
}
