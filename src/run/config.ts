import { availableParallelism } from 'node:os';
import { nodeLossProblem } from '../coordinator/coordinator-faults';
import { DEFAULT_HISTORY_KEEP, MAX_HISTORY_KEEP } from '../report/history-store';
import type { Threshold } from '../report/thresholds';
import { resolveHealth, type HealthSettings } from '../scenario/health';
import { planFleet, scaleGroups, shardPlan, type FleetPlan, type Shard } from '../scenario/plan';
import type { GroupSpec, Scenario } from '../scenario/types';
import { UsageError } from './exit-codes';
import { SCENARIO_OBJECT_SOURCE, validateScenario, type ScenarioObject } from './load-scenario';
import {
  addresses, checkOptionNames, durationMs, flag, MAX_CPS, MAX_SEED, MAX_WORKERS, parseHealthOption, ratePerSec, shard as shardOf, text, texts, urls,
  wholeNumber, type RunSettings,
} from './options';
import { resolveSecurity, withIdentityPasswords, type ResolvedSecurity, type SecurityFlags } from './security';
import type { RemoteWriteTarget } from './remote-write';
import { resolveRemoteWrite } from './remote-write-option';
import { DEFAULT_CONFIRM_ABOVE } from './staging-safety';
import { remoteTargets } from './targets';
import { autoProcesses, MAX_PROCESSES } from './processes/count';
import { parseRunThresholds } from './thresholds';

/** Everything a run needs, resolved once from the scenario and the options; frozen, never re-checked. */
export interface RunConfig {
  readonly scenario: Scenario;
  /** The scenario's path, or "options.scenario" for an object. */
  readonly scenarioFile: string;
  /** The scenario's groups, scaled to `cps` when it was given. */
  readonly groups: readonly GroupSpec[];
  readonly seed: number;
  /** This process's stations (one shard's, with `shard`). */
  readonly plan: FleetPlan;
  /** The CSMS URLs; undefined: the embedded CSMS, started by run(). */
  readonly remoteTargets: readonly string[] | undefined;
  readonly workers: number;
  readonly durationMs: number;
  readonly thresholds: readonly Threshold[];
  readonly health: HealthSettings;
  readonly security: ResolvedSecurity;
  readonly shard: Shard | undefined;
  /** The whole fleet's cap (this shard takes 1/N of it). */
  readonly maxRatePerSec: number | undefined;
  readonly localAddresses: readonly string[] | undefined;
  readonly out: string | undefined;
  readonly junit: string | undefined;
  readonly metrics: { readonly port: number; readonly host: string } | undefined;
  /** `--dashboard`: the live dashboard's port on 127.0.0.1 (0: the system picks a free one). */
  readonly dashboardPort: number | undefined;
  /** `--prometheus-remote-write`: where the live metrics are pushed, how often, with which labels. */
  readonly remoteWrite: RemoteWriteTarget | undefined;
  readonly yes: boolean;
  readonly confirmAbove: number;
  /** `--history DIR`: the folder the run is appended to, and how many entries of its series are kept. */
  readonly history: { readonly dir: string; readonly keep: number } | undefined;
  /** `--processes`: how many processes run the fleet (1: this one alone); `workers` is then each one's. */
  readonly processes: number;
  /**
   * `ocpp-fleet aggregate`: no fleet of its own; `shards` pods (`run --shard I/N --aggregator`)
   * connect to host:port and are judged here as one fleet (src/run/aggregate.ts sets it).
   */
  readonly aggregate?: { readonly host: string; readonly port: number; readonly shards: number; readonly waitMs: number };
  /** The scenario and the settings as given: what each process of a run over several resolves again for its shard. */
  readonly source: { readonly scenario: string | ScenarioObject; readonly settings: RunSettings };
}

/**
 * One worker per core against a remote CSMS; one core fewer when the embedded CSMS runs beside
 * the fleet, which needs a core of its own (bench/README.md: on 2 cores, 2 workers beside the
 * embedded CSMS ramped slower than 1 in every run).
 */
export function defaultWorkers(embeddedCsms: boolean): number {
  const cores = availableParallelism();
  return Math.max(1, embeddedCsms ? cores - 1 : cores);
}

const SECURITY_TEXTS = ['ca', 'passwordEnv', 'passwordFile', 'passwordTemplate', 'secretEnv', 'secretFile', 'clientCert', 'clientKey', 'clientCerts'] as const;

function securityFlags(o: RunSettings): SecurityFlags {
  const out: SecurityFlags = {};
  for (const k of SECURITY_TEXTS) if (o[k] !== undefined) out[k] = text(k, o[k]);
  if (o.insecure !== undefined) out.insecure = flag('insecure', o.insecure);
  return out;
}

/**
 * The run's one config: the scenario loaded and checked, the options checked (a wrong type or
 * range is a RunOptionError naming the option, a wrong combination a UsageError), the plan made,
 * thresholds parsed against the names that exist, credentials and TLS material read. Everything
 * that can refuse a run refuses it here, before a CSMS or a worker starts.
 */
export function resolveRunConfig(scenarioOption: string | ScenarioObject, options: RunSettings = {}): RunConfig {
  checkOptionNames(options);
  const o = options;
  const url = o.url === undefined ? undefined : urls(o.url);
  const cps = o.cps === undefined ? undefined : wholeNumber('cps', o.cps, 1, MAX_CPS);
  const workersOption = o.workers === undefined ? undefined : wholeNumber('workers', o.workers, 1, MAX_WORKERS);
  const seedOption = o.seed === undefined ? undefined : wholeNumber('seed', o.seed, 0, MAX_SEED);
  const durationOption = o.duration === undefined ? undefined : durationMs(o.duration);
  const shard = o.shard === undefined ? undefined : shardOf(o.shard);
  const maxRatePerSec = o.maxRate === undefined ? undefined : ratePerSec(o.maxRate);
  const localAddresses = o.localAddress === undefined ? undefined : addresses(o.localAddress);
  const thresholdTexts = o.thresholds === undefined ? [] : texts('thresholds', o.thresholds);
  const healthTexts = o.health === undefined ? [] : texts('health', o.health);
  const metricsPort = o.metricsPort === undefined ? undefined : wholeNumber('metricsPort', o.metricsPort, 0, 65535);
  const metricsHost = o.metricsHost === undefined ? '127.0.0.1' : text('metricsHost', o.metricsHost);
  const dashboardPort = o.dashboardPort === undefined ? undefined : wholeNumber('dashboardPort', o.dashboardPort, 0, 65535);
  const out = o.out === undefined ? undefined : text('out', o.out);
  const junit = o.junit === undefined ? undefined : text('junit', o.junit);
  const yes = o.yes === undefined ? false : flag('yes', o.yes);
  const confirmAbove = o.confirmAbove === undefined ? DEFAULT_CONFIRM_ABOVE : wholeNumber('confirmAbove', o.confirmAbove, 0, Number.MAX_SAFE_INTEGER);
  const history = o.history === undefined ? undefined : text('history', o.history);
  const historyKeep = o.historyKeep === undefined ? undefined : wholeNumber('historyKeep', o.historyKeep, 1, MAX_HISTORY_KEEP);
  if (historyKeep !== undefined && history === undefined) throw new UsageError('options.historyKeep needs options.history: the folder whose entries it keeps');
  const processesOption = o.processes === undefined || o.processes === 'auto' ? o.processes : wholeNumber('processes', o.processes, 1, MAX_PROCESSES);
  if (processesOption !== undefined && processesOption !== 1 && shard !== undefined) {
    throw new UsageError('options.processes runs every shard of the fleet itself: it cannot take options.shard (give one or the other)');
  }
  const flags = securityFlags(o);
  const healthOverrides = healthTexts.map((t) => parseHealthOption(t, 'options.health'));

  const scenario = validateScenario(scenarioOption);
  const remoteWrite = resolveRemoteWrite(o, scenario.name, shard === undefined ? undefined : `${shard.index}/${shard.count}`);
  const scenarioFile = typeof scenarioOption === 'string' ? scenarioOption : SCENARIO_OBJECT_SOURCE;
  const groups = cps === undefined ? scenario.groups : scaleGroups(scenario.groups, cps);
  const seed = seedOption ?? scenario.seed;
  const remote = remoteTargets(url, scenario);
  const full = planFleet(scenario, seed, groups);
  const plan = shard === undefined ? full : shardPlan(full, shard);
  if (plan.stations.length === 0) throw new UsageError(`${scenarioFile}: the fleet is empty (every group has count 0)`);
  // Parsed before anything starts: a threshold that cannot be evaluated refuses the run.
  const thresholds = parseRunThresholds(scenario, thresholdTexts, groups.map((g) => g.name));
  // Credentials and TLS material are read before anything starts: a missing file is bad usage.
  const security = withIdentityPasswords(resolveSecurity(flags, remote?.[0]), groups);
  // Without the option, as many as the fleet needs (one for any fleet one process holds); a shard is one process.
  const processes = processesOption === 'auto' || (processesOption === undefined && shard === undefined) ? autoProcesses(plan.stations.length) : (processesOption ?? 1);
  if (processes > plan.stations.length) {
    throw new UsageError(`processes: ${processes} for a fleet of ${plan.stations.length} station${plan.stations.length === 1 ? '' : 's'}: at most one process per station`);
  }
  const lossProblem = nodeLossProblem(scenario.faults ?? [], remote?.length ?? scenario.csms?.nodes ?? 1);
  if (lossProblem !== undefined) throw new UsageError(`${scenarioFile}:${lossProblem}`);
  return Object.freeze({
    scenario,
    scenarioFile,
    groups: Object.freeze(groups),
    seed,
    plan,
    remoteTargets: remote === undefined ? undefined : Object.freeze([...remote]),
    // Over several processes, one worker each unless told: the processes are there for the open-file limit, not for cores.
    workers: workersOption ?? (processes > 1 ? 1 : defaultWorkers(remote === undefined)),
    durationMs: durationOption ?? scenario.durationMs,
    thresholds: Object.freeze(thresholds),
    health: resolveHealth(scenario.health, ...healthOverrides),
    security,
    shard,
    maxRatePerSec,
    localAddresses,
    out,
    junit,
    metrics: metricsPort === undefined ? undefined : { port: metricsPort, host: metricsHost },
    remoteWrite,
    dashboardPort,
    yes,
    confirmAbove,
    history: history === undefined ? undefined : { dir: history, keep: historyKeep ?? DEFAULT_HISTORY_KEEP },
    processes,
    source: Object.freeze({ scenario: scenarioOption, settings: options }),
  });
}
