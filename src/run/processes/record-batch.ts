import { RECORD_WORDS } from '../../metrics/record';
import type { RecordSink } from '../../metrics/ring';

/** Records per batch: 64 KiB of words, a message well within what an IPC pipe takes at once. */
const BATCH_RECORDS = 4096;

/**
 * A sink that gathers pump records into batches for another process: a full batch goes at once,
 * and `flush` sends what is gathered (called a few times a second, and once at the end). The
 * words are copied into one preallocated array: nothing is allocated per record.
 */
export class RecordBatch implements RecordSink {
  private readonly words = new Uint32Array(BATCH_RECORDS * RECORD_WORDS);
  private used = 0;

  constructor(private readonly send: (words: Uint32Array) => void) {}

  ingest(w0: number, w1: number, w2: number, w3: number): void {
    const at = this.used;
    this.words[at] = w0;
    this.words[at + 1] = w1;
    this.words[at + 2] = w2;
    this.words[at + 3] = w3;
    this.used = at + RECORD_WORDS;
    if (this.used === this.words.length) this.flush();
  }

  flush(): void {
    if (this.used === 0) return;
    // slice: a copy, since the batch's array is filled again at once.
    this.send(this.words.slice(0, this.used));
    this.used = 0;
  }
}

/** Feeds a batch of records, as RecordBatch sent them, into `sink`. */
export function ingestBatch(words: Uint32Array, sink: RecordSink): void {
  for (let i = 0; i + RECORD_WORDS <= words.length; i += RECORD_WORDS) sink.ingest(words[i] as number, words[i + 1] as number, words[i + 2] as number, words[i + 3] as number);
}
