/**
 * Exit codes: a contract for scripts and CI (README, "Exit codes"). A plain object rather than a
 * const enum, so that a library user's compiler (isolatedModules, Babel) can read it from the .d.ts.
 */
export const ExitCode = {
  Ok: 0,
  /** The run completed and a health check or a threshold failed. */
  ThresholdsFailed: 1,
  /** Bad usage or configuration: a flag, a scenario file. Nothing was run. */
  Usage: 2,
  /** The target could not be reached (fail fast: nothing connected within `unreachableAfter`), or the run was aborted (Ctrl-C). */
  Unreachable: 3,
  Aborted: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem of usage or configuration, reported in one line with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * An option of `run()` of the wrong type or out of its range, named as piscina names its own
 * (`options.cps must be ...`). A TypeError, as piscina's are; the CLI counts it as bad usage (2).
 */
export class RunOptionError extends TypeError {
  override name = 'RunOptionError';
}
