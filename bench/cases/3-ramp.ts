/**
 * Case 3: time from the start to N stations booted, unpaced (every station connects at once),
 * against the time a bare client takes to open N ws connections, and (second reference) to open them
 * and send the frames a 1.6 station with one connector sends as it boots: BootNotification, then
 * StatusNotification for connectors 0 and 1, each after the previous answer.
 * The fleet's time runs from the run's epoch (workers started, schemas compiled) to the last
 * BootNotification accepted, as its records say.
 */
import { runChild } from '../lib/child';
import { infoRow, num, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder } from '../lib/responder-handle';
import type { BareSpec, ConnectResult, FleetResult, FleetSpec } from '../lib/specs';

const SETTINGS = {
  tiny: { sizes: [20], workers: [1], withBoot: true },
  quick: { sizes: [2000], workers: [1], withBoot: false },
  full: { sizes: [1000, 5000, 10_000], workers: [1, 2], withBoot: true },
} as const;

async function bareConnect(n: number, boot: false | 'sequence'): Promise<ConnectResult> {
  const responder = await startResponder();
  try {
    const spec: BareSpec = { mode: 'connect', url: responder.url, connections: n, boot };
    return await runChild<BareSpec, ConnectResult>('bare-client.js', spec, 120_000);
  } finally {
    await responder.stop();
  }
}

async function fleetRamp(n: number, workers: number): Promise<FleetResult> {
  const responder = await startResponder();
  try {
    const spec: FleetSpec = {
      url: responder.url,
      identity: 'FLEET',
      stations: n,
      version: '1.6',
      connectors: 1,
      workers,
      heartbeatMs: undefined,
      rampPerSec: 0,
      mode: 'pool',
      measure: 'ramp',
      warmupMs: 0,
      windowMs: 0,
      capMs: 90_000,
    };
    return await runChild<FleetSpec, FleetResult>('fleet-child.js', spec, 150_000);
  } finally {
    await responder.stop();
  }
}

export const rampCase: BenchCase = {
  id: 3,
  name: 'ramp',
  title: 'Ramp: time to N stations booted, unpaced, vs bare ws connects',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const rows: Row[] = [];
    const figures: Record<string, unknown>[] = [];
    for (const n of s.sizes) {
      ctx.log(`  ${n} stations`);
      const connect = await bareConnect(n, false);
      const boot = s.withBoot ? await bareConnect(n, 'sequence') : undefined;
      for (const workers of s.workers) {
        const fleet = await fleetRamp(n, workers);
        const t = fleet.timeToAllBootedMs;
        const label = s.workers.length > 1 ? `, ${workers} worker${workers > 1 ? 's' : ''}` : '';
        if (t === null) rows.push(infoRow(`time to ${num(n)} booted${label}`, `${fleet.booted} booted`, num(connect.connectMs, 'ms')));
        else rows.push(ratioRow(`time to ${num(n)} booted${label}`, t, connect.connectMs, 'ms', { op: '<=', bound: 1.5 }));
        figures.push({ stations: n, workers, fleet: { timeToAllBootedMs: t, booted: fleet.booted, connectP99Ms: fleet.connectP99Ms, errors: fleet.errors }, bareConnect: connect, bareConnectAndBoot: boot });
      }
      if (boot && boot.bootMs !== null) rows.push(infoRow(`  bare connect + the same boot frames, ${num(n)}`, '', num(boot.bootMs, 'ms')));
    }
    return {
      id: 3,
      name: 'ramp',
      title: this.title,
      rows,
      notes: [
        'Fleet: FleetRun, every station due at t = 0 (ramp: all); time from the run\'s epoch to the last BootNotification accepted,',
        'which includes for 1.6 the WebSocket upgrade and the BootNotification round trip (StatusNotifications follow, not waited for).',
        'Bare: N ws clients opened at once, time to the last open; second reference: each also sends Boot + 2 StatusNotifications, one at a time (the fleet\'s frames).',
        'The fleet\'s clock stops at the last BootNotification accepted; the StatusNotifications of early stations still compete with later stations\' boots.',
        'The ratio target (≤ 1.5×) is against bare connects, as the issue states it.',
      ],
      figures: { runs: figures },
    };
  },
};
