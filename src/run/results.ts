import { relative, resolve, sep } from 'node:path';
import { faultsSummary } from '../report/faults';
import { evaluateHealth, withHealth } from '../report/health';
import { writeRunJunit } from '../report/junit';
import { resultsDirName, writeResults } from '../report/results-dir';
import type { FleetInfo, ProcessesSummary, Summary, TargetInfo } from '../report/summary';
import type { ThresholdResult } from '../report/thresholds';
import { evaluateThresholds } from '../report/thresholds-eval';
import { describeHealthSettings } from '../scenario/health';
import type { GroupOutcome, LiveOutcome, TargetCount } from '../thread/messages';
import type { RunConfig } from './config';
import { ExitCode } from './exit-codes';
import { appendRunHistory } from './history';
import type { FleetOutcome } from './fleet';
import { redactUrl } from './targets';
import { VERSION } from './version';
import { groupVersions } from '../scenario/plan';

/**
 * Why a run ended as it did, the first that applies in this order (README, "Exit codes"):
 * - `csmsDied` (3): the embedded CSMS died during the run;
 * - `processDied` (3): over several processes (`processes`), one of them died or failed: the
 *   stations it held stopped being measured, and the others were stopped;
 * - `abortOnFail` (1): a threshold with abortOnFail stopped it: a failed verdict, not an interruption;
 * - `unreachable` (3): fail fast, nothing connected within `unreachableAfter` of the first attempt;
 * - `interrupted` (3): stopped by the caller (`signal`, Ctrl-C): partial results;
 * - `noConnection` (3): the run went its length and no station ever connected;
 * - `failed` (1): a health check or a threshold failed; `passed` (0): none did.
 */
export type RunReason = 'passed' | 'failed' | 'abortOnFail' | 'csmsDied' | 'processDied' | 'unreachable' | 'interrupted' | 'noConnection';

export interface RunResult {
  readonly summary: Summary;
  /** The CLI's exit code for this run: the same verdict for a library user. */
  readonly exitCode: ExitCode;
  readonly reason: RunReason;
  /** For `noConnection`: the line the CLI prints, with the connect errors seen by kind. */
  readonly message?: string;
  /** The results folder, absolute. */
  readonly dir: string;
  /** Each threshold with its value and verdict, in the order given (the scenario's first). */
  readonly thresholds: readonly ThresholdResult[];
  /** With `history`: the entry written for this run, and how many older entries of its series retention removed. */
  readonly history?: { readonly file: string; readonly removed: number };
}

const CONNECT_ERROR_KINDS = ['connectRefused', 'dnsFailure', 'connectTimeout', 'handshakeRejected', 'subprotocolMismatch', 'tlsError', 'other'];

const EXIT_CODES: Readonly<Record<RunReason, ExitCode>> = {
  passed: ExitCode.Ok,
  failed: ExitCode.ThresholdsFailed,
  abortOnFail: ExitCode.ThresholdsFailed,
  csmsDied: ExitCode.Aborted,
  processDied: ExitCode.Aborted,
  unreachable: ExitCode.Unreachable,
  interrupted: ExitCode.Aborted,
  noConnection: ExitCode.Unreachable,
};

/** The exit code of a reason: the one table the CLI and a library user share. */
export function exitCodeOf(reason: RunReason): ExitCode {
  return EXIT_CODES[reason];
}

function judge(fleet: FleetOutcome, connected: number, summary: Summary): { reason: RunReason; message?: string } {
  if (fleet.csmsDied) return { reason: 'csmsDied' };
  if (fleet.processDied !== undefined) return { reason: 'processDied' };
  if (fleet.aborted !== undefined) return { reason: 'abortOnFail' };
  if (fleet.unreachable !== undefined) return { reason: 'unreachable' };
  if (fleet.outcome.partial) return { reason: 'interrupted' };
  if (connected === 0) {
    const kinds = CONNECT_ERROR_KINDS.filter((k) => (summary.errors[k] ?? 0) > 0)
      .map((k) => `${k} ×${summary.errors[k]}`)
      .join(', ');
    return { reason: 'noConnection', message: `no charge point could connect to ${summary.target}${kinds ? ` (${kinds})` : ''}` };
  }
  return { reason: summary.passed ? 'passed' : 'failed' };
}

/** What a live run (live-run.ts) adds to summary.json's `settings.live`. */
export interface LiveSettings {
  readonly maxStations: number;
  /** Stations asked to run when it ended. */
  readonly activeAtEnd: number;
  /** Every resize: when (ms since the start), to how many stations, over how long a ramp. */
  readonly resizes: readonly { readonly atMs: number; readonly stations: number; readonly rampMs: number }[];
}

/**
 * The run's results folder (summary.json with its health checks judged, the histogram log, the
 * time series, report.html; JUnit when asked) and its verdict. A live run's summary says so in
 * `settings.live` (its sizes, and its stations started and retired), its length is its own, and
 * a group's `fleet` counts its retired stations.
 */
export async function writeRunResults(config: RunConfig, fleet: FleetOutcome, live?: LiveSettings): Promise<RunResult> {
  const { outcome, aggregator } = fleet;
  const { scenario, groups, plan, shard, security } = config;
  const faults = scenario.faults ?? [];
  const total = outcome.groups.reduce(
    (t, g) => ({ planned: t.planned + g.planned, attempted: t.attempted + g.attempted, connected: t.connected + g.connected, booted: t.booted + g.booted }),
    { planned: 0, attempted: 0, connected: 0, booted: 0 },
  );
  // The last seconds close first: a threshold over a trailing window reads their interval histograms.
  aggregator.finish();
  const thresholds = evaluateThresholds(config.thresholds, { aggregator, elapsedMs: outcome.endedAt.getTime() - outcome.startedAt.getTime() });
  if (fleet.aborted !== undefined) thresholds[fleet.aborted.index] = fleet.aborted.result;
  const passed = fleet.aborted === undefined && !fleet.csmsDied && fleet.processDied === undefined && thresholds.every((r) => r.verdict === 'pass');
  const shardSuffix = shard === undefined ? '' : `-shard-${shard.index}-of-${shard.count}`;
  const dir = resolve(config.out ?? resultsDirName(outcome.startedAt, scenario.name + shardSuffix));
  const summary = await writeResults(dir, aggregator, {
    version: VERSION,
    scenario: scenario.name,
    seed: config.seed,
    target: fleet.target,
    ...(outcome.targets === undefined ? {} : { targets: targetsInfo(fleet.targets, outcome.targets) }),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    partial: outcome.partial,
    fleet: fleetInfo(total),
    settings: {
      scenarioFile: config.scenarioFile,
      workers: Math.min(config.workers, plan.stations.length),
      durationMs: live === undefined ? config.durationMs : outcome.endedAt.getTime() - outcome.startedAt.getTime(),
      callTimeoutMs: scenario.callTimeoutMs,
      gracefulStopMs: scenario.gracefulStopMs,
      cps: plan.stations.length,
      timeScale: scenario.timeScale ?? 1,
      ...(shard === undefined ? {} : { shard: `${shard.index}/${shard.count}` }),
      ...(config.processes > 1 ? { processes: config.processes } : {}),
      ...(Object.keys(security.describe).length === 0 ? {} : { security: security.describe }),
      ...(config.maxRatePerSec === undefined ? {} : { maxRatePerSec: config.maxRatePerSec }),
      ...(config.localAddresses === undefined ? {} : { localAddresses: config.localAddresses }),
      health: describeHealthSettings(config.health),
      ...(live === undefined ? {} : { live: liveInfo(live, outcome.live) }),
    },
    thresholds,
    passed,
    recordsWritten: outcome.recordsWritten,
    errorSamples: outcome.errorSamples,
    generator: outcome.generator,
    ...(fleet.csms === undefined ? {} : { csms: fleet.csms }),
    ...(fleet.shards === undefined ? {} : { processes: processesInfo(fleet.shards, dir) }),
    ...(faults.length === 0 ? {} : { faults: faultsSummary(faults, [...outcome.faults, fleet.coordinatorFaults]) }),
    ...(fleet.remoteWrite === undefined ? {} : { outputs: { prometheusRemoteWrite: fleet.remoteWrite } }),
    groupVersions: groupVersions(plan),
    groupFleet: Object.fromEntries(
      outcome.groups.map((g, i) => [
        groups[i]?.name ?? String(i),
        { ...fleetInfo(g), ...bootTime(outcome.groupsTimeToAllBootedMs[i]), ...(outcome.live === undefined ? {} : { retired: outcome.live.retired[i] ?? 0 }) },
      ]),
    ),
  }, (written) => {
    const sat = outcome.saturation;
    const facts = { embeddedCsms: fleet.embedded, ...(sat === undefined ? {} : { workers: sat.workers, eventLoopDelayMs: sat.eventLoopDelayMs, schedulerLagMs: sat.schedulerLagMs }) };
    return withHealth(written, evaluateHealth(written, facts, config.health.limits));
  });
  if (config.junit !== undefined) await writeRunJunit(resolve(config.junit), summary, thresholds);
  const verdict = judge(fleet, total.connected, summary);
  const exitCode = exitCodeOf(verdict.reason);
  const history = await appendRunHistory(config, summary, aggregator, { reason: verdict.reason, exitCode, dir });
  return { summary, exitCode, ...verdict, dir, thresholds, ...(history === undefined ? {} : { history }) };
}

/** summary.json's `processes`: each shard's folder as it said, relative to the run's when inside it ('' for one that wrote none). */
function processesInfo(shards: NonNullable<FleetOutcome['shards']> & { died?: string }, dir: string): ProcessesSummary {
  const folders = shards.dirs.map((d) => (d === undefined ? '' : d.startsWith(`${dir}${sep}`) ? relative(dir, d).split(sep).join('/') : d));
  return { count: shards.count, folders, ...(shards.died === undefined ? {} : { died: shards.died }) };
}

/** summary.json's `settings.live`: its sizes, and the stations it started and retired (summed over groups). */
function liveInfo(live: LiveSettings, outcome: LiveOutcome | undefined): Record<string, unknown> {
  const sum = (xs: readonly number[] | undefined): number => (xs ?? []).reduce((a, b) => a + b, 0);
  return {
    maxStations: live.maxStations,
    activeAtEnd: live.activeAtEnd,
    resizes: live.resizes,
    started: sum(outcome?.activations),
    retired: sum(outcome?.retired),
    retiredUnsettled: sum(outcome?.forced),
  };
}

/** A group's time to all booted, only when it happened (summary fields are numbers). */
function bootTime(ms: number | null | undefined): { timeToAllBootedMs?: number } {
  return ms === null || ms === undefined ? {} : { timeToAllBootedMs: ms };
}

/** summary.json's `targets`: where the stations were at the end of the run. */
function targetsInfo(urls: readonly string[], counts: readonly TargetCount[]): TargetInfo[] {
  return counts.map((c, i) => ({ url: redactUrl(urls[i] ?? ''), stations: c.stations, connected: c.connected }));
}

function fleetInfo(o: GroupOutcome): FleetInfo {
  return {
    planned: o.planned,
    connected: o.connected,
    booted: o.booted,
    failedToConnect: o.attempted - o.connected,
    notStarted: o.planned - o.attempted,
  };
}
