import type { Scenario } from '../scenario/types';
import { UsageError } from './exit-codes';

/**
 * Where a run's stations connect: `url` (the CLI's --url, once or several times), or else the
 * scenario's `targets` (environment-specific, so the option wins), or else the embedded CSMS
 * (undefined here). URLs are printed only through redactUrl.
 */

/** Why a text is not a target URL, or undefined when it is one: ws:// or wss://, no credentials. */
export function targetUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be a ws:// or wss:// URL, got "${redactUrl(value)}"`;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return `must start with ws:// or wss://, got "${url.protocol}//"`;
  if (url.username || url.password) return 'must not carry credentials: they would show in the process list';
  return undefined;
}

/** A target as the stations use it: without trailing slashes (they append /<identity>). */
export function normalTargetUrl(value: string): string {
  return value.replace(/\/+$/, '');
}

export function remoteTargets(optionUrls: readonly string[] | undefined, scenario: Scenario): readonly string[] | undefined {
  const urls = optionUrls ?? scenario.targets;
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

/** A URL as it may be printed: no user information, ever. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@');
}

/** Every URL in a text as it may be printed. */
export function redactUrls(text: string): string {
  return text.replace(/\/\/[^/@\s'"]*@/g, '//***@');
}
