/**
 * Case 4: measurement fidelity. The responder holds every answer for a known time; what the fleet
 * measures beyond it is the generator's own latency (its scheduler, queues, event loop, parsing).
 *
 *  - fixed 20 ms, and 20 ± 10 ms (uniform), at ~1,000 and ~5,000 calls/s (Heartbeats of 1,000
 *    stations every 1 s / 200 ms, phases spread over one interval): measured p50 / p99 minus the
 *    injected delay's p50 / p99. The same schedule run by a bare open-loop ws client on its own
 *    responder is the floor (the responder's timer slack and loopback are in both).
 *  - a responder that stalls (holds every answer) for 1 s every 10 s: the response time measured
 *    from when each call was due (coordinated-omission corrected) must show the stall at p99;
 *    the service time, from when the call went on the wire, must not, because the calls that
 *    would have been sent during the stall were held back by the one-outstanding-call rule and
 *    never went on the wire until it ended: a service-time histogram quietly omits them.
 */
import { ChildRun } from '../lib/child';
import { absoluteRow, infoRow, num, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import { startResponder, type ResponderOptions } from '../lib/responder-handle';
import type { BareSpec, FleetResult, FleetSpec, LatencyResult } from '../lib/specs';
import { sleep, type Percentiles } from '../lib/stats';

interface Load {
  readonly stations: number;
  readonly intervalMs: number;
}

const SETTINGS = {
  tiny: { loads: [{ stations: 20, intervalMs: 100 }], jitter: false, warmupMs: 300, windowMs: 800, stall: { ms: 200, every: 1000, stations: 10, intervalMs: 20, windowMs: 1000 } },
  quick: { loads: [{ stations: 1000, intervalMs: 200 }], jitter: false, warmupMs: 500, windowMs: 1500, stall: { ms: 300, every: 3000, stations: 50, intervalMs: 20, windowMs: 3000 } },
  full: {
    loads: [
      { stations: 1000, intervalMs: 1000 },
      { stations: 1000, intervalMs: 200 },
    ],
    jitter: true,
    warmupMs: 2000,
    windowMs: 10_000,
    stall: { ms: 1000, every: 10_000, stations: 50, intervalMs: 20, windowMs: 20_000 },
  },
} as const;

const DELAY_MS = 20;
const JITTER_MS = 10;

interface Run {
  fleet: FleetResult;
  bare: LatencyResult;
  responderHoldFleet: Percentiles;
  responderHoldBare: Percentiles;
}

/**
 * Run a latency party: once it is set up, let it warm up, forget the responder's hold times, open
 * the party's window, close it `windowMs` later, and collect both.
 */
async function windowed<S, R>(script: string, spec: (url: string) => S, responder: ResponderOptions, warmupMs: number, windowMs: number): Promise<{ result: R; hold: Percentiles }> {
  const r = await startResponder(responder);
  const child = new ChildRun<S, R>(script, spec(r.url), 180_000);
  try {
    await child.ready();
    await sleep(warmupMs);
    await r.reset();
    await child.sample();
    await sleep(windowMs);
    await child.sample();
    const result = await child.finish();
    return { result, hold: (await r.stop()).holdMs };
  } catch (err) {
    child.kill();
    await r.stop().catch(() => undefined);
    throw err;
  }
}

function fleetLatency(load: Load, responder: ResponderOptions, warmupMs: number, windowMs: number): Promise<{ result: FleetResult; hold: Percentiles }> {
  return windowed<FleetSpec, FleetResult>(
    'fleet-child.js',
    (url) => ({
      url,
      identity: 'FLEET',
      stations: load.stations,
      version: '1.6',
      connectors: 1,
      workers: 1,
      heartbeatMs: load.intervalMs,
      // Spread the connections over one interval, so the heartbeats are spread too.
      rampPerSec: (load.stations * 1000) / load.intervalMs,
      mode: 'pool',
      measure: 'latency',
      warmupMs: 0,
      windowMs: 0,
      capMs: 120_000,
    }),
    responder,
    warmupMs,
    windowMs,
  );
}

function bareLatency(load: Load, responder: ResponderOptions, warmupMs: number, windowMs: number): Promise<{ result: LatencyResult; hold: Percentiles }> {
  return windowed<BareSpec, LatencyResult>(
    'bare-client.js',
    (url) => ({ mode: 'open', url, connections: load.stations, intervalMs: load.intervalMs }),
    responder,
    warmupMs,
    windowMs,
  );
}

async function pair(load: Load, responder: ResponderOptions, warmupMs: number, windowMs: number): Promise<Run> {
  const fleet = await fleetLatency(load, responder, warmupMs, windowMs);
  const bare = await bareLatency(load, responder, warmupMs, windowMs);
  return { fleet: fleet.result, bare: bare.result, responderHoldFleet: fleet.hold, responderHoldBare: bare.hold };
}

function ms(x: number): string {
  return num(x, 'ms');
}

export const fidelityCase: BenchCase = {
  id: 4,
  name: 'fidelity',
  title: "Fidelity: the generator's own latency over a responder with a known delay; a stalling responder",
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const rows: Row[] = [];
    const figures: Record<string, unknown>[] = [];
    const delays: { label: string; opts: ResponderOptions; p50: number; p99: number }[] = [
      { label: `${DELAY_MS} ms`, opts: { delayMs: DELAY_MS }, p50: DELAY_MS, p99: DELAY_MS },
    ];
    // Uniform on [delay − jitter, delay + jitter]: its p50 is the delay, its p99 delay + 0.98 jitter.
    if (s.jitter) delays.push({ label: `${DELAY_MS}±${JITTER_MS} ms`, opts: { delayMs: DELAY_MS, jitterMs: JITTER_MS }, p50: DELAY_MS, p99: DELAY_MS + 0.98 * JITTER_MS });
    for (const load of s.loads) {
      const rate = (load.stations * 1000) / load.intervalMs;
      for (const d of delays) {
        ctx.log(`  ${num(rate)} calls/s, responder delay ${d.label}`);
        const run = await pair(load, d.opts, s.warmupMs, s.windowMs);
        const f = run.fleet.response;
        if (!f || f.count === 0) throw new Error('the fleet recorded no Heartbeat in its window');
        const b = run.bare.response;
        const gate = rate >= 5000 ? { p50: 0.5, p99: 2 } : undefined;
        rows.push(absoluteRow(`own p50 @${num(rate)}/s, ${d.label}`, f.p50 - d.p50, 'ms', gate && { op: '<=', bound: gate.p50 }, ms(b.p50 - d.p50)));
        rows.push(absoluteRow(`own p99 @${num(rate)}/s, ${d.label}`, f.p99 - d.p99, 'ms', gate && { op: '<=', bound: gate.p99 }, ms(b.p99 - d.p99)));
        const fd = run.fleet.dispatch;
        if (fd) rows.push(infoRow(`  due → on the wire p50 / p99`, `${ms(fd.p50)} / ${ms(fd.p99)}`, `${ms(run.bare.dispatch.p50)} / ${ms(run.bare.dispatch.p99)}`));
        rows.push(infoRow(`  responder's hold p50/p99`, `${ms(run.responderHoldFleet.p50)} / ${ms(run.responderHoldFleet.p99)}`, `${ms(run.responderHoldBare.p50)} / ${ms(run.responderHoldBare.p99)}`));
        rows.push(infoRow(`  measured rate`, `${num(run.fleet.perSec)}/s`, `${num(run.bare.perSec)}/s`));
        figures.push({ rate, delay: d.label, injected: { p50: d.p50, p99: d.p99 }, fleet: { response: f, service: run.fleet.service, perSec: run.fleet.perSec, errors: run.fleet.errors }, bare: run.bare, responderHold: { fleet: run.responderHoldFleet, bare: run.responderHoldBare } });
      }
    }
    // The stall: a responder that holds every answer for `ms` every `every` ms.
    const st = s.stall;
    const stallOpts: ResponderOptions = { stallMs: st.ms, stallEveryMs: st.every, stallFirstMs: s.warmupMs + Math.max(0, st.every / 2 - st.ms / 2) };
    const stallLoad: Load = { stations: st.stations, intervalMs: st.intervalMs };
    const stallRate = (st.stations * 1000) / st.intervalMs;
    ctx.log(`  stall ${st.ms} ms every ${st.every} ms at ${num(stallRate)} calls/s`);
    const run = await pair(stallLoad, stallOpts, s.warmupMs, st.windowMs);
    const fr = run.fleet.response;
    const fs = run.fleet.service;
    if (!fr || !fs) throw new Error('the fleet recorded no Heartbeat in the stall window');
    rows.push(absoluteRow(`stall ${st.ms} ms/${st.every / 1000} s: CO-corrected p99`, fr.p99, 'ms', { op: '>=', bound: st.ms / 2 }, ms(run.bare.response.p99)));
    // "Does not show the stall": far below it (a fifth), whatever noise a shared machine adds.
    rows.push(absoluteRow(`stall ${st.ms} ms/${st.every / 1000} s: service-time p99`, fs.p99, 'ms', { op: '<=', bound: st.ms / 5 }, ms(run.bare.service.p99)));
    rows.push(infoRow(`  CO-corrected / service max`, `${ms(fr.max)} / ${ms(fs.max)}`, `${ms(run.bare.response.max)} / ${ms(run.bare.service.max)}`));
    figures.push({ stall: { ms: st.ms, everyMs: st.every, rate: stallRate, windowMs: st.windowMs }, fleet: { response: fr, service: fs, errors: run.fleet.errors }, bare: run.bare });
    return {
      id: 4,
      name: 'fidelity',
      title: this.title,
      rows,
      notes: [
        "own = measured Heartbeat response time (from when it was due) minus the injected delay's same percentile (20 ms; for 20±10 ms uniform: p50 20, p99 29.8).",
        "It includes the responder's timer slack (its hold over the same window is shown: ≥ the delay) and loopback; the bare column is a bare ws client on the same schedule and its own responder: the floor.",
        "due → on the wire: how late each call left compared with its due time, the generator's send side alone (no responder in it).",
        `Stall: ${st.stations} stations × a Heartbeat every ${st.intervalMs} ms; the responder holds all answers ${st.ms} ms every ${st.every} ms (${(st.ms / st.every) * 100}% of the time).`,
        'CO-corrected (from the due time) counts every call that should have gone out during the stall, each with the wait it suffered: about',
        `${(st.ms / st.every) * 100}% of calls wait up to ${st.ms} ms, so p99 lands inside the stall. Service time (from the wire) sees one stalled call per station per stall`,
        `(~${((st.intervalMs / st.every) * 100).toFixed(1)}% of calls): the calls held back by the one-outstanding rule go out after the stall and look fast. Service p99 hides the stall; p99.9/max do not.`,
        ...(ctx.mode === 'quick' ? ['Quick mode scales the stall to 300 ms every 3 s (the same 10% duty cycle) and skips 20±10 ms and 1,000/s; --full runs them, and 1 s every 10 s over 20 s.'] : []),
      ],
      figures: { runs: figures },
    };
  },
};
