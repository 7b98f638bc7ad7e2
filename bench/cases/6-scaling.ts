/**
 * Case 6: does a second worker thread help? Two fleets of the same size, one with 1 worker and
 * one with 2, run the closed loop of case 1 on the same responder, taking turns with each other
 * and with the bare client (lib/closed-loop.ts, lib/interleave.ts). On a 2-core machine the
 * responder needs a core too, so the answer here is about this machine; the ratio is the figure.
 */
import { availableParallelism } from 'node:os';
import { closedLoop, type ClosedLoopFigures } from '../lib/closed-loop';
import { infoRow, num, ratio, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder } from '../lib/responder-handle';

const SETTINGS = {
  tiny: { stations: 20, rounds: 1, phaseMs: 300, warmupRounds: 1, calibrateMs: 300 },
  quick: { stations: 500, rounds: 2, phaseMs: 400, warmupRounds: 1, calibrateMs: 300 },
  full: { stations: 1000, rounds: 6, phaseMs: 1500, warmupRounds: 1, calibrateMs: 1000 },
} as const;

export const scalingCase: BenchCase = {
  id: 6,
  name: 'scaling',
  title: 'Scaling: 1 vs 2 worker threads, same closed-loop load',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const responder = await startResponder();
    let f: ClosedLoopFigures;
    try {
      ctx.log(`  ${s.stations} stations with 1 worker, with 2 workers, and ${s.stations} bare connections`);
      f = await closedLoop(responder, {
        stations: s.stations,
        fleets: [
          { name: '1 worker', cls: 'ONE', workers: 1 },
          { name: '2 workers', cls: 'TWO', workers: 2 },
        ],
        offer: 2,
        calibrateMs: s.calibrateMs,
        rounds: s.rounds,
        phaseMs: s.phaseMs,
        warmupRounds: s.warmupRounds,
        timeoutMs: 150_000,
      });
    } finally {
      await responder.stop();
    }
    const [bare, one, two] = f.parties;
    if (!bare || !one || !two) throw new Error('closed loop without its parties');
    const rows: Row[] = [
      { ...ratioRow('round trips/s, 2 workers vs 1', two.perSec, one.perSec, '/s', undefined), baseline: num(one.perSec, '/s') },
      { ...ratioRow('CPU per round trip, 2 workers vs 1', two.cpuUsPerOp, one.cpuUsPerOp, 'µs', undefined), baseline: num(one.cpuUsPerOp, 'µs') },
      infoRow('cores busy while active, 2 workers vs 1', num(two.cores), num(one.cores), ratio(two.cores, one.cores)),
      infoRow('  bare client, same turns: round trips/s', '', num(bare.perSec, '/s')),
    ];
    if (!f.backlogHeld) ctx.log('  warning: a fleet served nearly all it was offered; its throughput is a lower bound');
    return {
      id: 6,
      name: 'scaling',
      title: this.title,
      rows,
      notes: [
        'Here the baseline column is the 1-worker fleet; both fleets are FleetRun with their own coordinator, in their own process.',
        'Closed loop as in case 1 (offered 2× the bare calibration, so the 2-worker fleet cannot run dry); the three take turns.',
        `On ${availableParallelism()} cores the responder competes for a core: a second worker helps only as far as a core is free.`,
      ],
      figures: { stations: f.stations, heartbeatMs: f.heartbeatMs, parties: f.parties, backlogHeld: f.backlogHeld },
    };
  },
};
