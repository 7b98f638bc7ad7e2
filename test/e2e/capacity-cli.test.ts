import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process';
import { runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * `ocpp-fleet capacity` refusing bad usage through the real command line: each exits 2 with one
 * line naming the flag (or the file and line), before any run starts: no results folder, no CSMS,
 * no worker. The cases run the command line in this process (runCliInProcess); the first is also
 * run as a process of its own, for the exit status and stderr a shell sees.
 */
const SCENARIO = `
name: capacity-cli
duration: 10s
groups:
  - name: ac
    count: 3
    ocpp: "1.6"
    identity: "CAPC-AC-{index:05}"
  - name: dc
    count: 1
    ocpp: "2.0.1"
    identity: "CAPC-DC-{index:05}"
`;
const SLO = ['--slo', 'TransactionEvent.p99 < 500ms'];

describe('capacity: bad usage exits 2 before any run starts', () => {
  let dir: string;
  let scenario: string;
  let out: string;

  before(() => {
    dir = tempDir('capacity-cli');
    scenario = writeScenario(dir, 'capacity-cli', SCENARIO);
    out = join(dir, 'never-written');
  });

  const CASES: ReadonlyArray<readonly [string, (s: string) => string[], RegExp]> = [
    ['no scenario', () => [], /missing required argument 'scenario'/],
    ['no --slo', (s) => [s], /^error: capacity needs at least one --slo, e\.g\. --slo "TransactionEvent\.p99 < 500ms"$/m],
    ['an SLO on no metric', (s) => [s, '--slo', 'Nope.p99 < 1s'], /^error: --slo "Nope\.p99 < 1s": unknown metric "Nope"/m],
    ['an SLO written as another tool writes it', (s) => [s, '--slo', 'p99(TransactionEvent) < 500ms'], /\(write the metric first: "TransactionEvent\.p99"\)$/m],
    ['an SLO with abortOnFail', (s) => [s, '--slo', 'errors.rate < 1% abortOnFail'], /abortOnFail means nothing here/],
    ['an SLO on an unknown group', (s) => [s, '--slo', 'group:hpc.errors.rate < 1%'], /unknown group "hpc"; the scenario's groups are ac, dc/],
    ['--min 0', (s) => [s, ...SLO, '--min', '0'], /--min must be a whole number from 1 to 19000, got "0"/],
    ['--max above one process', (s) => [s, ...SLO, '--max', '19001'], /--max must be a whole number from 1 to 19000, got "19001"/],
    ['--max below --min', (s) => [s, ...SLO, '--min', '100', '--max', '10'], /^error: --max 10 is below --min 100: the search grows from --min to --max$/m],
    ['--hold too short', (s) => [s, ...SLO, '--hold', '500ms'], /--hold must be at least 1s/],
    ['--hold not a duration', (s) => [s, ...SLO, '--hold', 'long'], /--hold must be a duration such as "30s"/],
    ['--warmup not a duration', (s) => [s, ...SLO, '--warmup', 'some'], /--warmup must be a duration such as "5s" or "0s"/],
    ['--ramp 0/s', (s) => [s, ...SLO, '--ramp', '0/s'], /--ramp must be a rate above 0/],
    ['--settle not a duration', (s) => [s, ...SLO, '--settle', 'later'], /--settle must be a duration such as "60s" or "0s"/],
    ['--generator-limit on no limit', (s) => [s, ...SLO, '--generator-limit', 'cpu=0.5'], /--generator-limit takes name=value with name one of eventLoopDelayP99Ms, schedulerLagP99Ms, cpuPerWorker/],
    ['--generator-limit out of range', (s) => [s, ...SLO, '--generator-limit', 'cpuPerWorker=2'], /--generator-limit cpuPerWorker must be a share of one core above 0 and at most 1, got "2"/],
    ['--precision 0', (s) => [s, ...SLO, '--precision', '0'], /--precision must be a fraction above 0 and at most 0\.5, or a percentage such as 5%, got "0"/],
    ['--precision 60%', (s) => [s, ...SLO, '--precision', '60%'], /--precision must be a fraction/],
    ['--growth 1', (s) => [s, ...SLO, '--growth', '1'], /--growth must be a factor above 1 and at most 10, such as 2 or 1\.5, got "1"/],
    ['--url not ws://', (s) => [s, ...SLO, '--url', 'http://127.0.0.1:1'], /--url must start with ws:\/\/ or wss:\/\//],
    ['--health on no check', (s) => [s, ...SLO, '--health', 'bootd=90'], /--health takes check=limit/],
    ['an option of run only', (s) => [s, ...SLO, '--cps', '100'], /unknown option '--cps'/],
    ['a missing scenario file', () => ['no-such-scenario.yaml', ...SLO], /^error: no-such-scenario\.yaml/m],
  ];

  test('a refusal as a shell sees it: exit status 2 and one line on stderr, nothing on stdout', async () => {
    const r = await runCli(['capacity', scenario, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, 'error: capacity needs at least one --slo, e.g. --slo "TransactionEvent.p99 < 500ms"\n');
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false);
  });

  for (const [name, args, message] of CASES) {
    test(name, async () => {
      const r = await runCliInProcess(['capacity', ...args(scenario), '--out', out]);
      assert.equal(r.code, 2, `exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(out), false, 'nothing was run: no results folder');
    });
  }

  test('a scenario whose identities would be too long at --max: the file and field named, exit 2', async () => {
    const long = writeScenario(dir, 'long-ids', SCENARIO.replace('"CAPC-AC-{index:05}"', `"${'L'.repeat(44)}{index}"`));
    const r = await runCliInProcess(['capacity', long, ...SLO, '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /long-ids\.yaml.*49 characters/);
    assert.equal(existsSync(out), false);
  });

  test('capacity --help lists the command\'s flags, and the top help lists the command', async () => {
    const r = await runCliInProcess(['capacity', '--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const flag of ['--url', '--slo', '--min', '--max', '--hold', '--warmup', '--settle', '--ramp', '--precision', '--growth', '--generator-limit', '--out', '--seed', '--health', '--password-env']) {
      assert.match(r.stdout, new RegExp(`${flag} `), `capacity --help lacks ${flag}`);
    }
    const top = await runCliInProcess(['--help']);
    assert.match(top.stdout, /capacity \[options\] <scenario>/);
    assert.match(top.stdout, /capacity: 0 capacity found, 1 even the smallest size failed, 2 bad usage, 3 generator-bound/);
  });
});
