import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { finished, readSummary, REPO_ROOT, tempDir } from '../helpers/fleet-cli';

/**
 * README.md's "Programmatic use" example runs as it stands: the one JavaScript block of that
 * section, written to a file of its own, with `require('ocpp-fleet')` pointed at this checkout
 * (the package's `main`, so package.json and src/index.ts are what is tested), run by node in an
 * empty folder against the embedded CSMS it starts itself.
 */
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Programmatic use'), README.indexOf('## Architecture'));
const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];

test('the README\'s programmatic example runs a tiny fleet in-process and exits with the run\'s verdict', async () => {
  assert.ok(example !== undefined, 'README.md has a ```js block under "## Programmatic use"');
  assert.match(example, /require\('ocpp-fleet'\)/);
  const dir = tempDir('readme-library');
  const file = join(dir, 'example.js');
  writeFileSync(file, example.replace("require('ocpp-fleet')", `require(${JSON.stringify(REPO_ROOT)})`));
  const child = spawn(process.execPath, [file], { cwd: dir, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = await finished(child, 90_000);
  // Its threshold may fail on a loaded machine (1); anything else is the example broken.
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}\n${r.stderr}`);
  assert.match(r.stdout, /^(passed|failed): 4 of 4 booted, results in .*library-smoke\n$/);
  assert.match(r.stderr, /\d+s: \d\/4 booted, \d+ calls\/s/, 'progress came through onProgress');
  const s = readSummary(join(dir, 'results', 'library-smoke'));
  assert.equal(s.scenario, 'library-smoke');
  assert.equal(s.fleet.planned, 4);
  assert.equal(s.passed, r.code === 0);
  assert.equal(s.settings.scenarioFile, 'options.scenario');
  assert.equal(s.pump.recordsWritten, s.pump.recordsAggregated);
});
