import { readdirSync, readFileSync } from 'node:fs';

/** Pids of the processes whose parent is `parent` and whose command line names `file` (read from /proc). */
export function childrenRunning(parent: number, file: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(file)) out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out.sort((a, b) => a - b);
}
