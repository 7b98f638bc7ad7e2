import { startEmbeddedCsms, type CsmsExit, type EmbeddedCsms, type EmbeddedCsmsOptions } from '../csms/child';
import type { CsmsExitSummary, CsmsSummary } from '../report/summary';
import type { Scenario } from '../scenario/types';
import { csmsProcessesFor } from './processes/count';

/** What the supervision needs of the run: FleetRun's stop (a first call winds down, a second cuts). */
export interface StoppableRun {
  stop(): void;
}

/** How long the end of the run waits to learn whether a CSMS that no longer answers has died. */
const EXIT_GRACE_MS = 1000;

/**
 * The embedded CSMS watched through a run. Its death before the run is over (anything but the
 * stop we ask for at the end) is acted on at once: a notice (the CLI's line on stderr) saying when
 * and how it died and what it last wrote, then the fleet is stopped at once: a graceful stop would only send
 * its final messages into a dead CSMS and count them all as lost. The run's results then say
 * `csms.alive: false` with the exit, and the run exits 3.
 */
export class CsmsSupervision {
  private epoch: number | undefined;
  private death: CsmsExit | undefined;

  /** `onDeath` is told why in words (deathMessage): the CLI prints it on stderr. */
  constructor(
    private readonly csms: EmbeddedCsms,
    run: StoppableRun,
    onDeath: (message: string) => void,
  ) {
    void csms.exited.then((exit) => {
      if (exit.requested) return;
      this.death = exit;
      onDeath(deathMessage(exit, this.epoch));
      run.stop();
      run.stop();
    });
  }

  /** The run's epoch (FleetRun's onStart): the death is placed on the run's clock. */
  start(epochWallMs: number): void {
    this.epoch = epochWallMs;
  }

  /** True once the CSMS died unasked. */
  get died(): boolean {
    return this.death !== undefined;
  }

  /** How and when (ms since the run's start) it died unasked; undefined while it lives. */
  get deathSummary(): CsmsExitSummary | undefined {
    return this.death === undefined ? undefined : exitSummary(this.death, this.epoch);
  }

  /**
   * summary.json's `csms`, read before the CSMS is stopped: its counts when it is alive; its exit
   * when it died (a dead CSMS cannot be asked for counts). A CSMS that does not answer is given a
   * moment to show whether it died.
   */
  async summary(): Promise<CsmsSummary> {
    if (this.death === undefined) {
      try {
        const { verified, failed } = (await this.csms.stats()).signedMeterValues;
        return { alive: true, signedMeterValues: { verified, failed } };
      } catch {
        const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), EXIT_GRACE_MS).unref());
        const exit = await Promise.race([this.csms.exited, timer]);
        if (exit === undefined || exit.requested) return { alive: true };
        // Its death and this race resolve in the order they were queued: make sure it is recorded.
        this.death ??= exit;
      }
    }
    return { alive: false, exit: exitSummary(this.death, this.epoch) };
  }
}

function exitSummary(exit: CsmsExit, epoch: number | undefined): CsmsExitSummary {
  return { code: exit.code, signal: exit.signal, atMs: atMs(exit, epoch), lastLines: exit.lastLines };
}

/** Ms since the run's start; 0 when it died before the run had started. */
function atMs(exit: CsmsExit, epoch: number | undefined): number {
  return epoch === undefined ? 0 : Math.max(0, exit.atWallMs - epoch);
}

/** `error: the embedded CSMS died 8.1 s into the run (killed by SIGKILL); its last lines: …` */
export function deathMessage(exit: CsmsExit, epoch: number | undefined): string {
  const when = epoch === undefined ? 'as the run was starting' : `${(atMs(exit, epoch) / 1000).toFixed(1)} s into the run`;
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
  const lines = exit.lastLines.length === 0 ? '; it wrote nothing on stderr' : `; its last lines:\n${exit.lastLines.map((l) => `  ${l}`).join('\n')}`;
  return `error: the embedded CSMS died ${when} (${how})${lines}\nstopping the run at once: the results will be partial`;
}

/**
 * The embedded CSMS of a run without a target: a child process of its own (src/csms/child.ts)
 * started with the scenario's `csms:` settings; csms-supervision.ts watches it through the run.
 */
export function startRunCsms(scenario: Scenario, stations = 0): Promise<EmbeddedCsms> {
  return startEmbeddedCsms(embeddedCsmsOptions(scenario, stations));
}

/**
 * The scenario's `csms:` settings as the embedded CSMS's options (its seconds where it counts in
 * s). Without `csms.processes`, a fleet of `stations` that one process cannot hold gets as many
 * CSMS processes as the open-file limit needs (as `run --processes auto` does for the fleet), or
 * as its ports need (csmsProcessesFor), unless nodes or a known capacity keep it in one.
 */
export function embeddedCsmsOptions(scenario: Scenario, stations = 0): EmbeddedCsmsOptions {
  const c = scenario.csms;
  const auto = csmsProcessesFor(stations);
  if (c === undefined) return auto > 1 ? { processes: auto } : {};
  const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000)));
  const out: EmbeddedCsmsOptions = { nodes: c.nodes };
  const heartbeat = seconds(c.heartbeatIntervalMs);
  const retry = seconds(c.bootRetryIntervalMs);
  if (heartbeat !== undefined) out.heartbeatIntervalS = heartbeat;
  if (retry !== undefined) out.bootRetryIntervalS = retry;
  if (c.pendingBoots !== undefined) out.pendingBoots = c.pendingBoots;
  if (c.delayMs !== undefined) out.delayMs = c.delayMs;
  if (c.jitterMs !== undefined) out.jitterMs = c.jitterMs;
  if (c.delayActions !== undefined) out.delayActions = c.delayActions.join(',');
  if (c.invalidTagShare !== undefined) out.invalidTagShare = c.invalidTagShare;
  // As written, never divided by timeScale: the capacity is the CSMS's, not the scenario's clock.
  if (c.serviceTimeMs !== undefined) out.serviceTimeMs = c.serviceTimeMs;
  if (c.servers !== undefined) out.servers = c.servers;
  if (c.processes !== undefined) out.processes = c.processes;
  else if (auto > 1 && c.nodes === 1 && c.serviceTimeMs === undefined) out.processes = auto;
  return out;
}
