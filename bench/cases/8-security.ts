/**
 * Case 8: the cost of security (issue 5). Two pairs of fleets against the embedded CSMS, each pair
 * run in turns (A B A B…) so that a load that comes and goes on a shared machine lands on both:
 *
 * - TLS: the Heartbeat closed loop over `ws://` vs `wss://` (a certificate made for the run by
 *   the tests' openssl helper, its CA trusted by the stations).
 * - OCMF: a high-rate meter-values load (every station charging, MeterValues due at a fixed
 *   rate the CSMS keeps up with) unsigned vs `signedMeterValues: ocmf`; the CSMS verifies each
 *   signature. Not a closed loop: a station signs each reading when it is taken, so a backlog
 *   would sign at the offered rate and charge it to the fewer calls answered.
 *
 * Figures: calls per second, the generator's CPU per call (all threads of its process) and the
 * embedded CSMS's CPU per call (from /proc, Linux), with the ratios secured / plain of this run.
 * The CSMS is a real one and, on a small machine, the bottleneck: the rates say what a CSMS like it
 * can take, the CPU per call what each side pays.
 */
import { readFileSync } from 'node:fs';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { makeTestPki } from '../../test/helpers/certs';
import { ChildRun } from '../lib/child';
import { processCpuUs } from '../lib/proc';
import { infoRow, num, ratio, ratioRow, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import type { FleetResult, FleetSpec } from '../lib/specs';
import { sleep } from '../lib/stats';

const SETTINGS = {
  tiny: { stations: 10, rounds: 1, warmupMs: 600, windowMs: 500, offerPerSec: 2000, meterPerSec: 100 },
  quick: { stations: 100, rounds: 2, warmupMs: 1500, windowMs: 2000, offerPerSec: 15_000, meterPerSec: 1000 },
  full: { stations: 200, rounds: 4, warmupMs: 2000, windowMs: 5000, offerPerSec: 15_000, meterPerSec: 2000 },
} as const;

interface Party {
  readonly name: string;
  readonly spec: FleetSpec;
}

interface Figures {
  calls: number;
  ms: number;
  fleetCpuUs: number;
  csmsCpuUs: number;
}

/** One party's closed loop against `csms`: boot, warm up, then count calls and CPU over a window. */
async function measure(csms: EmbeddedCsms, party: Party, warmupMs: number, windowMs: number): Promise<Figures> {
  const run = new ChildRun<FleetSpec, FleetResult>('fleet-child.js', party.spec, party.spec.capMs + 10_000);
  try {
    await run.ready();
    await sleep(warmupMs);
    const a = await run.sample();
    const c0 = processCpuUs(csms.pid);
    const t0 = performance.now();
    await sleep(windowMs);
    const b = await run.sample();
    const c1 = processCpuUs(csms.pid);
    const ms = performance.now() - t0;
    await run.finish();
    return { calls: b.count - a.count, ms, fleetCpuUs: b.cpuUs - a.cpuUs, csmsCpuUs: c1 - c0 };
  } finally {
    run.kill();
  }
}

/** Parties A and B in turns, `rounds` times each; their figures added up. */
async function inTurns(ctx: BenchContext, csms: [EmbeddedCsms, EmbeddedCsms], parties: [Party, Party], rounds: number, warmupMs: number, windowMs: number): Promise<[Figures, Figures]> {
  const sums: [Figures, Figures] = [
    { calls: 0, ms: 0, fleetCpuUs: 0, csmsCpuUs: 0 },
    { calls: 0, ms: 0, fleetCpuUs: 0, csmsCpuUs: 0 },
  ];
  for (let r = 0; r < rounds; r++) {
    for (const i of [0, 1] as const) {
      const f = await measure(csms[i], parties[i], warmupMs, windowMs);
      const sum = sums[i];
      sum.calls += f.calls;
      sum.ms += f.ms;
      sum.fleetCpuUs += f.fleetCpuUs;
      sum.csmsCpuUs += f.csmsCpuUs;
      ctx.log(`  ${parties[i].name}: ${num((f.calls * 1000) / f.ms, '/s')}, ${num(f.fleetCpuUs / Math.max(1, f.calls), 'µs')} generator CPU per call`);
    }
  }
  return sums;
}

const perSec = (f: Figures): number => (f.calls * 1000) / Math.max(1, f.ms);
const fleetUs = (f: Figures): number => f.fleetCpuUs / Math.max(1, f.calls);
const csmsUs = (f: Figures): number => f.csmsCpuUs / Math.max(1, f.calls);

function pairRows(what: string, secured: Figures, plain: Figures): Row[] {
  return [
    { ...ratioRow(`${what}: calls/s`, perSec(secured), perSec(plain), '/s', undefined) },
    { ...ratioRow(`${what}: generator CPU per call`, fleetUs(secured), fleetUs(plain), 'µs', undefined) },
    infoRow(`${what}: CSMS CPU per call`, num(csmsUs(secured), 'µs'), num(csmsUs(plain), 'µs'), ratio(csmsUs(secured), csmsUs(plain))),
  ];
}

export const securityCase: BenchCase = {
  id: 8,
  name: 'security',
  title: 'Security: the cost of TLS and of OCMF signing, against the embedded CSMS',
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const pki = makeTestPki();
    // Generous start-up: on a loaded machine a child's first schema compile can take seconds.
    const plainCsms = await startEmbeddedCsms({ startTimeoutMs: 60_000 });
    const tlsCsms = await startEmbeddedCsms({ tlsCert: pki.serverCert, tlsKey: pki.serverKey, startTimeoutMs: 60_000 });
    const capMs = s.warmupMs + s.windowMs + 20_000;
    const base = {
      stations: s.stations,
      version: '1.6',
      connectors: 1,
      workers: 1,
      rampPerSec: 0,
      mode: 'pool',
      measure: 'throughput',
      warmupMs: 0,
      windowMs: 0,
      capMs,
    } as const;
    // Offered well above what the CSMS answers, so every station always has a call queued.
    const intervalMs = (s.stations * 1000) / s.offerPerSec;
    let tls: [Figures, Figures];
    let ocmf: [Figures, Figures];
    try {
      ctx.log(`  TLS: ${s.stations} stations, Heartbeat closed loop, ws:// and wss:// in turns`);
      tls = await inTurns(
        ctx,
        [tlsCsms, plainCsms],
        [
          { name: 'wss://', spec: { ...base, url: tlsCsms.url, identity: 'TLS', heartbeatMs: intervalMs, ca: readFileSync(pki.caCert, 'utf8') } },
          { name: 'ws://', spec: { ...base, url: plainCsms.url, identity: 'PLAIN', heartbeatMs: intervalMs } },
        ],
        s.rounds,
        s.warmupMs,
        s.windowMs,
      );
      ctx.log(`  OCMF: ${s.stations} stations charging, MeterValues at ${s.meterPerSec}/s in all, signed and unsigned in turns`);
      const meterMs = (s.stations * 1000) / s.meterPerSec;
      ocmf = await inTurns(
        ctx,
        [plainCsms, plainCsms],
        [
          { name: 'signed', spec: { ...base, url: plainCsms.url, identity: 'SIGNED', heartbeatMs: undefined, meterMs, signed: true } },
          { name: 'unsigned', spec: { ...base, url: plainCsms.url, identity: 'UNSIGNED', heartbeatMs: undefined, meterMs } },
        ],
        s.rounds,
        s.warmupMs,
        s.windowMs,
      );
    } finally {
      await Promise.all([plainCsms.stop(), tlsCsms.stop()]);
    }
    return {
      id: 8,
      name: 'security',
      title: this.title,
      rows: [...pairRows('TLS (wss:// vs ws://)', tls[0], tls[1]), ...pairRows(`OCMF (signed vs unsigned), ${s.meterPerSec}/s due`, ocmf[0], ocmf[1])],
      notes: [
        'Here the fleet column is the secured party, the baseline column the plain one, both the real FleetRun (1 worker) in turns against the same kind of embedded CSMS.',
        'TLS: Heartbeat round trips; the handshake is outside the window (connect latency has it: connect.tlsHandshakeMs).',
        'OCMF: 1.6 MeterValues of 2 measurands due at a fixed total rate (calls/s near it: the rate held), signed ones with a third SampledValue (the OCMF string, ECDSA P-256); the CSMS verifies each.',
        'CSMS CPU from /proc/<pid>/stat (10 ms ticks): the CSMS is a process of its own; on 2 cores it is the bottleneck, so calls/s is its ceiling.',
      ],
      figures: { stations: s.stations, intervalMs, meterPerSec: s.meterPerSec, tls: { wss: tls[0], ws: tls[1] }, ocmf: { signed: ocmf[0], unsigned: ocmf[1] } },
    };
  },
};
