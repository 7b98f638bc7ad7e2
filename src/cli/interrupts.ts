import type { StoppableRun } from './csms-supervision';

/** What is cleared before a message: the live status line. */
interface Clearable {
  end(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a run: the first winds the fleet down gracefully, the second
 * cuts at once (FleetRun.stop). Listening starts before the embedded CSMS and the workers are
 * started, which can take seconds on a loaded machine: a Ctrl-C then must not kill the process
 * with nothing written, but stop the run as soon as it exists (attach), which still writes its
 * results with `partial: true`.
 */
export class Interrupts {
  private count = 0;
  private run: StoppableRun | undefined;
  private status: Clearable | undefined;
  private readonly onSignal = (): void => {
    this.count++;
    this.status?.end();
    if (this.count === 1) process.stderr.write('stopping: finishing running transactions (press Ctrl-C again to stop at once)\n');
    this.run?.stop();
  };

  constructor() {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  /** The run to stop; signals that came before it existed are passed on now. */
  attach(run: StoppableRun, status?: Clearable): void {
    this.run = run;
    this.status = status;
    for (let i = 0; i < this.count; i++) run.stop();
  }

  /** Back to the default: a Ctrl-C after the run (while results are written) ends the process. */
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}
