import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The unit test files, run in-process in a few lanes: `npm test` runs `unit-lane-<n>.js` instead of
 * the 80 files one by one. Unit tests need no process of their own (no sockets left open, no
 * process-wide settings), and a process per file cost more than the tests: 51 s of CPU for the unit
 * files one by one, 16 s for them all in one process (the runtime, ajv's validators and the
 * project's modules loaded once instead of 80 times), on a two-core machine where the suite is
 * CPU-bound. One process was too few: started behind the long end-to-end files and getting an
 * eighth of the machine, its chain of 80 files ended the concurrent phase alone, its last 25 s at
 * a third of the machine's CPU. Four lanes, balanced by what each file costs and started first,
 * end within the first minute. A unit file still runs alone: `node --test dist/test/unit/<file>.test.js`;
 * this file, run alone, runs every lane.
 */
export const UNIT_LANES = 4;

/** CPU seconds of the heavy unit files (measured one by one, process start excluded); the others weigh 0.3 s. */
const WEIGHTS: Readonly<Record<string, number>> = {
  'trend-change-points': 9.5,
  'compare-synthetic': 8.5,
  'sessions-determinism': 7,
  'capacity-run': 5.5,
  'metrics-ring': 5,
  'scenario-limits': 3,
  'scenario-editor-schema': 3,
  'capacity-options': 2.5,
  'csms-service-queue': 2.5,
  'live-window': 2.5,
};

const dir = join(__dirname, '..', 'unit');

/** The files of lane `lane`: the heaviest first, each to the lane with the least weight so far (longest processing time first). */
export function laneFiles(lane: number): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();
  const weight = (f: string): number => WEIGHTS[f.replace(/\.test\.js$/, '')] ?? 0.3;
  const byWeight = [...files].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1));
  const loads = new Array<number>(UNIT_LANES).fill(0);
  const lanes: string[][] = Array.from({ length: UNIT_LANES }, () => []);
  for (const f of byWeight) {
    const to = loads.indexOf(Math.min(...loads));
    loads[to] = (loads[to] as number) + weight(f);
    lanes[to]?.push(f);
  }
  return (lanes[lane] ?? []).sort();
}

export function runUnitLane(lane: number): void {
  for (const file of laneFiles(lane)) require(join(dir, file));
}

// Run alone (not imported by a lane file): every lane, in this process.
if (require.main === module || process.argv.some((a) => a.endsWith('unit-suite.js'))) {
  for (let lane = 0; lane < UNIT_LANES; lane++) runUnitLane(lane);
}
