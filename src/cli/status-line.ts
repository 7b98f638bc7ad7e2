import type { LiveView } from '../metrics/aggregator';
import type { GaugeTotals } from '../metrics/gauges';

/**
 * Progress while a run goes: one line rewritten in place on a terminal, a plain line every few
 * seconds otherwise (CI logs). Always on stderr: stdout is for results.
 */
export class StatusLine {
  private readonly tty: boolean;
  private lastPlain = -1;
  private drawn = false;

  constructor(
    private readonly planned: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEverySeconds = 5,
  ) {
    this.tty = stream.isTTY === true;
  }

  update(second: number, live: LiveView, gauges: GaugeTotals): void {
    const t = gauges.total;
    const text =
      `[${String(second).padStart(4)}s] connected ${t.connected}/${this.planned}  booted ${t.booted}  ` +
      `charging ${t.charging}  calls/s ${live.callsPerSec}  p99 ${live.p99Ms.toFixed(1)}ms  ` +
      `errors ${live.errors}  timeouts ${live.timeouts}`;
    if (this.tty) {
      this.stream.write(`\r${text}\x1b[K`);
      this.drawn = true;
    } else if (second - this.lastPlain >= this.plainEverySeconds) {
      this.lastPlain = second;
      this.stream.write(`${text}\n`);
    }
  }

  /** Leave the line so what follows starts on a fresh one. */
  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
