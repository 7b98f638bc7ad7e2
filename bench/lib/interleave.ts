import type { ChildRun } from './child';
import type { Responder } from './responder-handle';
import { sleep } from './stats';

/**
 * Interleaved measurement of closed-loop clients that share one responder: the responder serves
 * one identity class at a time (the others' one outstanding call waits, so they pause), and the
 * parties take turns phase by phase. A shared machine's load that comes and goes lands on every
 * party alike, which back-to-back runs cannot promise; ratios come out steadier.
 *
 * A phase's count and CPU are read from the party just before it is switched on (it is paused,
 * its counters settled) and again `settleMs` after it is switched off (its last answers drained
 * into its counters). Its length is the time between the two switches.
 */
export interface Party {
  readonly name: string;
  /** Identity class the responder serves for this party (`BARE`, `FLEET`…). */
  readonly cls: string;
  readonly child: ChildRun<unknown, unknown>;
}

export interface PhaseFigures {
  readonly count: number;
  readonly ms: number;
  readonly cpuUs: number;
}

export interface PartyFigures {
  readonly name: string;
  readonly perSec: number;
  readonly cpuUsPerOp: number;
  /** Share of one core used while active. */
  readonly cores: number;
  readonly phases: readonly PhaseFigures[];
}

export interface InterleaveOptions {
  readonly rounds: number;
  readonly phaseMs: number;
  /** Rounds run first and not counted (JIT, buffers, backlog build-up). */
  readonly warmupRounds: number;
  readonly settleMs?: number;
}

/** A class no client uses: serving it pauses everyone. */
const NOBODY = '-';

export async function interleave(responder: Responder, parties: readonly Party[], options: InterleaveOptions): Promise<PartyFigures[]> {
  const settleMs = options.settleMs ?? 100;
  const phases = new Map<string, PhaseFigures[]>(parties.map((p) => [p.name, []]));
  let active: { party: Party; count: number; cpuUs: number; on: number; counted: boolean } | undefined;
  const switchOff = async (): Promise<void> => {
    if (!active) return;
    const off = performance.now();
    await sleep(settleMs);
    const end = await active.party.child.sample();
    if (active.counted) {
      (phases.get(active.party.name) as PhaseFigures[]).push({
        count: end.count - active.count,
        ms: off - active.on,
        cpuUs: end.cpuUs - active.cpuUs,
      });
    }
    active = undefined;
  };
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    for (const party of parties) {
      const start = await party.child.sample();
      const previous = active;
      await responder.serve(party.cls);
      const on = performance.now();
      active = previous;
      await switchOff();
      active = { party, count: start.count, cpuUs: start.cpuUs, on, counted: round >= options.warmupRounds };
      await sleep(Math.max(0, options.phaseMs - (performance.now() - on)));
    }
  }
  await responder.serve(NOBODY);
  await switchOff();
  await responder.serve(null);
  return parties.map((p) => {
    const list = phases.get(p.name) as PhaseFigures[];
    const count = list.reduce((n, x) => n + x.count, 0);
    const ms = list.reduce((n, x) => n + x.ms, 0);
    const cpuUs = list.reduce((n, x) => n + x.cpuUs, 0);
    return {
      name: p.name,
      perSec: ms > 0 ? (count * 1000) / ms : 0,
      cpuUsPerOp: count > 0 ? cpuUs / count : 0,
      cores: ms > 0 ? cpuUs / 1000 / ms : 0,
      phases: list,
    };
  });
}
