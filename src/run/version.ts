import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's version, read once from package.json (dist/src/run → the package root). */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
