import { serialFiles } from './serial-files';

/**
 * `npm test`'s serial phase: the test/serial/ files but the quiet ones (serial-files.ts) in this
 * one process, their tests one at a time (node:test runs a process's top-level tests in order),
 * at normal priority beside the niced concurrent phase. One process rather than a process per
 * file: each start cost some 0.3 s of a phase that is all waiting on the clock. A serial file
 * still runs alone: `node --test dist/test/serial/<file>.test.js`.
 */
for (const file of serialFiles(false)) require(file);
