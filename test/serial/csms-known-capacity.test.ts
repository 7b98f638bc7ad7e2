import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { BareStation } from '../helpers/csms-client';
import { SAMPLES_16 } from '../helpers/csms-samples';

/**
 * The CSMS of known capacity, measured (issue 12, point 5): the real embedded CSMS in its own
 * process with T ms of service on S servers, saturated by 20 bare stations in a closed loop
 * (each calls again as soon as it is answered, so the queue always holds about 20 calls and
 * the servers never idle). The answers counted over a 2 s window must come at S × 1000 / T per
 * second within ±10 %; the model is exact, so what the margin leaves room for is the machine.
 * A bound on time is why this is in test/serial/, one file at a time, ahead of the other (niced) test files.
 *
 *   node --test --test-concurrency=1 dist/test/serial/csms-known-capacity.test.js
 *
 * prints a table of true vs measured capacity (the stations' count and the CSMS's own).
 */
const STATIONS = 20;
const WARMUP_MS = 500;
const WINDOW_MS = 2000;
const TOLERANCE = 0.1;

interface Measured {
  /** Answers per second the stations received over the window. */
  answered: number;
  /** Calls per second the CSMS's queue served over the same window (its /stats). */
  served: number;
}

async function saturate(csms: EmbeddedCsms): Promise<Measured> {
  const stations = await Promise.all(Array.from({ length: STATIONS }, (_, i) => BareStation.connect(csms.url, `CAP-${i}`, 'ocpp1.6')));
  let answers = 0;
  let running = true;
  const loops = stations.map(async (station) => {
    await station.result('BootNotification', SAMPLES_16.BootNotification);
    while (running) {
      await station.result('Heartbeat', {});
      answers++;
    }
  });
  try {
    await sleep(WARMUP_MS);
    const served0 = (await csms.stats()).serviceQueue?.served ?? NaN;
    const answers0 = answers;
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const answers1 = answers;
    const t1 = performance.now();
    const served1 = (await csms.stats()).serviceQueue?.served ?? NaN;
    const seconds = (t1 - t0) / 1000;
    return { answered: (answers1 - answers0) / seconds, served: (served1 - served0) / seconds };
  } finally {
    running = false;
    await Promise.all(loops);
    await Promise.all(stations.map((s) => s.close()));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('the CSMS of known capacity answers at exactly S × 1000 / T calls per second when saturated', { timeout: 120_000 }, () => {
  const rows: string[] = [];
  after(() => {
    process.stdout.write(
      `\n| T (ms) | S | true capacity (calls/s) | answered (calls/s) | served by the CSMS (calls/s) | error |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
    );
  });

  // The shortest and longest service times of bench case 10, which measures 4 ms as well.
  for (const serviceTimeMs of [2, 8]) {
    for (const servers of [1, 2]) {
      const capacity = (servers * 1000) / serviceTimeMs;
      test(`T = ${serviceTimeMs} ms, S = ${servers}: ${capacity} calls/s ± 10 %`, async () => {
        const csms = await startEmbeddedCsms({ serviceTimeMs, servers });
        let m: Measured;
        try {
          m = await saturate(csms);
        } finally {
          await csms.stop();
        }
        const error = m.answered / capacity - 1;
        rows.push(`| ${serviceTimeMs} | ${servers} | ${capacity} | ${m.answered.toFixed(1)} | ${m.served.toFixed(1)} | ${(error * 100).toFixed(2)} % |`);
        assert.ok(Math.abs(error) <= TOLERANCE, `${m.answered.toFixed(1)} calls/s answered against a capacity of ${capacity}`);
        assert.ok(Math.abs(m.served / capacity - 1) <= TOLERANCE, `${m.served.toFixed(1)} calls/s served against a capacity of ${capacity}`);
      });
    }
  }
});
