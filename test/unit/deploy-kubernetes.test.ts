import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseScenario } from '../../src/scenario/load';

/**
 * kubectl cannot validate offline (even --dry-run=client asks a server for its API), so the
 * manifests are checked against the fields of the Job API they rely on.
 */
const DIR = resolve(__dirname, '../../../deploy/kubernetes');

type Obj = Record<string, unknown>;
const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);

function load(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], file);
    return d.toJS() as Obj;
  });
}

test('the shard Job is an Indexed Job whose N agrees in completions, parallelism and --shard', () => {
  const [job] = load('job.yaml');
  assert.equal(job?.apiVersion, 'batch/v1');
  assert.equal(job?.kind, 'Job');
  assert.equal(at(job, 'spec.completionMode'), 'Indexed');
  const n = at(job, 'spec.completions');
  assert.equal(typeof n, 'number');
  assert.equal(at(job, 'spec.parallelism'), n, 'every shard runs at once');
  assert.equal(at(job, 'spec.template.spec.restartPolicy'), 'Never');
  const container = (at(job, 'spec.template.spec.containers') as Obj[])[0] as Obj;
  const args = container.args as string[];
  assert.equal(args[0], 'run');
  assert.equal(args[args.indexOf('--shard') + 1], `index/${String(n)}`);
  assert.match(args[args.indexOf('--out') + 1] ?? '', /\$\(JOB_COMPLETION_INDEX\)/);
  assert.equal(args[args.indexOf('--url') + 1], '$(CSMS_URL)');
  // A pod has no terminal to confirm a remote target on (test/e2e/deploy-kubernetes-job.test.ts runs it).
  assert.ok(args.includes('--yes'), 'the confirmation is in the arguments');
  const env = container.env as Obj[];
  assert.ok(env.some((e) => e.name === 'CSMS_URL'), 'CSMS_URL is defined for $(CSMS_URL)');
  // No credentials in the arguments (they would show in the pod spec and in ps).
  assert.ok(!args.some((a) => /password|secret|@/i.test(a)));
  const mounts = (container.volumeMounts as Obj[]).map((m) => m.mountPath);
  assert.deepEqual(mounts.sort(), ['/results', '/scenarios']);
  const volumes = (at(job, 'spec.template.spec.volumes') as Obj[]).map((v) => v.name);
  assert.deepEqual(volumes.sort(), ['results', 'scenario']);
});

test('the merge Job merges every shard folder from the same volume', () => {
  const [job] = load('merge-job.yaml');
  assert.equal(job?.kind, 'Job');
  const container = (at(job, 'spec.template.spec.containers') as Obj[])[0] as Obj;
  assert.match((container.args as string[]).join(' '), /merge \/results\/shard-\* --out \/results\/merged/);
  assert.equal(at(job, 'spec.template.spec.volumes') !== undefined, true);
});

test('the ConfigMap carries a valid scenario and the volume is shared by all pods', () => {
  const [config, claim] = load('config.yaml');
  assert.equal(config?.kind, 'ConfigMap');
  const data = at(config, 'data') as Obj;
  const scenario = parseScenario(String(data['scenario.yaml']), 'config.yaml');
  assert.ok(scenario.groups.length > 0);
  assert.match(String(data['csms-url']), /^wss:\/\//);
  assert.equal(claim?.kind, 'PersistentVolumeClaim');
  assert.deepEqual(at(claim, 'spec.accessModes'), ['ReadWriteMany']);
});
