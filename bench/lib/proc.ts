import { readdirSync, readFileSync } from 'node:fs';

/**
 * A process's (or a process tree's) CPU and memory from /proc (Linux): what a party spread over
 * several processes costs, where process.cpuUsage() sees one. CPU in clock ticks of 10 ms, so a
 * window of a few seconds or more.
 */

/** The fields of /proc/<pid>/stat after the command's ") ": state is the 1st, ppid the 2nd, utime the 12th, stime the 13th. */
function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
  } catch {
    return undefined;
  }
}

/** CPU time (µs, user + system, all threads) of process `pid` so far; NaN where there is none. */
export function processCpuUs(pid: number): number {
  const fields = statFields(pid);
  if (fields === undefined) return Number.NaN;
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100;
}

/** Resident memory (bytes) of process `pid` now; 0 where there is none. */
export function processRssBytes(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return line ? Number(line[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `root` and every process descended from it, now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1]);
    if (!Number.isInteger(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface Usage {
  readonly processes: number;
  readonly cpuUs: number;
  readonly rssBytes: number;
}

/** CPU so far and RSS now, summed over `pids` (gone ones count 0 RSS and the CPU they had no more). */
export function usageOf(pids: readonly number[]): Usage {
  let cpuUs = 0;
  let rssBytes = 0;
  let processes = 0;
  for (const pid of pids) {
    const cpu = processCpuUs(pid);
    if (Number.isNaN(cpu)) continue;
    processes++;
    cpuUs += cpu;
    rssBytes += processRssBytes(pid);
  }
  return { processes, cpuUs, rssBytes };
}
