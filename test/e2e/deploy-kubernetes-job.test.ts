import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments, parseDocument } from 'yaml';
import { CLI, finished, readSummary, REPO_ROOT, tempDir, waitFor } from '../helpers/fleet-cli';

/**
 * The shard Job as shipped, run the way a pod runs it: its container's arguments (from job.yaml),
 * no terminal, no stdin, with Kubernetes' `$(VAR)` expansion and its volumes mapped onto folders.
 * The target is the embedded CSMS on loopback, but written `[::ffff:127.0.0.1]` (IPv4-mapped), which
 * the run's staging safety counts as a machine other than this one, as a pod's CSMS is: so the
 * arguments must carry their own confirmation. The test first shows that without `--yes` the same
 * arguments exit 2 (the target did need confirming), then that as shipped they exit 0.
 */
const DIR = resolve(__dirname, '../../../deploy/kubernetes');

type Obj = Record<string, unknown>;
const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);

function load(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => d.toJS() as Obj);
}

const processes: ChildProcess[] = [];
after(() => {
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
});

/** `ocpp-fleet csms --port 0`, as a user would start it; resolves with its port. */
async function startCsms(): Promise<number> {
  const csms = spawn(process.execPath, [CLI, 'csms', '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  processes.push(csms);
  let stderr = '';
  csms.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const port = await waitFor('the CSMS to listen', () => stderr.match(/CSMS listening on ws:\/\/127\.0\.0\.1:(\d+)/)?.[1], 30_000);
  return Number(port);
}

/** Kubernetes expands `$(NAME)` in args from the container's environment; an unknown name stays as written. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\((\w+)\)/g, (whole, name: string) => env[name] ?? whole);
}

/** A pod: no terminal (a session of its own), stdin closed, the Job's environment. */
function runPod(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const pod = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  processes.push(pod);
  return finished(pod, 120_000);
}

test('the shard Job runs as shipped with no terminal: its container arguments exit 0 against a loopback CSMS', { timeout: 180_000 }, async (t) => {
  const [job] = load('job.yaml');
  const [config] = load('config.yaml');
  const container = (at(job, 'spec.template.spec.containers') as Obj[])[0] as Obj;
  const args = container.args as string[];
  const mounts = container.volumeMounts as { name: string; mountPath: string }[];

  // The ConfigMap's scenario, made small enough for a test: 4 × 110 stations (each shard above the
  // confirmation limit of 100), 5 s, ramped fast; its version, connectors and sessions as shipped.
  const scenario = parseDocument(String((at(config, 'data') as Obj)['scenario.yaml']));
  scenario.set('duration', '5s');
  scenario.setIn(['groups', 0, 'count'], 440);
  scenario.setIn(['groups', 0, 'ramp'], '1000/s');
  const root = tempDir('k8s-job');
  const volumes: Record<string, string> = { '/scenarios': join(root, 'scenarios'), '/results': join(root, 'results') };
  assert.deepEqual(mounts.map((m) => m.mountPath).sort(), Object.keys(volumes).sort());
  for (const dir of Object.values(volumes)) mkdirSync(dir);
  writeFileSync(join(volumes['/scenarios'] as string, 'run.yaml'), scenario.toString());

  const port = await startCsms();
  // The Indexed Job sets JOB_COMPLETION_INDEX; CSMS_URL comes from the container's env (the ConfigMap).
  const env = { JOB_COMPLETION_INDEX: '0', CSMS_URL: `ws://[::ffff:127.0.0.1]:${port}` };
  assert.ok((container.env as { name: string }[]).some((e) => e.name === 'CSMS_URL'));
  const podArgs = args.map((a) => {
    const value = expand(a, env);
    const mount = Object.keys(volumes).find((m) => value === m || value.startsWith(`${m}/`));
    return mount === undefined ? value : (volumes[mount] as string) + value.slice(mount.length);
  });
  assert.ok(!podArgs.some((a) => /\$\(/.test(a)), `every $(VAR) is defined: ${podArgs.join(' ')}`);

  // Without its confirmation the Job fails, as it did before: the target counts as remote.
  const unconfirmed = await runPod(podArgs.filter((a) => a !== '--yes'), env);
  assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
  assert.match(unconfirmed.stderr, /110 charge points against \[::ffff:7f00:1\]:\d+, which is not this machine: pass --yes/);

  const started = Date.now();
  const shipped = await runPod(podArgs, env);
  t.diagnostic(`exit ${String(shipped.code)} after ${Date.now() - started} ms`);
  assert.equal(shipped.code, 0, shipped.stderr);
  const s = readSummary(join(volumes['/results'] as string, 'shard-0'));
  assert.equal(s.settings.shard, '1/4');
  assert.equal(s.fleet.planned, 110);
  assert.equal(s.fleet.connected, 110);
  assert.equal(s.fleet.booted, 110);
  assert.equal(s.partial, false);
  assert.equal(s.passed, true);
  t.diagnostic(`shard 1/4: ${s.fleet.booted} of ${s.fleet.planned} booted, errors ${JSON.stringify(s.errors)}`);
});
