import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { searchCapacity } from '../../src/capacity/capacity';
import type { StartLiveRun } from '../../src/capacity/live';
import { resolveCapacityConfig } from '../../src/capacity/options';
import { SETTLE_PATIENCE } from '../../src/capacity/settle';
import type { CapacityReport } from '../../src/capacity/report';
import type { CapacityStep } from '../../src/capacity/steps';
import { KNEE_MODEL, MODEL_SCENARIO, modelCapacity } from '../helpers/capacity-model';
import { modelLatencyMs, modelStart } from '../helpers/model-live-run';
import { tempDir } from '../helpers/temp-dir';

/**
 * The search's driver over a model of a live run (the real one is helper "live"'s, not merged
 * yet): resize, ramp, warm-up, hold, judge each window with the real threshold evaluation, finish
 * the run, write capacity.json and capacity.html; every outcome and its exit code.
 */

/** The model's true knee for `TransactionEvent.p99 < 100ms`: p99 ≈ 1.49 × the model's mean latency. */
function trueKnee(): number {
  let n = 1;
  while (1.49 * modelLatencyMs(KNEE_MODEL, n + 1, 10_000) < 100) n++;
  return n;
}

function readReport(dir: string): CapacityReport {
  return JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
}

test('a CSMS with a knee: found within the precision of the true one, confirmed, capacity.json with the contract\'s fields', async () => {
  const { result, log, out } = await modelCapacity(KNEE_MODEL);
  const knee = trueKnee();
  assert.ok(knee > 1900 && knee < 2000, `model knee ${knee}`);
  assert.equal(result.outcome, 'found');
  assert.equal(result.exitCode, 0);
  const report = readReport(out);
  assert.deepEqual(report, JSON.parse(JSON.stringify(result.report)), 'capacity.json is the result\'s report');
  const found = report.capacity?.stations as number;
  const firstBad = report.limitedBy?.stations as number;
  // HDR rounds p99 to three significant digits: a step within 0.2 % of the knee may go either way.
  assert.ok(found <= knee * 1.002 && firstBad >= knee * 0.998, `found ${found}, first bad ${firstBad}, knee ${knee}`);
  assert.ok((firstBad - found) / found <= 0.05, `${found} … ${firstBad}`);
  assert.equal(report.capacity?.callsPerSecond, found * 0.5);
  assert.equal(report.confirmed, true);
  assert.deepEqual(Object.keys(report.limitedBy ?? {}).slice(0, 1), ['slo']);
  assert.equal((report.limitedBy as { slo: string }).slo, 'TransactionEvent.p99 < 100ms');
  assert.equal((report.limitedBy as { limit: number }).limit, 100);
  assert.ok(((report.limitedBy as { value: number }).value) >= 100);
  assert.match(report.message, /^capacity: 1,9\d\d stations \(9\d\d calls\/s\); at 1,9\d\d TransactionEvent p99 \d+(\.\d+)? ms > 100 ms$/);
  // The contract's step fields first, each step judged on its own window.
  for (const step of report.steps) {
    assert.deepEqual(Object.keys(step).slice(0, 5), ['stations', 'callsPerSecond', 'offeredCallsPerSecond', 'slos', 'passed']);
    assert.deepEqual(Object.keys(step.slos[0] ?? {}).slice(0, 1), ['expr']);
    assert.equal(step.offeredCallsPerSecond, step.stations * 0.5);
    assert.equal(step.callsPerSecond, Math.min(step.stations * 0.5, 1000));
    assert.equal(step.passed, step.slos.every((s) => s.passed));
  }
  const last = report.steps[report.steps.length - 1] as CapacityStep;
  assert.deepEqual([last.phase, last.stations, last.passed], ['confirm', found, true]);
  assert.equal(report.steps.filter((s) => s.phase === 'grow').length, 9, '10 … 2,560');
  assert.deepEqual(report.settings.slos, ['TransactionEvent.p99 < 100ms']);
  assert.equal(report.seed, 7);
  assert.equal(report.scenario, 'capacity-model');
  assert.equal(report.target, 'ws://model-csms/ocpp');
  assert.equal(report.durationMs, 60_000);
  assert.ok(existsSync(join(out, 'capacity.html')));
  assert.equal(log.finished, 1);
  assert.equal(log.options?.maxStations, 19_000);
});

test('each step: resize, the ramp at the rate asked, the warm-up to a whole second, then held (under the knee) or judged on its worsening seconds (past it); after a breach the fleet restarts from 0', async () => {
  const { result, log } = await modelCapacity(KNEE_MODEL, { ramp: '100/s' });
  const steps = result.report.steps;
  let active = 0;
  let previous: CapacityStep | undefined;
  for (const step of steps) {
    const at = log.resizes.findIndex((r) => r.atMs === step.timing.startMs && r.stations === step.stations);
    assert.ok(at >= 0, `step ${step.index}: its resize`);
    if (previous !== undefined && !previous.passed) {
      // The model's fleet costs nothing to start and a breach leaves its stations behind: restarted, every
      // station retired at once (its stops spread at the ramp rate), and this size starts from none.
      assert.deepEqual(step.timing.afterBreach, { lagMs: step.timing.afterBreach?.lagMs, startMs: 0, restarted: true, restartMs: 0 });
      assert.ok((step.timing.afterBreach?.lagMs ?? 0) > 100, `step ${step.index}: lag ${step.timing.afterBreach?.lagMs}`);
      assert.deepEqual(log.resizes[at - 1], { stations: 0, rampMs: Math.ceil((active / 100) * 1000), atMs: step.timing.startMs });
      active = 0;
    } else {
      assert.equal(step.timing.afterBreach, undefined);
      assert.equal(log.resizes[at - 1]?.stations ?? 0, active, `step ${step.index}: resized from the size before`);
    }
    const resize = log.resizes[at] as { stations: number; rampMs: number; atMs: number };
    assert.equal(resize.rampMs, Math.ceil((Math.abs(step.stations - active) / 100) * 1000), `step ${step.index}`);
    const warmed = Math.ceil((resize.atMs + resize.rampMs + 2000) / 1000) * 1000;
    const t = step.timing;
    assert.equal(t.windowFromMs % 1000, 0, 'windows are whole seconds');
    assert.ok(log.windows.some((w) => w.fromMs === t.windowFromMs && w.toMs === t.windowToMs && w.active === step.stations), `step ${step.index}: its window was read`);
    if (step.passed) {
      // No backlog in the model: a size under the knee passes its first second and is held from there.
      assert.deepEqual([t.settled, t.early, t.settleMs, t.windowFromMs, t.windowToMs - t.windowFromMs], [true, false, 0, warmed, 10_000], `step ${step.index}`);
    } else if (step.stations * KNEE_MODEL.callsPerStation > KNEE_MODEL.capacityPerSecond) {
      // Past capacity it gets worse every second: judged on the SETTLE_PATIENCE + 1 seconds of its settle, not held.
      assert.deepEqual([t.settled, t.early, t.settleMs, t.windowFromMs, t.windowToMs - t.windowFromMs], [false, true, SETTLE_PATIENCE * 1000, warmed - 1000, (SETTLE_PATIENCE + 1) * 1000], `step ${step.index}`);
    } else {
      // Past the SLO's knee but under capacity its latency stays as it is: no better for SETTLE_PATIENCE seconds, then held.
      assert.deepEqual([t.settled, t.early, t.settleMs, t.windowFromMs, t.windowToMs - t.windowFromMs], [false, false, SETTLE_PATIENCE * 1000, warmed + SETTLE_PATIENCE * 1000, 10_000], `step ${step.index}`);
    }
    active = step.stations;
    previous = step;
  }
  assert.ok(steps.some((s) => s.timing.early) && steps.some((s) => !s.passed && !s.timing.early) && steps.some((s) => s.passed), 'each kind of step was seen');
});

test('a step waits for the SLOs\' first samples while the CSMS answers other calls: no size is failed on "no samples"', async () => {
  // 8 s after each resize before the first TransactionEvent: longer than the warm-up and the
  // settle's patience together, and than the whole 2 s hold that would follow them.
  const model = { ...KNEE_MODEL, startUpMs: 8000 };
  const { result } = await modelCapacity(model, { hold: '2s', warmup: '1s' });
  const { result: prompt } = await modelCapacity(KNEE_MODEL, { hold: '2s', warmup: '1s' });
  for (const step of result.report.steps) {
    assert.ok(step.slos.every((s) => s.value !== null), `step ${step.index} at ${step.stations}: ${JSON.stringify(step.slos)}`);
    // Judged once its TransactionEvents came: settled (or worsening, past the knee) after the start-up.
    assert.ok(step.timing.windowFromMs - step.timing.startMs >= 8000 || step.timing.early, `step ${step.index}: ${JSON.stringify(step.timing)}`);
  }
  assert.equal(result.outcome, 'found');
  assert.deepEqual([result.report.capacity, result.report.limitedBy?.stations], [prompt.report.capacity, prompt.report.limitedBy?.stations]);
});

test('a step whose seconds answer nothing at all is not waited for past the patience: judged on its empty hold', async () => {
  // A CSMS that answers nothing from the first size on: each second empty, the step held at the
  // SETTLE_PATIENCE-th of them (the first is the warm-up's last second), not at the 60 s bound.
  const { result } = await modelCapacity({ ...KNEE_MODEL, capacityPerSecond: 0 }, { hold: '2s', warmup: '1s', settle: '60s' });
  const first = result.report.steps[0] as CapacityStep;
  assert.equal(first.timing.settleMs, (SETTLE_PATIENCE - 1) * 1000, JSON.stringify(first.timing));
  assert.equal(first.passed, false);
});

test('the same model and seed give the same steps, to the byte', async () => {
  const a = await modelCapacity({ ...KNEE_MODEL, noise: { seed: 3, share: 0.15 } });
  const b = await modelCapacity({ ...KNEE_MODEL, noise: { seed: 3, share: 0.15 } });
  assert.deepEqual(a.result.report.steps, b.result.report.steps);
  assert.equal(readFileSync(join(a.out, 'capacity.json'), 'utf8'), readFileSync(join(b.out, 'capacity.json'), 'utf8').replace(b.out, a.out));
  assert.equal(readFileSync(join(a.out, 'capacity.html'), 'utf8'), readFileSync(join(b.out, 'capacity.html'), 'utf8'));
});

test('a CSMS that fails at the smallest size: exit 1, no capacity, what broke at min', async () => {
  const { result, out } = await modelCapacity({ capacityPerSecond: 2, serviceMs: 50, callsPerStation: 0.5 });
  assert.equal(result.outcome, 'smallestFailed');
  assert.equal(result.exitCode, 1);
  const report = readReport(out);
  assert.equal(report.capacity, null);
  assert.equal(report.confirmed, false);
  assert.equal(report.steps.length, 1);
  assert.equal(report.limitedBy?.stations, 10);
  assert.match(report.message, /^no capacity: even the smallest size, 10 stations, failed: TransactionEvent p99 [\d,]+ ms > 100 ms$/);
});

test('a generator that saturates before the CSMS breaks: generator-bound, exit 3, never a capacity', async () => {
  const { result, out } = await modelCapacity({ capacityPerSecond: 100_000, serviceMs: 2, callsPerStation: 0.5, generatorSaturatesAt: 600 });
  assert.equal(result.outcome, 'generatorBound');
  assert.equal(result.exitCode, 3);
  const report = readReport(out);
  assert.equal(report.capacity, null);
  assert.deepEqual(report.limitedBy, { generator: 'eventLoopDelayP99Ms', value: 56.6, limit: 50, stations: 640 });
  assert.equal(report.message, 'generator-bound at 640 stations: add workers or shards (event-loop delay p99 56.6 ms > 50 ms)');
  const last = report.steps[report.steps.length - 1] as CapacityStep;
  assert.equal(last.verdict, 'generator');
  assert.equal(last.generator.saturated, true);
  assert.ok(report.steps.slice(0, -1).every((s) => s.passed && !s.generator.saturated));
});

test('nothing breaks up to max: "at least max", exit 0, no limit named', async () => {
  const { result, out } = await modelCapacity({ capacityPerSecond: 100_000, serviceMs: 2, callsPerStation: 0.5 }, { max: 300 });
  assert.equal(result.outcome, 'atLeastMax');
  assert.equal(result.exitCode, 0);
  const report = readReport(out);
  assert.deepEqual(report.capacity, { stations: 300, callsPerSecond: 150 });
  assert.equal(report.limitedBy, null);
  assert.equal(report.confirmed, true);
  assert.equal(report.message, 'capacity: at least 300 stations (150 calls/s): nothing broke up to max (300); raise --max to look further');
});

test('nothing breaks up to the most one process holds: the answer says so rather than "raise --max"', async () => {
  const { result } = await modelCapacity({ capacityPerSecond: 100_000, serviceMs: 2, callsPerStation: 0.5 });
  assert.equal(result.outcome, 'atLeastMax');
  assert.equal(result.report.message, 'capacity: at least 19,000 stations (9,500 calls/s): nothing broke up to 19,000, the most one process holds (README: "Sharded runs: not yet")');
});

test('a health check that fails first limits the capacity: limitedBy names the check and its detail', async () => {
  const { result } = await modelCapacity({ capacityPerSecond: 100_000, serviceMs: 2, callsPerStation: 0.5, bootsFailAbove: 1000 });
  assert.equal(result.outcome, 'found');
  assert.equal(result.report.capacity?.stations, 1000);
  const limit = result.report.limitedBy as { check: string; detail: string; stations: number };
  assert.equal(limit.check, 'booted');
  assert.match(limit.detail, /^booted 1000 of 10\d\d stations$/);
  assert.match(result.report.message, /^capacity: 1,000 stations \(500 calls\/s\); at 1,0\d\d check booted failed: booted 1000 of 10\d\d stations$/);
});

test('the run ending by itself (the CSMS died) stops the search: exit 3, why, and the run finished once', async () => {
  const { result, log, out } = await modelCapacity({ ...KNEE_MODEL, diesAt: 1280 });
  assert.equal(result.outcome, 'ended');
  assert.equal(result.exitCode, 3);
  const report = readReport(out);
  assert.equal(report.endedBy, 'csmsDied');
  assert.match(report.message, /^capacity search stopped after step 7 \(640 stations\): the embedded CSMS died/);
  assert.equal(report.capacity, null);
  assert.equal(report.steps.length, 7);
  assert.equal(log.finished, 1);
});

test('the caller\'s signal stops the search between steps: the run is finished, the steps so far are kept', async () => {
  const stop = new AbortController();
  const seen: number[] = [];
  const { result, log } = await modelCapacity(KNEE_MODEL, {
    signal: stop.signal,
    onStep: (step) => {
      seen.push(step.stations);
      if (step.index === 3) stop.abort();
    },
  });
  assert.deepEqual(seen, [10, 20, 40]);
  assert.equal(result.outcome, 'ended');
  assert.equal(result.report.endedBy, 'interrupted');
  assert.equal(result.exitCode, 3);
  assert.equal(log.finished, 1);
  assert.equal(log.resizes.length, 3);
});

test('an error during the search still finishes the run, then surfaces', async () => {
  const { start, log } = modelStart(KNEE_MODEL);
  const config = resolveCapacityConfig({
    scenario: MODEL_SCENARIO,
    slo: ['TransactionEvent.p99 < 100ms'],
    hold: '1s',
    out: join(tempDir('capacity'), 'out'),
    onStep: () => {
      throw new Error('the hook broke');
    },
  });
  await assert.rejects(searchCapacity(config, start), /the hook broke/);
  assert.equal(log.finished, 1);
});

test('a live run whose until() resolves before its time breaks the contract: an error naming it, the run still finished', async () => {
  const { start: modelRun, log } = modelStart(KNEE_MODEL);
  // The model's run, but until() resolves at once without the clock moving.
  const start: StartLiveRun = async (options) => {
    const run = await modelRun(options);
    return new Proxy(run, { get: (target, key) => (key === 'until' ? async (): Promise<void> => undefined : Reflect.get(target, key)) });
  };
  const config = resolveCapacityConfig({
    scenario: MODEL_SCENARIO,
    slo: ['TransactionEvent.p99 < 100ms'],
    out: join(tempDir('capacity'), 'out'),
  });
  await assert.rejects(searchCapacity(config, start), /^Error: the live run's until\(6000\) resolved at run time 0 ms, before its time$/);
  assert.equal(log.finished, 1);
});
