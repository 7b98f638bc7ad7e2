/** Exit codes: a contract for scripts and CI (README, "Exit codes"). */
export const enum ExitCode {
  Ok = 0,
  /** The run completed and a health check or a threshold failed. */
  ThresholdsFailed = 1,
  /** Bad usage or configuration: a flag, a scenario file. Nothing was run. */
  Usage = 2,
  /** The target could not be reached (fail fast: nothing connected within `unreachableAfter`), or the run was aborted (Ctrl-C). */
  Unreachable = 3,
  Aborted = 3,
}

/** A problem of usage or configuration, reported in one line with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
