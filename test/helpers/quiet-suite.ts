import { serialFiles } from './serial-files';

/** `npm test`'s last phase: the quiet test/serial/ files (serial-files.ts), one test at a time, alone on the machine. */
for (const file of serialFiles(true)) require(file);
