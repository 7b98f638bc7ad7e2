import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { IDENTITY_RULE } from '../../src/scenario/identities';
import { runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * Configuration errors through the real CLI (issue 10): each exits 2 ("bad usage or
 * configuration: nothing was run"), never 3 ("unreachable"), with one located line on stderr and
 * no stack trace, and in a bounded time, however large or endless the input. The bound is wide
 * (the machine is shared); each of these takes well under a second of its own. A bound on time is
 * why this is in test/serial/, one file at a time, ahead of the other (niced) test files.
 */
const BOUND_MS = 10_000;

const F = 'test/fixtures/scenarios';
const TIMER = 'expected at most 24.8 days (596h, the longest a timer can wait)';

async function configError(args: readonly string[], line: string): Promise<void> {
  const started = Date.now();
  // The CLI is killed (and the test fails) if it has not ended by twice the bound: it must return at all.
  const r = await runCli(args, 2 * BOUND_MS);
  const took = Date.now() - started;
  assert.equal(r.code, 2, `exit code of ${args.join(' ')}; stderr: ${r.stderr}`);
  assert.equal(r.stderr.split('\n')[0], line);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  assert.doesNotMatch(r.stderr, /node:internal|dist\/src/);
  assert.equal(r.stdout, '', 'nothing ran, nothing was printed');
  assert.ok(took < BOUND_MS, `${args.join(' ')} took ${took} ms`);
}

describe('configuration errors exit 2, located, fast', () => {
  test('two groups whose patterns collide: both lines named', async () => {
    await configError(
      ['run', `${F}/bad-identity-clash.yaml`],
      `error: ${F}/bad-identity-clash.yaml:10: groups[1].identity: expected identities no other group gives, got "CP-{index}", whose station 1 is "CP-1", as is station 1 of group east (${F}/bad-identity-clash.yaml:6)`,
    );
  });

  test('a pattern that gives a CSV row of another group: the pattern and the row', async () => {
    await configError(
      ['run', `${F}/bad-identity-clash-csv.yaml`],
      `error: ${F}/bad-identity-clash-csv.yaml:9: groups[1].identity: expected identities no other group gives, got "ACME-{index}", whose station 1 is "ACME-1", as is the row of group depot at ${F}/valid-identities.csv:2`,
    );
  });

  test('a clash that only --cps creates is found by the plan, located alike', async () => {
    const dir = tempDir('config-errors');
    const file = writeScenario(
      dir,
      'scaled',
      'groups:\n  - {name: a, count: 10, ocpp: "1.6", identity: "CP-{index}"}\n  - {name: b, count: 1, ocpp: "1.6", identity: "CP-1{index}"}\n',
    );
    await configError(
      ['run', file, '--cps', '22', '--dry-run'],
      `error: ${file}:3: groups[1].identity: expected identities no other group gives, got "CP-1{index}", whose station 1 is "CP-11", as is station 11 of group a (${file}:2)`,
    );
  });

  test('a YAML alias bomb is refused at the alias', async () => {
    await configError(
      ['run', `${F}/bad-yaml-alias-bomb.yaml`],
      `error: ${F}/bad-yaml-alias-bomb.yaml:7: not accepted: with the alias *e the document's aliases expand it beyond 1,000,000 values (an alias bomb?)`,
    );
  });

  test('YAML nested 70 deep is refused while parsing', async () => {
    await configError(['validate', `${F}/bad-yaml-nesting.yaml`], `error: ${F}/bad-yaml-nesting.yaml:2: expected at most 64 levels of nesting, got more (the file is not read further)`);
  });

  test('--metrics-port 99999 and --duration 600h are refused as flags', async () => {
    await configError(
      ['run', '--metrics-port', '99999'],
      `error: option '--metrics-port <port>' argument '99999' is invalid. --metrics-port must be a whole number from 0 to 65535, got "99999"`,
    );
    await configError(
      ['run', '--duration', '600h'],
      `error: option '--duration <d>' argument '600h' is invalid. --duration must be at most 24.8 days (596h, the longest a timer can wait), got "600h"`,
    );
  });

  test('identities: /dev/zero returns at once', async () => {
    await configError(['run', `${F}/bad-identities-dev-zero.yaml`], `error: ${F}/bad-identities-dev-zero.yaml:5: groups[0].identities: /dev/zero is a character device, not a file`);
  });

  test('a 50 MB scenario is refused from its size, before it is read', async () => {
    const dir = tempDir('config-errors');
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, '');
    truncateSync(file, 50 * 1024 * 1024);
    await configError(['run', file], `error: ${file}: is 50 MiB, more than the 1 MiB a scenario file may be`);
  });

  test('a FIFO in place of a scenario does not block', async () => {
    const dir = tempDir('config-errors');
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    await configError(['validate', fifo], `error: ${fifo}: is a FIFO (named pipe), not a file`);
  });

  test('4,096 groups are refused at the 4,096th', async () => {
    await configError(['run', `${F}/bad-too-many-groups.yaml`], `error: ${F}/bad-too-many-groups.yaml:4098: groups[4095]: expected at most 4095 groups, got more (the file is not read further)`);
  });

  test('duration: 600h and duration: 0s in a file', async () => {
    await configError(['run', `${F}/bad-duration-too-long.yaml`], `error: ${F}/bad-duration-too-long.yaml:2: duration: ${TIMER}, got "600h"`);
    await configError(['run', `${F}/bad-duration-zero.yaml`], `error: ${F}/bad-duration-zero.yaml:1: duration: expected more than 0s, got "0s"`);
  });

  test('identity patterns with a blank or a "/" are refused as CSV identities are', async () => {
    await configError(
      ['run', `${F}/bad-identity-blank.yaml`],
      `error: ${F}/bad-identity-blank.yaml:5: groups[0].identity: expected a pattern that makes ${IDENTITY_RULE}, got "CP {index}": station 1 would be "CP 1" (a blank)`,
    );
    await configError(['run', `${F}/bad-identities-slash.yaml`], `error: ${F}/bad-identities-slash.csv:3: identity: expected ${IDENTITY_RULE}, got "ACME/2" (a "/")`);
  });

  test('flag files and results folders are checked before they are read: run, csms, compare, report, merge', async () => {
    await configError(['run', '--url', 'ws://127.0.0.1:1', '--password-file', '/dev/zero'], 'error: --password-file /dev/zero: is a character device, not a file');
    await configError(['csms', '--port', '0', '--basic-auth', '/dev/zero'], 'error: --basic-auth /dev/zero: is a character device, not a file');
    await configError(['compare', '/dev/zero', '/dev/zero'], 'error: /dev/zero: is a character device, not a file');
    // A results folder whose summary.json leads to a device.
    const dir = tempDir('config-errors');
    symlinkSync('/dev/zero', join(dir, 'summary.json'));
    await configError(['report', dir], `error: ${join(dir, 'summary.json')}: is a character device, not a file`);
    await configError(['merge', dir, dir, '--out', join(dir, 'merged')], `error: ${join(dir, 'summary.json')}: is a character device, not a file`);
  });
});
