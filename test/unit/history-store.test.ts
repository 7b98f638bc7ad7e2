import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HISTORY_FORMAT, HISTORY_FORMAT_VERSION, historyHistograms, parseHistoryEntry, type HistoryEntry } from '../../src/report/history-entry';
import { appendHistoryEntry, HistoryError, prepareHistory, readHistory } from '../../src/report/history-store';
import { resolveRunConfig } from '../../src/run/config';
import { historySettings, seriesOf } from '../../src/run/history';
import type { ScenarioObject } from '../../src/run/load-scenario';
import { tempDir } from '../helpers/fleet-cli';
import { historyEntry } from '../helpers/history-entries';

/**
 * The history store (`run --history DIR`): one file per run, written whole or not at all, the
 * newest N of a series kept, concurrent writers each adding their own file; and the series key:
 * the same load and settings make one series, the embedded CSMS's behaviour and the verdicts'
 * criteria do not split it, a different load or setting does.
 */

function entry(series: string, startedAt: string, scenario = 'smoke'): HistoryEntry {
  return historyEntry({ series, startedAt, scenario });
}

const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';

test('an entry is one file named by its start, series and scenario, read back as written', async () => {
  const dir = tempDir('history');
  const e = entry(A, '2026-12-07T02:15:00.123Z', 'soak/8h night');
  assert.match(e.id, /^20261207T021500123Z-aaaaaaaaaaaa-soak-8h-night-[0-9a-f]{6}$/);
  const { file, removed } = await appendHistoryEntry(dir, e, 100);
  assert.equal(file, join(dir, 'runs', `${e.id}.json`));
  assert.equal(removed, 0);
  assert.deepEqual(readdirSync(join(dir, 'runs')), [`${e.id}.json`], 'no temporary file left behind');
  const read = await readHistory(dir);
  assert.deepEqual(read.entries, [e]);
  assert.deepEqual(read.skipped, []);
});

test('retention keeps the newest N of each series, and leaves other series alone', async () => {
  const dir = tempDir('history');
  for (let i = 0; i < 4; i++) await appendHistoryEntry(dir, entry(B, `2026-12-0${i + 1}T01:00:00.000Z`), 2);
  for (let i = 0; i < 6; i++) {
    const { removed } = await appendHistoryEntry(dir, entry(A, `2026-12-0${i + 1}T02:00:00.000Z`), 3);
    assert.equal(removed, i < 3 ? 0 : 1);
  }
  const read = await readHistory(dir);
  assert.deepEqual(read.entries.filter((e) => e.series === A).map((e) => e.startedAt.slice(0, 10)), ['2026-12-04', '2026-12-05', '2026-12-06']);
  assert.deepEqual(read.entries.filter((e) => e.series === B).map((e) => e.startedAt.slice(0, 10)), ['2026-12-03', '2026-12-04']);
});

test('twenty runs appending at once: every write whole, the newest five kept, nothing half-written left', async () => {
  const dir = tempDir('history');
  const all = Array.from({ length: 20 }, (_, i) => entry(A, new Date(Date.UTC(2026, 11, 7, 3, 0, i)).toISOString()));
  await Promise.all(all.map((e) => appendHistoryEntry(dir, e, 5)));
  const names = readdirSync(join(dir, 'runs'));
  assert.equal(names.length, 5, names.join(', '));
  assert.ok(names.every((n) => n.endsWith('.json') && !n.startsWith('.')));
  const read = await readHistory(dir);
  assert.deepEqual(read.entries.map((e) => e.id), all.slice(15).map((e) => e.id));
});

test('files that are no entry are skipped and named; a folder that is no history is an error naming it', async () => {
  const dir = tempDir('history');
  await appendHistoryEntry(dir, entry(A, '2026-12-07T02:00:00.000Z'), 10);
  writeFileSync(join(dir, 'runs', 'notes.json'), '{"hello": 1}');
  writeFileSync(join(dir, 'runs', 'broken.json'), '{"format": "ocpp-fl');
  writeFileSync(join(dir, 'runs', 'future.json'), JSON.stringify({ format: HISTORY_FORMAT, formatVersion: 99 }));
  writeFileSync(join(dir, 'runs', '.half-written.json'), '{');
  writeFileSync(join(dir, 'runs', 'README.txt'), 'not json');
  mkdirSync(join(dir, 'runs', 'folder.json'));
  const read = await readHistory(dir);
  assert.equal(read.entries.length, 1);
  const problems = Object.fromEntries(read.skipped.map((s) => [s.file.split('/').pop(), s.problem]));
  assert.deepEqual(Object.keys(problems).sort(), ['broken.json', 'folder.json', 'future.json', 'notes.json']);
  assert.match(problems['broken.json'] as string, /^not JSON/);
  assert.equal(problems['notes.json'], 'not an ocpp-fleet history entry (no "format": "ocpp-fleet-history")');
  assert.equal(problems['future.json'], `format version 99, this ocpp-fleet reads ${HISTORY_FORMAT_VERSION}`);
  assert.equal(problems['folder.json'], 'not a regular file');
  await assert.rejects(readHistory(join(dir, 'nothing')), (err: unknown) => err instanceof HistoryError && /nothing is not a history: .*nothing\/runs does not exist/.test(err.message));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(prepareHistory(file), (err: unknown) => err instanceof HistoryError && err.message === `--history ${file}: cannot keep a history there (a file of that name is in the way)`);
  await prepareHistory(join(dir, 'new', 'deeper'));
  assert.deepEqual(readdirSync(join(dir, 'new', 'deeper')), ['runs']);
});

test('an entry missing what a trend needs is refused with the fields named', () => {
  assert.equal(parseHistoryEntry(JSON.stringify({ format: HISTORY_FORMAT, formatVersion: 1, id: 'x', series: 's', startedAt: 'yesterday', settings: {}, actions: {}, calls: {}, connect: {}, errors: {} })), 'lacks or has a wrong partial, startedAt');
  assert.equal(parseHistoryEntry(JSON.stringify({ format: HISTORY_FORMAT, formatVersion: 1 })), 'lacks or has a wrong id, series, startedAt, settings, actions, calls, connect, errors, partial');
});

test('the histograms kept are the whole run\'s per action, connect and boot: not per group, service or dispatch', () => {
  const log = ['#[comment]', 'Tag=Heartbeat,0.000,1.0,2.0,HISTFAAA1', 'Tag=Heartbeat.service,0.000,1.0,2.0,HISTFAAA2', 'Tag=group=a/Heartbeat,0.000,1.0,2.0,HISTFAAA3',
    'Tag=connect,0.000,1.0,2.0,HISTFAAA4', 'Tag=tls,0.000,1.0,2.0,HISTFAAA5', 'Tag=boot,0.000,1.0,2.0,HISTFAAA6', 'Tag=Heartbeat.dispatch,0.000,1.0,2.0,HISTFAAA7', ''].join('\n');
  assert.deepEqual(historyHistograms(log).split('\n'), ['#[comment]', 'Tag=Heartbeat,0.000,1.0,2.0,HISTFAAA1', 'Tag=connect,0.000,1.0,2.0,HISTFAAA4', 'Tag=boot,0.000,1.0,2.0,HISTFAAA6', '']);
});

const SCENARIO: ScenarioObject = {
  name: 'series',
  description: 'one',
  duration: '2s',
  seed: 5,
  groups: [{ name: 'a', count: 10, ocpp: '1.6', identity: 'S-{index:02}', ramp: 'all', heartbeatInterval: '1s' }],
  thresholds: ['Heartbeat.p99 < 1s'],
};

function seriesOfRun(scenario: ScenarioObject, options: Parameters<typeof resolveRunConfig>[1] = {}): string {
  return seriesOf(historySettings(resolveRunConfig(scenario, { workers: 1, ...options })));
}

test('one series: same load and settings, whatever the embedded CSMS answers, the thresholds, health limits or description', () => {
  const base = seriesOfRun(SCENARIO);
  assert.match(base, /^[0-9a-f]{12}$/);
  assert.equal(seriesOfRun({ ...SCENARIO, csms: { delay: '40ms' } }), base, 'a slower CSMS is what a trend is there to show');
  assert.equal(seriesOfRun({ ...SCENARIO, thresholds: ['Heartbeat.p99 < 2s'], health: { booted: '99%' }, description: 'two' }), base);
  assert.equal(seriesOfRun(SCENARIO, { thresholds: ['errors.rate < 1%'], health: ['connected=90%'] }), base);
  const settings = historySettings(resolveRunConfig({ ...SCENARIO, csms: { delay: '40ms' } }, { workers: 1 }));
  assert.deepEqual({ ...settings, scenarioHash: '-' }, { scenario: 'series', scenarioHash: '-', stations: 10, workers: 1, durationMs: 2000, seed: 5, target: 'embedded' });
});

test('another series: a different load, fleet size, duration, seed, worker count or target', () => {
  const base = seriesOfRun(SCENARIO);
  const group = SCENARIO.groups as Record<string, unknown>[];
  const others = [
    seriesOfRun({ ...SCENARIO, groups: [{ ...group[0], heartbeatInterval: '2s' }] }),
    seriesOfRun({ ...SCENARIO, name: 'renamed' }),
    seriesOfRun(SCENARIO, { cps: 11 }),
    seriesOfRun(SCENARIO, { duration: '3s' }),
    seriesOfRun(SCENARIO, { seed: 6 }),
    seriesOfRun(SCENARIO, { workers: 2 }),
    seriesOfRun(SCENARIO, { url: 'ws://127.0.0.1:9000/ocpp' }),
    seriesOfRun(SCENARIO, { maxRate: '100/s' }),
  ];
  assert.equal(new Set([base, ...others]).size, others.length + 1, others.join(' '));
});

test('a series never holds an identity\'s password, and a changed password is the same series', () => {
  const dir = tempDir('history');
  const csv = join(dir, 'ids.csv');
  writeFileSync(csv, 'identity,password\nPW-01,s3cret-one\nPW-02,s3cret-two\n');
  const withPasswords = { ...SCENARIO, groups: [{ name: 'a', count: 2, ocpp: '1.6', identities: csv }] };
  const config = resolveRunConfig(withPasswords, { workers: 1, url: 'ws://127.0.0.1:9/ocpp' });
  const settings = historySettings(config);
  assert.equal(settings.target, 'ws://127.0.0.1:9/ocpp');
  assert.ok(!JSON.stringify(settings).includes('s3cret'));
  // Another password is the same load: the same series.
  writeFileSync(csv, 'identity,password\nPW-01,changed\nPW-02,changed-too\n');
  assert.equal(seriesOf(historySettings(resolveRunConfig(withPasswords, { workers: 1, url: 'ws://127.0.0.1:9/ocpp' }))), seriesOf(settings));
});
