import type { FleetRunResult } from '../../coordinator/run-fleet';
import type { GaugeTotals } from '../../metrics/gauges';
import type { ScenarioObject } from '../load-scenario';
import type { RunSettings } from '../options';

/**
 * The messages between a run spread over several processes (`processes`) and each of its
 * processes, over the child's IPC channel (structured clone: Dates and typed arrays cross as they
 * are). One typed union each way, as between the coordinator and its workers.
 */

/** What a process runs: its shard of the fleet, against the targets the parent resolved. */
export interface ProcessTask {
  readonly type: 'run';
  /** The scenario as the run was given it: a path, or the object. */
  readonly scenario: string | ScenarioObject;
  /**
   * The run's settings for this process: its shard, the parent's targets as `url`, its source
   * addresses, its results folder. Credentials travel here, never in the process's arguments.
   */
  readonly settings: RunSettings;
}

export type ParentMessage =
  | ProcessTask
  /** Every process is ready: start on this epoch (wall-clock ms). */
  | { readonly type: 'start'; readonly epochWallMs: number }
  /** A first stop winds down, a second (immediate) closes at once. */
  | { readonly type: 'stop'; readonly immediate: boolean }
  | { readonly type: 'loseTarget'; readonly target: number; readonly forMs: number };

export type ProcessMessage =
  /** Its workers are ready; it waits for 'start'. */
  | { readonly type: 'ready' }
  /** Pump records, four words each, in the order drained (src/metrics/record.ts). */
  | { readonly type: 'records'; readonly words: Uint32Array }
  /** Its gauges summed over its workers, at every gauge tick. */
  | { readonly type: 'gauges'; readonly totals: GaugeTotals }
  /** Its fleet's outcome, after its last records; its results folder is written. */
  | { readonly type: 'result'; readonly outcome: FleetRunResult; readonly dir: string }
  /** It could not run (its message), before or after starting. */
  | { readonly type: 'failed'; readonly message: string };
