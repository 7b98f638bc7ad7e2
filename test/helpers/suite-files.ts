import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fleet-cli';

/**
 * The files of `npm test`'s concurrent phase, in the order they should start (run-suite.ts starts
 * them so: `node --test` sorts the files it is given by path, which started the unit files last): the unit
 * files' lanes (unit-suite.ts) beside the longest end-to-end files, then the other long ones, then
 * the other end-to-end files. Eight at a time on two cores, a long file started last is the phase's tail
 * (trend, 50 s, started last by name, ended the phase alone); started first, the short files fill
 * the gaps around it. Longest first is the classic remedy for scheduling jobs of known length on
 * a few machines.
 *
 * The list is by measurement (the durations of a clean-clone CI run, longest first); a file
 * missing from it still runs, in name order after it.
 */
const LONGEST_FIRST = [
  // npm itself, slow beside seven other files (13 s alone, 56 s in one CI run).
  'package-install',
  'trend',
  'strict-csms',
  'faults-connection',
  'run-health',
  'capacity-outcomes',
  'shipped-scenarios',
  'security-profiles',
  'scripts-run',
  'live-run',
  'capacity-cli',
  'processes',
  'csms-processes',
  'aggregate',
  'shipped-fault-scenarios',
  'probe-cli',
  'csms-known-capacity',
  'chaos-frames',
  'cli',
  'fleet-incoming',
  'chaos-errors',
  'signed-meter-values',
  'compare',
  'csms-failover',
];

function testFiles(folder: string): string[] {
  const dir = join(REPO_ROOT, 'dist', 'test', folder);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join('dist', 'test', folder, f)) : [];
}

/** The unit files, in-process in a few lanes (unit-suite.ts), each started beside a long end-to-end file. */
const UNIT_LANES = Array.from({ length: 4 }, (_, i) => join('dist', 'test', 'helpers', `unit-lane-${i}.js`));

/** Paths relative to the repository root, in starting order. */
export function suiteFiles(): string[] {
  const e2e = testFiles('e2e');
  const first = LONGEST_FIRST.map((name) => join('dist', 'test', 'e2e', `${name}.test.js`)).filter((f) => e2e.includes(f));
  // Lanes and the longest end-to-end files alternate: the first eight to start are four of each.
  const head = first.slice(0, UNIT_LANES.length).flatMap((f, i) => [UNIT_LANES[i] as string, f]);
  return [...head, ...first.slice(UNIT_LANES.length), ...e2e.filter((f) => !first.includes(f))];
}

if (require.main === module) process.stdout.write(`${suiteFiles().join('\n')}\n`);
