import { readdirSync, readFileSync } from 'node:fs';

/**
 * Processes seen through Linux's /proc, for tests that must find a process by its place in the
 * tree (the embedded CSMS is a child of the fleet's process) rather than by a name that another
 * run on the same machine may share.
 */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** One letter: R, S, D, Z (zombie: exited, not yet reaped)… */
  state: string;
  argv: string[];
}

export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces and parentheses: the fields follow the last ')'.
    const [state = '?', ppid = '0', pgid = '0', sid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return { pid, ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), state, argv };
  } catch {
    return undefined;
  }
}

/** Every process below `root` (children, their children…). */
export function descendants(root: number): ProcInfo[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => procInfo(Number(name)))
    .filter((p): p is ProcInfo => p !== undefined);
  const out: ProcInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

/** The embedded CSMS forked by the fleet process `root` (or by a process below it): `main.js csms …`. */
export function embeddedCsmsOf(root: number): ProcInfo | undefined {
  return descendants(root).find((p) => p.argv.some((a) => a.endsWith('main.js')) && p.argv.includes('csms') && p.state !== 'Z');
}

/** Gone, or a zombie (it has exited; its new parent has not reaped it yet). */
export function hasExited(pid: number): boolean {
  const p = procInfo(pid);
  return p === undefined || p.state === 'Z';
}
