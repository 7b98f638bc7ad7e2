import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CoordinatorFaults, nodeLossProblem } from '../coordinator/coordinator-faults';
import { NodeLoss } from '../coordinator/node-loss';
import { FleetRun } from '../coordinator/run-fleet';
import { groupConfigs } from '../coordinator/groups';
import { startEmbeddedCsms, type EmbeddedCsms, type EmbeddedCsmsOptions } from '../csms/child';
import { CsmsSupervision } from './csms-supervision';
import { Interrupts } from './interrupts';
import { Aggregator } from '../metrics/aggregator';
import { ACTION_NAMES, ERROR_KINDS } from '../ocpp';
import { faultsSummary } from '../report/faults';
import { writeRunJunit } from '../report/junit';
import { abortingThreshold, evaluateThresholds } from '../report/thresholds-eval';
import { describeResult } from '../report/thresholds-format';
import { evaluateHealth, withHealth } from '../report/health';
import { endOfRunText } from '../report/run-text';
import type { ThresholdResult } from '../report/thresholds';
import { resultsDirName, writeResults } from '../report/results-dir';
import type { CsmsSummary, FleetInfo, Summary, TargetInfo } from '../report/summary';
import type { GroupOutcome, TargetCount } from '../thread/messages';
import { identityPasswords } from '../scenario/identities';
import { loadScenario } from './load-scenario';
import type { GroupSpec, Scenario } from '../scenario/types';
import { parseRunThresholds } from './run-thresholds';
import { MAX_SHARDS, parseShard, planFleet, scaleGroups, shardPlan, type Shard } from '../scenario/plan';
import { planText } from '../scenario/plan-text';
import { fleetRegistry, serveMetrics } from '../coordinator/live-metrics';
import type { GaugeTotals } from '../metrics/gauges';
import { InvalidArgumentError } from 'commander';
import { COUNTER_NAMES } from '../station/counters';
import { defaultWorkers, duration, host as hostOption, MAX_SEED, nonNegativeInt, port as portOption, positiveInt, rate as rateOption, redactUrl } from './options';
import { addSecurityOptions, resolveSecurity, type ResolvedSecurity, type SecurityFlags } from './security-options';
import { confirmTargets, DEFAULT_CONFIRM_ABOVE } from './staging-safety';
import { collectUrl, describeTargets, remoteTargets } from './targets-option';
import { StatusLine } from './status-line';
import { VERSION } from './version';
import { ExitCode, UsageError } from './exit-codes';
import { UnreachableWatch } from './fail-fast';
import { collectHealth } from './health-option';
import { describeHealthSettings, resolveHealth, type HealthOverrides } from '../scenario/health';

export interface RunFlags extends SecurityFlags {
  /** --url, once per target (commander's collect pattern); overrides the scenario's `targets`. */
  url?: string[];
  cps?: number;
  duration?: number;
  workers?: number;
  seed?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  /** Threshold texts from --threshold, in the order given. */
  threshold: string[];
  junit?: string;
  shard?: Shard;
  metricsPort?: number;
  metricsHost: string;
  /** Print the plan (charge points per worker and group, expected calls per second) and exit without connecting. */
  dryRun?: boolean;
  maxRate?: number;
  localAddress?: string[];
  yes?: boolean;
  confirmAbove: number;
  /** --health, in the order given (applied after the scenario's `health:` block). */
  health?: HealthOverrides[];
}

const CONNECT_ERROR_KINDS = ['connectRefused', 'dnsFailure', 'connectTimeout', 'handshakeRejected', 'subprotocolMismatch', 'tlsError', 'other'];

export const DEFAULT_SCENARIO = 'scenarios/smoke.yaml';

function addressList(value: string): string[] {
  const list = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
  const bad = list.find((a) => isIP(a) === 0);
  if (list.length === 0 || bad !== undefined) throw new InvalidArgumentError(`--local-address takes IP addresses separated by commas, got "${bad ?? value}"`);
  return list;
}

/** `I/N`, or `index/N` on Kubernetes, where an Indexed Job sets JOB_COMPLETION_INDEX (from 0). */
function shardOption(value: string): Shard {
  let text = value;
  if (/^\s*index\s*\//.test(value)) {
    const index = process.env.JOB_COMPLETION_INDEX;
    if (index === undefined || !/^\d+$/.test(index)) {
      throw new InvalidArgumentError(`--shard ${value} takes I from JOB_COMPLETION_INDEX, which is ${index === undefined ? 'not set' : `"${index}"`}`);
    }
    text = value.replace(/^\s*index/, String(Number(index) + 1));
  }
  const shard = parseShard(text);
  if (shard === undefined) throw new InvalidArgumentError(`--shard must be I/N with 1 ≤ I ≤ N, e.g. 2/4, got "${value}" (N at most ${MAX_SHARDS})`);
  return shard;
}

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run a fleet of virtual charge points against a CSMS (the embedded one when no --url is given)')
    .argument('[scenario]', 'scenario file (YAML)', DEFAULT_SCENARIO)
    .option('--url <url>', 'CSMS base URL, ws:// or wss://; stations connect to <url>/<identity>; repeat for several targets (stations spread over them and fail over)', collectUrl)
    .option('--cps <n>', 'fleet size: scale the scenario\'s groups to N charge points in total', positiveInt('--cps', 1_000_000))
    .option('--duration <d>', 'how long the load runs, e.g. 30s, 10m (overrides the scenario)', duration('--duration'))
    .option('--workers <n>', 'worker threads (default: one per core, one fewer beside the embedded CSMS)', positiveInt('--workers', 64))
    .option('--seed <n>', 'seed of every random choice (overrides the scenario)', nonNegativeInt('--seed', MAX_SEED))
    .option('--out <dir>', 'results folder (default results/<UTC timestamp>-<scenario>)')
    .option('--json', 'print summary.json to stdout (the table goes to stderr)')
    .option('--quiet', 'no status line and no table')
    .option(
      '--threshold <expr>',
      'pass/fail criterion, repeatable, e.g. "BootNotification.p99 < 800ms", "errors.rate < 0.1%"; a failure exits 1',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--junit <file>', 'also write a JUnit XML report: one test case per threshold, per health check, and one for protocol errors')
    .option('--health <check=limit>', 'change a health check\'s limit or turn it off (check=off), repeatable; "off" turns every check off', collectHealth, [] as HealthOverrides[])
    .option('--shard <I/N>', 'run the I-th of N disjoint slices of the fleet (I from 1; "index/N" takes I from JOB_COMPLETION_INDEX + 1); merge the results with `ocpp-fleet merge`', shardOption)
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://<metrics-host>:<port>/metrics during the run (0 picks a port)', portOption('--metrics-port'))
    .option('--metrics-host <host>', 'address of the metrics server', hostOption('--metrics-host'), '127.0.0.1')
    .option('--dry-run', 'print the plan (charge points per worker and group, ramp, expected calls per second) and exit without connecting')
    .option('--max-rate <rate>', 'cap on the CALLs per second the whole fleet sends, e.g. 500/s (each of N shards takes 1/N)', rateOption('--max-rate'))
    .option('--local-address <addresses>', 'source addresses to spread connections over, comma-separated (each has ~28,000 ports)', addressList)
    .option('--yes', 'confirm a run against a target that is not this machine (needed without a terminal)')
    .option('--confirm-above <n>', 'fleet size above which a non-loopback target needs confirmation', nonNegativeInt('--confirm-above'), DEFAULT_CONFIRM_ABOVE);
  addSecurityOptions(command)
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
    });
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const scenario = loadScenario(file);
  const groups = flags.cps === undefined ? scenario.groups : scaleGroups(scenario.groups, flags.cps);
  const seed = flags.seed ?? scenario.seed;
  const remote = remoteTargets(flags.url, scenario);
  const workers = flags.workers ?? defaultWorkers(remote === undefined);
  const plan = flags.shard === undefined ? planFleet(scenario, seed, groups) : shardPlan(planFleet(scenario, seed, groups), flags.shard);
  if (plan.stations.length === 0) throw new UsageError(`${file}: the fleet is empty (every group has count 0)`);
  const durationMs = flags.duration ?? scenario.durationMs;
  // Parsed before anything starts: a threshold that cannot be evaluated exits 2 with nothing run.
  const thresholds = parseRunThresholds(scenario, flags.threshold ?? [], groups.map((g) => g.name));
  const health = resolveHealth(scenario.health, ...(flags.health ?? []));
  if (flags.dryRun) {
    process.stdout.write(planText(plan, { workers, durationMs, ...(flags.url === undefined ? {} : { targets: flags.url }) }));
    return ExitCode.Ok;
  }

  // Credentials and TLS material are read before anything starts: a missing file is bad usage.
  const security = withIdentityPasswords(resolveSecurity(flags, remote?.[0]), groups);
  const lossProblem = nodeLossProblem(scenario.faults ?? [], remote?.length ?? scenario.csms?.nodes ?? 1);
  if (lossProblem !== undefined) throw new UsageError(`${file}:${lossProblem}`);
  if (remote !== undefined) await confirmTargets(remote, plan.stations.length, flags.confirmAbove, flags.yes === true);
  // Listening from before the CSMS and the workers start: a Ctrl-C then still ends in a partial result.
  const interrupts = new Interrupts();
  const csms: EmbeddedCsms | undefined = remote === undefined ? await startEmbeddedCsms(embeddedCsmsOptions(scenario)) : undefined;
  const targets: readonly string[] = remote ?? (csms as EmbeddedCsms).urls;
  const baseUrl = targets[0] as string;
  const names = {
    actionNames: ACTION_NAMES,
    groupNames: groups.map((g) => g.name),
    errorNames: ERROR_KINDS,
    counterNames: COUNTER_NAMES,
  };
  const aggregator = new Aggregator(names);
  let lastGauges: GaugeTotals | undefined;
  const metrics =
    flags.metricsPort === undefined
      ? undefined
      : await serveMetrics(fleetRegistry(aggregator, () => lastGauges, names.groupNames), flags.metricsPort, flags.metricsHost);
  if (metrics !== undefined && !flags.quiet) process.stderr.write(`metrics: http://${flags.metricsHost}:${metrics.port}/metrics\n`);
  const status = flags.quiet ? undefined : new StatusLine(plan.stations.length);
  // abortOnFail (k6's): checked once a second from the aggregator; the result that fired is kept,
  // with the value that made it fire, for the summary.
  let aborted: { index: number; result: ThresholdResult } | undefined;
  const abortable = thresholds.some((t) => t.abortOnFail);
  // Fail fast only within the load: after it, the end of the run says the same (exit 3).
  const firstAttemptMs = plan.stations.reduce((m, st) => Math.min(m, st.connectAtMs), Infinity);
  const after = health.unreachableAfterMs;
  const failFastMs = after !== null && firstAttemptMs + after < durationMs ? after : null;
  const target = describeTargets(targets, csms !== undefined);
  const unreachable = new UnreachableWatch(aggregator, { afterMs: failFastMs, firstAttemptMs, connectTimeoutMs: scenario.callTimeoutMs, target }, (why) => {
    status?.end();
    process.stderr.write(`error: ${why}; stopping the run\n`);
    // Twice: nothing connected, so there is nothing to wind down gracefully.
    run.stop();
    run.stop();
  });
  const run = new FleetRun({
    plan,
    groups: groupConfigs(scenario, groups),
    baseUrl,
    ...(targets.length > 1 ? { targetUrls: targets } : {}),
    security: security.security,
    passwordOf: security.passwordOf,
    ...(flags.maxRate === undefined ? {} : { maxCallsPerSec: flags.maxRate / (flags.shard?.count ?? 1) }),
    ...(flags.localAddress === undefined ? {} : { localAddresses: flags.localAddress }),
    workers,
    durationMs,
    gracefulStopMs: scenario.gracefulStopMs,
    ...(scenario.faults === undefined ? {} : { faults: scenario.faults }),
    aggregator,
    onStart: (epoch) => {
      coordinatorFaults.start(epoch);
      unreachable.start(epoch);
      supervision?.start(epoch);
    },
    onTick: (second, live, gauges) => {
      lastGauges = gauges;
      status?.update(second, live, gauges);
      // Second 0 has no whole second behind it: a rate over it would mean little.
      if (!abortable || aborted !== undefined || second < 1) return;
      aborted = abortingThreshold(thresholds, { aggregator, elapsedMs: second * 1000 });
      if (aborted === undefined) return;
      status?.end();
      process.stderr.write(`threshold failed, aborting the run (abortOnFail): ${describeResult(aborted.result)}\n`);
      run.stop();
    },
  });
  // The embedded CSMS's death during the run stops it at once (see csms-supervision.ts).
  const supervision = csms === undefined ? undefined : new CsmsSupervision(csms, run, () => status?.end());
  const coordinatorFaults = new CoordinatorFaults(scenario.faults ?? [], new NodeLoss(run, targets.length, csms));
  interrupts.attach(run, status);
  let outcome;
  let csmsSummary: CsmsSummary | undefined;
  try {
    outcome = await run.run();
    csmsSummary = await supervision?.summary();
  } finally {
    coordinatorFaults.dispose();
    interrupts.dispose();
    unreachable.dispose();
    status?.end();
    await csms?.stop();
    await metrics?.close();
  }
  const fleet = outcome.groups.reduce(
    (t, g) => ({
      planned: t.planned + g.planned,
      attempted: t.attempted + g.attempted,
      connected: t.connected + g.connected,
      booted: t.booted + g.booted,
    }),
    { planned: 0, attempted: 0, connected: 0, booted: 0 },
  );
  const results = evaluateThresholds(thresholds, { aggregator, elapsedMs: outcome.endedAt.getTime() - outcome.startedAt.getTime() });
  if (aborted !== undefined) results[aborted.index] = aborted.result;
  const passed = aborted === undefined && supervision?.died !== true && results.every((r) => r.verdict === 'pass');
  const shardSuffix = flags.shard === undefined ? '' : `-shard-${flags.shard.index}-of-${flags.shard.count}`;
  const dir = resolve(flags.out ?? resultsDirName(outcome.startedAt, scenario.name + shardSuffix));
  const summary: Summary = await writeResults(dir, aggregator, {
    version: VERSION,
    scenario: scenario.name,
    seed,
    target,
    ...(outcome.targets === undefined ? {} : { targets: targetsInfo(targets, outcome.targets) }),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    partial: outcome.partial,
    fleet: fleetInfo(fleet),
    settings: {
      scenarioFile: file,
      workers: Math.min(workers, plan.stations.length),
      durationMs,
      callTimeoutMs: scenario.callTimeoutMs,
      gracefulStopMs: scenario.gracefulStopMs,
      cps: plan.stations.length,
      timeScale: scenario.timeScale ?? 1,
      ...(flags.shard === undefined ? {} : { shard: `${flags.shard.index}/${flags.shard.count}` }),
      ...(Object.keys(security.describe).length === 0 ? {} : { security: security.describe }),
      ...(flags.maxRate === undefined ? {} : { maxRatePerSec: flags.maxRate }),
      ...(flags.localAddress === undefined ? {} : { localAddresses: flags.localAddress }),
      health: describeHealthSettings(health),
    },
    thresholds: results,
    passed,
    recordsWritten: outcome.recordsWritten,
    errorSamples: outcome.errorSamples,
    generator: outcome.generator,
    ...(csmsSummary === undefined ? {} : { csms: csmsSummary }),
    ...((scenario.faults ?? []).length === 0 ? {} : { faults: faultsSummary(scenario.faults ?? [], [...outcome.faults, coordinatorFaults.parts()]) }),
    groupFleet: Object.fromEntries(
      outcome.groups.map((g, i) => [groups[i]?.name ?? String(i), { ...fleetInfo(g), ...bootTime(outcome.groupsTimeToAllBootedMs[i]) }]),
    ),
  }, (written) => {
    const sat = outcome.saturation;
    const facts = { embeddedCsms: csms !== undefined, ...(sat === undefined ? {} : { workers: sat.workers, eventLoopDelayMs: sat.eventLoopDelayMs, schedulerLagMs: sat.schedulerLagMs }) };
    return withHealth(written, evaluateHealth(written, facts, health.limits));
  });
  if (flags.junit !== undefined) await writeRunJunit(resolve(flags.junit), summary, results);
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (!flags.quiet) (flags.json ? process.stderr : process.stdout).write(endOfRunText(summary, results, dir));
  if (supervision?.died === true) return ExitCode.Aborted;
  // Stopped by a threshold: a failed verdict (1), not an interrupted run (3).
  if (aborted !== undefined) return ExitCode.ThresholdsFailed;
  if (unreachable.fired !== undefined || outcome.partial) return ExitCode.Aborted;
  if (fleet.connected === 0) {
    const kinds = CONNECT_ERROR_KINDS.filter((k) => (summary.errors[k] ?? 0) > 0)
      .map((k) => `${k} ×${summary.errors[k]}`)
      .join(', ');
    process.stderr.write(`no charge point could connect to ${summary.target}${kinds ? ` (${kinds})` : ''}\n`);
    return ExitCode.Unreachable;
  }
  return summary.passed ? ExitCode.Ok : ExitCode.ThresholdsFailed;
}

/** A group's time to all booted, only when it happened (summary fields are numbers). */
function bootTime(ms: number | null | undefined): { timeToAllBootedMs?: number } {
  return ms === null || ms === undefined ? {} : { timeToAllBootedMs: ms };
}

/** summary.json's `targets`: where the stations were at the end of the run. */
function targetsInfo(urls: readonly string[], counts: readonly TargetCount[]): TargetInfo[] {
  return counts.map((c, i) => ({ url: redactUrl(urls[i] ?? ''), stations: c.stations, connected: c.connected }));
}

/**
 * Passwords from the groups' identities files come first; a station whose row leaves the password
 * empty takes the --password-* flags' (if any). The settings say where passwords came from, never what.
 */
function withIdentityPasswords(security: ResolvedSecurity, groups: readonly GroupSpec[]): ResolvedSecurity {
  const table = identityPasswords(groups);
  if (table.size === 0) return security;
  const files = groups.filter((g) => g.identities?.rows.some((r) => r.password !== undefined)).map((g) => g.identities?.written);
  const fromFiles = `basic, passwords of ${table.size} stations from ${files.join(', ')}`;
  const fallback = security.passwordOf;
  return {
    ...security,
    passwordOf: (identity) => table.get(identity) ?? fallback?.(identity),
    describe: { ...security.describe, auth: security.describe.auth === undefined ? fromFiles : `${fromFiles}; the others ${security.describe.auth}` },
  };
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

/** The scenario's `csms:` settings as the embedded CSMS's options (its seconds where it counts in s). */
function embeddedCsmsOptions(scenario: Scenario): EmbeddedCsmsOptions {
  const c = scenario.csms;
  if (c === undefined) return {};
  const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000)));
  const out: EmbeddedCsmsOptions = { nodes: c.nodes };
  const heartbeat = seconds(c.heartbeatIntervalMs);
  const retry = seconds(c.bootRetryIntervalMs);
  if (heartbeat !== undefined) out.heartbeatIntervalS = heartbeat;
  if (retry !== undefined) out.bootRetryIntervalS = retry;
  if (c.pendingBoots !== undefined) out.pendingBoots = c.pendingBoots;
  if (c.delayMs !== undefined) out.delayMs = c.delayMs;
  if (c.jitterMs !== undefined) out.jitterMs = c.jitterMs;
  if (c.invalidTagShare !== undefined) out.invalidTagShare = c.invalidTagShare;
  return out;
}
