/** What is cleared before a message: the live status line. */
interface Clearable {
  end(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a run, turned into run()'s stops: the first aborts `signal`
 * (the fleet winds down gracefully), the second `hardStop` (it closes at once). Listening starts
 * before run() is called, since starting the embedded CSMS and the workers can take seconds on a
 * loaded machine: a Ctrl-C then must not kill the process with nothing written; run() applies the
 * stop as soon as the fleet exists, which still writes its results with `partial: true`.
 */
export class Interrupts {
  private count = 0;
  private readonly graceful = new AbortController();
  private readonly hard = new AbortController();
  /** The status line to clear before the message (set once it exists). */
  status: Clearable | undefined;
  private readonly onSignal = (): void => {
    this.count++;
    this.status?.end();
    if (this.count === 1) {
      process.stderr.write('stopping: finishing running transactions (press Ctrl-C again to stop at once)\n');
      this.graceful.abort();
    } else {
      this.hard.abort();
    }
  };

  constructor() {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  get signal(): AbortSignal {
    return this.graceful.signal;
  }

  get hardStop(): AbortSignal {
    return this.hard.signal;
  }

  /** Back to the default: a Ctrl-C after the run (while results are written) ends the process. */
  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}
