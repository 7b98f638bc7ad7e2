/**
 * Case 9: the soak. Does the generator's memory stay flat over a long run with sessions and meter
 * values, and the embedded CSMS's? (Issue 10: RSS and heap after GC per minute once the fleet is
 * steady, with the slope.)
 *
 * A mixed fleet (half 1.6, half 2.0.1, two connectors each; heartbeats, Poisson arrivals,
 * lognormal sessions, meter values) runs against the embedded CSMS in its own process for
 * `minutes`; the generator (soak-child.ts, under --expose-gc) samples itself after a forced GC and
 * the CSMS's RSS from /proc at a fixed period. Over the steady samples (after the ramp and the
 * first sessions) each series gets its least-squares slope, in KB per minute and KB per station
 * per hour, with its 95 % confidence interval and a verdict (lib/trend.ts): growing when the
 * interval lies wholly above 0 and the slope exceeds a floor of 0.05 KB per station per hour
 * (an 8-hour run would add 0.4 KB per station, ~6 % of a station's heap); flat otherwise. The heap
 * judged for leaks is the fleet's objects: V8's compiled code (which grows as functions get hot)
 * and the aggregator's interval log (which grows by design) are measured and shown apart.
 *
 * Not in the quick run (it lasts `minutes`): `--full`, or `--case 9` (a 4-minute form); `--minutes N`
 * sets its length.
 */
import { mkdirSync } from 'node:fs';
import { startEmbeddedCsms } from '../../src/csms/child';
import type { CsmsStats } from '../../src/csms/stats';
import { ChildRun } from '../lib/child';
import { infoRow, num, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';
import type { SoakResult, SoakSample, SoakSpec } from '../lib/specs';
import { round } from '../lib/stats';
import { judgeSoak, linearTrend, type Trend, type TrendVerdict } from '../lib/trend';

const SETTINGS = {
  tiny: { stations: 20, minutes: 0.2, sampleEveryMs: 1000, steadyAfterMs: 4000, rampPerSec: 0, heartbeat: '1s', meanIdle: '500ms', sessionMedian: '1500ms', meterInterval: '250ms' },
  quick: { stations: 500, minutes: 4, sampleEveryMs: 10_000, steadyAfterMs: 90_000, rampPerSec: 50, heartbeat: '10s', meanIdle: '30s', sessionMedian: '30s', meterInterval: '5s' },
  full: { stations: 2000, minutes: 30, sampleEveryMs: 60_000, steadyAfterMs: 300_000, rampPerSec: 20, heartbeat: '1m', meanIdle: '4m', sessionMedian: '4m', meterInterval: '15s' },
} as const;

/** Growth that matters, KB per station per hour (see the header). */
export const FLOOR_KB_PER_STATION_HOUR = 0.05;

const KB = 1024;
const MB = 1048576;

export interface SeriesTrend {
  readonly name: string;
  readonly first: number;
  readonly last: number;
  readonly trend: Trend;
  /**
   * The same fit over the second half of the steady samples: a leak keeps its slope, a warm-up
   * (code being compiled, heaps and arenas reaching their size) loses it.
   */
  readonly firstHalf: Trend;
  readonly secondHalf: Trend;
  readonly perStationHour: number;
  readonly verdict: TrendVerdict;
}

/** The trend of one series over the steady samples; values in bytes, slope in KB per minute. */
export function seriesTrend(name: string, steady: readonly SoakSample[], value: (s: SoakSample) => number, stations: number): SeriesTrend {
  const usable = steady.filter((s) => Number.isFinite(value(s)));
  const fit = (xs: readonly SoakSample[]): Trend =>
    linearTrend(
      xs.map((s) => s.atMs / 60_000),
      xs.map((s) => value(s) / KB),
    );
  const trend = fit(usable);
  const firstHalf = fit(usable.slice(0, Math.ceil(usable.length / 2)));
  const secondHalf = fit(usable.slice(Math.floor(usable.length / 2)));
  const floorPerMin = (FLOOR_KB_PER_STATION_HOUR * stations) / 60;
  return {
    name,
    first: usable.length > 0 ? value(usable[0] as SoakSample) : Number.NaN,
    last: usable.length > 0 ? value(usable[usable.length - 1] as SoakSample) : Number.NaN,
    trend,
    firstHalf,
    secondHalf,
    perStationHour: (trend.slope * 60) / Math.max(1, stations),
    verdict: judgeSoak(trend, firstHalf, secondHalf, floorPerMin),
  };
}

/** A slope for a cell: its sign, three significant digits. */
function signed(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${num(x)}` : '—';
}

function trendRows(t: SeriesTrend): Row[] {
  return [
    infoRow(`${t.name}: first → last steady sample`, `${(t.first / MB).toFixed(1)} → ${(t.last / MB).toFixed(1)} MB`),
    {
      figure: `  slope (${t.trend.n} samples; ± 95 %; per station per hour)`,
      fleet: `${signed(t.trend.slope)} KB/min`,
      baseline: `± ${num(t.trend.ci95)}`,
      ratio: `${signed(t.perStationHour)} KB/st./h`,
      target: 'flat',
      meets: t.verdict.verdict === 'flat' ? 'yes' : t.verdict.verdict === 'settling' ? '~' : 'no',
    },
  ];
}

/** The per-sample table, as printed. */
export function sampleTable(samples: readonly SoakSample[]): string[] {
  const head = ['  time', 'connected', 'charging', 'calls/s', 'failed', 'RSS MB', 'V8 total MB', 'external MB', 'heap MB', 'code MB', 'hlog KB', 'CSMS RSS MB'];
  const rows: string[][] = [];
  let prev: SoakSample | undefined;
  for (const s of samples) {
    const secs = Math.round(s.atMs / 1000);
    const rate = prev === undefined ? s.calls / Math.max(0.001, s.atMs / 1000) : (s.calls - prev.calls) / Math.max(0.001, (s.atMs - prev.atMs) / 1000);
    rows.push([
      `${s.steady ? ' ' : '*'} ${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`,
      String(s.connected),
      String(s.charging),
      num(rate),
      String(s.failures),
      (s.rss / MB).toFixed(1),
      (s.heapTotal / MB).toFixed(1),
      (s.external / MB).toFixed(1),
      (s.heap / MB).toFixed(2),
      (s.code / MB).toFixed(2),
      (s.hlogHeap / KB).toFixed(0),
      (s.csmsRss / MB).toFixed(1),
    ]);
    prev = s;
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), ...rows.map(line)];
}

export const soakCase: BenchCase = {
  id: 9,
  name: 'soak',
  title: 'Soak: memory of the generator and of the embedded CSMS over a long run with sessions',
  onlyWhenAsked: true,
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    const durationMs = Math.round((ctx.minutes ?? s.minutes) * 60_000);
    // A shortened run keeps at least six samples, and a quarter of it for the warm-up at most.
    const sampleEveryMs = Math.min(s.sampleEveryMs, Math.floor(durationMs / 6));
    const steadyAfterMs = Math.min(s.steadyAfterMs, Math.floor(durationMs / 4));
    if (ctx.snapshotDir !== undefined) mkdirSync(ctx.snapshotDir, { recursive: true });
    const csms = await startEmbeddedCsms({ startTimeoutMs: 60_000 });
    let result: SoakResult;
    let csmsStats: CsmsStats | undefined;
    try {
      const spec: SoakSpec = {
        url: csms.url,
        csmsPid: csms.pid,
        stations: s.stations,
        durationMs,
        sampleEveryMs,
        steadyAfterMs,
        rampPerSec: s.rampPerSec,
        heartbeat: s.heartbeat,
        meanIdle: s.meanIdle,
        sessionMedian: s.sessionMedian,
        meterInterval: s.meterInterval,
        printSamples: ctx.mode !== 'tiny',
        ...(ctx.snapshotDir === undefined ? {} : { snapshotDir: ctx.snapshotDir }),
      };
      ctx.log(
        `  ${s.stations} stations (half 1.6, half 2.0.1, 2 connectors) for ${round(durationMs / 60_000, 2)} min against the embedded CSMS; ` +
          `a sample every ${sampleEveryMs / 1000} s, steady from ${steadyAfterMs / 1000} s (* = warm-up)`,
      );
      result = await new ChildRun<SoakSpec, SoakResult>('soak-child.js', spec, durationMs + 180_000, { gc: true }).result();
      csmsStats = await csms.stats().catch(() => undefined);
    } finally {
      await csms.stop();
    }
    for (const line of sampleTable(result.samples)) ctx.log(`  ${line}`);

    const steady = result.samples.filter((x) => x.steady);
    const n = s.stations;
    const heap = seriesTrend('generator heap after GC, objects (code and hlog out)', steady, (x) => x.heap - x.code, n);
    const heapAll = seriesTrend('generator heap after GC, all (hlog out)', steady, (x) => x.heap, n);
    const code = seriesTrend("  of which V8's compiled code and bytecode", steady, (x) => x.code, n);
    const rss = seriesTrend('generator RSS', steady, (x) => x.rss, n);
    const csmsRss = seriesTrend('CSMS RSS', steady, (x) => x.csmsRss, n);
    // The heap a CLI run would hold: the rest plus every hlog line so far.
    let kept = 0;
    const withLog = result.samples.map((x) => ({ ...x, heap: x.heap + (kept += x.hlogHeap) }));
    const cliHeap = seriesTrend('heap as a CLI run holds it (hlog kept)', withLog.filter((x) => x.steady), (x) => x.heap, n);
    const span = steady.length > 1 ? ((steady[steady.length - 1] as SoakSample).atMs - (steady[0] as SoakSample).atMs) / 1000 : 0;
    const steadyCalls = steady.length > 1 ? (steady[steady.length - 1] as SoakSample).calls - (steady[0] as SoakSample).calls : 0;
    const hlogPerMin = steady.length > 0 ? steady.reduce((a, x) => a + x.hlogHeap, 0) / KB / (steady.length * (sampleEveryMs / 60_000)) : Number.NaN;
    const chargingMean = steady.length > 0 ? steady.reduce((a, x) => a + x.charging, 0) / steady.length : 0;
    const c = result.counters;
    const tx = csmsStats?.transactions;
    const rows: Row[] = [
      infoRow('load, steady: calls/s; connectors charging (mean)', `${num(span > 0 ? steadyCalls / span : 0, '/s')}`, `${num(chargingMean)} charging`),
      infoRow('sessions started / completed; failed calls', `${c.sessionsStarted ?? 0} / ${c.sessionsCompleted ?? 0}`, `${(result.samples.at(-1) as SoakSample).failures} failed`),
      ...trendRows(heap),
      ...trendRows(heapAll),
      infoRow(`${code.name}: slope`, `${signed(code.trend.slope)} KB/min`, `± ${num(code.trend.ci95)}`, `${signed(code.perStationHour)} KB/st./h`),
      ...trendRows(rss),
      ...trendRows(csmsRss),
      infoRow('hlog lines a CLI run keeps in memory (by design)', `${num(hlogPerMin, 'KB/min')}`, `${num((hlogPerMin * 480) / KB, 'MB')} per 8 h`),
      infoRow(`  ${cliHeap.name}: slope`, `${signed(cliHeap.trend.slope)} KB/min`, `± ${num(cliHeap.trend.ci95)}`, `${signed(cliHeap.perStationHour)} KB/st./h`),
    ];
    return {
      id: 9,
      name: 'soak',
      title: this.title,
      rows,
      notes: [
        `Verdicts: ${heap.name}: ${heap.verdict.verdict} (${heap.verdict.why}); ${heapAll.name}: ${heapAll.verdict.verdict} (${heapAll.verdict.why}); ${rss.name}: ${rss.verdict.verdict} (${rss.verdict.why}); ${csmsRss.name}: ${csmsRss.verdict.verdict} (${csmsRss.verdict.why}).`,
        `Halves of the steady samples (first; second): ${[heap, heapAll, rss, csmsRss].map((t) => `${t.name} ${signed(t.firstHalf.slope)} ± ${num(t.firstHalf.ci95)}; ${signed(t.secondHalf.slope)} ± ${num(t.secondHalf.ci95)} KB/min`).join('. ')}.`,
        `Growing = the slope's 95 % confidence interval lies above 0 and the slope exceeds ${FLOOR_KB_PER_STATION_HOUR} KB per station per hour (${((FLOOR_KB_PER_STATION_HOUR * n) / 60).toFixed(2)} KB/min here); the slope is least squares over the steady samples. Settling (~) = growing, but the second half's slope is below the first half's beyond both intervals: a warm-up, not a leak (a leak keeps its slope).`,
        `Fleet: ${n} stations, half 1.6 and half 2.0.1, 2 connectors, heartbeat ${s.heartbeat}, sessions Poisson (mean idle ${s.meanIdle}) of lognormal length (median ${s.sessionMedian}), meter values every ${s.meterInterval}; ramp ${s.rampPerSec > 0 ? `${s.rampPerSec}/s per group` : 'all at once'}.`,
        'The generator runs the worker\'s task on its main thread with the real Aggregator (gc() sees both); it samples after gc() twice. Its interval log (histograms.hlog) is counted and taken out at each sample: the heap it held is the "hlog" column, and the heap judged is the rest.',
        "The fleet's objects = heap − V8's code and bytecode with their metadata (v8.getHeapCodeStatistics): compiled code keeps growing for tens of minutes as more functions get hot (heap snapshots: code, deopt data, relocation info; and the maps' dependent-code lists, which these statistics do not count, so the objects still rise a little while it settles).",
        'CSMS RSS from /proc/<pid>/status (VmRSS). Its ended transactions are kept up to 16 per station (src/csms/stations.ts), so it grows until each station had 16 sessions.',
        tx ? `CSMS transactions: ${tx.started} started, ${tx.stopped} stopped, ${tx.active} active at its end; ${csmsStats?.incomingTotal.received ?? 0} CALLs received.` : 'CSMS stats: not read.',
        ...(result.snapshots.length > 0 ? [`Heap snapshots: ${result.snapshots.join(', ')} (RSS after the first is not comparable).`] : []),
      ],
      figures: {
        stations: n,
        durationMs,
        sampleEveryMs,
        steadyAfterMs,
        settings: s,
        floorKbPerStationHour: FLOOR_KB_PER_STATION_HOUR,
        trends: { heap, heapAll, code, rss, csmsRss, cliHeap },
        hlogKbPerMin: hlogPerMin,
        samples: result.samples,
        booted: result.booted,
        errors: result.errors,
        counters: result.counters,
        sent: result.sent,
        recordsWritten: result.recordsWritten,
        recordsRead: result.recordsRead,
        csms: csmsStats ? { transactions: csmsStats.transactions, incomingTotal: csmsStats.incomingTotal } : null,
      },
    };
  },
};
