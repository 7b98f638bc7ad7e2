import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import type { CsmsOptions } from '../../src/csms/options';
import { BareStation } from '../helpers/csms-client';
import { SAMPLES_16 } from '../helpers/csms-samples';

/**
 * The embedded CSMS's answer delay, timed by a bare station: each answer within bounds above and
 * below. Bounds on time hold only on a machine not busy with other test files, so this runs in
 * test/serial/, one file at a time, ahead of the other (niced) test files (test/e2e/csms-server has the rest of the server).
 */
describe('embedded CSMS: answer delay', { timeout: 20_000 }, () => {
  const servers: CsmsServer[] = [];
  const stations: BareStation[] = [];
  after(async () => {
    for (const s of stations) await s.close();
    for (const s of servers) await s.close();
  });

  async function timedAnswers(options: CsmsOptions, count: number): Promise<number[]> {
    const csms = await startCsmsServer(options);
    servers.push(csms);
    const station = await BareStation.connect(csms.url, 'CP-D', 'ocpp1.6');
    stations.push(station);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await station.result('Heartbeat', {});
      times.push(performance.now() - started);
    }
    return times;
  }

  it('answers each CALL no sooner than delayMs (50 ms → every answer between 45 and 500 ms)', async () => {
    for (const ms of await timedAnswers({ port: 0, delayMs: 50 }, 5)) {
      assert.ok(ms >= 45 && ms <= 500, `answer took ${ms.toFixed(1)} ms`);
    }
  });

  it('spreads answers over delay ± jitter (50 ± 30 ms → between 15 and 500 ms, not all alike)', async () => {
    const times = await timedAnswers({ port: 0, delayMs: 50, jitterMs: 30 }, 12);
    for (const ms of times) assert.ok(ms >= 15 && ms <= 500, `answer took ${ms.toFixed(1)} ms`);
    assert.ok(Math.max(...times) - Math.min(...times) > 5, `jitter should spread the answers: ${times.map((t) => t.toFixed(0)).join(', ')}`);
  });

  it('answers at once without a delay (each under 50 ms)', async () => {
    for (const ms of await timedAnswers({ port: 0 }, 5)) assert.ok(ms < 50, `answer took ${ms.toFixed(1)} ms`);
  });

  it('delays only the actions named by delayActions (BootNotification at 300 ms: the boot waits, heartbeats do not)', async () => {
    const csms = await startCsmsServer({ port: 0, delayMs: 300, delayActions: 'BootNotification' });
    servers.push(csms);
    const station = await BareStation.connect(csms.url, 'CP-D3', 'ocpp1.6');
    stations.push(station);
    const timed = async (action: string, payload: object): Promise<number> => {
      const started = performance.now();
      await station.result(action, payload);
      return performance.now() - started;
    };
    const boot = await timed('BootNotification', SAMPLES_16.BootNotification);
    assert.ok(boot >= 295 && boot <= 2000, `BootNotification answered after ${boot.toFixed(1)} ms`);
    for (let i = 0; i < 3; i++) {
      const ms = await timed('Heartbeat', {});
      assert.ok(ms < 150, `Heartbeat answered after ${ms.toFixed(1)} ms`);
    }
  });

  it('counts a delayed answer as answered once it went out', async () => {
    const csms = await startCsmsServer({ port: 0, delayMs: 30 });
    servers.push(csms);
    const station = await BareStation.connect(csms.url, 'CP-D2', 'ocpp1.6');
    stations.push(station);
    await station.result('StartTransaction', SAMPLES_16.StartTransaction);
    assert.deepEqual(csms.stats().incoming.StartTransaction, { received: 1, answered: 1, callErrors: 0 });
  });
});
