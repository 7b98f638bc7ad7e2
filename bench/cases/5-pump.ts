/**
 * Case 5: the measurement pump. Records per second through the shared-memory ring and CPU per
 * record (both threads), against postMessage of one record per message and of batches, each run
 * in a fresh process. The target (≥ 1,000,000 records/s at < 5% of one core) is read two ways:
 * the ring's cost per record at full speed, and the CPU share of a run paced at 1,000,000/s with
 * the consumer draining every 25 ms as FleetRun does.
 */
import { PUBLISH_BATCH } from '../../src/metrics/ring';
import { runChild } from '../lib/child';
import { absoluteRow, infoRow, num, ratio, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import type { PumpResult, PumpSpec } from '../pump-child';

const SETTINGS = {
  tiny: { ms: 150 },
  quick: { ms: 300 },
  full: { ms: 3000 },
} as const;

const BATCH = 1024;

function pump(spec: PumpSpec): Promise<PumpResult> {
  return runChild<PumpSpec, PumpResult>('pump-child.js', spec, 60_000 + spec.ms * 4);
}

export const pumpCase: BenchCase = {
  id: 5,
  name: 'pump',
  title: 'Pump: records through the SharedArrayBuffer ring vs postMessage',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const { ms } = SETTINGS[ctx.mode];
    // Within one CPU measurement, everything counts: the figures are per process, both threads.
    const base = { ms, rate: 0, batch: BATCH, drainEveryMs: 0 };
    ctx.log('  ring, as fast as it goes');
    const ring = await pump({ ...base, mode: 'ring', sink: 'count' });
    ctx.log('  postMessage per record, per batch');
    const each = await pump({ ...base, mode: 'post-each', sink: 'count' });
    const batch = await pump({ ...base, mode: 'post-batch', sink: 'count' });
    ctx.log('  ring paced at 1,000,000/s, drained every 25 ms; ring into the Aggregator');
    const paced = await pump({ ...base, mode: 'ring-paced', sink: 'count', rate: 1_000_000, drainEveryMs: 25 });
    // The same harness with no records: the cost of pacing and draining timers themselves.
    const idle = await pump({ ...base, mode: 'ring-paced', sink: 'count', rate: 0, drainEveryMs: 25 });
    const pacedShare = Math.max(0, paced.cores - idle.cores) * 100;
    const agg = await pump({ ...base, mode: 'ring', sink: 'aggregator' });
    const single = await pump({ ...base, mode: 'ring-single', sink: 'count' });
    const rows: Row[] = [
      absoluteRow('ring: records/s (max)', ring.perSec, '/s', { op: '>=', bound: 1_000_000 }),
      { figure: 'ring vs postMessage per record: records/s', fleet: num(ring.perSec, '/s'), baseline: num(each.perSec, '/s'), ratio: ratio(ring.perSec, each.perSec), target: '', meets: '' },
      { figure: 'ring vs postMessage per record: CPU/record', fleet: num(ring.nsPerRecord, 'ns'), baseline: num(each.nsPerRecord, 'ns'), ratio: ratio(ring.nsPerRecord, each.nsPerRecord), target: '', meets: '' },
      { figure: `ring vs postMessage, batches of ${BATCH}: records/s`, fleet: num(ring.perSec, '/s'), baseline: num(batch.perSec, '/s'), ratio: ratio(ring.perSec, batch.perSec), target: '', meets: '' },
      { figure: `ring vs postMessage, batches of ${BATCH}: CPU/record`, fleet: num(ring.nsPerRecord, 'ns'), baseline: num(batch.nsPerRecord, 'ns'), ratio: ratio(ring.nsPerRecord, batch.nsPerRecord), target: '', meets: '' },
      absoluteRow('ring at 1,000,000/s: CPU, % of one core', pacedShare, '%', { op: '<=', bound: 5 }),
      infoRow('  same harness with no records (subtracted)', `${num(idle.cores * 100)} %`),
      infoRow('  one thread: RingWriter.write / RingReader.drain', `${num(single.writeNs ?? Number.NaN, 'ns')} / ${num(single.drainNs ?? Number.NaN, 'ns')}`),
      infoRow('ring + Aggregator (HDR): records/s, CPU/record', `${num(agg.perSec, '/s')}, ${num(agg.nsPerRecord, 'ns')}`),
    ];
    return {
      id: 5,
      name: 'pump',
      title: this.title,
      rows,
      notes: [
        'One producer thread writes call records (4 × u32) for the given time; the main thread consumes them; CPU is both threads, per record.',
        'ring = src/metrics/ring.ts (the fleet\'s pump); postMessage baselines send {w0..w3} per message, or a transferred Uint32Array per batch.',
        'Paced: 1,000,000 records/s written in 5 ms steps (each ends with a flush, as the worker\'s tick does), drained every 25 ms (FleetRun\'s cadence), minus the same harness writing nothing; making the records is included.',
        `One thread: per record, the best of many rounds of writing 32,768 records and draining them; the writer publishes its index (two Atomics.store) once per batch of ${PUBLISH_BATCH} records and on flush().`,
        'Aggregator row: the same ring feeding the fleet\'s own Aggregator (3 HDR recordValue per call + the per-second window): what a run pays per record.',
      ],
      figures: { ringPacedHarnessOnly: idle, ring, postEach: each, postBatch: batch, ringPaced1M: paced, ringIntoAggregator: agg, ringSingleThread: single, batch: BATCH },
    };
  },
};
