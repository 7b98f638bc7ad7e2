import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../run/exit-codes';
import type { RunSettings } from '../run/options';
import { MAX_PROCESSES } from '../run/processes/count';
import { MAX_SHARDS, parseShard, type Shard } from '../scenario/plan';
import { duration } from './options';

// The `run` command's own flags: how commander gives them, the parsers of those no other command
// takes, and the combinations refused before anything starts (a usage error, exit 2).

/** The flags as commander gives them: run()'s options, plus what only the command does. */
export interface RunFlags extends Omit<RunSettings, 'url' | 'thresholds' | 'health'> {
  url?: string[];
  /** `--dashboard` alone: true (the default port). */
  dashboard?: number | true;
  threshold: string[];
  health: string[];
  json?: boolean;
  quiet?: boolean;
  /** Print the plan (charge points per worker and group, expected calls per second) and exit without connecting. */
  dryRun?: boolean;
  /** `--aggregator URL`: this shard is judged there, with the others (`ocpp-fleet aggregate`). */
  aggregator?: string;
}

/** --local-address: IP addresses separated by commas. */
export function addressList(value: string): string[] {
  const list = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
  const bad = list.find((a) => isIP(a) === 0);
  if (list.length === 0 || bad !== undefined) throw new InvalidArgumentError(`--local-address takes IP addresses separated by commas, got "${bad ?? value}"`);
  return list;
}

/** --processes: a whole number, or auto (as many as the open-file limit needs). */
export function processesOption(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PROCESSES) throw new InvalidArgumentError(`--processes must be a whole number from 1 to ${MAX_PROCESSES}, or auto, got "${value}"`);
  return n;
}

/** `I/N`, or `index/N` on Kubernetes, where an Indexed Job sets JOB_COMPLETION_INDEX (from 0). */
export function shardOption(value: string): Shard {
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

/** --duration checked as it is read; run() takes the text ("30s") as the flag does. */
export function durationText(value: string): string {
  duration('--duration')(value);
  return value;
}

/** Flags that only mean something together, or that cannot go together. */
export function refuseFlagCombinations(settings: RunSettings, aggregator: string | undefined): void {
  if (settings.historyKeep !== undefined && settings.history === undefined) throw new UsageError('--history-keep needs --history DIR: the history whose entries it keeps');
  if (settings.prometheusRemoteWrite === undefined && (settings.prometheusRemoteWriteInterval !== undefined || settings.prometheusRemoteWriteLabel !== undefined)) {
    throw new UsageError('--prometheus-remote-write-interval and --prometheus-remote-write-label need --prometheus-remote-write URL');
  }
  if (settings.processes !== undefined && settings.processes !== 1 && settings.shard !== undefined) {
    throw new UsageError('--processes runs every shard of the fleet itself: it cannot take --shard (give one or the other)');
  }
  if (aggregator !== undefined) {
    if (settings.shard === undefined) throw new UsageError('--aggregator needs --shard I/N: the aggregator judges the shards of one fleet');
    for (const [flag, given] of [['--processes', settings.processes], ['--dashboard', settings.dashboardPort], ['--metrics-port', settings.metricsPort], ['--prometheus-remote-write', settings.prometheusRemoteWrite], ['--history', settings.history]] as const) {
      if (given !== undefined) throw new UsageError(`${flag} does not go with --aggregator: the aggregator does it for the whole fleet`);
    }
  }
}
