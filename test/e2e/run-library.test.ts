import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { run, type RunProgress } from '../../src/index';
import { tempDir } from '../helpers/fleet-cli';

/**
 * run() in-process against the embedded CSMS (its own process): an abort of `signal` is the CLI's
 * first Ctrl-C: the fleet winds down, the results are written with `partial: true`, and the verdict
 * is the CLI's: reason interrupted, exit code 3.
 */
test('aborting signal stops the run gracefully: partial results, reason interrupted, exit code 3', async () => {
  const out = join(tempDir('run-library'), 'results');
  const stop = new AbortController();
  const seen: RunProgress[] = [];
  const result = await run({
    scenario: {
      name: 'library-abort',
      duration: '60s',
      gracefulStop: '2s',
      groups: [{ name: 'g', count: 3, ocpp: '2.0.1', identity: 'LIBSTOP-{index:02}', ramp: 'all', heartbeatInterval: '1s' }],
    },
    workers: 1,
    out,
    signal: stop.signal,
    onProgress: (p) => {
      seen.push(p);
      if (p.gauges.total.booted === 3 && p.second >= 2) stop.abort();
    },
  });
  assert.ok(result.summary.durationMs < 60_000, `stopped before the planned 60 s (${result.summary.durationMs} ms)`);
  assert.equal(result.reason, 'interrupted');
  assert.equal(result.exitCode, 3);
  assert.equal(result.dir, out);
  assert.equal(result.summary.partial, true);
  assert.equal(result.summary.fleet.booted, 3);
  assert.ok(seen.length >= 2 && seen.every((p) => p.planned === 3), 'progress once a second, with the planned fleet');
  assert.ok(seen.some((p) => p.live.calls > 0), 'the live view counts calls');
});
