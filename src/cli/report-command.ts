import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ResultsFolderError, writeHtmlReport } from '../report/html';
import { UsageError } from '../run/exit-codes';
import { checkResultsInput } from '../run/results-input';

interface ReportFlags {
  out?: string;
}

/**
 * `ocpp-fleet report DIR`: (re)builds DIR/report.html from DIR's summary.json, timeseries.csv and
 * histograms.hlog. A folder that is not a results folder is bad usage (exit 2).
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('build report.html (one self-contained page, works offline) from a results folder\'s files')
    .argument('<dir>', 'results folder: summary.json, timeseries.csv and histograms.hlog')
    .option('--out <file>', 'where to write the page (default <dir>/report.html)')
    .action(async (dir: string, flags: ReportFlags) => {
      checkResultsInput(dir);
      try {
        const path = await writeHtmlReport(dir, flags.out === undefined ? undefined : resolve(flags.out));
        process.stdout.write(`report: ${path}\n`);
      } catch (err) {
        if (err instanceof ResultsFolderError) throw new UsageError(err.message);
        throw err;
      }
    });
}
