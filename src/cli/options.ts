import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';
import { inputFileProblem, type InputKind } from '../scenario/input-file';
import { MAX_RATE_PER_SEC, MAX_TIMER_MS, MAX_TIMER_WORDS, parseDuration, parseRate } from '../scenario/units';
import { UsageError } from '../run/exit-codes';
import { remoteWriteInterval, remoteWriteLabel, remoteWriteUrlProblem } from '../run/remote-write-option';
import { normalTargetUrl, targetUrlProblem } from '../run/targets';

/**
 * Parsers for flag values: each throws commander's InvalidArgumentError naming what was expected,
 * so bad usage ends with a precise message and exit code 2 before anything starts.
 */
export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
    }
    return n;
  };
}

export function nonNegativeInt(name: string, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER ? `${name} must be a whole number of 0 or more, got "${value}"` : `${name} must be a whole number from 0 to ${max}, got "${value}"`,
      );
    }
    return n;
  };
}

/** `--prometheus-remote-write`: an http(s) URL, kept as given (run() takes its credentials out). */
export function remoteWriteUrl(value: string): string {
  const problem = remoteWriteUrlProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`--prometheus-remote-write ${problem}`);
  return value;
}

/** `--prometheus-remote-write-interval`, checked as it is read; run() takes the text. */
export function remoteWriteIntervalText(value: string): string {
  const ms = remoteWriteInterval(value);
  if (typeof ms === 'string') throw new InvalidArgumentError(`--prometheus-remote-write-interval ${ms}`);
  return value;
}

/** `--prometheus-remote-write-label`, repeatable. */
export function collectRemoteWriteLabel(value: string, previous: string[] | undefined): string[] {
  const label = remoteWriteLabel(value);
  if (typeof label === 'string') throw new InvalidArgumentError(`--prometheus-remote-write-label ${label}`);
  return [...(previous ?? []), value];
}

/** A TCP port to listen on: 0 (any free one) to 65535. */
export function port(name: string): (value: string) => number {
  return nonNegativeInt(name, 65535);
}

/** A duration above 0 that a timer can wait (at most 2^31 − 1 ms, as in scenario files). */
export function duration(name: string): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) {
      throw new InvalidArgumentError(`${name} must be a duration such as "30s", "10m" or "500ms", got "${value}"`);
    }
    if (ms > MAX_TIMER_MS) throw new InvalidArgumentError(`${name} must be at most ${MAX_TIMER_WORDS}, got "${value}"`);
    return ms;
  };
}

/** A rate above 0 such as `500/s` or `3000/m`, at most MAX_RATE_PER_SEC. */
export function rate(name: string): (value: string) => number {
  return (value) => {
    const perSec = parseRate(value);
    if (perSec === undefined || perSec > MAX_RATE_PER_SEC) {
      throw new InvalidArgumentError(`${name} must be a rate above 0 and at most ${MAX_RATE_PER_SEC.toLocaleString('en-US')}/s such as 500/s or 3000/m, got "${value}"`);
    }
    return perSec;
  };
}

/** RFC 1123 host names: labels of letters, digits and hyphens, not starting or ending with a hyphen. */
const HOST_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An address to listen on: an IP address or a host name (a typo is refused here, not by the listen call later). */
export function host(name: string): (value: string) => string {
  return (value) => {
    if (isIP(value) === 0 && !HOST_NAME.test(value)) throw new InvalidArgumentError(`${name} must be an IP address or a host name, got "${value}"`);
    return value;
  };
}

/**
 * A file a flag names, checked before anything reads it (input-file.ts): a regular file within the
 * cap of its kind. Used for files another layer reads later (the embedded CSMS's, the probe's).
 */
export function checkFlagFile(flag: string, path: string | undefined, kind: InputKind): void {
  if (path === undefined || path === '') return;
  const problem = inputFileProblem(path, kind);
  if (problem !== undefined) throw new UsageError(`${flag} ${path}: ${problem}`);
}

/** A --url value: a ws:// or wss:// URL without credentials (run/targets.ts says why). */
export function targetUrl(value: string): string {
  const problem = targetUrlProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`--url ${problem}`);
  return normalTargetUrl(value);
}
