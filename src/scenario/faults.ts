/**
 * The faults timeline: what happens to which stations, and when. Plain data that crosses to the
 * workers as it is; which stations a fault hits is decided here, from the run's seed, the
 * station's identity and the fault's place in the timeline alone, so 1, 2 or 4 workers (or shards)
 * hit the same stations.
 */
import { hashString } from './random';
import { formatDuration } from './units';

export const FAULT_KINDS = ['drop', 'offline', 'restart', 'halfOpen', 'malformed', 'flapping', 'nodeLoss'] as const;

/** Faults the coordinator applies (to a CSMS node), not each worker to its stations. */
export function isCoordinatorFault(kind: FaultKind): boolean {
  return kind === 'nodeLoss';
}
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The bad frames `malformed` sends; each has its own expected answer from a conforming CSMS. */
export const MALFORMED_KINDS = ['invalidJson', 'notArray', 'unknownMessageType', 'unknownAction', 'schemaInvalid'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** Stop reasons of the transactions a restart cuts (the same names in 1.6 and 2.0.1). */
export const RESTART_REASONS = ['PowerLoss', 'Reboot'] as const;
export type RestartReason = (typeof RESTART_REASONS)[number];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Real ms after the run's start (timeScale does not apply). */
  readonly atMs: number;
  /** Share of the stations hit (malformed: share of the frames sent that are followed by a bad one). */
  readonly share: number;
  /** How long the fault lasts (offline, halfOpen, malformed, flapping); 0 for drop and restart. */
  readonly forMs: number;
  /** flapping: how long each connection lives (± the group's reconnect jitter, halved). */
  readonly upMs: number;
  /** malformed: the kinds of bad frames, drawn uniformly. */
  readonly kinds: readonly MalformedKind[];
  /** restart: the stop reason of the transactions it cuts. */
  readonly reason: RestartReason;
  /** nodeLoss: the target lost, its place in the run's targets (from 0); -1 for other kinds. */
  readonly target: number;
  /** Names of the groups hit; undefined: every group. */
  readonly groups: readonly string[] | undefined;
  /** Where it is written (`faults[i]` and its line), for the report. */
  readonly line: number;
}

/** 32-bit seed of station `stationSeed`'s draws for fault `index` (selection, bad frames). */
export function faultSeed(stationSeed: number, index: number): number {
  return hashString(`fault#${index}`, stationSeed) || 1;
}

/**
 * Whether fault `index` hits the station whose stream seed is `stationSeed` (derived from the run
 * seed and its identity, see PlannedStation.seed): a hash below the share. Every station sends
 * bad frames under `malformed`: there the share is drawn per frame.
 */
export function faultSelects(fault: Pick<FaultSpec, 'kind' | 'share'>, stationSeed: number, index: number): boolean {
  if (fault.kind === 'malformed' || fault.share >= 1) return true;
  return hashString('select', faultSeed(stationSeed, index)) / 4294967296 < fault.share;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** One line per fault, for `validate` and `--dry-run`. */
export function describeFault(f: FaultSpec, durationMs: number): string {
  const who = `${percent(f.share)} of ${f.groups === undefined ? 'the fleet' : `group(s) ${f.groups.join(', ')}`}`;
  const late = f.atMs >= durationMs ? ' (after the end of the run: never happens)' : '';
  const at = `at ${formatDuration(f.atMs)}`;
  switch (f.kind) {
    case 'drop':
      return `${at}: drop ${who}: connections cut, reconnecting with their group's backoff${late}`;
    case 'offline':
      return `${at}: offline ${who} for ${formatDuration(f.forMs)}: cut, no reconnect until then, transaction messages queued${late}`;
    case 'restart':
      return `${at}: restart ${who}: cold boot, transactions stopped (${f.reason}), reconnect at once${late}`;
    case 'halfOpen':
      return `${at}: halfOpen ${who} for ${formatDuration(f.forMs)}: stations stop reading and sending${late}`;
    case 'malformed':
      return `${at}: malformed for ${formatDuration(f.forMs)}: ${percent(f.share)} of the frames sent${f.groups === undefined ? '' : ` by group(s) ${f.groups.join(', ')}`} followed by a bad one (${f.kinds.join(', ')})${late}`;
    case 'flapping':
      return `${at}: flapping ${who} for ${formatDuration(f.forMs)}: connections live ${formatDuration(f.upMs)} then drop${late}`;
    case 'nodeLoss':
      return `${at}: nodeLoss of target ${f.target} for ${formatDuration(f.forMs)}: its stations fail over to the other targets${late}`;
  }
}
