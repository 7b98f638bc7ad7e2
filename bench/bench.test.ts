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
import type { SoakSample } from './lib/specs';
import { judgeSoak, judgeTrend, linearTrend, t975 } from './lib/trend';
import { CASES, parseArgs, runBench, selectCases } from './run';

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
    assert.equal(parseArgs(['--minutes', '2.5']).minutes, 2.5);
    assert.throws(() => parseArgs(['--minutes', '0']), /--minutes expects a number of minutes > 0/);
    assert.throws(() => parseArgs(['--minutes', 'ten']), /got ten/);
  });

  test('the soak (case 9), the capacity searches (case 10) and the processes (case 12) are left out of the quick run unless named', () => {
    const ids = (mode: 'tiny' | 'quick' | 'full', cases?: number[]): number[] => selectCases({ mode, cases }).map((c) => c.id);
    for (const id of [9, 10, 12]) {
      assert.ok(!ids('quick').includes(id), 'quick run without --case');
      assert.deepEqual(ids('quick', [id]), [id]);
      assert.ok(ids('full').includes(id));
      assert.ok(ids('tiny').includes(id));
    }
    assert.deepEqual(ids('quick', [1, 9]), [1, 9]);
  });

  test('least squares: a known line, textbook data, the t quantile, the verdict', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    const exact = linearTrend(xs, xs.map((x) => 3 * x + 5));
    assert.ok(Math.abs(exact.slope - 3) < 1e-12 && Math.abs(exact.intercept - 5) < 1e-12);
    assert.ok(exact.ci95 < 1e-9, `an exact line has no scatter (ci ${exact.ci95})`);
    assert.equal(judgeTrend(exact, 1).verdict, 'growing');
    // Below the floor: significant, but too small to matter.
    assert.equal(judgeTrend(exact, 5).verdict, 'flat');
    assert.match(judgeTrend(exact, 5).why, /below the floor of 5/);
    // x 1..5, y 2 4 5 4 5: slope 0.6, intercept 2.2, residual sd √(2.4/3), SE 0.283, t(3) 3.182.
    const book = linearTrend([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
    assert.ok(Math.abs(book.slope - 0.6) < 1e-12 && Math.abs(book.intercept - 2.2) < 1e-12);
    assert.ok(Math.abs(book.residualSd - Math.sqrt(0.8)) < 1e-12);
    assert.ok(Math.abs(book.slopeSe - Math.sqrt(0.08)) < 1e-12);
    assert.ok(Math.abs(book.ci95 - 3.182 * Math.sqrt(0.08)) < 1e-9);
    // Noise around a flat line: the interval contains 0.
    const noisy = linearTrend(xs, [10, 12, 9, 11, 10, 12]);
    assert.equal(judgeTrend(noisy, 0).verdict, 'flat');
    assert.match(judgeTrend(noisy, 0).why, /within the noise/);
    // A rise that slows down is settling (a warm-up); one that keeps its slope is growing.
    const mins = Array.from({ length: 20 }, (_, i) => i);
    const warm = mins.map((x) => 1000 - 400 * Math.exp(-x / 3) + (x % 2 ? 1 : -1));
    const leak = mins.map((x) => 1000 + 5 * x + (x % 2 ? 1 : -1));
    const halves = (ys: number[]): [ReturnType<typeof linearTrend>, ReturnType<typeof linearTrend>, ReturnType<typeof linearTrend>] => [
      linearTrend(mins, ys),
      linearTrend(mins.slice(0, 10), ys.slice(0, 10)),
      linearTrend(mins.slice(10), ys.slice(10)),
    ];
    assert.equal(judgeSoak(...halves(warm), 1).verdict, 'settling');
    assert.match(judgeSoak(...halves(warm), 1).why, /a leak, if any, is at most/);
    assert.equal(judgeSoak(...halves(leak), 1).verdict, 'growing');
    // Student's t: the table, and the expansion beyond it (tables: 2.021 at 40, 1.984 at 100).
    assert.equal(t975(1), 12.706);
    assert.ok(Math.abs(t975(40) - 2.021) < 0.001 && Math.abs(t975(100) - 1.984) < 0.001, `${t975(40)} ${t975(100)}`);
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

    // 9: the soak ran sessions; memory in MB, slopes in KB per minute and per station per hour.
    const soak = get(9);
    within(row(soak, 'load, steady').fleet, 10, 1_000_000, 'soak calls/s');
    assert.ok(row(soak, 'sessions started').fleet > 0, 'sessions were started');
    const heapRow = row(soak, 'generator heap after GC');
    within(heapRow.fleet, 2, 1000, 'generator heap after GC, MB');
    assert.match(heapRow.fleetText, /^[\d.]+ → [\d.]+ MB$/);
    within(row(soak, 'generator RSS').fleet, 20, 4000, 'generator RSS, MB');
    within(row(soak, 'CSMS RSS').fleet, 20, 4000, 'CSMS RSS, MB');
    const slopes = soak.rows.filter((r) => r.figure.trim().startsWith('slope'));
    assert.equal(slopes.length, 4, "a slope for the fleet's heap, the whole heap, the RSS and the CSMS RSS");
    for (const r of slopes) {
      assert.match(r.fleet, /^[+-][\d.,]+ KB\/min$/);
      assert.match(r.ratio, /^[+-][\d.,]+ KB\/st\.\/h$/);
      assert.ok(r.meets === 'yes' || r.meets === 'no' || r.meets === '~');
    }
    const samples = (soak.figures as { samples: SoakSample[] }).samples;
    assert.ok(samples.length >= 6 && samples.filter((x) => x.steady).length >= 4, `${samples.length} samples`);
    // Bytes, not KB or MB: a generator's heap is millions of bytes.
    for (const x of samples) {
      within(x.heap, 2 * 1048576, 1024 * 1048576, 'sampled heap, bytes');
      // V8's code is part of the heap, and so is the committed heap part of the RSS.
      assert.ok(x.code > 0 && x.code < x.heap && x.heap <= x.heapTotal && x.heapTotal < x.rss, `code ${x.code}, heap ${x.heap}, V8 total ${x.heapTotal}, RSS ${x.rss}`);
    }
    assert.ok(samples.some((x) => x.hlogLines > 0), 'the interval log was measured');
    assert.ok(samples.every((x) => Number.isFinite(x.csmsRss)), 'the CSMS RSS was read');

    // 10: a search against a CSMS of 250 calls/s (62.5 stations of 4 calls/s) found a size of its magnitude, in seconds to minutes.
    within(row(get(10), 'T = 8 ms, S = 2: capacity found').fleet, 31, 125, 'stations found for a CSMS of 250 calls/s');
    within(row(get(10), 'T = 8 ms, S = 2: search time').fleet, 5, 600, 'seconds a search took');

    // 12: a fleet over two processes and bare clients over two sent the calls offered; memory per station in KB, CPU per call in µs.
    const spread = get(12);
    within(row(spread, 'RSS per station').fleet, 0.5, 2000, 'KB per station over processes');
    within(row(spread, 'CPU per call').fleet, 1, 100_000, 'µs per call over processes');
    within(row(spread, 'CPU per call').baseline, 1, 100_000, 'µs per bare call over processes');
    // Side by side, both parties measured over one window: each one's µs per call, and the median of the rounds' ratios.
    const side = row(spread, 'CPU per call side by side');
    within(side.fleet, 1, 100_000, 'µs per call over processes, side by side');
    within(side.baseline, 1, 100_000, 'µs per bare call over processes, side by side');
    within(numberIn(spread.rows.find((x) => x.figure.startsWith('CPU per call side by side'))?.ratio ?? ''), 0.05, 20, 'side-by-side ratio');
    const offered = row(spread, '  calls/s in the window');
    within(offered.fleet, 50, 150, 'fleet calls/s of the 100/s offered');
    within(offered.baseline, 50, 150, 'bare calls/s of the 100/s offered');
    within(row(spread, '  fixed RSS per process').fleet, 20, 1000, 'MB a process holds whatever its size');

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
