import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { Comparison } from '../../src/report/compare';
import { runCli, tempDir, writeScenario } from '../helpers/fleet-cli';

/**
 * Twenty stations heartbeating every second for 15 s: about 20 Heartbeats a second, so each run
 * has ~15 seconds of per-second p50 / p99 / max for the noise test (five are the minimum; fifteen
 * keep a regression clear even when a couple of seconds are disturbed by other processes).
 * Sessions are off: steady heartbeats are the signal, and a short test needs no more.
 */
function scenario(prefix: string): string {
  return `
name: e2e-compare
duration: 15s
seed: 8
callTimeout: 5s
gracefulStop: 1s
groups:
  - name: g16
    count: 10
    ocpp: "1.6"
    identity: "${prefix}16-{index:03}"
    ramp: all
    heartbeatInterval: 1s
    sessions: { idle: 1h }
  - name: g201
    count: 10
    ocpp: "2.0.1"
    identity: "${prefix}201-{index:03}"
    ramp: all
    heartbeatInterval: 1s
    sessions: { idle: 1h }
`;
}

/**
 * The three runs go at the same time, so that they share whatever else the machine is doing (a
 * test runner on two cores runs other suites meanwhile): two runs of the same settings against
 * one CSMS (distinct identities: one identity connecting twice would make the CSMS drop the older
 * socket), and one against a CSMS that delays every answer by 50 ms.
 */
describe('ocpp-fleet compare on real runs', () => {
  const servers: EmbeddedCsms[] = [];
  let dir: string;
  const out = (name: string): string => join(dir, name);

  before(async () => {
    const [fast, slow] = await Promise.all([startEmbeddedCsms({}), startEmbeddedCsms({ delayMs: 50 })]);
    servers.push(fast, slow);
    dir = tempDir('compare');
    const runs = [
      ['A', fast.url],
      ['B', fast.url],
      ['C', slow.url],
    ].map(([name, url]) =>
      runCli(['run', writeScenario(dir, name as string, scenario(`CMP${name}`)), '--url', url as string, '--workers', '1', '--out', out(name as string), '--quiet'], 120_000),
    );
    for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    for (const s of servers) await s.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a run against a CSMS answering 50 ms later is a regression (exit 1), shown in the table and in JUnit', async () => {
    const junit = join(dir, 'compare-junit.xml');
    const r = await runCli(['compare', out('A'), out('C'), '--junit', junit]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Heartbeat\s+p50\s+[\d.]+ ms\s+[\d.]+ ms\s+\+[\d.]+%\s+regression \(p [<=] [\d.]+, \d+ vs \d+ s\)/);
    assert.match(r.stdout, /\n\d+ regressions?: .*Heartbeat p50 \+/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testcase name="Heartbeat p50" classname="ocpp-fleet\.compare\.e2e-compare" time="0">\n\s+<failure message="Heartbeat p50: [\d.]+ ms → [\d.]+ ms \(\+[\d.]+%\): regression/);
  });

  test('the regression is of the size of the delay: about 50 ms more at the median', async () => {
    const r = await runCli(['compare', out('A'), out('C'), '--json']);
    assert.equal(r.code, 1);
    const c = JSON.parse(r.stdout) as Comparison;
    const p50 = c.rows.find((row) => row.action === 'Heartbeat' && row.metric === 'p50');
    assert.ok(p50 && p50.baseline !== null && p50.candidate !== null);
    const added = p50.candidate - p50.baseline;
    assert.ok(added > 40 && added < 75, `Heartbeat p50 ${p50.baseline} → ${p50.candidate} ms`);
    assert.equal(p50.verdict, 'regression');
    assert.ok((p50.samples?.[0] ?? 0) >= 10 && (p50.samples?.[1] ?? 0) >= 10, `seconds tested: ${p50.samples}`);
    assert.equal(c.noiseTested, true);
  });

  test('two runs of the same settings are not flagged (exit 0)', async () => {
    // Runs that share two cores with the rest of the suite: a millisecond or two of p50 moves
    // between them for no reason of theirs (seen in CI: 1.7 vs 3.2 ms). The floor says what a
    // nightly job on such a machine would set; the 50 ms regression above stays far beyond it.
    const floor = ['--min-change', '5ms'];
    const r = await runCli(['compare', out('A'), out('B'), ...floor]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\nno regression/);
    const back = await runCli(['compare', out('B'), out('A'), ...floor]);
    assert.equal(back.code, 0, back.stdout + back.stderr);
  });

  test('summary.json files compare too; bad input exits 2 naming it', async () => {
    const r = await runCli(['compare', join(out('A'), 'summary.json'), join(out('C'), 'summary.json')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const missing = await runCli(['compare', out('A'), join(dir, 'nothing')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nothing: no such results folder or summary file/);
    const tolerance = await runCli(['compare', out('A'), out('B'), '--tolerance', 'p98=5%']);
    assert.equal(tolerance.code, 2);
    assert.match(tolerance.stderr, /--tolerance: unknown metric "p98"/);
  });
});
