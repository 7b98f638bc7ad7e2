import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDir } from '../helpers/fleet-cli';

/**
 * The package as a user gets it (issue 14): `npm pack` of this build, installed from the tarball
 * in an empty folder, then run there: shipped scenarios by name, `init`, the default run against
 * the embedded CSMS, the library. Nothing of the checkout is on the way: the folder is elsewhere
 * and the CLI is the installed one. Dependencies come from npm's cache when it has them
 * (`--prefer-offline`), as after `npm ci`.
 */
const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(cmd: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface Packed {
  filename: string;
  files: { path: string }[];
}

describe('the package installed from its tarball, outside the repository', () => {
  let app: string;
  let packed: Packed;
  let bin: string;

  before(async () => {
    const packDir = tempDir('pack');
    // The build is this checkout's (npm test built it): prepack would only build it again.
    const pack = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], REPO_ROOT);
    assert.equal(pack.code, 0, pack.stderr);
    packed = (JSON.parse(pack.stdout) as Packed[])[0] as Packed;
    app = tempDir('installed');
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' })}\n`);
    const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(packDir, packed.filename)], app, 180_000);
    assert.equal(install.code, 0, install.stderr);
    bin = join(app, 'node_modules', '.bin', 'ocpp-fleet');
  });

  test('the tarball: a LICENSE, the schema, the scenarios and the generated validators; no source maps, tests or benchmarks; no build on install', () => {
    const paths = packed.files.map((f) => f.path);
    for (const needed of ['LICENSE', 'README.md', 'schema/scenario.schema.json', 'scenarios/smoke.yaml', 'dist/src/cli/main.js', 'dist/src/index.d.ts', 'dist/src/ocpp/validators/2.0.1/index.json', 'dist/src/scenario/file-validator.generated.js']) {
      assert.ok(paths.includes(needed), `${needed} is in the package`);
    }
    assert.deepEqual(paths.filter((p) => p.endsWith('.map')), [], 'no source map without its sources');
    assert.deepEqual(paths.filter((p) => /^(dist\/(test|bench|tools)|src|test)\//.test(p)), []);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'ocpp-fleet', 'package.json'), 'utf8')) as { scripts?: Record<string, string>; license: string };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(installed.scripts?.[hook], undefined, `no ${hook} script`);
    assert.equal(installed.license, 'MIT');
    assert.match(readFileSync(join(app, 'node_modules', 'ocpp-fleet', 'LICENSE'), 'utf8'), /^MIT License/);
  });

  test('`npx ocpp-fleet scenarios` lists the shipped scenarios with their descriptions; `validate smoke` finds one by name', async () => {
    const list = await sh('npx', ['--no', 'ocpp-fleet', 'scenarios'], app);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^smoke\s+200 charge points \(half 1\.6J, half 2\.0\.1\)/m);
    assert.match(list.stdout, /^merger-cutover\s+/m);
    assert.ok(list.stdout.includes(join(app, 'node_modules', 'ocpp-fleet', 'scenarios')), list.stdout);
    const valid = await sh(bin, ['validate', 'smoke'], app);
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /^smoke: valid\nscenario smoke: 200 charge points/);
    const missing = await sh(bin, ['validate', 'smok'], app);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: smok: cannot read the file .*; or name a shipped scenario: .*\bsmoke\b/);
  });

  test('`init` writes a starter whose schema line an editor can follow; it validates, and is not overwritten', async () => {
    const first = await sh(bin, ['init', 'depot.yaml'], app);
    assert.equal(first.code, 0, first.stderr);
    const text = readFileSync(join(app, 'depot.yaml'), 'utf8');
    const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text.split('\n')[0] as string)?.[1];
    assert.equal(ref, 'node_modules/ocpp-fleet/schema/scenario.schema.json');
    assert.ok(existsSync(resolve(app, ref)), 'the schema is where the line says');
    assert.equal((await sh(bin, ['validate', 'depot.yaml'], app)).code, 0);
    const again = await sh(bin, ['init', 'depot.yaml'], app);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^error: depot\.yaml exists: choose another name, or --force to overwrite it/);
    assert.equal(readFileSync(join(app, 'depot.yaml'), 'utf8'), text);
  });

  test('`ocpp-fleet run` with no scenario plays the shipped smoke against the embedded CSMS, and passes', async () => {
    const r = await sh(bin, ['run', '--duration', '2s', '--cps', '10', '--workers', '1'], app);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^PASSED: 10 stations/);
    const results = readdirSync(join(app, 'results'));
    assert.equal(results.length, 1);
    const summary = JSON.parse(readFileSync(join(app, 'results', results[0] as string, 'summary.json'), 'utf8')) as { scenario: string };
    assert.equal(summary.scenario, 'smoke');
  });

  test('the library: require("ocpp-fleet") gives run, compare, merge and validateScenario; a shipped scenario validates by name', async () => {
    const script = `const f = require('ocpp-fleet'); const s = f.validateScenario('merger-cutover'); console.log([typeof f.run, typeof f.compare, typeof f.merge, s.name, require.resolve('ocpp-fleet')].join(' '));`;
    const r = await sh(process.execPath, ['-e', script], app);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `function function function merger-cutover ${join(app, 'node_modules', 'ocpp-fleet', 'dist', 'src', 'index.js')}`);
  });
});
