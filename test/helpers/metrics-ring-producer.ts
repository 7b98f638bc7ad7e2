/**
 * Producer side of the pump conservation test: writes `count` records into the ring it is given,
 * flushes (publishes) and keeps flushing its backlog until the ring has taken everything, then reports how many records
 * it wrote and a checksum of them, so the reading side can compare.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter } from '../../src/metrics/ring';
import { RecordKind, packHeader } from '../../src/metrics/record';
import { recordChecksumStep } from './metrics-records';

interface ProducerData {
  sab: SharedArrayBuffer;
  count: number;
}

const { sab, count } = workerData as ProducerData;
const writer = new RingWriter(sab);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let checksum = 0;
for (let i = 0; i < count; i++) {
  const w0 = packHeader(RecordKind.CallOk, i & 0xfff, (i >>> 12) & 0xfff);
  const w1 = i >>> 0;
  const w2 = Math.imul(i, 0x9e3779b1) >>> 0;
  const w3 = (i * 7) >>> 0;
  writer.write(w0, w1, w2, w3);
  checksum = recordChecksumStep(checksum, w0, w1, w2, w3);
}
// flush() publishes the last batch; repeated while the backlog waits for room.
for (writer.flush(); writer.backlog > 0; writer.flush()) {
  // Blocking is fine on a worker: it gives the reader time to make room.
  Atomics.wait(sleeper, 0, 0, 1);
}
parentPort?.postMessage({ written: writer.written, checksum });
