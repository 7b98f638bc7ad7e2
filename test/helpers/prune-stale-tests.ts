import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fleet-cli';

/**
 * Removes compiled test files whose source is gone (`npm test`'s pretest, after the build). tsc
 * never deletes what it emitted, so a test moved from test/e2e/ to test/serial/ would otherwise
 * still run from its old dist/ copy in the concurrent run, and a deleted one would run forever.
 */
for (const folder of ['unit', 'e2e', 'serial']) {
  const built = join(REPO_ROOT, 'dist', 'test', folder);
  if (!existsSync(built)) continue;
  for (const file of readdirSync(built)) {
    const m = /^(.*\.test)\.js(\.map)?$|^(.*\.test)\.d\.ts(\.map)?$/.exec(file);
    const stem = m?.[1] ?? m?.[3];
    if (stem === undefined || existsSync(join(REPO_ROOT, 'test', folder, `${stem}.ts`))) continue;
    rmSync(join(built, file));
    if (file.endsWith('.js')) process.stdout.write(`removed dist/test/${folder}/${file}: its source is gone\n`);
  }
}
