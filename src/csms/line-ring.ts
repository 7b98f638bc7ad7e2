/**
 * The last lines of a stream of text chunks, for saying why a child process died: a bounded ring,
 * so a child that writes for hours costs a fixed amount of memory. Chunks split lines anywhere;
 * the line still being written counts as the last one.
 */
export const LAST_LINES_KEPT = 20;
/** A line longer than this is cut (a JSON dump or a runaway loop must not fill the report). */
const LINE_CHARS_KEPT = 1000;

export class LineRing {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity = LAST_LINES_KEPT) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`capacity must be an integer >= 1, got ${String(capacity)}`);
  }

  /** Takes a chunk; returns the lines it completed (for passing them on). */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = cut(parts.pop() ?? '');
    const complete = parts.map(cut);
    for (const line of complete) {
      // Blank lines say nothing about why it died and would push out lines that do.
      if (line.trim() === '') continue;
      this.lines.push(line);
      if (this.lines.length > this.capacity) this.lines.shift();
    }
    return complete;
  }

  /** The last lines, oldest first, blank ones left out; at most `capacity`. */
  last(): string[] {
    const all = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial];
    return all.slice(-this.capacity);
  }
}

function cut(line: string): string {
  return line.length > LINE_CHARS_KEPT ? `${line.slice(0, LINE_CHARS_KEPT)}…` : line;
}
