/**
 * The producing end of case 5, a worker thread. It writes synthetic call records (the four words
 * a station's call becomes) for `ms` milliseconds, through the shared-memory ring or postMessage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { packHeader, RecordKind } from '../src/metrics/record';
import { RingWriter } from '../src/metrics/ring';

export type PumpMode = 'ring' | 'ring-paced' | 'post-each' | 'post-batch';

export interface PumpWorkerData {
  readonly mode: PumpMode;
  readonly ms: number;
  readonly ring: SharedArrayBuffer | undefined;
  /** ring-paced: records per second. */
  readonly rate: number;
  readonly batch: number;
}

export type PumpWorkerMessage =
  /** Set up (modules loaded, ring opened): the measurement starts now. */
  | { readonly type: 'started' }
  | { readonly type: 'each'; readonly w0: number; readonly w1: number; readonly w2: number; readonly w3: number }
  | { readonly type: 'batch'; readonly words: Uint32Array; readonly records: number }
  | { readonly type: 'done'; readonly written: number };

const data = workerData as PumpWorkerData;
const PACE_MS = 5;
const port = parentPort;
if (!port) throw new Error('pump-worker runs as a worker thread');
const header = packHeader(RecordKind.CallOk, 0, 2);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let written = 0;
const writer = data.ring ? new RingWriter(data.ring) : undefined;
port.postMessage({ type: 'started' } satisfies PumpWorkerMessage);
const end = performance.now() + data.ms;

if (writer) {
  if (data.mode === 'ring') {
    while (performance.now() < end) {
      for (let i = 0; i < 1024; i++) writer.write(header, 1000 + (i & 255), 900, written >>> 10);
      written += 1024;
    }
  } else {
    // Paced: every PACE_MS, the records due by then. Waking a thread costs CPU of its own (a
    // futex round trip); the harness run at rate 0 measures it, and the case subtracts it.
    const start = performance.now();
    for (let now = start; now < end; now = performance.now()) {
      const due = Math.floor(((now - start) * data.rate) / 1000);
      for (; written < due; written++) writer.write(header, 1000 + (written & 255), 900, written >>> 10);
      // The end of a burst: the worker's flush tick does the same.
      writer.flush();
      Atomics.wait(sleeper, 0, 0, PACE_MS);
    }
  }
  for (writer.flush(); writer.backlog > 0; writer.flush()) Atomics.wait(sleeper, 0, 0, 1);
} else if (data.mode === 'post-each') {
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) port.postMessage({ type: 'each', w0: header, w1: 1000 + (i & 255), w2: 900, w3: written >>> 10 } satisfies PumpWorkerMessage);
    written += 256;
  }
} else {
  let words = new Uint32Array(data.batch * 4);
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) {
      const at = n * 4;
      words[at] = header;
      words[at + 1] = 1000 + (i & 255);
      words[at + 2] = 900;
      words[at + 3] = written >>> 10;
      written++;
      if (++n === data.batch) {
        port.postMessage({ type: 'batch', words, records: n } satisfies PumpWorkerMessage, [words.buffer]);
        words = new Uint32Array(data.batch * 4);
        n = 0;
      }
    }
  }
  if (n > 0) port.postMessage({ type: 'batch', words, records: n } satisfies PumpWorkerMessage, [words.buffer]);
}
port.postMessage({ type: 'done', written } satisfies PumpWorkerMessage);
