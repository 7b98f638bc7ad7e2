/**
 * Case 2: memory per booted, heartbeating station against a bare idle ws connection.
 *
 * The fleet side runs the worker's own task function on the main thread of its process ('inline'
 * in fleet-child.ts), so that gc() and the V8 heap figures see the stations; per station is the
 * growth from just before the stations are created (modules loaded, schemas compiled) to after all
 * booted and heartbeated, divided by N. The bare side opens N idle ws clients the same way. Each
 * party gets a fresh responder, so that the sockets of one never count against the other's limit.
 * In --full, the largest size also runs as a real FleetRun (worker thread) for the whole process's
 * RSS: the "~19,000 stations in one process" check.
 */
import { runChild } from '../lib/child';
import { infoRow, num, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder } from '../lib/responder-handle';
import type { BareSpec, FleetResult, FleetSpec, MemoryResult } from '../lib/specs';

const SETTINGS = {
  tiny: { sizes: [20], heartbeatMs: 500, warmupMs: 700, pool: 0 },
  quick: { sizes: [2000], heartbeatMs: 1000, warmupMs: 1200, pool: 0 },
  full: { sizes: [1000, 5000, 10_000, 19_000], heartbeatMs: 2000, warmupMs: 3000, pool: 19_000 },
} as const;

async function bareIdle(n: number, settleMs: number): Promise<MemoryResult> {
  const responder = await startResponder();
  try {
    const spec: BareSpec = { mode: 'idle', url: responder.url, connections: n, settleMs };
    return await runChild<BareSpec, MemoryResult>('bare-client.js', spec, 120_000, { gc: true });
  } finally {
    await responder.stop();
  }
}

async function fleetMemory(n: number, mode: 'inline' | 'pool', heartbeatMs: number, warmupMs: number): Promise<FleetResult> {
  const responder = await startResponder();
  try {
    const spec: FleetSpec = {
      url: responder.url,
      identity: 'FLEET',
      stations: n,
      version: '1.6',
      connectors: 2,
      workers: 1,
      heartbeatMs,
      rampPerSec: 0,
      mode,
      measure: 'memory',
      warmupMs,
      windowMs: 0,
      capMs: 90_000,
    };
    return await runChild<FleetSpec, FleetResult>('fleet-child.js', spec, 150_000, { gc: true });
  } finally {
    await responder.stop();
  }
}

export const memoryCase: BenchCase = {
  id: 2,
  name: 'memory',
  title: 'Memory per booted, heartbeating station vs a bare idle ws connection',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const rows: Row[] = [];
    const figures: Record<string, unknown>[] = [];
    for (const n of s.sizes) {
      ctx.log(`  ${n} stations / ${n} bare connections`);
      const bare = await bareIdle(n, s.warmupMs);
      const fleet = await fleetMemory(n, 'inline', s.heartbeatMs, s.warmupMs);
      const m = fleet.memory;
      if (!m || fleet.booted < n) throw new Error(`only ${fleet.booted} of ${n} stations booted`);
      rows.push(ratioRow(`RSS per station, ${n}`, m.rssPerItemKb, bare.rssPerItemKb, 'KB', { op: '<=', bound: 1.3 }));
      rows.push(ratioRow(`  without V8's young generation`, m.rssPerItemKbWithoutYoung, bare.rssPerItemKbWithoutYoung, 'KB', undefined));
      rows.push(ratioRow(`heap per station, ${n}`, m.heapPerItemKb, bare.heapPerItemKb, 'KB', undefined));
      figures.push({ stations: n, fleet: m, bare, fleetErrors: fleet.errors, timeToAllBootedMs: fleet.timeToAllBootedMs });
    }
    if (s.pool > 0) {
      ctx.log(`  ${s.pool} stations in a real FleetRun (worker thread)`);
      const fleet = await fleetMemory(s.pool, 'pool', s.heartbeatMs, s.warmupMs);
      const m = fleet.memory;
      rows.push(
        infoRow(
          `${num(s.pool)} in one process (FleetRun)`,
          `${fleet.booted} booted`,
          m ? `RSS ${num(m.rssTotalMb, 'MB')}` : '',
          m ? `${num(m.rssPerItemKb, 'KB')}/st.` : '',
        ),
      );
      figures.push({ stations: s.pool, mode: 'pool', fleet: m, booted: fleet.booted, errors: fleet.errors });
    }
    return {
      id: 2,
      name: 'memory',
      title: this.title,
      rows,
      notes: [
        'Per station = (memory after all booted and heartbeating, after gc) − (memory just before the stations were created), / N;',
        'both sides first open and close 50 (fleet: boot and stop 50 stations), so compiled code and singletons are in the "before".',
        `Stations: OCPP 1.6, 2 connectors, a Heartbeat every ${s.heartbeatMs} ms; measured ${s.warmupMs} ms after the last boot.`,
        'Fleet side runs the worker\'s task on the main thread so gc() and the heap see it; thread and pool overhead are per process, not per station.',
        'Bare = idle ws clients (perMessageDeflate off) opened the same way. Kernel socket buffers are not in RSS on either side.',
        "V8's young generation grows with the allocation rate (heartbeats allocate, idle sockets do not) up to ~16 MB, whatever N: the second row leaves it out.",
        'The fleet drains its records into a counter here: the Aggregator\'s histograms are the coordinator\'s, per process (~94 KB each).',
      ],
      figures: { runs: figures },
    };
  },
};
