/**
 * Case 10: the capacity search against a CSMS of known capacity (issue 12, point 5, at full
 * scale). For each service time T (2, 4, 8 ms) and server count S (1, 2), `ocpp-fleet capacity`
 * itself (the real CLI, one process, with the embedded CSMS as its child in its known-capacity
 * mode) searches a fleet whose stations each send `timeScale` MeterValues a second once charging
 * (test/helpers/capacity-scenario.ts, its meter interval of 1 s divided by the time scale): the
 * true capacity is S × 1000 / T calls per second, so S × 1000 / T / timeScale stations. The
 * table gives the size found against it, the calls per second the CSMS answered at that size, how
 * many steps, and the time the search took (target: ±10 %, under 5 minutes each).
 *
 * Why 4 calls a second a station rather than 1: a new station's first calls (BootNotification,
 * two StatusNotifications, and its session's Authorize, StartTransaction and StatusNotification)
 * are six calls in its first second or so. Near the knee the CSMS has little capacity to spare
 * for them, so a step that doubles the fleet to 96 % of capacity queues ~6 s worth of the new
 * stations' calls at 1 call a second each, which drain at the 4 % left over: 72 s, longer than
 * the settle allows, and the search calls that good size bad (−7 % in the first run, README). At 4
 * calls a second the same burst is a quarter as long against the fleet's own rate.
 *
 * Only when asked (`--case 10`, or `--full`): six searches of 2–5 minutes. Tiny (the bench test):
 * one pair with short holds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CapacityReport } from '../../src/capacity/report';
import { capacityScenario } from '../../test/helpers/capacity-scenario';
import { infoRow, num, type BenchCase, type BenchContext, type CaseOutcome, type Row } from '../lib/report';

const CLI = resolve(__dirname, '../../src/cli/main.js');

interface Pair {
  readonly serviceMs: number;
  readonly servers: number;
}

const FULL_PAIRS: readonly Pair[] = [2, 4, 8].flatMap((serviceMs) => [1, 2].map((servers) => ({ serviceMs, servers })));

/**
 * The search's flags. The SLO, 500 ms, is 62 to 250 service times: an M/D/1 queue's p99 stays
 * below it to ~95 % load, and a hold of 10 s (with its warm-up) lets a size 5–10 % past capacity
 * fall that far behind.
 */
const SETTINGS = {
  tiny: { pairs: [{ serviceMs: 8, servers: 2 }], timeScale: 4, min: 15, hold: '2s', warmup: '1s', settle: '15s', precision: '0.1' },
  quick: { pairs: FULL_PAIRS, timeScale: 4, min: 15, hold: '10s', warmup: '3s', settle: '30s', precision: '0.05' },
  full: { pairs: FULL_PAIRS, timeScale: 4, min: 15, hold: '10s', warmup: '3s', settle: '30s', precision: '0.05' },
} as const;

const SLO = 'MeterValues.p99 < 500ms';
/**
 * The run's own health-check limits (200 ms) rather than the search's 50 ms: on a machine shared
 * with other work (this one's load average is often above 10 on 2 cores) a worker's scheduler
 * lags past 50 ms from the machine's load alone, at any size, and the search would stop as
 * generator-bound at its first step. The generator figures of every step are in the results.
 */
const GENERATOR_LIMITS = ['--generator-limit', 'eventLoopDelayP99Ms=200', '--generator-limit', 'schedulerLagP99Ms=200'];
const TOLERANCE = 0.1;
const TIME_LIMIT_MS = 5 * 60_000;
/** A search that has not ended by then is stopped (and the case fails). */
const KILL_AFTER_MS = 10 * 60_000;

interface Searched {
  readonly pair: Pair;
  /** Calls per second: S × 1000 / T. */
  readonly trueCapacity: number;
  /** Stations: trueCapacity over each station's calls per second. */
  readonly trueStations: number;
  readonly report: CapacityReport;
  readonly exitCode: number | null;
  readonly ms: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** MeterValues per second a station in the last step's window: `timeScale` when every station charges. */
  readonly perStation: number;
}

function runCli(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stderr });
    });
  });
}

async function searchPair(ctx: BenchContext, pair: Pair): Promise<Searched> {
  const s = SETTINGS[ctx.mode];
  const trueCapacity = (pair.servers * 1000) / pair.serviceMs;
  const trueStations = trueCapacity / s.timeScale;
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-fleet-bench-capacity-'));
  const name = `known-${pair.serviceMs}ms-${pair.servers}`;
  const scenario = join(dir, `${name}.yaml`);
  writeFileSync(scenario, capacityScenario({ name, csms: `{serviceTime: ${pair.serviceMs}ms, servers: ${pair.servers}}`, timeScale: s.timeScale }));
  const out = join(dir, 'out');
  const args = ['capacity', scenario, '--slo', SLO, '--min', String(s.min), '--max', String(Math.ceil(trueStations * 4)), '--hold', s.hold, '--warmup', s.warmup, '--settle', s.settle, '--precision', s.precision, '--workers', '1', ...GENERATOR_LIMITS, '--out', out, '--quiet'];
  const loadBefore = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const r = await runCli(args);
  const ms = performance.now() - t0;
  let report: CapacityReport;
  try {
    report = JSON.parse(readFileSync(join(out, 'capacity.json'), 'utf8')) as CapacityReport;
  } catch {
    throw new Error(`capacity search T = ${pair.serviceMs} ms, S = ${pair.servers} wrote no capacity.json (exit ${String(r.code)}):\n${r.stderr.slice(-2000)}`);
  }
  const last = report.steps.at(-1);
  const perStation = last === undefined ? Number.NaN : (last.actions.MeterValues?.calls ?? 0) / ((last.timing.windowToMs - last.timing.windowFromMs) / 1000) / last.stations;
  ctx.log(`  T = ${pair.serviceMs} ms, S = ${pair.servers}: ${report.message} (exit ${String(r.code)}, ${report.steps.length} steps, ${(ms / 1000).toFixed(0)} s, load ${loadBefore.toFixed(1)}; results in ${out})`);
  return { pair, trueCapacity, trueStations, report, exitCode: r.code, ms, loadBefore, loadAfter: loadavg()[0] ?? 0, perStation };
}

function rowsOf(x: Searched): Row[] {
  const found = x.report.capacity?.stations;
  const label = `T = ${x.pair.serviceMs} ms, S = ${x.pair.servers}`;
  const error = found === undefined ? Number.NaN : found / x.trueStations - 1;
  const within = Number.isFinite(error) && Math.abs(error) <= TOLERANCE;
  const firstBad = (x.report.limitedBy as { stations?: number } | null)?.stations;
  return [
    {
      figure: `${label}: capacity found / true (stations)`,
      fleet: found === undefined ? x.report.outcome : num(found),
      baseline: num(x.trueStations),
      ratio: Number.isFinite(error) ? `${error >= 0 ? '+' : ''}${(error * 100).toFixed(1)} %` : '—',
      target: '±10 %',
      meets: within ? 'yes' : 'no',
    },
    {
      figure: `${label}: search time`,
      fleet: `${num(x.ms / 1000)} s`,
      baseline: '',
      ratio: '',
      target: '< 300 s',
      meets: x.ms < TIME_LIMIT_MS ? 'yes' : 'no',
    },
    infoRow(
      `${label}: calls/s answered at the size found (of ${num(x.trueCapacity)}); first bad; steps`,
      `${num(x.report.capacity?.callsPerSecond ?? Number.NaN)}; ${firstBad === undefined ? '—' : num(firstBad)}; ${x.report.steps.length}`,
      `load ${x.loadBefore.toFixed(1)} → ${x.loadAfter.toFixed(1)}`,
    ),
  ];
}

export const capacityCase: BenchCase = {
  id: 10,
  name: 'capacity',
  title: 'Capacity search: found vs true capacity of a CSMS of S servers × T ms, and the time taken',
  onlyWhenAsked: true,
  async run(ctx: BenchContext): Promise<CaseOutcome> {
    const s = SETTINGS[ctx.mode];
    ctx.log(`  ${SLO}; --min ${s.min} --hold ${s.hold} --warmup ${s.warmup} --settle ${s.settle} --precision ${s.precision} --workers 1; ${s.timeScale} MeterValues a second a station`);
    const searched: Searched[] = [];
    for (const pair of s.pairs) searched.push(await searchPair(ctx, pair));
    return {
      id: 10,
      name: 'capacity',
      title: capacityCase.title,
      rows: searched.flatMap(rowsOf),
      notes: [
        `true capacity = S × 1000 / T calls/s; each station sends ${s.timeScale} MeterValues a second once its session started (and a Heartbeat every ${300 / s.timeScale} s), so S × 1000 / T / ${s.timeScale} stations`,
        `found = capacity.stations of capacity.json; the search's own precision is ${s.precision} (the bracket it stops at), the SLO ${SLO}`,
        'the search time is the CLI process\'s, start to exit: the CSMS and workers starting, every step, the results written',
        'generator limits: event-loop delay and scheduler lag p99 200 ms (the run\'s health checks\' own), not the search\'s 50 ms: on a shared machine the load alone lags a worker past 50 ms',
      ],
      figures: {
        searches: searched.map((x) => ({
          serviceMs: x.pair.serviceMs,
          servers: x.pair.servers,
          trueCapacity: x.trueCapacity,
          trueStations: x.trueStations,
          found: x.report.capacity,
          outcome: x.report.outcome,
          exitCode: x.exitCode,
          confirmed: x.report.confirmed,
          limitedBy: x.report.limitedBy,
          steps: x.report.steps.map((st) => ({
            stations: st.stations,
            callsPerSecond: st.callsPerSecond,
            passed: st.passed,
            verdict: st.verdict,
            settleMs: st.timing.settleMs,
            slo: st.slos[0]?.value,
            generator: st.generator,
          })),
          meterValuesPerStation: x.perStation,
          ms: Math.round(x.ms),
          loadBefore: x.loadBefore,
          loadAfter: x.loadAfter,
        })),
      },
    };
  },
};
