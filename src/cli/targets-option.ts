import type { Scenario } from '../scenario/types';
import { UsageError } from './exit-codes';
import { redactUrl, targetUrl } from './options';

/**
 * Where a run's stations connect: `--url`, given once or several times, or else the scenario's
 * `targets` (environment-specific, so the flag wins), or else the embedded CSMS (undefined here).
 */

/** commander's collect pattern: each `--url` adds one target, checked as it comes. */
export function collectUrl(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), targetUrl(value)];
}

export function remoteTargets(flagUrls: readonly string[] | undefined, scenario: Scenario): readonly string[] | undefined {
  const urls = flagUrls ?? scenario.targets;
  if (urls === undefined || urls.length === 0) return undefined;
  if (new Set(urls).size !== urls.length) throw new UsageError(`the targets name the same URL twice: ${urls.map(redactUrl).join(', ')}`);
  // One trust set-up (TLS or not, --ca, client certificates) serves every target.
  const schemes = new Set(urls.map((u) => new URL(u).protocol));
  if (schemes.size > 1) throw new UsageError(`the targets mix ws:// and wss://: ${urls.map(redactUrl).join(', ')}`);
  return urls;
}

/** As summary.json's `target` says it: one URL, or the list; never with credentials. */
export function describeTargets(urls: readonly string[], embedded: boolean): string {
  const list = urls.map(redactUrl).join(', ');
  return embedded ? `embedded CSMS (${list})` : list;
}
