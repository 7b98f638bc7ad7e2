/**
 * Case 11: OCPP 2.1 periodic event streams (issue 15): N stations each holding a stream of one
 * NotifyPeriodicEventStream SEND a second, against a bare ws client writing the same frames on N
 * connections at the same rate, both on the bare responder (which answers the streams'
 * OpenPeriodicEventStream and nothing of the SENDs), in turns.
 *
 * Figures: the SENDs per second each side held (N per second is the offer) and the CPU per SEND
 * (all threads of its process, over the window). The fleet's SENDs are the real thing: a scheduled
 * reading, the 2.1 schema check of each payload, the Send record through the metrics pump.
 */
import { ChildRun } from '../lib/child';
import { infoRow, num, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder, type Responder } from '../lib/responder-handle';
import type { BareSpec, FleetSpec } from '../lib/specs';
import { sleep } from '../lib/stats';

const SETTINGS = {
  tiny: { sizes: [20], rounds: 1, warmupMs: 2500, windowMs: 1000 },
  quick: { sizes: [1000], rounds: 2, warmupMs: 3000, windowMs: 4000 },
  full: { sizes: [1000, 5000], rounds: 3, warmupMs: 4000, windowMs: 10_000 },
} as const;

/** A SEND a second per station: what a CSMS following its fleet's power second by second asks for. */
const INTERVAL_S = 1;

interface Figures {
  sends: number;
  ms: number;
  cpuUs: number;
}

/** Start a party, let its streams open and settle, then count its SENDs and CPU over the window. */
async function measure<S>(child: string, spec: S, capMs: number, warmupMs: number, windowMs: number): Promise<Figures> {
  const run = new ChildRun<S, unknown>(child, spec, capMs);
  try {
    await run.ready();
    await sleep(warmupMs);
    const a = await run.sample();
    const t0 = performance.now();
    await sleep(windowMs);
    const b = await run.sample();
    const ms = performance.now() - t0;
    await run.finish();
    return { sends: b.count - a.count, ms, cpuUs: b.cpuUs - a.cpuUs };
  } finally {
    run.kill();
  }
}

function add(sum: Figures, f: Figures): void {
  sum.sends += f.sends;
  sum.ms += f.ms;
  sum.cpuUs += f.cpuUs;
}

const perSec = (f: Figures): number => (f.sends * 1000) / Math.max(1, f.ms);
const cpuPerSend = (f: Figures): number => f.cpuUs / Math.max(1, f.sends);

async function size(ctx: BenchContext, responder: Responder, n: number): Promise<{ fleet: Figures; bare: Figures }> {
  const s = SETTINGS[ctx.mode];
  const capMs = s.warmupMs + s.windowMs + 60_000;
  const fleetSpec: FleetSpec = {
    url: responder.url,
    identity: 'FLEET',
    stations: n,
    version: '2.1',
    connectors: 1,
    workers: 1,
    heartbeatMs: undefined,
    rampPerSec: 0,
    mode: 'pool',
    measure: 'sends',
    warmupMs: 0,
    windowMs: 0,
    capMs,
    streamS: INTERVAL_S,
  };
  const bareSpec: BareSpec = { mode: 'send', url: responder.url, connections: n, intervalMs: INTERVAL_S * 1000 };
  const fleet: Figures = { sends: 0, ms: 0, cpuUs: 0 };
  const bare: Figures = { sends: 0, ms: 0, cpuUs: 0 };
  for (let r = 0; r < s.rounds; r++) {
    const b = await measure<BareSpec>('bare-client.js', bareSpec, capMs, s.warmupMs, s.windowMs);
    const f = await measure<FleetSpec>('fleet-child.js', fleetSpec, capMs, s.warmupMs, s.windowMs);
    add(bare, b);
    add(fleet, f);
    ctx.log(`  ${n} streams: fleet ${num(perSec(f), '/s')} at ${num(cpuPerSend(f), 'µs')} a SEND; bare ${num(perSec(b), '/s')} at ${num(cpuPerSend(b), 'µs')}`);
  }
  return { fleet, bare };
}

export const streamsCase: BenchCase = {
  id: 11,
  name: 'streams',
  title: 'OCPP 2.1 periodic event streams: SENDs held and CPU per SEND, fleet vs bare ws client',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const rows: Row[] = [];
    const figures: Record<string, unknown>[] = [];
    const responder = await startResponder();
    try {
      for (const n of s.sizes) {
        ctx.log(`  ${n} stations, one NotifyPeriodicEventStream SEND a second each, fleet and bare in turns`);
        const { fleet, bare } = await size(ctx, responder, n);
        rows.push(infoRow(`SENDs/s held, ${n} streams (offered ${n}/s)`, num(perSec(fleet), '/s'), num(perSec(bare), '/s')));
        rows.push(ratioRow(`CPU per SEND, ${n} streams`, cpuPerSend(fleet), cpuPerSend(bare), 'µs', { op: '<=', bound: 2 }));
        figures.push({ stations: n, fleet, bare });
      }
    } finally {
      await responder.stop();
    }
    return {
      id: 11,
      name: 'streams',
      title: this.title,
      rows,
      notes: [
        `Each station boots (2.1), starts a session at once, opens a stream (OpenPeriodicEventStream, accepted) and sends a NotifyPeriodicEventStream SEND every ${INTERVAL_S} s with its power reading; the window opens once every stream runs.`,
        'The bare client writes the same frame (a reading, its ISO basetime, JSON.stringify) on each connection from a timer of its own; nothing answers either side.',
        'The fleet also checks every payload against the OCA 2.1 schema and records every SEND through the metrics pump; its heartbeats (every 300 s) fall outside the window.',
      ],
      figures: { intervalS: INTERVAL_S, sizes: figures },
    };
  },
};
