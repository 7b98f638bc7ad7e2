import { createInterface } from 'node:readline/promises';
import { UsageError } from './exit-codes';

/**
 * A run against a target that is not this machine, with a fleet above a limit, must be meant:
 * the operator confirms on a terminal, or passes --yes (CI, scripts). Nothing connects before.
 */
export const DEFAULT_CONFIRM_ABOVE = 100;

export class NotConfirmed extends Error {
  override name = 'NotConfirmed';
}

export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function confirmTarget(url: string, stations: number, limit: number, yes: boolean): Promise<void> {
  return confirmTargets([url], stations, limit, yes);
}

/** Several targets: one question naming every host that is not this machine. */
export async function confirmTargets(urls: readonly string[], stations: number, limit: number, yes: boolean): Promise<void> {
  const remote = urls.filter((u) => !isLoopback(u));
  if (yes || remote.length === 0 || stations <= limit) return;
  // `host` carries no user information: a URL's credentials are never printed.
  const host = [...new Set(remote.map((u) => new URL(u).host))].join(', ');
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) {
    throw new UsageError(
      `${stations} charge points against ${host}, which is not this machine: pass --yes to confirm (the limit without it is ${limit}, --confirm-above)`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Run ${stations} charge points against ${host}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new NotConfirmed('not confirmed: nothing was run');
  } finally {
    rl.close();
  }
}
