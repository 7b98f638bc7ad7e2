import { resolve } from 'node:path';
import type { Command } from 'commander';
import { mergeResults, MergeError } from '../report/merge';
import { formatTable } from '../report/table';
import { UsageError } from '../run/exit-codes';
import { checkResultsInput } from './options';

/** `ocpp-fleet merge DIR... --out DIR`: one results folder from the shards of a run, exactly. */
export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge the results folders of a sharded run (--shard I/N) into one, exactly: counts add, histograms merge')
    .argument('<dirs...>', 'results folders of the shards')
    .requiredOption('--out <dir>', 'where to write the merged results folder')
    .option('--quiet', 'no table')
    .action(async (dirs: string[], flags: { out: string; quiet?: boolean }) => {
      for (const dir of dirs) checkResultsInput(dir);
      let summary;
      try {
        summary = await mergeResults(dirs, resolve(flags.out));
      } catch (err) {
        if (err instanceof MergeError) throw new UsageError(err.message);
        throw err;
      }
      if (!flags.quiet) process.stdout.write(`${formatTable(summary)}\nmerged ${dirs.length} folders into ${resolve(flags.out)}\n`);
      process.exitCode = summary.passed ? 0 : 1;
    });
}
