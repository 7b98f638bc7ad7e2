/**
 * Case 1: round trips per second and generator CPU per round trip, the fleet in a closed loop
 * (see lib/closed-loop.ts for how a scheduled fleet is made to run closed-loop) against a bare ws
 * client doing the same frames, both on the same bare responder, interleaved phase by phase.
 */
import { startEmbeddedCsms } from '../../src/csms/child';
import { closedLoop, soloClosedLoop, type ClosedLoopFigures } from '../lib/closed-loop';
import { num, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder } from '../lib/responder-handle';
import { sig } from '../lib/stats';

/** Offered load as a multiple of the bare client's calibrated throughput (see lib/closed-loop.ts). */
const OFFER = 1.5;

const SETTINGS = {
  tiny: { sizes: [10], rounds: 1, phaseMs: 300, warmupRounds: 1, calibrateMs: 300 },
  quick: { sizes: [100, 1000], rounds: 2, phaseMs: 500, warmupRounds: 1, calibrateMs: 300 },
  full: { sizes: [100, 1000], rounds: 6, phaseMs: 1500, warmupRounds: 1, calibrateMs: 1000 },
} as const;

export const throughputCase: BenchCase = {
  id: 1,
  name: 'throughput',
  title: 'Throughput and CPU per round trip (closed loop, bare responder): fleet vs bare ws client',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const rows: Row[] = [];
    const runs: ClosedLoopFigures[] = [];
    const responder = await startResponder();
    try {
      for (const n of s.sizes) {
        ctx.log(`  ${n} stations vs ${n} bare connections`);
        const f = await closedLoop(responder, {
          stations: n,
          fleets: [{ name: 'fleet', cls: 'FLEET', workers: 1 }],
          offer: OFFER,
          calibrateMs: s.calibrateMs,
          rounds: s.rounds,
          phaseMs: s.phaseMs,
          warmupRounds: s.warmupRounds,
          timeoutMs: 120_000,
        });
        runs.push(f);
        const [bare, fleet] = f.parties;
        if (!bare || !fleet) throw new Error('closed loop without its parties');
        rows.push(ratioRow(`round trips/s, ${n} stations`, fleet.perSec, bare.perSec, '/s', { op: '>=', bound: 0.8 }));
        rows.push(ratioRow(`CPU per round trip, ${n} stations`, fleet.cpuUsPerOp, bare.cpuUsPerOp, 'µs', { op: '<=', bound: 1.3 }));
        // The backlog ran dry: the loop was not closed throughout and the throughput is a floor.
        if (!f.backlogHeld) ctx.log('  warning: the fleet served nearly all it was offered; its throughput is a lower bound');
        ctx.shared.set(`fleetCpuUsPerCall:${n}`, fleet.cpuUsPerOp);
        ctx.shared.set(`bareCpuUsPerCall:${n}`, bare.cpuUsPerOp);
      }
    } finally {
      await responder.stop();
    }
    const embedded: Record<string, unknown>[] = [];
    if (ctx.mode === 'full') {
      // The same closed loop against the embedded CSMS (its own process): what a user sees when the
      // CSMS, not the generator, is the bottleneck. Back to back, since it cannot take turns.
      const n = 100;
      ctx.log(`  ${n} stations vs ${n} bare connections, against the embedded CSMS`);
      const csms = await startEmbeddedCsms({});
      try {
        const bare = await soloClosedLoop('bare', csms.url, n, 1, 1000, 3000, 60_000);
        const fleet = await soloClosedLoop('fleet', csms.url, n, (n * 1000) / (OFFER * Math.max(1, bare.perSec)), 1000, 3000, 60_000);
        rows.push(ratioRow(`round trips/s, ${n}, embedded CSMS`, fleet.perSec, bare.perSec, '/s', undefined));
        rows.push(ratioRow(`CPU per round trip, ${n}, embedded CSMS`, fleet.cpuUsPerOp, bare.cpuUsPerOp, 'µs', undefined));
        embedded.push({ stations: n, bare, fleet });
      } finally {
        await csms.stop();
      }
    }
    const first = runs[0];
    const errors = runs.flatMap((r) => r.fleets.flatMap((f) => Object.entries(f.result.errors).map(([k, v]) => `${k} ×${v} (${r.stations})`)));
    return {
      id: 1,
      name: 'throughput',
      title: this.title,
      rows,
      notes: [
        `Closed loop: each station's heartbeat interval is set so that the fleet is offered ${OFFER}× the bare client's calibrated throughput;`,
        'a Heartbeat is always queued behind the outstanding one and leaves when its answer arrives (the one-outstanding-call rule).',
        'Fleet = FleetRun with 1 worker thread + coordinator (pump, HDR histograms); CPU is the whole process (all threads), per answered call.',
        'Bare = one ws client process sending [2,"n","Heartbeat",{}] and JSON-parsing each answer. Same responder, taking turns phase by phase.',
        ...(ctx.mode === 'full' ? ['Embedded CSMS rows: the same loops back to back against `ocpp-fleet csms` (validating, stateful): the CSMS is then the bottleneck; no target.'] : []),
        `heartbeat interval forced: ${first ? num(first.heartbeatMs, 'ms') : '—'} at ${first?.stations ?? '—'} stations; the surplus heartbeats cost the fleet a scheduler event each.`,
        ...(errors.length > 0 ? [`fleet errors: ${errors.join(', ')}`] : []),
      ],
      figures: {
        embeddedCsms: embedded,
        runs: runs.map((r) => ({
          stations: r.stations,
          heartbeatMs: sig(r.heartbeatMs),
          bareCalibrationPerSec: Math.round(r.bareCalibrationPerSec),
          parties: r.parties,
          fleets: r.fleets.map((f) => ({ name: f.name, timeToAllBootedMs: f.timeToAllBootedMs, errors: f.result.errors, recordsWritten: f.result.recordsWritten, recordsRead: f.result.recordsRead })),
        })),
      },
    };
  },
};
