import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveScenarioPath, shippedNamesHint, shippedScenarios } from '../../src/scenario/shipped';
import { tempDir } from '../helpers/fleet-cli';

/** Shipped scenarios named rather than pathed (`run smoke`), against a folder of the test's own. */
test('a name resolves to the shipped file, a path that exists stays itself, anything else is left for the loader to refuse', () => {
  const dir = tempDir('shipped');
  const shipped = join(dir, 'scenarios');
  mkdirSync(shipped);
  writeFileSync(join(shipped, 'smoke.yaml'), 'name: smoke\ndescription: "the first run"\ngroups: []\n');
  writeFileSync(join(shipped, 'peak.yaml'), 'description: an evening\ngroups: []\n');
  writeFileSync(join(shipped, 'README.md'), '# not a scenario\n');
  assert.deepEqual(shippedScenarios(shipped), [
    { name: 'peak', path: join(shipped, 'peak.yaml'), description: 'an evening' },
    { name: 'smoke', path: join(shipped, 'smoke.yaml'), description: 'the first run' },
  ]);
  assert.equal(resolveScenarioPath('smoke', shipped), join(shipped, 'smoke.yaml'));
  assert.equal(resolveScenarioPath('smoke.yaml', shipped), join(shipped, 'smoke.yaml'));
  // A file of the user's own wins over a shipped one of the same name.
  const own = join(dir, 'smoke.yaml');
  writeFileSync(own, 'groups: []\n');
  assert.equal(resolveScenarioPath(own, shipped), own);
  // Not a name (a path), or no such shipped scenario: as given.
  assert.equal(resolveScenarioPath('x/smoke', shipped), 'x/smoke');
  assert.equal(resolveScenarioPath('../smoke', shipped), '../smoke');
  assert.equal(resolveScenarioPath('nope', shipped), 'nope');
  assert.equal(shippedNamesHint(shipped), '; or name a shipped scenario: peak, smoke');
  assert.equal(shippedNamesHint(join(dir, 'none')), '');
});
