import { Aggregator, type NameTables } from '../metrics/aggregator';
import type { CallStats } from '../metrics/histograms';
import { windowPart, type WorkerWindow } from '../metrics/window-part';
import type { WindowLedger } from '../metrics/window-ledger';
import { evaluateHealth, type DelayFact } from '../report/health';
import { buildSummary, type CsmsExitSummary, type CsmsSummary, type HealthResult } from '../report/summary';
import type { MetricSource } from '../report/thresholds-eval';
import type { HealthSettings } from '../scenario/health';

/** What happened in a window of a live run (src/run/live-run.ts): the capacity search's step. */
export interface StepWindow {
  /** The window's bounds, ms since the run's epoch: the whole seconds within the bounds asked for. */
  readonly fromMs: number;
  readonly toMs: number;
  /** For evaluateThresholds(thresholds, source): an Aggregator holding only this window, elapsedMs = its length. */
  readonly source: MetricSource;
  /** Calls that went on the wire and ended in the window: answered, errored, timed out, cut off. */
  readonly calls: number;
  /** Calls answered (CALLRESULT, valid) per second in the window. */
  readonly callsPerSecond: number;
  /** Calls the stations tried to make per second: those that went on the wire and those never sent. */
  readonly offeredCallsPerSecond: number;
  /**
   * Stations asked to run at the window's end (this process's, with a shard), and the fewest
   * connected and booted at any second of the window (at most `active`).
   */
  readonly stations: { readonly active: number; readonly connected: number; readonly booted: number };
  /**
   * The run's health checks judged on the window: connected and booted against `active`,
   * incompleteCalls of the window's calls, csmsAlive (dead by the window's end fails), the
   * generator's delays of the window; openTransactions is not judged (sessions run across bounds).
   */
  readonly health: readonly HealthResult[];
  /** The generator's own saturation in the window: the worst worker's p99s, ms, and each worker's busy share of one core (0..1); NaN where not measured. */
  readonly generator: {
    readonly eventLoopDelayP99Ms: number;
    readonly schedulerLagP99Ms: number;
    readonly cpuPerWorker: readonly number[];
  };
}

/** What the live run knows that a window needs. */
export interface WindowFacts {
  readonly names: NameTables;
  readonly ledger: WindowLedger;
  /** Per group, the stations asked to run (this process's) at run time `ms`. */
  readonly activeAt: (ms: number) => readonly number[];
  readonly limits: HealthSettings['limits'];
  readonly embeddedCsms: boolean;
  /** The embedded CSMS's death, if it died. */
  readonly csmsDeath: CsmsExitSummary | undefined;
  readonly workers: number;
  readonly epochWallMs: number;
}

/** The window of whole seconds [fromSecond, toSecond) (toSecond > fromSecond). */
export function stepWindow(facts: WindowFacts, fromSecond: number, toSecond: number): StepWindow {
  const groups = facts.names.groupNames.length;
  const { part, lowestGauges, lowestTotal, workers } = windowPart(facts.ledger, fromSecond, toSecond, groups);
  const aggregator = new Aggregator(facts.names);
  aggregator.addPart(part);
  const fromMs = fromSecond * 1000;
  const toMs = toSecond * 1000;
  const elapsedMs = toMs - fromMs;
  const calls = totals(aggregator.actions());
  const perGroup = facts.activeAt(toMs);
  const active = perGroup.reduce((a, b) => a + b, 0);
  const stations = { active, connected: Math.min(active, lowestTotal.connected), booted: Math.min(active, lowestTotal.booted) };
  const csms: CsmsSummary | undefined = !facts.embeddedCsms
    ? undefined
    : facts.csmsDeath === undefined || facts.csmsDeath.atMs >= toMs
      ? { alive: true }
      : { alive: false, exit: facts.csmsDeath };
  const summary = buildSummary(aggregator, {
    version: '',
    scenario: '',
    seed: '',
    target: '',
    startedAt: new Date(facts.epochWallMs + fromMs),
    endedAt: new Date(facts.epochWallMs + toMs),
    partial: false,
    fleet: { planned: active, connected: stations.connected, booted: stations.booted, failedToConnect: 0, notStarted: 0 },
    settings: {},
    thresholds: [],
    passed: true,
    recordsWritten: 0,
    groupFleet: Object.fromEntries(
      facts.names.groupNames.map((name, g) => {
        const planned = perGroup[g] ?? 0;
        const low = lowestGauges[g];
        return [name, { planned, connected: Math.min(planned, low?.connected ?? 0), booted: Math.min(planned, low?.booted ?? 0), notStarted: 0 }];
      }),
    ),
    ...(csms === undefined ? {} : { csms }),
  });
  const delays = { eventLoopDelayMs: worst(workers, (w) => w.loopDelay), schedulerLagMs: worst(workers, (w) => w.schedulerLag) };
  const health = evaluateHealth(summary, { embeddedCsms: facts.embeddedCsms, workers: facts.workers, ...delays }, facts.limits).map(onWindow);
  const seconds = elapsedMs / 1000;
  return {
    fromMs,
    toMs,
    source: { aggregator, elapsedMs },
    calls: calls.sent,
    callsPerSecond: calls.ok / seconds,
    offeredCallsPerSecond: (calls.sent + calls.neverSent) / seconds,
    stations,
    health,
    generator: {
      // NaN: not measured in the window (no worker reported), which is no figure of saturation.
      eventLoopDelayP99Ms: delays.eventLoopDelayMs?.p99 ?? NaN,
      schedulerLagP99Ms: delays.schedulerLagMs?.p99 ?? NaN,
      cpuPerWorker: Array.from({ length: facts.workers }, (_v, i) => workers.find((w) => w.worker === i)?.busyShare ?? NaN),
    },
  };
}

/** The checks whose wording or meaning is the whole run's, said of a window. */
function onWindow(h: HealthResult): HealthResult {
  if (h.check === 'openTransactions') return { ...h, value: null, passed: true, detail: 'not judged on a window: sessions run across its bounds' };
  if (h.check === 'csmsAlive' && h.value === 1) return { ...h, detail: 'the embedded CSMS was alive at the end of the window' };
  return h;
}

function totals(actions: ReadonlyMap<string, CallStats>): { sent: number; ok: number; neverSent: number } {
  const t = { sent: 0, ok: 0, neverSent: 0 };
  for (const s of actions.values()) {
    t.sent += s.sent;
    t.ok += s.ok;
    t.neverSent += s.neverSent;
  }
  return t;
}

/** The worst worker's p99 of one delay (the health checks' fact), undefined when no worker reported. */
function worst(workers: readonly WorkerWindow[], pick: (w: WorkerWindow) => { samples: number; p99: number; max: number }): DelayFact | undefined {
  let out: DelayFact | undefined;
  for (const w of workers) {
    const f = pick(w);
    if (out === undefined || f.p99 > out.p99) out = { p99: f.p99, max: Math.max(f.max, out?.max ?? 0), worker: w.worker, samples: f.samples };
    else out.max = Math.max(out.max, f.max);
  }
  return out;
}
