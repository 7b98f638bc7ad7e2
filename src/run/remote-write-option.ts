import type { RemoteWriteTarget } from './remote-write';
import { parseDuration } from '../scenario/units';
import { RunOptionError, UsageError } from './exit-codes';
import { redactUrl } from './targets';

/** The password of a remote-write URL that names only its user (`https://user@host/...`): kept out of the process's arguments. */
export const REMOTE_WRITE_PASSWORD_ENV = 'OCPP_FLEET_REMOTE_WRITE_PASSWORD';

export const DEFAULT_REMOTE_WRITE_INTERVAL_MS = 5000;
const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 3_600_000;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Set by the run itself: a user's label of the same name would make its series ambiguous. */
const RESERVED_LABELS = new Set(['job', 'scenario', 'shard', 'action', 'group', 'outcome', 'kind', 'name', 'state', 'le']);

export interface RemoteWriteSettings {
  /** Push the live metrics to this Prometheus remote-write endpoint while the run goes and once at its end. */
  readonly prometheusRemoteWrite?: string;
  /** How often, with its unit (default "5s"). */
  readonly prometheusRemoteWriteInterval?: string;
  /** Labels added to every series pushed, "name=value". */
  readonly prometheusRemoteWriteLabel?: readonly string[];
}

function fail(name: string, what: string): never {
  throw new RunOptionError(`options.${name} ${what}`);
}

/** What is wrong with a remote-write URL (undefined: nothing), in words that follow the option's name. */
export function remoteWriteUrlProblem(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `must be an http:// or https:// URL, got "${redactUrl(value)}"`;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? undefined : `must be an http:// or https:// URL, got "${redactUrl(value)}"`;
}

/** The interval in ms, or what is wrong with it. */
export function remoteWriteInterval(value: string): number | string {
  const ms = parseDuration(value);
  return ms === undefined || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS ? `must be a duration from 1s to 1h such as "5s" or "1m", got ${JSON.stringify(value)}` : ms;
}

/** A `name=value` label as [name, value], or what is wrong with it. */
export function remoteWriteLabel(entry: string): [string, string] | string {
  const eq = entry.indexOf('=');
  const name = eq < 0 ? entry : entry.slice(0, eq);
  if (eq < 0 || !LABEL_NAME.test(name) || name.startsWith('__')) {
    return `takes name=value with a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got "${entry}"`;
  }
  if (RESERVED_LABELS.has(name)) return `cannot set "${name}": the run sets ${[...RESERVED_LABELS].join(', ')} itself`;
  return [name, entry.slice(eq + 1)];
}

function endpoint(value: unknown, env: NodeJS.ProcessEnv): { url: string; shownAs: string; authorization?: string } {
  if (typeof value !== 'string' || value === '') fail('prometheusRemoteWrite', 'must be an http:// or https:// URL');
  const problem = remoteWriteUrlProblem(value);
  if (problem !== undefined) fail('prometheusRemoteWrite', problem);
  const parsed = new URL(value);
  const user = decodeURIComponent(parsed.username);
  let password = decodeURIComponent(parsed.password);
  if (user !== '' && password === '') {
    password = env[REMOTE_WRITE_PASSWORD_ENV] ?? '';
    if (password === '') throw new UsageError(`the remote-write URL names the user ${user} but no password: give it in ${REMOTE_WRITE_PASSWORD_ENV}`);
  }
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString();
  return {
    url,
    shownAs: user === '' ? url : redactUrl(value),
    ...(user === '' ? {} : { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }),
  };
}

function interval(value: unknown): number {
  const ms = typeof value === 'string' ? remoteWriteInterval(value) : `must be a duration such as "5s", got ${JSON.stringify(value)}`;
  if (typeof ms === 'string') fail('prometheusRemoteWriteInterval', ms);
  return ms;
}

function userLabels(value: unknown): Record<string, string> {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail('prometheusRemoteWriteLabel', 'must be an array of "name=value" strings');
  const out: Record<string, string> = {};
  for (const entry of value as string[]) {
    const label = remoteWriteLabel(entry);
    if (typeof label === 'string') fail('prometheusRemoteWriteLabel', label);
    out[label[0]] = label[1];
  }
  return out;
}

/**
 * `--prometheus-remote-write` and its companions resolved: the endpoint without credentials (basic
 * auth from its user and password, the password possibly from REMOTE_WRITE_PASSWORD_ENV), the
 * interval, and the labels every series carries: job="ocpp-fleet", the scenario, the shard when
 * sharded (shards' counters must not land in one series), then the user's.
 */
export function resolveRemoteWrite(o: RemoteWriteSettings, scenario: string, shard: string | undefined, env: NodeJS.ProcessEnv = process.env): RemoteWriteTarget | undefined {
  if (o.prometheusRemoteWrite === undefined) {
    if (o.prometheusRemoteWriteInterval !== undefined || o.prometheusRemoteWriteLabel !== undefined) {
      throw new UsageError('options.prometheusRemoteWriteInterval and options.prometheusRemoteWriteLabel need options.prometheusRemoteWrite');
    }
    return undefined;
  }
  const target = endpoint(o.prometheusRemoteWrite, env);
  const intervalMs = o.prometheusRemoteWriteInterval === undefined ? DEFAULT_REMOTE_WRITE_INTERVAL_MS : interval(o.prometheusRemoteWriteInterval);
  const labels = { job: 'ocpp-fleet', scenario, ...(shard === undefined ? {} : { shard }), ...(o.prometheusRemoteWriteLabel === undefined ? {} : userLabels(o.prometheusRemoteWriteLabel)) };
  return Object.freeze({ ...target, intervalMs, labels: Object.freeze(labels) });
}
