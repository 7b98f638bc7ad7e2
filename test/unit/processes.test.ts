import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRunConfig, RunOptionError, UsageError, validateScenario } from '../../src/index';
import { embeddedCsmsOptions } from '../../src/run/csms-supervision';
import type { RecordSink } from '../../src/metrics/ring';
import { autoProcesses, cheapConnectionsPerTarget, csmsProcessesFor, ephemeralPorts, MAX_PROCESSES, openFileLimit, portsPerTarget, processAddresses, stationsPerProcess } from '../../src/run/processes/count';
import { ingestBatch, RecordBatch } from '../../src/run/processes/record-batch';
import { processTasks } from '../../src/run/processes/tasks';
import { tempDir } from '../helpers/temp-dir';

/** Run over several processes: how many, which source addresses, what each is given, and the records' way to the parent. */
const SCENARIO = {
  name: 'procs',
  duration: '5s',
  groups: [
    { name: 'a', count: 5, ocpp: '1.6', identity: 'UA-{index}' },
    { name: 'b', count: 4, ocpp: '2.0.1', identity: 'UB-{index}' },
  ],
};

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

test('the open-file limit read from /proc/self/limits decides how many stations a process holds', () => {
  const dir = tempDir('limits');
  const file = join(dir, 'limits');
  writeFileSync(file, LIMITS);
  assert.equal(openFileLimit(file), 20_000);
  writeFileSync(file, LIMITS.replace('20000                20000', 'unlimited            unlimited'));
  assert.equal(openFileLimit(file), undefined);
  assert.equal(openFileLimit(join(dir, 'none')), undefined);
  assert.equal(stationsPerProcess(20_000), 17_100);
  assert.equal(stationsPerProcess(500), 1);
  // This machine's own limit reads as a number.
  assert.ok((openFileLimit() ?? 0) > 0);
});

test('auto: as many processes as the open-file limit needs, one for a fleet that fits in one, at most the bound', () => {
  assert.equal(autoProcesses(1, 17_100), 1);
  assert.equal(autoProcesses(17_100, 17_100), 1);
  assert.equal(autoProcesses(17_101, 17_100), 2);
  assert.equal(autoProcesses(100_000, 17_100), 6);
  assert.equal(autoProcesses(10_000_000, 17_100), MAX_PROCESSES);
});

test('source addresses: a loopback address each, or a share of those given, or none', () => {
  assert.deepEqual([0, 1, 2].map((i) => processAddresses(i, 3, undefined, true)), [['127.0.0.1'], ['127.0.0.2'], ['127.0.0.3']]);
  assert.deepEqual([0, 1].map((i) => processAddresses(i, 2, ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'], false)), [['10.0.0.1', '10.0.0.3', '10.0.0.5'], ['10.0.0.2', '10.0.0.4']]);
  // Fewer addresses than processes: shared round-robin.
  assert.deepEqual([0, 1, 2].map((i) => processAddresses(i, 3, ['10.0.0.1', '10.0.0.2'], false)), [['10.0.0.1'], ['10.0.0.2'], ['10.0.0.1']]);
  assert.equal(processAddresses(0, 3, undefined, false), undefined);
});

test('options.processes: checked up front, each refusal naming it', () => {
  for (const bad of [0, 1.5, -1, MAX_PROCESSES + 1, 'many']) {
    assert.throws(() => resolveRunConfig(SCENARIO, { processes: bad as number }), (e: unknown) => e instanceof RunOptionError && /^options\.processes must be a whole number from 1 to 64/.test(e.message), String(bad));
  }
  assert.throws(() => resolveRunConfig(SCENARIO, { processes: 2, shard: '1/2' }), (e: unknown) => e instanceof UsageError && /cannot take options\.shard/.test(e.message));
  assert.throws(() => resolveRunConfig(SCENARIO, { processes: 10 }), (e: unknown) => e instanceof UsageError && e.message === 'processes: 10 for a fleet of 9 stations: at most one process per station');
  assert.equal(resolveRunConfig(SCENARIO, { processes: 'auto' }).processes, 1);
  const config = resolveRunConfig(SCENARIO, { processes: 3 });
  assert.equal(config.processes, 3);
  assert.equal(config.workers, 1, 'one worker per process unless told');
  assert.equal(config.plan.stations.length, 9, 'the parent plans the whole fleet');
  assert.equal(resolveRunConfig(SCENARIO, { processes: 3, workers: 2 }).workers, 2);
  // Without the option: as many as the fleet needs; a shard is one process.
  assert.equal(resolveRunConfig(SCENARIO, { cps: 40_000 }).processes, Math.ceil(40_000 / stationsPerProcess()));
  assert.equal(resolveRunConfig(SCENARIO, { cps: 40_000, shard: '1/2' }).processes, 1);
  assert.equal(resolveRunConfig(SCENARIO).processes, 1);
});

test('the ephemeral range read from /proc decides how many stations one CSMS port takes cheaply: 90 % of its even half', () => {
  const dir = tempDir('ports');
  const file = join(dir, 'ip_local_port_range');
  writeFileSync(file, '32768\t60999\n');
  assert.equal(ephemeralPorts(file), 28_232);
  writeFileSync(file, '1024 65535\n');
  assert.equal(ephemeralPorts(file), 64_512);
  writeFileSync(file, 'garbage\n');
  assert.equal(ephemeralPorts(file), 28_232, 'an unreadable range is Linux\'s default');
  assert.equal(ephemeralPorts(join(dir, 'none')), 28_232);
  assert.equal(cheapConnectionsPerTarget(28_232), 12_704);
  assert.equal(cheapConnectionsPerTarget(1), 1);
  // Where a loopback target has more stations than this, each process binds its own address.
  assert.equal(portsPerTarget(28_232), 25_408);
  assert.equal(portsPerTarget(64_512), 58_060);
  // This machine's own range reads as a number of ports.
  assert.ok(ephemeralPorts() > 1000);
});

test('the embedded CSMS gets enough processes for the files and for its ports: 8 for 100,000 stations, where the files need 6', () => {
  assert.equal(csmsProcessesFor(100, 17_100, 12_704), 1);
  assert.equal(csmsProcessesFor(12_704, 17_100, 12_704), 1);
  // One process holds the files of 15,000, but one port would take them past the even half.
  assert.equal(csmsProcessesFor(15_000, 17_100, 12_704), 2);
  assert.equal(autoProcesses(100_000, 17_100), 6);
  assert.equal(csmsProcessesFor(100_000, 17_100, 12_704), 8);
  // The files decide where they need more.
  assert.equal(csmsProcessesFor(100_000, 5_000, 12_704), 20);
  assert.equal(csmsProcessesFor(10_000_000, 17_100, 12_704), MAX_PROCESSES);
});

test('the embedded CSMS of a fleet one process cannot hold starts with as many processes, unless told or kept in one', () => {
  const base = validateScenario(SCENARIO);
  const big = csmsProcessesFor(40_000);
  assert.ok(big >= Math.ceil(40_000 / stationsPerProcess()));
  assert.deepEqual(embeddedCsmsOptions(base, 100), {});
  assert.deepEqual(embeddedCsmsOptions(base, 40_000), { processes: big });
  const told = validateScenario({ ...SCENARIO, csms: { processes: 2 } });
  assert.equal(embeddedCsmsOptions(told, 40_000).processes, 2);
  const nodes = validateScenario({ ...SCENARIO, csms: { nodes: 2 } });
  assert.equal(embeddedCsmsOptions(nodes, 40_000).processes, undefined, 'nodes share one process');
  const known = validateScenario({ ...SCENARIO, csms: { serviceTime: '2ms' } });
  assert.equal(embeddedCsmsOptions(known, 40_000).processes, undefined, 'a known capacity is one queue');
});

test('each process is given its shard, the targets, its address and folder; what only the parent does stays with it', () => {
  const config = resolveRunConfig(SCENARIO, {
    processes: 3, seed: 7, metricsPort: 0, dashboardPort: 0, junit: 'j.xml', history: 'h', thresholds: ['errors.count == 0'], maxRate: '90/s',
  });
  const tasks = processTasks(config, ['ws://127.0.0.1:9000'], '/tmp/run-out');
  assert.equal(tasks.length, 3);
  tasks.forEach((task, i) => {
    assert.equal(task.type, 'run');
    assert.deepEqual(task.scenario, SCENARIO);
    const s = task.settings;
    assert.deepEqual(s.shard, { index: i + 1, count: 3 });
    assert.deepEqual(s.url, ['ws://127.0.0.1:9000']);
    assert.equal(s.localAddress, undefined, 'a fleet with ports enough: the system picks the source address');
    assert.equal(s.out, `/tmp/run-out/processes/${i + 1}`);
    assert.deepEqual([s.seed, s.workers, s.yes, s.maxRate], [7, 1, true, '90/s']);
    for (const gone of ['metricsPort', 'dashboardPort', 'junit', 'history', 'processes'] as const) assert.equal(s[gone], undefined, gone);
    // Each resolves to its own shard of the same plan.
    const own = resolveRunConfig(task.scenario, s);
    assert.equal(own.plan.stations.length, 3);
    assert.equal(own.processes, 1);
  });
  // More stations on one loopback target than one address has ports for: an address each.
  const big = resolveRunConfig(SCENARIO, { processes: 2, cps: 30_000 });
  assert.deepEqual(processTasks(big, ['ws://127.0.0.1:9000'], '/tmp/o').map((t) => t.settings.localAddress), [['127.0.0.1'], ['127.0.0.2']]);
  assert.deepEqual(processTasks(big, ['ws://127.0.0.1:9000', 'ws://127.0.0.1:9001'], '/tmp/o').map((t) => t.settings.localAddress), [undefined, undefined], 'two targets: ports enough');
  assert.deepEqual(processTasks(big, ['ws://10.1.2.3:9000'], '/tmp/o').map((t) => t.settings.localAddress), [undefined, undefined], 'not loopback: the system\'s choice');
  const given = resolveRunConfig(SCENARIO, { processes: 3, localAddress: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
  assert.deepEqual(processTasks(given, ['ws://10.1.2.3:9000'], '/tmp/o').map((t) => t.settings.localAddress), [['10.0.0.1'], ['10.0.0.2'], ['10.0.0.3']]);
});

test('records go to the parent in batches, in order, none lost, none allocated per record', () => {
  const batches: Uint32Array[] = [];
  const batch = new RecordBatch((words) => batches.push(words));
  const n = 4096 * 2 + 5;
  for (let i = 0; i < n; i++) batch.ingest(i, i + 1, i + 2, 0xffffffff - i);
  assert.equal(batches.length, 2, 'two full batches went by themselves');
  batch.flush();
  batch.flush();
  assert.equal(batches.length, 3, 'the rest on flush, and an empty flush sends nothing');
  const got: number[][] = [];
  const sink: RecordSink = { ingest: (w0, w1, w2, w3) => void got.push([w0, w1, w2, w3]) };
  for (const words of batches) ingestBatch(words, sink);
  assert.equal(got.length, n);
  got.forEach((r, i) => assert.deepEqual(r, [i, i + 1, i + 2, 0xffffffff - i]));
  // A batch sent is a copy: the next records do not overwrite it.
  assert.equal(batches[0]?.[0], 0);
});
