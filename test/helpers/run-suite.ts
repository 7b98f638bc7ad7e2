import { join } from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
import { REPO_ROOT } from './fleet-cli';
import { suiteFiles } from './suite-files';

/**
 * `npm test`'s concurrent phase: the unit lanes and the end-to-end files, eight at a time, started
 * in suite-files.ts's order. Not `node --test FILES`: it sorts the files by path, so the order
 * (the longest first, the unit lanes beside them) was never the one run, and the unit files,
 * under dist/test/helpers/, always started last and ended the phase alone. Reports as `node
 * --test` does when piped (TAP), and exits 1 when a test failed.
 */
const CONCURRENCY = 8;

let failed = false;
const stream = run({ files: suiteFiles().map((f) => join(REPO_ROOT, f)), concurrency: CONCURRENCY });
stream.on('test:fail', () => {
  failed = true;
});
stream.compose(tap).pipe(process.stdout);
process.on('exit', () => {
  if (failed) process.exitCode = 1;
});
