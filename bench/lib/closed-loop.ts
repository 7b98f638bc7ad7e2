import { ChildRun } from './child';
import { interleave, type InterleaveOptions, type Party, type PartyFigures } from './interleave';
import type { Responder } from './responder-handle';
import type { BareClosedResult, BareSpec, FleetResult, FleetSpec } from './specs';
import { sleep } from './stats';

/**
 * The fleet in a closed loop. A station only sends what its schedule says, so the loop is made
 * from the schedule: every station's heartbeat interval is set so short that the fleet is offered
 * `offer` × the bare client's throughput. Each station then always has a Heartbeat queued behind
 * its outstanding one, and the one-outstanding-call rule sends it the moment the answer arrives:
 * a closed loop through the fleet's whole real call path (scheduler, session queue, schema checks,
 * encode, ws, parse, the pump, the coordinator's histograms). While the fleet waits for its turn
 * (interleave.ts) its backlog grows; in its turn it works the backlog off, so the loop stays
 * closed as long as offered × total time > served, which `backlogHeld` checks afterwards. The price
 * is the timer events beyond one per call: a scheduler pop and a queue push each (~1 µs).
 */
export interface FleetParty {
  readonly name: string;
  readonly cls: string;
  readonly workers: number;
}

export interface ClosedLoopOptions extends InterleaveOptions {
  readonly stations: number;
  readonly fleets: readonly FleetParty[];
  /** Offered rate as a multiple of the bare client's calibrated throughput. */
  readonly offer: number;
  readonly calibrateMs: number;
  readonly timeoutMs: number;
  readonly version?: '1.6' | '2.0.1';
}

export interface ClosedLoopFigures {
  /** Whether every fleet's backlog outlasted the measurement (so the loop was closed throughout). */
  readonly backlogHeld: boolean;
  readonly stations: number;
  readonly bareCalibrationPerSec: number;
  readonly heartbeatMs: number;
  readonly parties: PartyFigures[];
  readonly fleets: { name: string; timeToAllBootedMs: number | null; result: FleetResult }[];
  readonly bareConnectMs: number;
}

export async function closedLoop(responder: Responder, o: ClosedLoopOptions): Promise<ClosedLoopFigures> {
  const runs: ChildRun<unknown, unknown>[] = [];
  try {
    const bare = new ChildRun<BareSpec, BareClosedResult>('bare-client.js', { mode: 'closed', url: responder.url, connections: o.stations }, o.timeoutMs);
    runs.push(bare as ChildRun<unknown, unknown>);
    await responder.serve('BARE');
    const info = await bare.ready();
    // The first round trips run cold (JIT, socket buffers): they would make a poor estimate.
    await sleep(o.calibrateMs);
    const c0 = await bare.sample();
    const t0 = performance.now();
    await sleep(o.calibrateMs);
    const c1 = await bare.sample();
    const calibration = ((c1.count - c0.count) * 1000) / (performance.now() - t0);
    const heartbeatMs = (o.stations * 1000) / (o.offer * Math.max(1, calibration));

    const parties: Party[] = [{ name: 'bare', cls: 'BARE', child: bare as ChildRun<unknown, unknown> }];
    const fleets: { name: string; run: ChildRun<FleetSpec, FleetResult>; timeToAllBootedMs: number | null }[] = [];
    for (const f of o.fleets) {
      // Only this fleet is answered while it boots.
      await responder.serve(f.cls);
      const spec: FleetSpec = {
        url: responder.url,
        identity: f.cls,
        stations: o.stations,
        version: o.version ?? '1.6',
        connectors: 1,
        workers: f.workers,
        heartbeatMs,
        rampPerSec: 0,
        mode: 'pool',
        measure: 'throughput',
        warmupMs: 0,
        windowMs: 0,
        capMs: o.timeoutMs,
      };
      const run = new ChildRun<FleetSpec, FleetResult>('fleet-child.js', spec, o.timeoutMs);
      runs.push(run as ChildRun<unknown, unknown>);
      const ready = await run.ready();
      fleets.push({ name: f.name, run, timeToAllBootedMs: ready.timeToAllBootedMs ?? null });
      parties.push({ name: f.name, cls: f.cls, child: run as ChildRun<unknown, unknown> });
    }
    const t1 = performance.now();
    const figures = await interleave(responder, parties, o);
    const offered = (o.stations * (performance.now() - t1)) / heartbeatMs;
    // Served during the interleave vs offered over the same time (the warm-up round's calls
    // and the boot's are left out of the first, which can only make the check stricter).
    const backlogHeld = figures.slice(1).every((p) => p.phases.reduce((n, x) => n + x.count, 0) < 0.9 * offered);
    const results: ClosedLoopFigures['fleets'] = [];
    for (const f of fleets) results.push({ name: f.name, timeToAllBootedMs: f.timeToAllBootedMs, result: await f.run.finish() });
    await bare.finish();
    return {
      backlogHeld,
      stations: o.stations,
      bareCalibrationPerSec: calibration,
      heartbeatMs,
      parties: figures,
      fleets: results,
      bareConnectMs: info.connectMs ?? 0,
    };
  } finally {
    for (const r of runs) r.kill();
    await responder.serve(null);
  }
}

/**
 * One closed-loop party on its own against `url` (no turns: a CSMS that is not the bench's
 * responder cannot hold one party's answers). Warm up, then count over the window.
 */
export async function soloClosedLoop(
  kind: 'bare' | 'fleet',
  url: string,
  stations: number,
  heartbeatMs: number,
  warmupMs: number,
  windowMs: number,
  timeoutMs: number,
): Promise<{ perSec: number; cpuUsPerOp: number }> {
  const child =
    kind === 'bare'
      ? (new ChildRun<BareSpec, BareClosedResult>('bare-client.js', { mode: 'closed', url, connections: stations }, timeoutMs) as ChildRun<unknown, unknown>)
      : (new ChildRun<FleetSpec, FleetResult>(
          'fleet-child.js',
          {
            url,
            identity: 'FLEET',
            stations,
            version: '1.6',
            connectors: 1,
            workers: 1,
            heartbeatMs,
            rampPerSec: 0,
            mode: 'pool',
            measure: 'throughput',
            warmupMs: 0,
            windowMs: 0,
            capMs: timeoutMs,
          },
          timeoutMs,
        ) as ChildRun<unknown, unknown>);
  try {
    await child.ready();
    await sleep(warmupMs);
    const a = await child.sample();
    const t0 = performance.now();
    await sleep(windowMs);
    const b = await child.sample();
    const ms = performance.now() - t0;
    await child.finish();
    const n = b.count - a.count;
    return { perSec: (n * 1000) / ms, cpuUsPerOp: (b.cpuUs - a.cpuUs) / Math.max(1, n) };
  } finally {
    child.kill();
  }
}
