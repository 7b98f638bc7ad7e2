import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { loadScenarioFile } from '../../src/scenario/load';
import { planFleet } from '../../src/scenario/plan';

const DIR = resolve(__dirname, '../../../scenarios');

test('every shipped scenario loads and plans', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.includes('smoke.yaml') && files.includes('fleet-10k.yaml'), files.join(', '));
  for (const f of files) {
    const s = loadScenarioFile(join(DIR, f));
    assert.equal(s.name, f.replace(/\.yaml$/, ''), `${f}: its name is its file name`);
    assert.ok(planFleet(s, s.seed).stations.length > 0, f);
  }
});

test('smoke is 200 charge points, half 1.6 and half 2.0.1, for 30 s', () => {
  const s = loadScenarioFile(join(DIR, 'smoke.yaml'));
  assert.equal(s.durationMs, 30_000);
  assert.deepEqual(
    s.groups.map((g) => [g.ocpp, g.count]),
    [
      ['1.6', 100],
      ['2.0.1', 100],
    ],
  );
});

test('fleet-10k is 10,000 charge points, half and half', () => {
  const s = loadScenarioFile(join(DIR, 'fleet-10k.yaml'));
  assert.equal(planFleet(s, s.seed).stations.length, 10_000);
  assert.deepEqual(s.groups.map((g) => g.count), [5000, 5000]);
});
