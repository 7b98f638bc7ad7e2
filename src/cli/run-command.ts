import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FleetRun } from '../coordinator/run-fleet';
import { groupConfigs } from '../coordinator/groups';
import { startEmbeddedCsms, type EmbeddedCsms } from '../csms/child';
import { Aggregator } from '../metrics/aggregator';
import { ACTION_NAMES, ERROR_KINDS } from '../ocpp';
import { formatTable } from '../report/table';
import { resultsDirName, writeResults } from '../report/results-dir';
import type { FleetInfo, Summary } from '../report/summary';
import type { GroupOutcome } from '../thread/messages';
import { loadScenarioFile } from '../scenario/load';
import { planFleet, scaleGroups } from '../scenario/plan';
import { COUNTER_NAMES } from '../station/counters';
import { DEFAULT_WORKERS, duration, nonNegativeInt, positiveInt, redactUrl, targetUrl } from './options';
import { StatusLine } from './status-line';
import { VERSION } from './version';
import { ExitCode, UsageError } from './exit-codes';

export interface RunFlags {
  url?: string;
  cps?: number;
  duration?: number;
  workers: number;
  seed?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

const CONNECT_ERROR_KINDS = ['connectRefused', 'connectTimeout', 'handshakeRejected', 'subprotocolMismatch', 'tlsError', 'other'];

export const DEFAULT_SCENARIO = 'scenarios/smoke.yaml';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a fleet of virtual charge points against a CSMS (the embedded one when no --url is given)')
    .argument('[scenario]', 'scenario file (YAML)', DEFAULT_SCENARIO)
    .option('--url <url>', 'CSMS base URL, ws:// or wss://; stations connect to <url>/<identity>', targetUrl)
    .option('--cps <n>', 'fleet size: scale the scenario\'s groups to N charge points in total', positiveInt('--cps', 1_000_000))
    .option('--duration <d>', 'how long the load runs, e.g. 30s, 10m (overrides the scenario)', duration('--duration'))
    .option('--workers <n>', 'worker threads', positiveInt('--workers', 64), DEFAULT_WORKERS)
    .option('--seed <n>', 'seed of every random choice (overrides the scenario)', nonNegativeInt('--seed'))
    .option('--out <dir>', 'results folder (default results/<UTC timestamp>-<scenario>)')
    .option('--json', 'print summary.json to stdout (the table goes to stderr)')
    .option('--quiet', 'no status line and no table')
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
    });
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const scenario = loadScenarioFile(file);
  const groups = flags.cps === undefined ? scenario.groups : scaleGroups(scenario.groups, flags.cps);
  const seed = flags.seed ?? scenario.seed;
  const plan = planFleet(scenario, seed, groups);
  if (plan.stations.length === 0) throw new UsageError(`${file}: the fleet is empty (every group has count 0)`);
  const durationMs = flags.duration ?? scenario.durationMs;

  const csms: EmbeddedCsms | undefined = flags.url === undefined ? await startEmbeddedCsms({}) : undefined;
  const baseUrl: string = flags.url ?? (csms as EmbeddedCsms).url;
  const names = {
    actionNames: ACTION_NAMES,
    groupNames: groups.map((g) => g.name),
    errorNames: ERROR_KINDS,
    counterNames: COUNTER_NAMES,
  };
  const aggregator = new Aggregator(names);
  const status = flags.quiet ? undefined : new StatusLine(plan.stations.length);
  const run = new FleetRun({
    plan,
    groups: groupConfigs(scenario, groups),
    baseUrl,
    workers: flags.workers,
    durationMs,
    gracefulStopMs: scenario.gracefulStopMs,
    aggregator,
    onTick: status ? (s, live, g) => status.update(s, live, g) : undefined,
  });
  const onSignal = (): void => {
    status?.end();
    process.stderr.write('stopping: finishing running transactions (press Ctrl-C again to stop at once)\n');
    run.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome;
  try {
    outcome = await run.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    status?.end();
    await csms?.stop();
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
  const dir = resolve(flags.out ?? resultsDirName(outcome.startedAt, scenario.name));
  const summary: Summary = await writeResults(dir, aggregator, {
    version: VERSION,
    scenario: scenario.name,
    seed,
    target: csms ? `embedded CSMS (${csms.url})` : redactUrl(baseUrl),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    partial: outcome.partial,
    fleet: fleetInfo(fleet),
    settings: {
      scenarioFile: file,
      workers: Math.min(flags.workers, plan.stations.length),
      durationMs,
      callTimeoutMs: scenario.callTimeoutMs,
      gracefulStopMs: scenario.gracefulStopMs,
      cps: plan.stations.length,
    },
    thresholds: [],
    passed: true,
    recordsWritten: outcome.recordsWritten,
    generator: outcome.generator,
    groupFleet: Object.fromEntries(
      outcome.groups.map((g, i) => [groups[i]?.name ?? String(i), { ...fleetInfo(g) }]),
    ),
  });
  report(summary, dir, flags);
  if (outcome.partial) return ExitCode.Aborted;
  if (fleet.connected === 0) {
    const kinds = CONNECT_ERROR_KINDS.filter((k) => (summary.errors[k] ?? 0) > 0)
      .map((k) => `${k} ×${summary.errors[k]}`)
      .join(', ');
    process.stderr.write(`no charge point could connect to ${summary.target}${kinds ? ` (${kinds})` : ''}\n`);
    return ExitCode.Unreachable;
  }
  return summary.passed ? ExitCode.Ok : ExitCode.ThresholdsFailed;
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

function report(summary: Summary, dir: string, flags: RunFlags): void {
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (!flags.quiet) {
    const out = flags.json ? process.stderr : process.stdout;
    out.write(`\n${formatTable(summary)}\n`);
    const g = summary.generator;
    if (g) {
      const booted = g.timeToAllBootedMs === null ? 'not all booted' : `all booted after ${(g.timeToAllBootedMs / 1000).toFixed(1)} s`;
      out.write(
        `generator: ${booted}; RSS ${g.rssStartMb} → ${g.rssPeakMb} MB peak (${g.rssPerStationKb} KB per station); ` +
          `CPU ${g.cpuUserS} s user + ${g.cpuSystemS} s system\n`,
      );
    }
    out.write(`results: ${dir}\n`);
  }
}
