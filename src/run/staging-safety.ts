import { UsageError } from './exit-codes';

/**
 * A run against a target that is not this machine, with a fleet above a limit, must be meant:
 * the operator confirms (the CLI asks on a terminal), or passes `yes` (--yes: CI, scripts).
 * Nothing connects before.
 */
export const DEFAULT_CONFIRM_ABOVE = 100;

export class NotConfirmed extends Error {
  override name = 'NotConfirmed';
}

/** Asks the operator a yes/no question; true means go. Without one, only `yes` confirms. */
export type ConfirmQuestion = (question: string) => Promise<boolean>;

export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Several targets: one question naming every host that is not this machine. */
export async function confirmTargets(urls: readonly string[], stations: number, limit: number, yes: boolean, ask: ConfirmQuestion | undefined): Promise<void> {
  const remote = urls.filter((u) => !isLoopback(u));
  if (yes || remote.length === 0 || stations <= limit) return;
  // `host` carries no user information: a URL's credentials are never printed.
  const host = [...new Set(remote.map((u) => new URL(u).host))].join(', ');
  if (ask === undefined) {
    throw new UsageError(
      `${stations} charge points against ${host}, which is not this machine: pass --yes to confirm (the limit without it is ${limit}, --confirm-above)`,
    );
  }
  if (!(await ask(`Run ${stations} charge points against ${host}? [y/N] `))) throw new NotConfirmed('not confirmed: nothing was run');
}
