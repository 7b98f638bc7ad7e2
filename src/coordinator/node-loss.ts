/**
 * The loss of one CSMS node for a period, for a run with several targets (the faults timeline's
 * entry point). Against the embedded CSMS the node really goes: its listener closes and its
 * connections are cut through the CSMS's admin API, and it listens again after the period. Remote
 * targets cannot be stopped by us: the stations treat the target as unreachable instead (their
 * connections to it are dropped and they skip it) for the period. Either way the stations on it
 * fail over to the next target in their list.
 */

/** What stops and starts a node of the embedded CSMS (EmbeddedCsms has both, via the admin API). */
export interface NodeControl {
  stopNode(index: number): Promise<unknown>;
  startNode(index: number): Promise<unknown>;
}

/** The fleet side of a simulated loss (FleetRun has it). */
export interface TargetLoser {
  loseTarget(index: number, forMs: number): void;
}

export class NodeLoss {
  private readonly restarts = new Set<NodeJS.Timeout>();

  /**
   * `targets`: how many targets the run has; `control`: the embedded CSMS's nodes when the run
   * uses it (undefined against remote targets).
   */
  constructor(
    private readonly fleet: TargetLoser,
    private readonly targets: number,
    private readonly control?: NodeControl,
  ) {}

  /**
   * Node `index` (the target's place in the list, from 0) is lost for `forMs`. Resolves once the
   * loss has begun; the node comes back by itself after `forMs`. Throws RangeError on a node the
   * run does not have.
   */
  async loseNode(index: number, forMs: number): Promise<void> {
    if (!Number.isInteger(index) || index < 0 || index >= this.targets) {
      throw new RangeError(`node ${index} does not exist: the run has ${this.targets} target(s), numbered from 0`);
    }
    if (!Number.isFinite(forMs) || forMs <= 0) throw new RangeError(`a node loss needs a period > 0 ms, got ${forMs}`);
    const control = this.control;
    if (control === undefined) {
      this.fleet.loseTarget(index, forMs);
      return;
    }
    await control.stopNode(index);
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      // A restart that fails (the run ended and the CSMS is gone) has nothing left to restore.
      control.startNode(index).catch(() => undefined);
    }, forMs);
    this.restarts.add(timer);
  }

  /** End of run: pending restarts are dropped (the CSMS stops with the run). */
  dispose(): void {
    for (const t of this.restarts) clearTimeout(t);
    this.restarts.clear();
  }
}
