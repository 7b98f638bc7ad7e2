import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatTable } from '../report/table';
import { merge } from '../run/results-input';

/** `ocpp-fleet merge DIR... --out DIR`: one results folder from the shards of a run, exactly. */
export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge the results folders of a sharded run (--shard I/N) into one, exactly: counts add, histograms merge')
    .argument('<dirs...>', 'results folders of the shards')
    .requiredOption('--out <dir>', 'where to write the merged results folder')
    .option('--quiet', 'no table')
    .action(async (dirs: string[], flags: { out: string; quiet?: boolean }) => {
      const summary = await merge(dirs, flags.out);
      if (!flags.quiet) process.stdout.write(`${formatTable(summary)}\nmerged ${dirs.length} folders into ${resolve(flags.out)}\n`);
      process.exitCode = summary.passed ? 0 : 1;
    });
}
