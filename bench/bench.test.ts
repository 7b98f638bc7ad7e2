/**
 * Keeps the bench scripts working (not a timing): every case runs at its tiny size, end to end,
 * with real processes and sockets on 127.0.0.1, and its figures must have sane magnitudes and
 * units (a round trip takes microseconds, not seconds; a station weighs kilobytes, not bytes).
 *
 *   node --test dist/bench/bench.test.js
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { CaseOutcome } from './lib/report';
import { CASES, parseArgs, runBench } from './run';

function quiet(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

function numberIn(cell: string): number {
  const m = /-?[\d,]+(\.\d+)?/.exec(cell);
  return m ? Number(m[0].replace(/,/g, '')) : Number.NaN;
}

function row(o: CaseOutcome, startsWith: string): { fleet: number; baseline: number; fleetText: string } {
  const r = o.rows.find((x) => x.figure.startsWith(startsWith));
  assert.ok(r, `case ${o.id} has a row "${startsWith}…"`);
  return { fleet: numberIn(r.fleet), baseline: numberIn(r.baseline), fleetText: r.fleet };
}

function within(x: number, lo: number, hi: number, what: string): void {
  assert.ok(x >= lo && x <= hi, `${what}: ${x} is not within [${lo}, ${hi}]`);
}

describe('bench (tiny)', () => {
  test('options: --full, --tiny, --case, unknown flags', () => {
    assert.equal(parseArgs(['--full']).mode, 'full');
    assert.equal(parseArgs([]).mode, 'quick');
    assert.deepEqual(parseArgs(['--case', '1,7']).cases, [1, 7]);
    assert.throws(() => parseArgs(['--fast']), /unknown option --fast/);
  });

  test('every case runs and reports sane figures', { timeout: 300_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ocpp-fleet-bench-'));
    const outcomes = await runBench({ mode: 'tiny', cases: undefined, out, write: true, profile: undefined }, quiet());
    assert.deepEqual(
      outcomes.map((o) => o.id),
      CASES.map((c) => c.id),
    );
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const get = (id: number): CaseOutcome => byId.get(id) as CaseOutcome;

    // 1: round trips per second in the hundreds to hundreds of thousands; CPU per round trip in µs.
    const rt = row(get(1), 'round trips/s');
    within(rt.fleet, 100, 1_000_000, 'fleet round trips/s');
    within(rt.baseline, 100, 1_000_000, 'bare round trips/s');
    const cpu = row(get(1), 'CPU per round trip');
    within(cpu.fleet, 1, 10_000, 'fleet µs per round trip');
    assert.match(cpu.fleetText, /µs$/);

    // 2: a station's heap is kilobytes.
    const heap = row(get(2), 'heap per station');
    within(heap.fleet, 0.5, 200, 'KB of heap per station');
    within(heap.baseline, 0.1, 200, 'KB of heap per bare connection');

    // 3: booting a handful of stations takes milliseconds to seconds.
    const ramp = row(get(3), 'time to');
    within(ramp.fleet, 1, 30_000, 'ms to all booted');
    within(ramp.baseline, 1, 30_000, 'ms to all connected');

    // 4: the stall shows in the CO-corrected p99 (hundreds of ms), not in the service time's.
    const co = row(get(4), 'stall');
    within(co.fleet, 50, 5_000, 'CO-corrected p99 under a stall, ms');
    const own = row(get(4), 'own p50');
    within(own.fleet, -5, 1_000, 'own p50 over a 20 ms responder, ms');

    // 5: the ring moves at least a hundred thousand records per second, at ns per record.
    const ring = row(get(5), 'ring: records/s');
    within(ring.fleet, 100_000, 1e9, 'ring records/s');

    // 6: two workers do some work at all.
    within(row(get(6), 'round trips/s, 2 workers').fleet, 100, 1_000_000, '2-worker round trips/s');

    // 7: a validation costs nanoseconds to microseconds.
    within(row(get(7), '1.6 Heartbeat: validate').fleet, 5, 100_000, 'ns per Heartbeat validation');

    // 8: TLS and OCMF cost something per call, in µs, and the loads ran at all.
    within(row(get(8), 'TLS (wss:// vs ws://): calls/s').fleet, 50, 1_000_000, 'wss:// calls/s');
    within(row(get(8), 'TLS (wss:// vs ws://): generator CPU per call').fleet, 1, 100_000, 'µs of generator CPU per wss:// call');
    within(row(get(8), 'OCMF (signed vs unsigned)').fleet, 10, 1_000_000, 'signed meter values calls/s');

    // Results files: one per case, each with the machine's description.
    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, CASES.length);
    for (const f of files) {
      const body = JSON.parse(readFileSync(join(out, f), 'utf8')) as { machine?: { cpus?: number; node?: string }; rows?: unknown[] };
      assert.ok((body.machine?.cpus ?? 0) >= 1, `${f} describes the machine`);
      assert.match(body.machine?.node ?? '', /^v\d+/);
      assert.ok(Array.isArray(body.rows) && body.rows.length > 0, `${f} has rows`);
    }
  });
});
