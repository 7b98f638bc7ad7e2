import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../scenario/units';

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

export function nonNegativeInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a whole number of 0 or more, got "${value}"`);
    }
    return n;
  };
}

export function duration(name: string): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) {
      throw new InvalidArgumentError(`${name} must be a duration such as "30s", "10m" or "500ms", got "${value}"`);
    }
    return ms;
  };
}

export function targetUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--url must be a ws:// or wss:// URL, got "${redactUrl(value)}"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new InvalidArgumentError(`--url must start with ws:// or wss://, got "${url.protocol}//"`);
  }
  if (url.username || url.password) {
    throw new InvalidArgumentError('--url must not carry credentials: they would show in the process list');
  }
  return value.replace(/\/+$/, '');
}

/** A URL as it may be printed: no user information, ever. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@');
}

/** Every URL in a text as it may be printed. */
export function redactUrls(text: string): string {
  return text.replace(/\/\/[^/@\s'"]*@/g, '//***@');
}

/**
 * One worker per core against a remote CSMS; one core fewer when the embedded CSMS runs beside
 * the fleet, which needs a core of its own (bench/README.md: on 2 cores, 2 workers beside the
 * embedded CSMS ramped slower than 1 in every run).
 */
export function defaultWorkers(embeddedCsms: boolean): number {
  const cores = availableParallelism();
  return Math.max(1, embeddedCsms ? cores - 1 : cores);
}
