import type { CsmsExit, EmbeddedCsms } from '../csms/child';
import type { CsmsExitSummary, CsmsSummary } from '../report/summary';

/** What the supervision needs of the run: FleetRun's stop (a first call winds down, a second cuts). */
export interface StoppableRun {
  stop(): void;
}

/** How long the end of the run waits to learn whether a CSMS that no longer answers has died. */
const EXIT_GRACE_MS = 1000;

/**
 * The embedded CSMS watched through a run. Its death before the run is over (anything but the
 * stop we ask for at the end) is acted on at once: one line on stderr saying when and how it
 * died and what it last wrote, then the fleet is stopped at once: a graceful stop would only send
 * its final messages into a dead CSMS and count them all as lost. The run's results then say
 * `csms.alive: false` with the exit, and the run exits 3.
 */
export class CsmsSupervision {
  private epoch: number | undefined;
  private death: CsmsExit | undefined;

  /** `beforeMessage` clears the live status line so the error starts on a line of its own. */
  constructor(
    private readonly csms: EmbeddedCsms,
    run: StoppableRun,
    beforeMessage: () => void = () => undefined,
  ) {
    void csms.exited.then((exit) => {
      if (exit.requested) return;
      this.death = exit;
      beforeMessage();
      process.stderr.write(`${deathMessage(exit, this.epoch)}\n`);
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
