import { isCoordinatorFault, type FaultSpec } from '../scenario/faults';
import type { FaultOutcome } from '../thread/messages';
import type { NodeLoss } from './node-loss';

/**
 * The entries of the faults timeline that the coordinator applies itself: the loss of a CSMS node
 * (`nodeLoss`), which no worker can cause alone. Their outcomes join the workers' in summary.json:
 * `lost` once the node went (its stations' moves show in `counters.failovers` and `targets`),
 * `failed` if the loss could not be brought about.
 */
export class CoordinatorFaults {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly outcomes: FaultOutcome[];

  constructor(
    private readonly faults: readonly FaultSpec[],
    private readonly loss: NodeLoss,
  ) {
    this.outcomes = faults.map(() => ({ stations: 0, effects: {} }));
  }

  /** The run started at `epochWallMs`: arm each coordinator fault at its time. */
  start(epochWallMs: number): void {
    this.faults.forEach((f, i) => {
      if (!isCoordinatorFault(f.kind)) return;
      const delay = Math.max(0, epochWallMs + f.atMs - Date.now());
      this.timers.push(setTimeout(() => void this.fire(f, i), delay));
    });
  }

  private async fire(f: FaultSpec, i: number): Promise<void> {
    const effects = (this.outcomes[i] as FaultOutcome).effects;
    try {
      await this.loss.loseNode(f.target, f.forMs);
      effects.lost = 1;
    } catch {
      effects.failed = 1;
    }
  }

  /** One outcome per fault of the timeline, in its order (empty for the workers' kinds). */
  parts(): FaultOutcome[] {
    return this.outcomes;
  }

  /** End of run: faults not yet due never happen; a lost node's restart is dropped with the CSMS. */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.loss.dispose();
  }
}

/**
 * A nodeLoss must name a target the run has: the targets come from the scenario, `--url` or the
 * embedded CSMS's nodes, so this is checked once they are known. Returns `line: field: problem`.
 */
export function nodeLossProblem(faults: readonly FaultSpec[], targets: number): string | undefined {
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i] as FaultSpec;
    if (f.kind !== 'nodeLoss') continue;
    if (targets < 2) return `${f.line}: faults[${i}].nodeLoss: needs several targets (targets:, --url given more than once, or csms: {nodes: N}), the run has 1`;
    if (f.target >= targets) return `${f.line}: faults[${i}].nodeLoss.target: expected a target of the run (0 to ${targets - 1}), got ${f.target}`;
  }
  return undefined;
}
