import { join } from 'node:path';
import { CoordinatorFaults } from '../coordinator/coordinator-faults';
import { NodeLoss } from '../coordinator/node-loss';
import { FleetRun, type FleetRunOptions, type FleetRunResult } from '../coordinator/run-fleet';
import type { Registry } from 'prom-client';
import type { EmbeddedCsms } from '../csms/child';
import { Aggregator } from '../metrics/aggregator';
import type { LiveView } from '../metrics/aggregator';
import type { GaugeTotals } from '../metrics/gauges';
import { ACTION_NAMES, ERROR_KINDS } from '../ocpp';
import type { CsmsSummary, RemoteWriteSummary } from '../report/summary';
import type { ThresholdResult } from '../report/thresholds';
import { abortingThreshold } from '../report/thresholds-eval';
import { describeResult } from '../report/thresholds-format';
import { groupVersions } from '../scenario/plan';
import { COUNTER_NAMES } from '../station/counters';
import type { FaultOutcome } from '../thread/messages';
import type { RunConfig } from './config';
import { CsmsSupervision, startRunCsms, type StoppableRun } from './csms-supervision';
import { Dashboard } from './dashboard';
import { stationOptions } from './fleet-options';
import { UnreachableWatch } from './fail-fast';
import type { RunHooks, RunNotice } from './options';
import type { RemoteWriter, RemoteWriteTarget } from './remote-write';
import { forkLinks } from './processes/links';
import { ProcessFleet } from './processes/process-fleet';
import { listenForShards, type ShardServer } from './processes/ws-links';
import { processTasks } from './processes/tasks';
import { describeTargets } from './targets';

/** What the fleet's run leaves for the results and the verdict. */
export interface FleetOutcome {
  readonly outcome: FleetRunResult;
  readonly aggregator: Aggregator;
  /** The CSMS URLs the stations used (the embedded CSMS's when there was no target). */
  readonly targets: readonly string[];
  /** summary.json's `target`. */
  readonly target: string;
  readonly embedded: boolean;
  /** The abortOnFail threshold that stopped the run, with the value that made it fire. */
  readonly aborted: { readonly index: number; readonly result: ThresholdResult } | undefined;
  /** Fail fast's message when it stopped the run. */
  readonly unreachable: string | undefined;
  readonly csmsDied: boolean;
  readonly csms: CsmsSummary | undefined;
  /** The node losses' outcome (the coordinator's part of the faults timeline). */
  readonly coordinatorFaults: readonly FaultOutcome[];
  /** With `--prometheus-remote-write`: what the pushes did. */
  readonly remoteWrite: RemoteWriteSummary | undefined;
  /** With `--dashboard`: still serving, for the final report (run.ts finishes it once the results are written). */
  readonly dashboard: Dashboard | undefined;
  /** Over several processes: the first one that died or failed while the run went, as said. */
  readonly processDied?: string;
  /** Over several processes or shards: how many, and each one's results folder (undefined: it wrote none). */
  readonly shards?: { readonly count: number; readonly dirs: readonly (string | undefined)[] };
}

/**
 * Stops a FleetRun as the hooks ask: `signal` winds down (a first stop), `hardStop` cuts (a second).
 * Aborts that came before the run existed (while the CSMS and the workers started, which can take
 * seconds on a loaded machine) are applied as it is attached: the run still ends with results.
 */
class AbortLink {
  private issued = 0;
  private run: StoppableRun | undefined;
  private readonly graceful = (): void => this.ensure(this.hooks.hardStop === true ? 2 : 1);
  private readonly hard = (): void => this.ensure(2);

  constructor(private readonly hooks: RunHooks) {
    hooks.signal?.addEventListener('abort', this.graceful);
    if (hooks.hardStop instanceof AbortSignal) hooks.hardStop.addEventListener('abort', this.hard);
  }

  attach(run: StoppableRun): void {
    this.run = run;
    if (this.hooks.hardStop instanceof AbortSignal && this.hooks.hardStop.aborted) this.hard();
    else if (this.hooks.signal?.aborted === true) this.graceful();
  }

  private ensure(stops: number): void {
    if (this.run === undefined) return;
    while (this.issued < stops) {
      this.issued++;
      this.run.stop();
    }
  }

  dispose(): void {
    this.hooks.signal?.removeEventListener('abort', this.graceful);
    if (this.hooks.hardStop instanceof AbortSignal) this.hooks.hardStop.removeEventListener('abort', this.hard);
  }
}

/** A fleet that has started: its run going, and how it ends. */
export interface StartedFleet {
  readonly run: FleetRun;
  readonly aggregator: Aggregator;
  /** The run's epoch (wall-clock ms): every record's time counts from it. */
  readonly epochWallMs: number;
  readonly targets: readonly string[];
  readonly supervision: CsmsSupervision | undefined;
  /** Arms fail fast for a first connection attempt `firstAttemptMs` after the epoch (a live run's first start). */
  armFailFast(firstAttemptMs: number): void;
  /** Settles once the run is over and everything it started is stopped. */
  readonly outcome: Promise<FleetOutcome>;
}

/** What startFleet hands over when the workers have started: the StartedFleet without its outcome. */
type Started = Omit<StartedFleet, 'outcome'>;

/** The fleet's run under its watches, to its end (see startFleet). */
export async function runFleet(config: RunConfig, hooks: RunHooks): Promise<FleetOutcome> {
  // Over several processes nothing drives the fleet from outside: only its outcome is awaited.
  if (config.processes > 1 || config.aggregate !== undefined) return fleetOutcome(config, hooks, undefined, () => undefined);
  return (await startFleet(config, hooks)).outcome;
}

/**
 * Starts the fleet's run under its watches: the embedded CSMS started and supervised (its death
 * stops the run at once), fail fast (nothing connected in time: stop at once), abortOnFail (checked
 * once a second from the aggregator), the faults timeline's node losses, the live metrics server,
 * and the hooks' progress and stops. Resolves once the workers have started; everything started
 * here is stopped here, whatever happens, before `outcome` settles. A live run (`live`) starts no
 * station by itself, has no duration and no abortOnFail (a capacity search pushes past limits on
 * purpose and judges its own windows), and arms fail fast at its first start.
 */
export function startFleet(config: RunConfig, hooks: RunHooks, live?: FleetRunOptions['live']): Promise<StartedFleet> {
  return new Promise((resolve, reject) => {
    // The workers start after the CSMS and the pool, so `outcome` is set by the time onStarted runs.
    const outcome: Promise<FleetOutcome> = fleetOutcome(config, hooks, live, (started) => resolve({ ...started, outcome }));
    outcome.then(() => reject(new Error('the fleet ended before it started')), reject);
  });
}

async function fleetOutcome(config: RunConfig, hooks: RunHooks, live: FleetRunOptions['live'], onStarted: (s: Started) => void): Promise<FleetOutcome> {
  const { scenario, plan, thresholds } = config;
  const notice = hooks.onNotice ?? ((): void => undefined);
  const abort = new AbortLink(hooks);
  let csms: EmbeddedCsms | undefined;
  let metrics: { port: number; close(): Promise<void> } | undefined;
  let dashboard: Dashboard | undefined;
  let shardServer: ShardServer | undefined;
  let handedOver = false;
  try {
    // First: a port taken refuses the run before anything starts.
    if (config.dashboardPort !== undefined) {
      const versions = groupVersions(plan);
      dashboard = await Dashboard.listen({
        port: config.dashboardPort,
        scenario: scenario.name,
        target: config.remoteTargets === undefined ? 'the embedded CSMS' : describeTargets(config.remoteTargets, false),
        groups: config.groups.map((g) => ({ name: g.name, ...(versions[g.name] === undefined ? {} : { ocpp: versions[g.name] as string }) })),
      });
      notice({ kind: 'dashboard', message: `dashboard: ${dashboard.url} (the final report replaces it when the run ends)` });
    }
    // An aggregator's shards have their own targets: it starts no CSMS.
    shardServer = config.aggregate === undefined ? undefined : await listenForShards(config.aggregate.host, config.aggregate.port, config.aggregate.shards, config.aggregate.waitMs);
    if (shardServer !== undefined) notice({ kind: 'aggregator', message: `aggregator: waiting for ${config.aggregate?.shards} shards on ws://${config.aggregate?.host}:${shardServer.port}/shard/I` });
    csms = config.remoteTargets === undefined && shardServer === undefined ? await startRunCsms(scenario, plan.stations.length) : undefined;
    // A CSMS over several processes: each station straight to its own process (no hand-over on the way).
    const targets: readonly string[] = config.remoteTargets ?? csms?.processUrls ?? csms?.urls ?? [];
    const names = { actionNames: ACTION_NAMES, groupNames: config.groups.map((g) => g.name), errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES };
    const aggregator = new Aggregator(names);
    let lastGauges: GaugeTotals | undefined;
    // prom-client and protobufjs are loaded only by the runs that export metrics: a run that
    // does not would pay some 40 ms of CPU for them, a test suite of a hundred runs 4 s.
    const exported = config.metrics === undefined && config.remoteWrite === undefined ? undefined : await import('../coordinator/live-metrics');
    const registry = exported?.fleetRegistry(aggregator, () => lastGauges, names.groupNames);
    if (config.metrics !== undefined && exported !== undefined && registry !== undefined) {
      const { port, host } = config.metrics;
      metrics = await exported.serveMetrics(registry, port, host);
      notice({ kind: 'metrics', message: `metrics: http://${host}:${metrics.port}/metrics` });
    }
    const remoteWriter = config.remoteWrite === undefined || registry === undefined ? undefined : await startRemoteWriter(registry, config.remoteWrite, notice);
    let aborted: FleetOutcome['aborted'];
    let remoteWrite: RemoteWriteSummary | undefined;
    const abortable = live === undefined && thresholds.some((t) => t.abortOnFail);
    // Fail fast only within the load: after it, the end of the run says the same (exit 3).
    const firstAttemptMs = plan.stations.reduce((m, st) => Math.min(m, st.connectAtMs), Infinity);
    const after = config.health.unreachableAfterMs;
    const failFastMs = after !== null && (live !== undefined || firstAttemptMs + after < config.durationMs) ? after : null;
    const target = shardServer !== undefined && targets.length === 0 ? 'the shards\' targets' : describeTargets(targets, csms !== undefined);
    const unreachable = new UnreachableWatch(aggregator, { afterMs: failFastMs, firstAttemptMs, connectTimeoutMs: scenario.callTimeoutMs, target }, (why) => {
      notice({ kind: 'unreachable', message: `error: ${why}; stopping the run` });
      // Twice: nothing connected, so there is nothing to wind down gracefully.
      run.stop();
      run.stop();
    });
    // The last station due to connect: until then the fleet is still ramping up.
    const rampEndMs = plan.stations.reduce((m, st) => Math.max(m, st.connectAtMs), 0);
    let epoch = 0;
    const fleetHooks = {
      plan,
      aggregator,
      onStart: (epochWallMs: number) => {
        epoch = epochWallMs;
        coordinatorFaults.start(epochWallMs);
        if (live === undefined) unreachable.start(epochWallMs);
        supervision?.start(epochWallMs);
        remoteWriter?.start();
        dashboard?.attach(aggregator, new Date(epochWallMs));
        if (run instanceof FleetRun) onStarted({ run, aggregator, epochWallMs, targets, supervision, armFailFast: (ms) => unreachable.start(epoch, ms) });
      },
      onTick: (second: number, liveView: LiveView, gauges: GaugeTotals) => {
        lastGauges = gauges;
        if (hooks.onProgress !== undefined || dashboard !== undefined) {
          const ms = second * 1000;
          const phase = run.stopping || ms >= config.durationMs ? 'stopping' : ms <= rampEndMs ? 'ramp' : 'steady';
          const progress = { second, planned: plan.stations.length, durationMs: config.durationMs, phase, live: liveView, gauges, errors: aggregator.errors() } as const;
          dashboard?.progress(progress);
          hooks.onProgress?.(progress);
        }
        // Second 0 has no whole second behind it: a rate over it would mean little.
        if (!abortable || aborted !== undefined || second < 1) return;
        aborted = abortingThreshold([...thresholds], { aggregator, elapsedMs: second * 1000 });
        if (aborted === undefined) return;
        notice({ kind: 'abortOnFail', message: `threshold failed, aborting the run (abortOnFail): ${describeResult(aborted.result)}` });
        run.stop();
      },
    };
    // A live run (a capacity search) drives its workers itself: it stays in this process.
    const shards = shardServer ?? (config.processes > 1 && live === undefined ? forkLinks(processTasks(config, targets, config.out ?? '.'), join(__dirname, 'processes', 'child-main.js')) : undefined);
    const run: FleetRun | ProcessFleet =
      shards !== undefined
        ? new ProcessFleet({
            ...fleetHooks,
            links: shards,
            onProcessDied: (message) => notice({ kind: 'processDied', message: `error: ${message}; stopping the run` }),
          })
        : new FleetRun({ ...fleetHooks, ...stationOptions(config, targets), ...(live === undefined ? {} : { live }) });
    const supervision = csms === undefined ? undefined : new CsmsSupervision(csms, run, (message) => notice({ kind: 'csmsDied', message }));
    const coordinatorFaults = new CoordinatorFaults(scenario.faults ?? [], new NodeLoss(run, targets.length, csms));
    abort.attach(run);
    try {
      let outcome: FleetRunResult;
      try {
        outcome = await run.run();
      } finally {
        // The final push holds the run's last counts; made even when the run failed, never twice.
        remoteWrite = await remoteWriter?.finish();
      }
      const csmsSummary = await supervision?.summary();
      handedOver = true;
      return {
        outcome,
        aggregator,
        targets,
        target,
        embedded: csms !== undefined,
        aborted,
        unreachable: unreachable.fired,
        csmsDied: supervision?.died === true,
        csms: csmsSummary,
        coordinatorFaults: coordinatorFaults.parts(),
        remoteWrite,
        dashboard,
        ...(run instanceof ProcessFleet ? { shards: { count: shards?.count ?? 0, dirs: run.dirs, ...(run.death === undefined ? {} : { died: run.death }) } } : {}),
        ...(run instanceof ProcessFleet && run.death !== undefined ? { processDied: run.death } : {}),
      };
    } finally {
      coordinatorFaults.dispose();
      unreachable.dispose();
    }
  } finally {
    abort.dispose();
    await csms?.stop();
    await shardServer?.close();
    await metrics?.close();
    if (!handedOver) await dashboard?.close();
  }
}

/** The remote writer of a run that has one; its module (protobufjs, snappyjs) is loaded only then. */
async function startRemoteWriter(registry: Registry, target: RemoteWriteTarget, notice: (n: RunNotice) => void): Promise<RemoteWriter> {
  const { metricFamilies, RemoteWriter: Writer } = await import('./remote-write');
  return new Writer(() => metricFamilies(registry), target, (message) => notice({ kind: 'remoteWrite', message: `warning: ${message}` }));
}
