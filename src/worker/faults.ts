import { faultSeed, faultSelects, isCoordinatorFault, type FaultSpec } from '../scenario/faults';
import { FaultTally } from '../station/fault-state';
import { MalformedSender } from '../station/malformed';
import type { Station } from '../station/station';
import { TimerKind } from '../station/station-timers';
import type { FaultOutcome, StationAssignment } from '../thread/messages';
import type { WorkerRuntime } from './runtime';

/**
 * The faults timeline in one worker: each fault's time is an entry of the worker's one scheduler;
 * when it comes, the fault is applied to this worker's stations that it selects (by seed, identity
 * and the fault's index: the same stations whatever the split) through the stations' own methods,
 * and a tally per fault hears what it did.
 */
export class FaultRunner {
  private readonly tallies: FaultTally[];
  /** Per fault: the group indexes it hits, or undefined for all. */
  private readonly groupsOf: (ReadonlySet<number> | undefined)[];

  constructor(
    private readonly faults: readonly FaultSpec[],
    private readonly rt: WorkerRuntime,
    private readonly assignments: readonly StationAssignment[],
  ) {
    this.tallies = faults.map(() => new FaultTally());
    const names = new Map<string, number>();
    for (const s of rt.stations) names.set(s.group.name, s.group.index);
    this.groupsOf = faults.map((f) =>
      f.groups === undefined ? undefined : new Set(f.groups.map((n) => names.get(n)).filter((g): g is number => g !== undefined)),
    );
    rt.workerTimer = (id, at) => this.fire(id, at);
  }

  /** Once the run's epoch is known: every fault's time on the scheduler. */
  arm(): void {
    this.faults.forEach((f, i) => {
      // A node loss is the coordinator's to cause (CoordinatorFaults), not a worker's.
      if (!isCoordinatorFault(f.kind)) this.rt.scheduleWorker(i, this.rt.atEpochOffset(f.atMs));
    });
  }

  private fire(index: number, at: number): void {
    const f = this.faults[index];
    if (f === undefined || this.rt.stopping) return;
    const groups = this.groupsOf[index];
    const stations = this.rt.stations;
    for (let i = 0; i < stations.length; i++) {
      const s = stations[i] as Station;
      const seed = (this.assignments[i] as StationAssignment).seed;
      if (groups !== undefined && !groups.has(s.group.index)) continue;
      if (!faultSelects(f, seed, index)) continue;
      this.apply(f, index, s, seed, at);
    }
  }

  private apply(f: FaultSpec, index: number, s: Station, seed: number, at: number): void {
    const tally = this.tallies[index] as FaultTally;
    switch (f.kind) {
      case 'drop':
        // A station that never connected has nothing to drop: it is not counted as hit.
        if (!s.everOpened) return;
        tally.stations++;
        if (!s.connected) return;
        s.expectReconnect(tally);
        if (s.callOutstanding) tally.add('callsCut');
        s.cut();
        tally.add('dropped');
        this.rt.count(s.group, 'faultDrops');
        return;
      case 'offline':
        tally.stations++;
        s.expectReconnect(tally);
        if (s.callOutstanding) tally.add('callsCut');
        if (s.goOffline(at + f.forMs)) tally.add('cut');
        this.rt.count(s.group, 'faultOffline');
        return;
      case 'restart': {
        if (!s.everOpened) return;
        tally.stations++;
        const open = s.connected;
        s.expectReconnect(tally);
        if (s.callOutstanding) tally.add('callsCut');
        tally.add('transactionsStopped', s.coldBoot(f.reason, at));
        if (open) tally.add('connectionsCut');
        this.rt.count(s.group, 'faultRestarts');
        return;
      }
      case 'halfOpen':
        tally.stations++;
        if (!s.pauseReading(at + f.forMs, tally)) return;
        tally.add('paused');
        this.rt.count(s.group, 'faultHalfOpen');
        return;
      case 'flapping':
        tally.stations++;
        s.flap(at + f.forMs, f.upMs, tally);
        return;
      case 'malformed': {
        const sender = new MalformedSender(s, TimerKind.FaultMalformed, at + f.forMs, f.share, f.kinds, faultSeed(seed, index), s.group.callTimeoutMs, tally);
        s.sendMalformed(sender);
        return;
      }
      case 'nodeLoss':
        return;
    }
  }

  /** What each fault did in this worker, in the timeline's order. */
  outcomes(): FaultOutcome[] {
    return this.tallies.map((t) => ({ stations: t.stations, effects: t.effects }));
  }
}
