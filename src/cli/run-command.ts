import type { Command } from 'commander';
import { DEFAULT_HISTORY_KEEP, MAX_HISTORY_KEEP } from '../report/history-store';
import { endOfRunText, verdictLine } from '../report/run-text';
import { resolveRunConfig } from '../run/config';
import { MAX_CPS, MAX_SEED, MAX_WORKERS, type RunSettings } from '../run/options';
import { DEFAULT_DASHBOARD_PORT } from '../run/dashboard';
import { REMOTE_WRITE_PASSWORD_ENV } from '../run/remote-write-option';
import { embeddedCsmsOptions } from '../run/csms-supervision';
import { runResolved } from '../run/run';
import { DEFAULT_CONFIRM_ABOVE } from '../run/staging-safety';
import { stationsByVersion, type Shard } from '../scenario/plan';
import { planText } from '../scenario/plan-text';
import { DEFAULT_SCENARIO_NAME } from '../scenario/shipped';
import { collectHealthText } from './health-option';
import { Interrupts } from './interrupts';
import { runJudgedShard } from './judged-shard';
import {
  collectRemoteWriteLabel, host as hostOption, nonNegativeInt, port as portOption, positiveInt, rate as rateOption, remoteWriteIntervalText, remoteWriteUrl,
  targetUrl,
} from './options';
import { addressList, durationText, processesOption, refuseFlagCombinations, shardOption, type RunFlags } from './run-flags';
import { addSecurityOptions } from './security-options';
import { terminalQuestion } from './staging-safety';
import { StatusLine, terminalColumns } from './status-line';

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run a fleet of virtual charge points against a CSMS (the embedded one when no --url is given)')
    .argument('[scenario]', 'scenario file (YAML), or the name of a shipped one (`ocpp-fleet scenarios` lists them)', DEFAULT_SCENARIO_NAME)
    .option('--url <url>', 'CSMS base URL, ws:// or wss://; stations connect to <url>/<identity>; repeat for several targets (stations spread over them and fail over)', (value: string, previous: string[] | undefined) => [...(previous ?? []), targetUrl(value)])
    .option('--cps <n>', 'fleet size: scale the scenario\'s groups to N charge points in total', positiveInt('--cps', MAX_CPS))
    .option('--duration <d>', 'how long the load runs, e.g. 30s, 10m (overrides the scenario)', durationText)
    .option('--workers <n>', 'worker threads (default: one per core, one fewer beside the embedded CSMS)', positiveInt('--workers', MAX_WORKERS))
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
    .option('--health <check=limit>', 'change a health check\'s limit or turn it off (check=off), repeatable; "off" turns every check off', collectHealthText, [] as string[])
    .option('--shard <I/N>', 'run the I-th of N disjoint slices of the fleet (I from 1; "index/N" takes I from JOB_COMPLETION_INDEX + 1); merge the results with `ocpp-fleet merge`', shardOption)
    .option('--aggregator <url>', 'with --shard: be judged live with the other shards by `ocpp-fleet aggregate` at this ws:// URL (start on its epoch, send it every record, stop when it says); this shard\'s own folder is written as ever', targetUrl)
    .option('--processes <n>', 'spread the fleet over N processes on this machine, each a shard with its own source addresses, judged live as one fleet; "auto": as many as the open-file limit needs (--workers is then per process, default 1)', processesOption)
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://<metrics-host>:<port>/metrics during the run (0 picks a port)', portOption('--metrics-port'))
    .option('--metrics-host <host>', 'address of the metrics server', hostOption('--metrics-host'), '127.0.0.1')
    .option('--dashboard [port]', `serve a live dashboard on http://127.0.0.1:<port>/ while the run goes (default port ${DEFAULT_DASHBOARD_PORT}, 0 picks one): the report's charts updating each second, then the final report`, portOption('--dashboard'))
    .option(
      '--prometheus-remote-write <url>',
      `push the live metrics to a Prometheus remote-write endpoint (e.g. http://127.0.0.1:9090/api/v1/write) every interval and once at the end; basic auth from user:password@ in the URL, or the user there and the password in ${REMOTE_WRITE_PASSWORD_ENV}`,
      remoteWriteUrl,
    )
    .option('--prometheus-remote-write-interval <d>', 'how often to push (default 5s)', remoteWriteIntervalText)
    .option('--prometheus-remote-write-label <name=value>', 'a label added to every series pushed (e.g. testid=nightly-42), repeatable', collectRemoteWriteLabel)
    .option('--dry-run', 'print the plan (charge points per worker and group, ramp, expected calls per second) and exit without connecting')
    .option('--max-rate <rate>', 'cap on the CALLs per second the whole fleet sends, e.g. 500/s (each of N shards takes 1/N)', rateOption('--max-rate'))
    .option('--local-address <addresses>', 'source addresses to spread connections over, comma-separated (each has ~28,000 ports)', addressList)
    .option('--yes', 'confirm a run against a target that is not this machine (needed without a terminal)')
    .option('--confirm-above <n>', 'fleet size above which a non-loopback target needs confirmation', nonNegativeInt('--confirm-above'), DEFAULT_CONFIRM_ABOVE)
    .option('--history <dir>', 'append the run to the history in DIR (one file per run; `ocpp-fleet trend DIR` reads it)')
    .option('--history-keep <n>', `entries kept per series in the history, older ones removed (default ${DEFAULT_HISTORY_KEEP})`, positiveInt('--history-keep', MAX_HISTORY_KEEP));
  addSecurityOptions(command)
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
    });
}

/** A terminal's columns; none for a pipe or a file, which do not wrap. */
function terminalWidth(stream: NodeJS.WriteStream): { width?: number } {
  return stream.isTTY === true ? { width: terminalColumns(stream) } : {};
}

/**
 * `run`: the flags into run()'s options, then what only a terminal needs: the plan for --dry-run,
 * the status line, the notices and the end-of-run text, Ctrl-C as the run's stops, and the exit
 * code the run's result carries.
 */
export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const { url, threshold, health, json, quiet, dryRun, dashboard, aggregator, ...rest } = flags;
  const settings: RunSettings = { ...rest, ...(dashboard === undefined ? {} : { dashboardPort: dashboard === true ? DEFAULT_DASHBOARD_PORT : dashboard }) };
  refuseFlagCombinations(settings, aggregator);
  const config = resolveRunConfig(file, { ...settings, ...(url === undefined ? {} : { url }), thresholds: threshold, health });
  if (dryRun) {
    const targets = url === undefined ? {} : { targets: url };
    const csmsProcesses = embeddedCsmsOptions(config.scenario, config.plan.stations.length).processes ?? 1;
    process.stdout.write(planText(config.plan, { workers: config.workers, durationMs: config.durationMs, ...targets, processes: config.processes, csmsProcesses }));
    return 0;
  }
  if (flags.insecure) process.stderr.write('warning: --insecure: the CSMS\'s TLS certificate is not verified\n');
  if (aggregator !== undefined) return runJudgedShard(file, { ...settings, ...(url === undefined ? {} : { url }), thresholds: threshold, health }, aggregator, config.shard as Shard, quiet === true);
  // Listening from before the CSMS and the workers start: a Ctrl-C then still ends in a partial result.
  const interrupts = new Interrupts();
  const status = quiet ? undefined : new StatusLine();
  interrupts.status = status;
  let result;
  try {
    result = await runResolved(config, {
      onProgress: (p) => status?.update(p),
      onNotice: (notice) => {
        if (notice.kind === 'metrics' && quiet) return;
        status?.end();
        process.stderr.write(`${notice.message}\n`);
      },
      confirm: terminalQuestion(),
      signal: interrupts.signal,
      hardStop: interrupts.hardStop,
    });
  } catch (err) {
    status?.end();
    throw err;
  } finally {
    interrupts.dispose();
  }
  const { summary, dir } = result;
  status?.finish(verdictLine(summary, result.thresholds));
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const out = json ? process.stderr : process.stdout;
  if (!quiet) out.write(endOfRunText(summary, result.thresholds, dir, { stationsByVersion: stationsByVersion(config.plan), ...terminalWidth(out) }));
  if (result.message !== undefined) process.stderr.write(`${result.message}\n`);
  if (result.history !== undefined && !quiet) {
    const removed = result.history.removed > 0 ? ` (${result.history.removed} older entr${result.history.removed === 1 ? 'y' : 'ies'} of its series removed)` : '';
    process.stderr.write(`history: ${result.history.file}${removed}\n`);
  }
  return result.exitCode;
}
