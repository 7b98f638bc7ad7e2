import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every unit test file in one process: `npm test` runs this file instead of the 80 files one by
 * one. Unit tests need no process of their own (no sockets left open, no process-wide settings),
 * and a process per file cost more than the tests: 51 s of CPU for the unit files one by one,
 * 16 s for them all in one process (the runtime, ajv's validators and the project's modules
 * loaded once instead of 80 times), on a two-core machine where the suite is CPU-bound. A unit
 * file still runs alone: `node --test dist/test/unit/<file>.test.js`.
 */
const dir = join(__dirname, '..', 'unit');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
  require(join(dir, file));
}
