import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerRunCommand } from '../../src/cli/run-command';
import { registerTrendCommand } from '../../src/cli/trend-command';
import { parseRunThresholds } from '../../src/run/thresholds';
import { loadScenarioFile } from '../../src/scenario/load';

/**
 * README.md's nightly-CI recipe holds the exact commands a CI job runs: every `ocpp-fleet run` and
 * `ocpp-fleet trend` line of it uses flags the commands have, the scenario it names exists, and its
 * thresholds parse against that scenario. A renamed flag breaks this test, not a user's nightly.
 */
const ROOT = join(__dirname, '..', '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Nightly CI'), README.indexOf('## Sharded runs'));

/** The command lines of the recipe, as the shell would split them (quotes kept together). */
function commands(): string[][] {
  const lines = [...section.matchAll(/npx ocpp-fleet (run|trend) [^'\n]*?(?=\s*(?:\|\||'\)|$))/gm)].map((m) => m[0]);
  return lines.map((line) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? (m[2] as string)).slice(2));
}

function flagsOf(name: string): Set<string> {
  const program = new Command();
  registerRunCommand(program);
  registerTrendCommand(program);
  const command = program.commands.find((c) => c.name() === name);
  assert.ok(command !== undefined, name);
  return new Set(command.options.map((o) => o.long as string));
}

test('the recipe has a run and a trend command for each of GitHub Actions, GitLab and Jenkins', () => {
  for (const ci of ['GitHub Actions', 'GitLab CI', 'Jenkins']) assert.ok(section.includes(ci), ci);
  const found = commands();
  assert.equal(found.filter((c) => c[0] === 'run').length, 3, JSON.stringify(found));
  assert.equal(found.filter((c) => c[0] === 'trend').length, 3, JSON.stringify(found));
});

test('every flag the recipe uses exists, the runs keep a history and JUnit, the trends fail on a regression', () => {
  for (const [name = '', ...args] of commands()) {
    const flags = flagsOf(name);
    for (const arg of args.filter((a) => a.startsWith('--'))) assert.ok(flags.has(arg), `ocpp-fleet ${name} has no ${arg}`);
    if (name === 'run') for (const needed of ['--history', '--junit', '--threshold', '--out']) assert.ok(args.includes(needed), `run without ${needed}`);
    if (name === 'trend') for (const needed of ['--fail-on-regression', '--out', '--scenario']) assert.ok(args.includes(needed), `trend without ${needed}`);
  }
});

test('the scenario the recipe runs exists, and its thresholds (a trailing window among them) parse against it', () => {
  for (const [name = '', ...args] of commands().filter((c) => c[0] === 'run')) {
    const file = args[0] as string;
    const scenario = loadScenarioFile(join(ROOT, file));
    const texts = args.flatMap((a, i) => (a === '--threshold' ? [args[i + 1] as string] : []));
    assert.ok(texts.length >= 2, name);
    const thresholds = parseRunThresholds(scenario, texts, scenario.groups.map((g) => g.name));
    assert.ok(thresholds.some((t) => t.window !== undefined), 'a threshold over a trailing window');
    for (const trend of commands().filter((c) => c[0] === 'trend')) {
      assert.equal(trend[trend.indexOf('--scenario') + 1], scenario.name, 'trend --scenario names the scenario the run ran');
    }
  }
});
