import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types';
import type { RunPhase, RunProgress } from '../run/options';

/**
 * Progress while a run goes, on stderr (stdout is for results): on a terminal one line redrawn in
 * place, cut to the terminal's width so that it never wraps (a wrapped line cannot be redrawn: each
 * second would print a new one), in colour unless NO_COLOR is set; elsewhere (a CI log) a plain
 * line every few seconds. When the run ends, the line is left saying how it ended, not the wind-down's
 * `connected 0/200`.
 */
export interface StatusStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

/** One part of the line, in the order shown; `keep` is the order parts are given up in when the line is too wide (lowest first). */
interface Part {
  readonly text: string;
  readonly keep: number;
  readonly paint?: (text: string) => string;
}

const PHASE_WORD: Readonly<Record<RunPhase, string>> = { ramp: 'ramping', steady: 'steady', stopping: 'stopping' };

/** `0:07`, `12:30`, `1:02:03`. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const number = new Intl.NumberFormat('en-US');

/** `errors 3: timeout 2, connectionLost 1`, most frequent first; `errors 0` when there are none. */
function errorsText(errors: ReadonlyMap<string, number>, kinds: number): string {
  const sorted = [...errors].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = sorted.reduce((t, [, n]) => t + n, 0);
  if (total === 0 || kinds === 0) return `errors ${number.format(total)}`;
  const shown = sorted.slice(0, kinds).map(([k, n]) => `${k} ${number.format(n)}`);
  return `errors ${number.format(total)}: ${shown.join(', ')}${sorted.length > kinds ? ', …' : ''}`;
}

/** How much each part is wanted: the least wanted go first when the line is too wide. */
const KEEP = { time: 9, phase: 8, connected: 7, booted: 6, errors: 5, p99: 4, rate: 3, charging: 2 } as const;

function parts(p: RunProgress, c: Colors, errorKinds: number): Part[] {
  const t = p.gauges.total;
  const phasePaint = p.phase === 'ramp' ? c.yellow : p.phase === 'steady' ? c.green : c.cyan;
  const errors = [...p.errors.values()].reduce((a, n) => a + n, 0);
  return [
    { text: `${clock(p.second * 1000)}/${clock(p.durationMs)}`, keep: KEEP.time },
    { text: PHASE_WORD[p.phase], keep: KEEP.phase, paint: phasePaint },
    { text: `connected ${number.format(t.connected)}/${number.format(p.planned)}`, keep: KEEP.connected },
    { text: `booted ${number.format(t.booted)}`, keep: KEEP.booted },
    { text: `${number.format(t.charging)} charging`, keep: KEEP.charging },
    { text: `${number.format(p.live.callsPerSec)} calls/s`, keep: KEEP.rate },
    { text: `p99 ${p.live.p99Ms.toFixed(1)} ms`, keep: KEEP.p99 },
    { text: errorsText(p.errors, errorKinds), keep: KEEP.errors, ...(errors > 0 ? { paint: c.red } : {}) },
  ];
}

const SEPARATOR = '  ';

/** `list` without the parts wanted less than `least`. */
function above(list: readonly Part[], least: number): Part[] {
  return list.filter((part) => part.keep >= least);
}

/**
 * What a line too wide gives up, in order: sessions charging, then the errors' breakdown down to
 * one kind, calls/s, the breakdown, p99; each step is [kinds of errors shown, least part kept].
 */
const CONCESSIONS: ReadonlyArray<readonly [number, number]> = [
  [3, 0],
  [3, KEEP.rate],
  [1, KEEP.rate],
  [1, KEEP.p99],
  [0, KEEP.p99],
  [0, KEEP.errors],
];

/** A terminal's width: as the terminal says, else $COLUMNS, else 80 (a pty nobody sized says 0). */
export function terminalColumns(stream: { readonly columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  return (stream.columns ?? 0) > 0 ? (stream.columns as number) : fromEnv > 0 ? fromEnv : 80;
}

/**
 * The line for `p`, at most `width` characters as shown (colour codes aside): the first of
 * CONCESSIONS that fits, else the parts left given up from the least wanted (the time stays), and
 * what is still too wide cut with an ellipsis. `width` Infinity: everything.
 */
export function statusText(p: RunProgress, width = Infinity, colors: Colors = picocolors.createColors(false)): string {
  let kept: Part[] = [];
  for (const [kinds, least] of CONCESSIONS) {
    kept = above(parts(p, colors, kinds), least);
    if (plainWidth(kept) <= width) break;
  }
  while (kept.length > 1 && plainWidth(kept) > width) {
    const least = kept.reduce((lo, part) => (part.keep < lo.keep ? part : lo));
    kept = kept.filter((part) => part !== least);
  }
  const plain = kept.map((part) => part.text).join(SEPARATOR);
  if (plain.length > width) return `${plain.slice(0, Math.max(0, width - 1))}…`;
  return kept.map((part) => (part.paint ? part.paint(part.text) : part.text)).join(SEPARATOR);
}

function plainWidth(list: readonly Part[]): number {
  return list.reduce((w, part, i) => w + part.text.length + (i > 0 ? SEPARATOR.length : 0), 0);
}

export class StatusLine {
  private readonly tty: boolean;
  private readonly colors: Colors;
  private lastPlain = 0;
  private drawn = false;
  private last: RunProgress | undefined;
  private peakConnected = 0;
  private peakBooted = 0;

  constructor(
    private readonly stream: StatusStream = process.stderr,
    private readonly plainEverySeconds = 5,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.tty = stream.isTTY === true;
    // NO_COLOR (no-color.org): set to a non-empty value, it turns colour off.
    this.colors = picocolors.createColors(this.tty && !(env.NO_COLOR !== undefined && env.NO_COLOR !== ''));
  }

  private width(): number {
    return Math.max(20, terminalColumns(this.stream, this.env));
  }

  update(p: RunProgress): void {
    this.last = p;
    this.peakConnected = Math.max(this.peakConnected, p.gauges.total.connected);
    this.peakBooted = Math.max(this.peakBooted, p.gauges.total.booted);
    if (this.tty) {
      // One column spare: a line exactly as wide as the terminal wraps on some of them.
      this.stream.write(`\r${statusText(p, this.width() - 1, this.colors)}\x1b[K`);
      this.drawn = true;
    } else if (p.second - this.lastPlain >= this.plainEverySeconds) {
      this.lastPlain = p.second;
      this.stream.write(`${statusText(p)}\n`);
    }
  }

  /**
   * The run is over: on a terminal the line is redrawn a last time with the run's length, the most
   * stations that were connected and booted, and `verdict` (PASSED, FAILED, STOPPED: its first
   * word), so that what stays on screen says how the run went.
   */
  finish(verdict: string): void {
    // On a terminal, once it showed anything: after a notice (end()) the line starts afresh below it.
    if (this.tty && this.last !== undefined) {
      const c = this.colors;
      const word = verdict.split(':')[0] ?? verdict;
      const paint = word.startsWith('PASSED') ? c.green : word.startsWith('FAILED') ? c.red : c.yellow;
      const p = this.last;
      const line =
        `${clock(p.second * 1000)}/${clock(p.durationMs)}${SEPARATOR}done${SEPARATOR}` +
        `connected ${number.format(this.peakConnected)}/${number.format(p.planned)} at peak${SEPARATOR}booted ${number.format(this.peakBooted)}${SEPARATOR}`;
      const room = this.width() - 1 - line.length;
      const shown = word.length > room ? '' : verdict.length <= room ? verdict : `${verdict.slice(0, Math.max(word.length, room - 1))}…`;
      this.stream.write(`\r${line}${paint(shown)}\x1b[K\n`);
    }
    this.drawn = false;
  }

  /** Leave the line so what follows starts on a fresh one (a notice, an interruption). */
  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
