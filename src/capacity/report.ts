/**
 * capacity.json: the answer, what limited it, and every step, built from the search's history
 * alone (pure). The contract's fields (issue 12): `capacity {stations, callsPerSecond}`,
 * `limitedBy {slo|check, value, limit}`, `confirmed`, `steps [...]`; with them what a reader
 * needs: the outcome and its exit code, the line printed, the settings, the seed, the times.
 */
import { count } from '../report/health';
import { ExitCode } from '../run/exit-codes';
import { VERSION } from '../run/version';
import type { GeneratorLimits, LimitHit } from './judge';
import type { LiveEnd } from './live';
import { MAX_CAPACITY_STATIONS } from './options';
import type { SearchOutcome, SearchSettings } from './search';
import type { CapacityStep } from './steps';
import { callRate, describeHit } from './text';

/**
 * - found (0): the largest size that passed, below the smallest that failed;
 * - atLeastMax (0): nothing broke up to max: the capacity is at least max;
 * - smallestFailed (1): even the smallest size failed;
 * - generatorBound (3): the generator saturated at or before the first breach;
 * - ended (3): the run ended by itself (target unreachable, the embedded CSMS died, interrupted).
 */
export type CapacityOutcome = SearchOutcome['kind'] | 'ended';

export interface CapacitySettingsUsed extends SearchSettings {
  readonly holdMs: number;
  readonly warmupMs: number;
  readonly settleMs: number;
  readonly rampPerSecond: number;
  readonly slos: readonly string[];
  readonly generatorLimits: GeneratorLimits;
  readonly workers: number;
}

export interface CapacityReport {
  readonly tool: 'ocpp-fleet';
  readonly version: string;
  readonly kind: 'capacity';
  readonly scenario: string;
  readonly seed: number;
  readonly target: string;
  readonly outcome: CapacityOutcome;
  readonly exitCode: ExitCode;
  /** The answer as the command's last line says it. */
  readonly message: string;
  /** null unless found or atLeastMax. */
  readonly capacity: { readonly stations: number; readonly callsPerSecond: number } | null;
  /** What broke at `stations`: the first bad size (found), the smallest (smallestFailed), the generator (generatorBound); null otherwise. */
  readonly limitedBy: (LimitHit & { readonly stations: number }) | null;
  /** The size found passed a second hold. */
  readonly confirmed: boolean;
  /** Why the run ended by itself (outcome ended): csmsDied, unreachable, interrupted or failed; `message` says it in words. */
  readonly endedBy?: LiveEnd;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly settings: CapacitySettingsUsed;
  readonly steps: readonly CapacityStep[];
}

/** How the search ended: as the pure search says, or cut short by the run itself. */
export type SearchEnd = SearchOutcome | { readonly kind: 'ended'; readonly endedBy: LiveEnd; readonly why: string };

export interface ReportInput {
  readonly end: SearchEnd;
  readonly steps: readonly CapacityStep[];
  readonly settings: CapacitySettingsUsed;
  readonly scenario: string;
  readonly seed: number;
  readonly target: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

const EXIT: Readonly<Record<CapacityOutcome, ExitCode>> = {
  found: ExitCode.Ok,
  atLeastMax: ExitCode.Ok,
  smallestFailed: ExitCode.ThresholdsFailed,
  generatorBound: ExitCode.Unreachable,
  ended: ExitCode.Unreachable,
};

/** The exit code of an outcome (README, "Capacity search"). */
export function capacityExitCode(outcome: CapacityOutcome): ExitCode {
  return EXIT[outcome];
}

/** The latest step at `stations` with this verdict. */
function latest(steps: readonly CapacityStep[], stations: number, passed: boolean): CapacityStep | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i] as CapacityStep;
    if (s.stations === stations && s.passed === passed) return s;
  }
  return undefined;
}

function limitOf(step: CapacityStep | undefined): (LimitHit & { stations: number }) | null {
  const hit = step?.breaches[0];
  return step === undefined || hit === undefined ? null : { ...hit, stations: step.stations };
}

export function buildCapacityReport(input: ReportInput): CapacityReport {
  const { end, steps } = input;
  let capacity: CapacityReport['capacity'] = null;
  let limitedBy: CapacityReport['limitedBy'] = null;
  let confirmed = false;
  let message: string;
  switch (end.kind) {
    case 'found':
    case 'atLeastMax': {
      const at = latest(steps, end.stations, true);
      capacity = { stations: end.stations, callsPerSecond: at?.callsPerSecond ?? 0 };
      confirmed = end.confirmed;
      const head = `capacity: ${end.kind === 'atLeastMax' ? 'at least ' : ''}${count(end.stations)} stations (${callRate(capacity.callsPerSecond)} calls/s)`;
      if (end.kind === 'atLeastMax') {
        message =
          end.stations >= MAX_CAPACITY_STATIONS
            ? `${head}: nothing broke up to ${count(end.stations)}, the most one process holds (README: "Sharded runs: not yet")`
            : `${head}: nothing broke up to max (${count(end.stations)}); raise --max to look further`;
        break;
      }
      limitedBy = limitOf(latest(steps, end.firstBad, false));
      const why = limitedBy === null ? '' : `; at ${count(end.firstBad)} ${describeHit(limitedBy)}`;
      const failed = steps.filter((s) => s.phase === 'confirm' && !s.passed).map((s) => count(s.stations));
      const unconfirmed = confirmed ? '' : `; not confirmed: the confirmation holds at ${failed.join(', ')} failed (a noisy boundary)`;
      message = `${head}${why}${unconfirmed}`;
      break;
    }
    case 'smallestFailed':
      limitedBy = limitOf(latest(steps, end.stations, false));
      message = `no capacity: even the smallest size, ${count(end.stations)} stations, failed${limitedBy === null ? '' : `: ${describeHit(limitedBy)}`}`;
      break;
    case 'generatorBound': {
      const step = steps[steps.length - 1];
      limitedBy = limitOf(step);
      message = `generator-bound at ${count(end.stations)} stations: add workers or shards${limitedBy === null ? '' : ` (${describeHit(limitedBy)})`}`;
      break;
    }
    case 'ended': {
      const last = steps[steps.length - 1];
      const where = last === undefined ? 'before the first step' : `after step ${last.index} (${count(last.stations)} stations)`;
      message = `capacity search stopped ${where}: ${end.why}`;
      break;
    }
  }
  const outcome: CapacityOutcome = end.kind;
  return {
    tool: 'ocpp-fleet',
    version: VERSION,
    kind: 'capacity',
    scenario: input.scenario,
    seed: input.seed,
    target: input.target,
    outcome,
    exitCode: capacityExitCode(outcome),
    message,
    capacity,
    limitedBy,
    confirmed,
    ...(end.kind === 'ended' ? { endedBy: end.endedBy } : {}),
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    durationMs: input.endedAt.getTime() - input.startedAt.getTime(),
    settings: input.settings,
    steps,
  };
}
