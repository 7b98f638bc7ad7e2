import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm test`'s second step: every test/serial/ file in this one process, their tests one at a time
 * (node:test runs a process's top-level tests in order), alone on the machine after the concurrent
 * phase. One process rather than a process per file: each start cost some 0.3 s of a phase that
 * is all waiting on the clock. A serial file still runs alone: `node --test dist/test/serial/<file>.test.js`.
 */
const dir = join(__dirname, '..', 'serial');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) require(join(dir, file));
