import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateScenario } from '../../src/index';
import { planFleet } from '../../src/scenario/plan';
import { planText } from '../../src/scenario/plan-text';
import { REPO_ROOT } from '../helpers/fleet-cli';
import { groupFleet, runShort, sent } from '../helpers/short-form';

/**
 * Every scenario shipped in scenarios/ validates, and each runs against the embedded CSMS in a
 * short form (fewer stations, its clock compressed) and does what its header says it does.
 */
const SHIPPED = readdirSync(join(REPO_ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));

describe('shipped scenarios validate', () => {
  test('the shipped set is there', () => {
    for (const name of ['smoke', 'evening-peak', 'merger-cutover', 'reconnect-storm', 'soak', 'cold-boot', 'capacity-steps']) {
      assert.ok(SHIPPED.includes(`${name}.yaml`), `scenarios/${name}.yaml is missing`);
    }
  });
  // What `ocpp-fleet validate` checks and prints, through the library (the command itself is cli.test's).
  for (const file of SHIPPED) {
    test(file, () => {
      const scenario = validateScenario(join(REPO_ROOT, 'scenarios', file));
      const plan = planFleet(scenario, scenario.seed);
      assert.ok(plan.stations.length > 0, 'it plans stations');
      assert.match(planText(plan, { workers: 2, durationMs: scenario.durationMs }), /expected calls per second/);
    });
  }
});

describe('shipped scenarios run in a short form', { concurrency: false }, () => {
  test('merger-cutover: the acquired 1.6 fleet boots at once beside the charging 2.0.1 and 2.1 fleets', async () => {
    const { summary, code, out } = await runShort('merger-cutover', { duration: '8s', startAtDiv: 10, timeScaleMul: 20 }, 60);
    assert.equal(code, 0, out);
    const existing = groupFleet(summary, 'existing');
    const newest = groupFleet(summary, 'newest');
    const acquired = groupFleet(summary, 'acquired');
    assert.deepEqual([existing.planned, newest.planned, acquired.planned], [30, 10, 20]);
    assert.deepEqual([summary.groups.existing?.ocpp, summary.groups.newest?.ocpp, summary.groups.acquired?.ocpp], ['2.0.1', '2.1', '1.6']);
    assert.equal(newest.booted, 10);
    assert.equal(acquired.booted, 20);
    // The cut-over figure: counted from the group's own start (3 s into the 8 s), so under the 5 s
    // left of the run once all 20 booted; counted from the run's start it could be up to 8 s.
    assert.equal(typeof acquired.timeToAllBootedMs, 'number');
    assert.ok((acquired.timeToAllBootedMs as number) < 8000 - 3000, `acquired all booted after ${acquired.timeToAllBootedMs} ms`);
    assert.ok(sent(summary, 'acquired', 'BootNotification') >= 20);
    assert.equal(sent(summary, 'existing', 'BootNotification') >= 30, true);
    assert.ok(sent(summary, 'existing', 'TransactionEvent') > 0, 'the existing fleet charged');
    assert.ok(sent(summary, 'newest', 'TransactionEvent') > 0, 'the 2.1 fleet charged');
    assert.equal(summary.thresholds.length, 4);
    assert.equal(summary.passed, true);
  });

  test('evening-peak: both fleets charge through the compressed peak, and the report says the scale', async () => {
    const form = { duration: '9s', timeScaleMul: 10, startTimeOfDay: '17:30' };
    const { summary, code, out } = await runShort('evening-peak', form, 50);
    assert.equal(code, 0, out);
    assert.equal((summary.settings as { timeScale: number }).timeScale, 600);
    assert.ok(sent(summary, 'public-201', 'TransactionEvent') > 0);
    assert.ok(sent(summary, 'acquired-16', 'StartTransaction') > 0);
    assert.ok((summary.counters.sessionsStarted ?? 0) >= 10, `sessions started: ${summary.counters.sessionsStarted}`);
  });

  test('soak: a steady, error-free load', async () => {
    const { summary, code, out } = await runShort('soak', { duration: '5s', timeScaleMul: 600 }, 20);
    assert.equal(code, 0, out);
    assert.equal(summary.fleet.booted, 20);
    assert.ok(sent(summary, 'soak-16', 'Heartbeat') > 0 && sent(summary, 'soak-201', 'Heartbeat') > 0);
    assert.equal(summary.passed, true);
  });

  test('capacity-steps: each step joins at its time and boots', async () => {
    const { summary, code, out } = await runShort('capacity-steps', { duration: '11s', startAtDiv: 60 }, 50);
    assert.equal(code, 0, out);
    for (let step = 1; step <= 5; step++) {
      const fleet = groupFleet(summary, `step-${step}`);
      assert.equal(fleet.planned, 10);
      assert.equal(fleet.booted, 10, `step-${step} booted`);
      // Counted from the step's own start (every 2 s from 0 s), so under what was left of the 11 s
      // run once all ten booted: for step 5, 3 s, where a count from the run's start would be 8 s or more.
      const left = 11_000 - (step - 1) * 2000;
      assert.ok((fleet.timeToAllBootedMs as number) < left, `step-${step} all booted after ${fleet.timeToAllBootedMs} ms (${left} ms left)`);
    }
  });
});
