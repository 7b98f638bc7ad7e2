import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compare } from '../../src/index';
import { formatComparison } from '../../src/report/compare-format';
import { runCli, writeScenario } from '../helpers/fleet-cli';
import { heartbeatScenario, Scratch } from '../helpers/heartbeat-fleet';
import { runFleets } from '../helpers/run-fleet';

/**
 * Twenty stations heartbeating every second for 15 s: about 20 Heartbeats a second, so each run
 * has ~15 seconds of per-second p50 / p99 / max for the noise test (five are the minimum; fifteen
 * keep a regression clear even when a couple of seconds are disturbed by other processes).
 * Sessions are off: steady heartbeats are the signal, and a short test needs no more.
 */
function scenario(prefix: string): string {
  return heartbeatScenario({
    name: 'e2e-compare',
    duration: '15s',
    seed: 8,
    callTimeout: '5s',
    groups: [
      { name: 'g16', count: 10, ocpp: '1.6', identity: `${prefix}16-{index:03}` },
      { name: 'g201', count: 10, ocpp: '2.0.1', identity: `${prefix}201-{index:03}` },
    ],
  });
}

/**
 * The three runs go at the same time through run() in this process, so that they share whatever
 * else the machine is doing (a test runner on two cores runs other suites meanwhile): two runs of
 * the same settings against one CSMS (distinct identities: one identity connecting twice would
 * make the CSMS drop the older socket), and one against a CSMS that delays every answer by 50 ms.
 * The comparisons are compare(), the library under `ocpp-fleet compare`; the first test runs the
 * command itself, for its exit codes, table and JUnit file.
 */
describe('compare on real runs', () => {
  const scratch = new Scratch();
  let dir: string;
  const out = (name: string): string => join(dir, name);

  before(async () => {
    const [fast, slow] = await Promise.all([scratch.csms(), scratch.csms({ delayMs: 50 })]);
    dir = scratch.dir('compare');
    const runs = await runFleets(
      [
        ['A', fast.url],
        ['B', fast.url],
        ['C', slow.url],
      ].map(([name, url]) => ({ scenario: writeScenario(dir, name as string, scenario(`CMP${name}`)), url, workers: 1, out: out(name as string), timeoutMs: 120_000 })),
    );
    for (const r of runs) assert.equal(r.exitCode, 0, r.result.reason);
  });

  after(() => scratch.close());

  test('the command: a run against a CSMS answering 50 ms later is a regression (exit 1), shown in the table and in JUnit; a bad flag exits 2', async () => {
    const junit = join(dir, 'compare-junit.xml');
    const r = await runCli(['compare', out('A'), out('C'), '--junit', junit]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // The verdict first; every answer 50 ms later moves the fast path (p1) by the delay.
    assert.match(r.stdout, /^\d+ regressions?: .*Heartbeat p1 \+/);
    assert.match(r.stdout, /\nHeartbeat\s+p1\s+[\d.]+ ms\s+[\d.]+ ms\s+\+[\d.]+%\s+regression \(p [<=] [\d.]+, \d+ vs \d+ s\)/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testcase name="Heartbeat p1" classname="ocpp-fleet\.compare\.e2e-compare" time="0">\n\s+<failure message="Heartbeat p1: [\d.]+ ms → [\d.]+ ms \(\+[\d.]+%\): regression/);
    const tolerance = await runCli(['compare', out('A'), out('B'), '--tolerance', 'p98=5%']);
    assert.equal(tolerance.code, 2);
    assert.match(tolerance.stderr, /--tolerance: unknown metric "p98"/);
  });

  test('the regression is of the size of the delay: 50 ms more at the median, in ms', async () => {
    const c = await compare(out('A'), out('C'));
    assert.equal(c.regressions > 0, true);
    const p50 = c.rows.find((row) => row.action === 'Heartbeat' && row.metric === 'p50');
    assert.ok(p50 && p50.baseline !== null && p50.candidate !== null);
    const added = p50.candidate - p50.baseline;
    // At least the delay (less what the baseline's own answers took), and under the 5 s callTimeout
    // that bounds every answered call: ms, not µs or s. How close to 50 ms it stays on a quiet
    // machine is test/serial/run-magnitudes' (a bound on time).
    assert.ok(added > 40 && added < 5000, `Heartbeat p50 ${p50.baseline} → ${p50.candidate} ms`);
    // Flagged, unless the three runs' own generator delay (0.5 × its p99 is the p50 floor) was as
    // large, and then the row says so; p1 is flagged either way.
    assert.ok(p50.verdict === 'regression' || (p50.verdict === 'ok' && p50.floorFromGenerator === true), formatComparison(c, { all: true }));
    assert.equal(c.rows.find((row) => row.action === 'Heartbeat' && row.metric === 'p1')?.verdict, 'regression', formatComparison(c, { all: true }));
    assert.ok((p50.samples?.[0] ?? 0) >= 10 && (p50.samples?.[1] ?? 0) >= 10, `seconds tested: ${p50.samples}`);
    assert.equal(c.noiseTested, true);
  });

  test('two runs of the same settings are not flagged, at the defaults', async () => {
    // Runs that share two cores with the rest of the suite: their p50 moves by milliseconds for no
    // reason of theirs (seen in CI: 1.7 vs 3.2 ms). The default floors are calibrated for that
    // (README, "Calibration on this machine"); the 50 ms regression above stays far beyond them.
    const c = await compare(out('A'), out('B'));
    assert.equal(c.regressions, 0, formatComparison(c, { all: true }));
    assert.match(formatComparison(c), /^no regression/);
    const back = await compare(out('B'), out('A'));
    assert.equal(back.regressions, 0, formatComparison(back, { all: true }));
  });

  test('summary.json files compare too; bad input is refused naming it', async () => {
    const c = await compare(join(out('A'), 'summary.json'), join(out('C'), 'summary.json'));
    assert.ok(c.regressions > 0, formatComparison(c));
    await assert.rejects(compare(out('A'), join(dir, 'nothing')), /nothing: no such results folder or summary file/);
  });
});
