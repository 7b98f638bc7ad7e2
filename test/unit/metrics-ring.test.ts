import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRing, PUBLISH_BATCH, type RecordSink, RingReader, RingWriter } from '../../src/metrics/ring';
import { recordChecksumStep } from '../helpers/metrics-records';

/** Keeps every record it sees, for assertions on order. */
class Collect implements RecordSink {
  readonly words: number[] = [];
  ingest(w0: number, w1: number, w2: number, w3: number): void {
    this.words.push(w0, w1, w2, w3);
  }
}

test('createRing refuses a capacity that is not a power of two', () => {
  assert.throws(() => createRing(1000), RangeError);
  assert.throws(() => createRing(0), RangeError);
  assert.throws(() => new RingReader(new SharedArrayBuffer(256)), TypeError);
});

test('records written beyond capacity wait in the backlog and all arrive in order', () => {
  const sab = createRing(8);
  const writer = new RingWriter(sab);
  const reader = new RingReader(sab);
  for (let i = 0; i < 100; i++) writer.write(i, i + 1000, i + 2000, i + 3000);
  assert.equal(writer.written, 100);
  assert.equal(writer.backlog, 92);
  writer.flush();
  assert.equal(reader.produced, 100);

  const sink = new Collect();
  assert.equal(reader.drain(sink), 8);
  while (writer.backlog > 0) {
    writer.flush();
    reader.drain(sink);
  }
  assert.equal(reader.drain(sink), 0);
  assert.equal(reader.consumed, 100);
  assert.equal(sink.words.length, 400);
  for (let i = 0; i < 100; i++) {
    assert.deepEqual(sink.words.slice(i * 4, i * 4 + 4), [i, i + 1000, i + 2000, i + 3000]);
  }
});

test('a write after a partial drain goes behind the backlog, not ahead of it', () => {
  const sab = createRing(4);
  const writer = new RingWriter(sab);
  const reader = new RingReader(sab);
  const sink = new Collect();
  let next = 0;
  // Uneven drains force the backlog to grow, compact and refill many times.
  for (let round = 0; round < 2000; round++) {
    for (let k = 0; k < (round % 7) + 1; k++) writer.write(next, next, next, next++);
    if (round % 3 === 0) writer.flush();
    reader.drain(sink, round % 5);
  }
  while (reader.consumed < next) {
    writer.flush();
    reader.drain(sink);
  }
  assert.equal(reader.consumed, next);
  assert.equal(reader.produced, next);
  for (let i = 0; i < next; i++) assert.equal(sink.words[i * 4 + 3], i);
});

test('full words survive: values up to 2^32 - 1 read back unchanged', () => {
  const sab = createRing(2);
  const writer = new RingWriter(sab);
  const reader = new RingReader(sab);
  writer.write(0xffffffff, 0x80000000, 0, 0x7fffffff);
  writer.flush();
  const sink = new Collect();
  reader.drain(sink);
  assert.deepEqual(sink.words, [0xffffffff, 0x80000000, 0, 0x7fffffff]);
});

test('records are published per batch: none is visible before its batch or a flush, all are after', () => {
  const sab = createRing(1024);
  const writer = new RingWriter(sab);
  const reader = new RingReader(sab);
  const sink = new Collect();
  for (let i = 0; i < PUBLISH_BATCH - 1; i++) writer.write(i, 1, 2, 3);
  assert.equal(writer.unpublished, PUBLISH_BATCH - 1);
  assert.equal(reader.drain(sink), 0);
  assert.equal(reader.produced, 0);
  writer.write(PUBLISH_BATCH - 1, 1, 2, 3);
  assert.equal(writer.unpublished, 0);
  assert.equal(reader.produced, PUBLISH_BATCH);
  assert.equal(reader.drain(sink), PUBLISH_BATCH);
  for (let i = 0; i < 10; i++) writer.write(PUBLISH_BATCH + i, 1, 2, 3);
  assert.equal(reader.drain(sink), 0);
  writer.flush();
  assert.equal(reader.produced, PUBLISH_BATCH + 10);
  assert.equal(reader.drain(sink), 10);
  for (let i = 0; i < PUBLISH_BATCH + 10; i++) assert.equal(sink.words[i * 4], i);
  // A flush with nothing new publishes nothing new.
  writer.flush();
  assert.equal(reader.drain(sink), 0);
});

test('a full ring keeps publishing by batch: records behind a small ring are never stuck', () => {
  const sab = createRing(4);
  const writer = new RingWriter(sab);
  const reader = new RingReader(sab);
  const sink = new Collect();
  const total = PUBLISH_BATCH * 3;
  for (let i = 0; i < total; i++) {
    writer.write(i, 0, 0, 0);
    reader.drain(sink);
  }
  // Without a flush, whole batches went through the 4-record ring (the rest waits for a flush).
  assert.ok(reader.consumed >= 4, `consumed ${reader.consumed}`);
  while (reader.consumed < total) {
    writer.flush();
    reader.drain(sink);
  }
  assert.equal(reader.produced, total);
  for (let i = 0; i < total; i++) assert.equal(sink.words[i * 4], i);
});

test('pump conservation: 1,000,000 records from a worker thread through a 1024-record ring', async () => {
  const count = 1_000_000;
  const sab = createRing(1024);
  const reader = new RingReader(sab);
  let checksum = 0;
  let expectedIndex = 0;
  let outOfOrder = 0;
  const sink: RecordSink = {
    ingest(w0, w1, w2, w3) {
      if (w1 !== expectedIndex) outOfOrder++;
      expectedIndex++;
      checksum = recordChecksumStep(checksum, w0, w1, w2, w3);
    },
  };
  const worker = new Worker(join(__dirname, '..', 'helpers', 'metrics-ring-producer.js'), {
    workerData: { sab, count },
  });
  const done = new Promise<{ written: number; checksum: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  let report: { written: number; checksum: number } | undefined;
  void done.then((r) => {
    report = r;
  });
  while (report === undefined || reader.consumed < report.written) {
    if (reader.drain(sink) === 0) await new Promise((r) => setImmediate(r));
  }
  await worker.terminate();

  assert.equal(report.written, count);
  assert.equal(reader.produced, count);
  assert.equal(reader.consumed, count);
  assert.equal(outOfOrder, 0);
  assert.equal(checksum, report.checksum);
});
