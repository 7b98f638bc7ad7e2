import type { Command } from 'commander';
import { endOfRunText, verdictLine } from '../report/run-text';
import { aggregate, DEFAULT_SHARD_WAIT_MS } from '../run/aggregate';
import { MAX_CPS, MAX_SEED } from '../run/options';
import { MAX_SHARDS } from '../scenario/plan';
import { collectHealthText } from './health-option';
import { Interrupts } from './interrupts';
import { duration, host, nonNegativeInt, port, positiveInt } from './options';
import { StatusLine } from './status-line';

interface AggregateFlags {
  shards: number;
  port: number;
  host: string;
  wait: number;
  cps?: number;
  duration?: string;
  seed?: number;
  out?: string;
  threshold: string[];
  junit?: string;
  health: string[];
  metricsPort?: number;
  metricsHost: string;
  quiet?: boolean;
}

/**
 * `ocpp-fleet aggregate`: the fleet-wide judge of a sharded run (deploy/kubernetes/aggregator.yaml
 * beside the Indexed Job): the shards connect to it, and it judges, shows and writes the whole
 * fleet as `run` does (src/run/aggregate.ts).
 */
export function registerAggregateCommand(program: Command): void {
  program
    .command('aggregate')
    .description('judge a sharded run live as one fleet: its N shards (`run --shard I/N --aggregator ws://this:port`) connect here; thresholds, abortOnFail, health and metrics over the whole fleet; the run\'s results folder from the union')
    .argument('<scenario>', 'the shards\' scenario file (the same --cps, --duration and --seed as theirs)')
    .requiredOption('--shards <n>', 'how many shards will connect', positiveInt('--shards', MAX_SHARDS))
    .requiredOption('--port <port>', 'port the shards connect to (0 picks one)', port('--port'))
    .option('--host <host>', 'address to listen on', host('--host'), '0.0.0.0')
    .option('--wait <d>', `how long to wait for every shard to connect (default ${DEFAULT_SHARD_WAIT_MS / 60_000}m)`, duration('--wait'), DEFAULT_SHARD_WAIT_MS)
    .option('--cps <n>', 'the shards\' --cps', positiveInt('--cps', MAX_CPS))
    .option('--duration <d>', 'the shards\' --duration', (v: string) => (duration('--duration')(v), v))
    .option('--seed <n>', 'the shards\' --seed', nonNegativeInt('--seed', MAX_SEED))
    .option('--out <dir>', 'results folder of the whole fleet (default results/<UTC timestamp>-<scenario>)')
    .option('--threshold <expr>', 'pass/fail criterion over the whole fleet, repeatable (the scenario\'s too)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--health <check=limit>', 'change a health check\'s limit or turn it off, repeatable', collectHealthText, [] as string[])
    .option('--metrics-port <port>', 'serve the whole fleet\'s Prometheus metrics on this port (0 picks one)', port('--metrics-port'))
    .option('--metrics-host <host>', 'address of the metrics server', host('--metrics-host'), '0.0.0.0')
    .option('--quiet', 'no status line and no table')
    .action(async (file: string, flags: AggregateFlags) => {
      process.exitCode = await aggregateCommand(file, flags);
    });
}

async function aggregateCommand(file: string, flags: AggregateFlags): Promise<number> {
  const { threshold, quiet, wait, shards, port: listenPort, host: listenHost, ...settings } = flags;
  const interrupts = new Interrupts();
  const status = quiet ? undefined : new StatusLine();
  interrupts.status = status;
  let result;
  try {
    result = await aggregate({
      scenario: file,
      ...settings,
      thresholds: threshold,
      shards,
      port: listenPort,
      host: listenHost,
      waitMs: wait,
      onProgress: (p) => status?.update(p),
      onNotice: (notice) => {
        status?.end();
        process.stderr.write(`${notice.message}\n`);
      },
      signal: interrupts.signal,
      hardStop: interrupts.hardStop,
    });
  } finally {
    status?.end();
    interrupts.dispose();
  }
  status?.finish(verdictLine(result.summary, result.thresholds));
  if (!quiet) process.stdout.write(endOfRunText(result.summary, result.thresholds, result.dir));
  if (result.message !== undefined) process.stderr.write(`${result.message}\n`);
  return result.exitCode;
}
