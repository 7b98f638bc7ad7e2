/**
 * Case 12: a fleet spread over several processes (`run --processes`, issue 16) against bare `ws`
 * clients spread over as many processes, at each size from 5,000 stations: memory per station and
 * CPU per call of the whole party, every process of it read from /proc.
 *
 * Both parties send the same calls at the same rate: the fleet's 1.6 stations (one connector, no
 * sessions) a Heartbeat every N / RATE seconds once booted, the bare clients a Heartbeat on the
 * same period, timed from when it was due (bare-client.ts, 'open'). Each of the P processes has a
 * bare responder of its own (a responder holds at most one process's file limit of sockets): the
 * fleet's stations find theirs by their identity's home target, as they find the embedded CSMS's
 * processes; the bare process i connects to responder i. The calls of a window are what the
 * responders answered in it.
 *
 * Per station = (RSS of the party at N − RSS at SMALL per process) / (N − SMALL × P): what a
 * process holds whatever its size (node, the modules, a worker, histograms) is the second run's,
 * stated as the fixed cost per process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stationsPerProcess } from '../../src/run/processes/count';
import { ChildRun } from '../lib/child';
import { processCpuUs, processTree, usageOf, type Usage } from '../lib/proc';
import { infoRow, num, ratio, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder, type Responder } from '../lib/responder-handle';
import type { BareSpec, ProcessesResult, ProcessesSpec } from '../lib/specs';
import { median } from 'simple-statistics';
import { sleep } from '../lib/stats';

const SETTINGS = {
  tiny: { sizes: [200], rate: 100, rounds: 1, sideRounds: 1, warmupMs: 2500, windowMs: 3000 },
  quick: { sizes: [5000], rate: 2000, rounds: 3, sideRounds: 3, warmupMs: 6000, windowMs: 10_000 },
  full: { sizes: [5000, 10_000, 20_000, 40_000], rate: 2000, rounds: 3, sideRounds: 3, warmupMs: 10_000, windowMs: 20_000 },
} as const;

/** Stations (connections) per process in the run that measures a process's fixed cost. */
const SMALL = 20;

interface Measured {
  readonly usage: Usage;
  /**
   * CPU (µs) and calls answered over the window, and each process's CPU in it (the party's first
   * process first: the fleet's coordinator); undefined for the fixed-cost runs.
   */
  readonly window?: { readonly cpuUs: number; readonly calls: number; readonly ms: number; readonly cpuUsByProcess: readonly number[] };
  readonly timeToReadyMs: number;
}

/** A party started and ready: its processes, its responders, and how to end it. */
interface Party {
  readonly pids: () => number[];
  readonly responders: readonly Responder[];
  readonly timeToReadyMs: number;
  /** Called at both ends of the window (the bare clients record their latencies between two samples). */
  readonly onWindow?: () => Promise<void>;
  /** Waits for its end and checks what it says of itself. */
  readonly finish: () => Promise<void>;
  readonly kill: () => void;
}

async function answered(responders: readonly Responder[]): Promise<number> {
  const counts = await Promise.all(responders.map((r) => r.answered()));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Warm up, then CPU and calls of each party over one window (none without `windowMs`: a
 * fixed-cost run), and each party's RSS at its end. Several parties are measured over the same
 * window: side by side, a shared machine's load that comes and goes lands on all alike.
 */
async function measureParties(parties: readonly Party[], warmupMs: number, windowMs: number | undefined): Promise<Measured[]> {
  await sleep(warmupMs);
  if (windowMs === undefined) return parties.map((p) => ({ usage: usageOf(p.pids()), timeToReadyMs: p.timeToReadyMs }));
  await Promise.all(parties.map((p) => p.onWindow?.()));
  const pids = parties.map((p) => p.pids());
  const a = pids.map(usageOf);
  const each = pids.map((party) => party.map(processCpuUs));
  const callsA = await Promise.all(parties.map((p) => answered(p.responders)));
  const t0 = performance.now();
  await sleep(windowMs);
  const b = pids.map(usageOf);
  const cpuUsByProcess = pids.map((party, i) => party.map((pid, j) => processCpuUs(pid) - (each[i]?.[j] as number)));
  const callsB = await Promise.all(parties.map((p) => answered(p.responders)));
  const ms = performance.now() - t0;
  await Promise.all(parties.map((p) => p.onWindow?.()));
  return parties.map((p, i) => ({
    usage: b[i] as Usage,
    window: { cpuUs: (b[i] as Usage).cpuUs - (a[i] as Usage).cpuUs, calls: (callsB[i] as number) - (callsA[i] as number), ms, cpuUsByProcess: cpuUsByProcess[i] as number[] },
    timeToReadyMs: p.timeToReadyMs,
  }));
}

async function startFleet(responders: readonly Responder[], stations: number, processes: number, heartbeatMs: number, rate: number, warmupMs: number, windowMs: number | undefined): Promise<Party> {
  const out = mkdtempSync(join(tmpdir(), 'ocpp-fleet-bench-processes-'));
  const rampS = stations / rate;
  const spec: ProcessesSpec = {
    urls: responders.map((r) => r.url),
    stations,
    processes,
    heartbeatMs,
    rampPerSec: rate,
    out,
    capMs: rampS * 1000 + warmupMs + (windowMs ?? 0) + 120_000,
  };
  const run = new ChildRun<ProcessesSpec, ProcessesResult>('processes-child.js', spec, spec.capMs + 60_000);
  const cleanUp = (): void => {
    run.kill();
    rmSync(out, { recursive: true, force: true });
  };
  try {
    const t0 = performance.now();
    await run.ready();
    const timeToReadyMs = performance.now() - t0;
    const pid = run.pid;
    return {
      pids: () => processTree(pid),
      responders,
      timeToReadyMs,
      finish: async () => {
        try {
          const result = await run.finish();
          if (result.booted < stations) throw new Error(`only ${result.booted} of ${stations} stations booted: ${result.died ?? result.verdict}`);
          const errors = Object.entries(result.errors).filter(([, count]) => count > 0);
          if (errors.length > 0) throw new Error(`errors in the fleet's run: ${errors.map(([kind, count]) => `${kind} ${count}${result.errorSamples[kind] === undefined ? '' : ` (${result.errorSamples[kind]})`}`).join(', ')}`);
        } finally {
          cleanUp();
        }
      },
      kill: cleanUp,
    };
  } catch (err) {
    cleanUp();
    throw err;
  }
}

async function startBare(responders: readonly Responder[], connections: number, heartbeatMs: number, warmupMs: number, windowMs: number | undefined): Promise<Party> {
  const share = Math.ceil(connections / responders.length);
  const runs = responders.map(
    (r, i) => new ChildRun<BareSpec, unknown>('bare-client.js', { mode: 'open', url: r.url, connections: Math.min(share, connections - i * share), intervalMs: heartbeatMs }, warmupMs + (windowMs ?? 0) + 180_000),
  );
  const kill = (): void => {
    for (const r of runs) r.kill();
  };
  try {
    const t0 = performance.now();
    await Promise.all(runs.map((r) => r.ready()));
    return {
      pids: () => runs.map((r) => r.pid),
      responders,
      timeToReadyMs: performance.now() - t0,
      // The bare clients record their latencies between two samples, as the fleet records every call.
      onWindow: async () => {
        await Promise.all(runs.map((r) => r.sample()));
      },
      finish: async () => {
        try {
          await Promise.all(runs.map((r) => r.finish()));
        } finally {
          kill();
        }
      },
      kill,
    };
  } catch (err) {
    kill();
    throw err;
  }
}

/** Parties started by `starts`, measured over one window, then ended (each killed if any failed). */
async function measured(starts: readonly (() => Promise<Party>)[], warmupMs: number, windowMs: number | undefined): Promise<Measured[]> {
  const parties: Party[] = [];
  try {
    for (const start of starts) parties.push(await start());
    const m = await measureParties(parties, warmupMs, windowMs);
    await Promise.all(parties.map((p) => p.finish()));
    return m;
  } finally {
    for (const p of parties) p.kill();
  }
}

async function one(start: () => Promise<Party>, warmupMs: number, windowMs: number | undefined): Promise<Measured> {
  return (await measured([start], warmupMs, windowMs))[0] as Measured;
}

function perStation(big: Measured, small: Measured, n: number, processes: number): number {
  return (big.usage.rssBytes - small.usage.rssBytes) / 1024 / (n - SMALL * processes);
}

function cpuPerCallUs(m: Measured): number {
  return m.window === undefined ? Number.NaN : m.window.cpuUs / Math.max(1, m.window.calls);
}

export const processesCase: BenchCase = {
  id: 12,
  name: 'processes',
  title: 'A fleet over several processes vs bare ws clients over as many: memory per station, CPU per call',
  // Some 50 s at 5,000 (four parties, each ramped and warmed up): asked for by number, as the soak and the searches.
  onlyWhenAsked: true,
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const rows: Row[] = [];
    const figures: Record<string, unknown>[] = [];
    for (const n of s.sizes) {
      const processes = Math.max(2, Math.ceil(n / stationsPerProcess()));
      const heartbeatMs = Math.round((n / s.rate) * 1000);
      // Long enough that every station's heartbeat fell due in it at least once, whatever its phase.
      const windowMs = Math.max(s.windowMs, heartbeatMs);
      ctx.log(`  ${n} stations over ${processes} processes, a Heartbeat every ${heartbeatMs} ms (${s.rate}/s)`);
      // A second set for the rounds side by side: each party on responders of its own.
      const sets = await Promise.all([0, 1].map(() => Promise.all(Array.from({ length: processes }, () => startResponder()))));
      const responders = sets[0] as Responder[];
      const fleetOn = (rs: readonly Responder[], stations: number, window: number | undefined) => () => startFleet(rs, stations, processes, heartbeatMs, s.rate, s.warmupMs, window);
      const bareOn = (rs: readonly Responder[], stations: number, window: number | undefined) => () => startBare(rs, stations, heartbeatMs, s.warmupMs, window);
      try {
        const fleetSmall = await one(fleetOn(responders, SMALL * processes, undefined), s.warmupMs, undefined);
        const bareSmall = await one(bareOn(responders, SMALL * processes, undefined), s.warmupMs, undefined);
        // In turns, fleet then bare, each round: a machine whose other load comes and goes lands on both alike.
        const fleetRounds: Measured[] = [];
        const bareRounds: Measured[] = [];
        for (let round = 0; round < s.rounds; round++) {
          fleetRounds.push(await one(fleetOn(responders, n, windowMs), s.warmupMs, windowMs));
          bareRounds.push(await one(bareOn(responders, n, windowMs), s.warmupMs, windowMs));
        }
        // Side by side: both over the same window, which in turns they are not (a minute apart,
        // the shared machine's other load moved per-round ratios by ±20 %). Each still has its own
        // responders and half of what the machine can give: neither saturates it.
        const sideRatios: number[] = [];
        const sideUs: { fleet: number; bare: number }[] = [];
        for (let round = 0; round < s.sideRounds; round++) {
          const [a, b] = round % 2 === 0 ? [sets[0], sets[1]] : [sets[1], sets[0]];
          const [f, bare] = (await measured([fleetOn(a as Responder[], n, windowMs), bareOn(b as Responder[], n, windowMs)], s.warmupMs, windowMs)) as [Measured, Measured];
          sideUs.push({ fleet: cpuPerCallUs(f), bare: cpuPerCallUs(bare) });
          sideRatios.push(cpuPerCallUs(f) / cpuPerCallUs(bare));
        }
        const fleetKb = median(fleetRounds.map((m) => perStation(m, fleetSmall, n, processes)));
        const bareKb = median(bareRounds.map((m) => perStation(m, bareSmall, n, processes)));
        const fleetCpu = median(fleetRounds.map(cpuPerCallUs));
        const bareCpu = median(bareRounds.map(cpuPerCallUs));
        const eachRound = fleetRounds.map((m, i) => ratio(cpuPerCallUs(m), cpuPerCallUs(bareRounds[i] as Measured))).join(', ');
        rows.push(ratioRow(`RSS per station, ${num(n)} over ${processes}`, fleetKb, bareKb, 'KB', { op: '<=', bound: 1.1 }));
        rows.push(ratioRow(`CPU per call, ${num(n)} over ${processes}`, fleetCpu, bareCpu, 'µs', { op: '<=', bound: 1.1 }));
        if (s.rounds > 1) rows.push(infoRow(`  CPU per call, each round`, eachRound));
        const side = median(sideRatios);
        // The ratio is the rounds' median ratio (each round's two figures share a window); the µs are each party's median.
        rows.push({
          ...ratioRow(`CPU per call side by side, ${num(n)} over ${processes}`, side, 1, 'µs', { op: '<=', bound: 1.1 }),
          fleet: num(median(sideUs.map((x) => x.fleet)), 'µs'),
          baseline: num(median(sideUs.map((x) => x.bare)), 'µs'),
        });
        if (s.sideRounds > 1) rows.push(infoRow(`  side by side, each round`, sideRatios.map((r) => ratio(r, 1)).join(', ')));
        const coordinator = median(fleetRounds.map((m) => (m.window?.cpuUsByProcess[0] ?? Number.NaN) / Math.max(1, m.window?.calls ?? 0)));
        rows.push(infoRow(`  of which the coordinator`, num(coordinator, 'µs')));
        const fleetFixedMb = fleetSmall.usage.rssBytes / 1024 / 1024 / fleetSmall.usage.processes;
        const bareFixedMb = bareSmall.usage.rssBytes / 1024 / 1024 / bareSmall.usage.processes;
        rows.push(infoRow(`  fixed RSS per process (${SMALL} st. each)`, num(fleetFixedMb, 'MB'), num(bareFixedMb, 'MB'), `${fleetSmall.usage.processes} / ${bareSmall.usage.processes} proc.`));
        const callsPerSec = (ms: Measured[]): number => median(ms.map((m) => ((m.window?.calls ?? 0) * 1000) / Math.max(1, m.window?.ms ?? 0)));
        rows.push(infoRow(`  calls/s in the window`, num(callsPerSec(fleetRounds)), num(callsPerSec(bareRounds)), `offered ${num(s.rate)}/s`));
        figures.push({ stations: n, processes, heartbeatMs, windowMs, sideBySideRatios: sideRatios, fleet: { rounds: fleetRounds, small: fleetSmall, perStationKb: fleetKb, cpuPerCallUs: fleetCpu }, bare: { rounds: bareRounds, small: bareSmall, perStationKb: bareKb, cpuPerCallUs: bareCpu } });
      } catch (err) {
        // A size that failed is a row that says so: the sizes measured before it (minutes of a
        // full run) are kept, and the case does not meet its targets.
        const message = err instanceof Error ? err.message : String(err);
        ctx.log(`  ${num(n)} over ${processes} failed: ${message}`);
        rows.push({ figure: `${num(n)} over ${processes}: failed`, fleet: message, baseline: '', ratio: '', target: 'completes', meets: 'no' });
        figures.push({ stations: n, processes, failed: message });
      } finally {
        await Promise.all(sets.flat().map((r) => r.stop().catch(() => undefined)));
      }
    }
    return {
      id: 12,
      name: 'processes',
      title: this.title,
      rows,
      notes: [
        `P processes = max(2, what the open-file limit needs: ${num(stationsPerProcess())} stations each); a bare responder per process.`,
        'Fleet: run() with `processes: P`, one worker each (the coordinator, P shard processes and their threads); bare: P processes of bare ws clients.',
        `Both send one Heartbeat per station per N / ${num(s.rate)} s (the same calls per second at every size); the fleet ramps at that rate, so its heartbeats spread as the bare ones' phases do.`,
        `RSS: every process of the party, /proc VmRSS, after a warm-up of ${s.warmupMs / 1000} s; per station: minus the same party at ${SMALL} per process, over the difference in stations.`,
        'CPU: /proc utime + stime of every process of the party over the window (10 ms ticks), over the calls the responders answered in it.',
        `Fleet and bare in turns, ${s.rounds} round(s); the figures are the rounds' medians. "The coordinator": the process of run(), which judges the whole fleet from its shards' records.`,
        `Side by side: ${s.sideRounds} round(s) of fleet and bare at once over the same window, each on its own P responders (the two sets swapped every round); the ratio of their CPU per call, median of the rounds.`,
        'No WebSocket pings on either side (the fleet\'s pingInterval 0; its default, every 30 s, adds N / 30 round trips a second: with them the fleet spent 1.07×, 1.37×, 1.69× and 2.05× the bare CPU per call at 5,000 to 40,000).',
        'The bare clients keep a timer per connection and record three latencies per call in the window; the fleet a scheduler per worker and HDR histograms (in its shard and again in the coordinator).',
      ],
      figures: { runs: figures },
    };
  },
};
