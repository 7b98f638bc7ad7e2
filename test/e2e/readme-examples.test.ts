import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDocument } from 'yaml';
import { readSummary, REPO_ROOT, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * Every YAML example of scenarios/README.md runs: written to a file as it stands in the docs and
 * run for a few seconds with a few stations against the embedded CSMS, through run() in-process. (The unit test
 * scenario-readme checks their plans; this one that the docs do not promise what the run refuses.)
 */
const README = join(REPO_ROOT, 'scenarios', 'README.md');
const blocks = [...readFileSync(README, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

test('scenarios/README.md has examples', () => {
  assert.ok(blocks.length >= 4, `${blocks.length} examples`);
});

blocks.forEach((yaml, i) => {
  const name = (parseDocument(yaml).toJS() as { name?: string }).name ?? `example-${i}`;
  test(`README example ${i + 1} (${name}) runs`, async () => {
    const dir = tempDir(`readme-${i}`);
    const out = join(dir, 'results');
    // A refusal of the file or the options rejects here (the CLI's exit 2).
    const r = await runFleet({ scenario: writeScenario(dir, name, yaml), cps: 8, duration: '4s', workers: 1, out });
    // Thresholds may fail on a 4 s run (1).
    assert.ok(r.exitCode === 0 || r.exitCode === 1, `exit ${r.exitCode}: ${r.result.reason}`);
    const s = readSummary(out);
    assert.equal(s.fleet.planned, 8);
    assert.ok(s.fleet.booted > 0, 'stations booted');
    assert.equal(s.pump.recordsWritten, s.pump.recordsAggregated);
  });
});
