import { readFileSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';

/**
 * The nice value a process in a session of its own carries into its session's scheduling group.
 *
 * The embedded CSMS and the shard processes run in sessions of their own (`detached`, so that a
 * terminal's Ctrl-C to the run's process group reaches the run, which stops them in order, and not
 * them). They inherit their parent's nice value, but on Linux with autogroup scheduling (the
 * default of most distributions: /proc/sys/kernel/sched_autogroup_enabled) a nice value weighs a
 * process only against the others of its session: each session is a group, and the groups share
 * the CPU by the group's own nice, 0 unless set. So `nice -n 10 ocpp-fleet run`, meant to leave the
 * machine to something else, would leave the CSMS and the shards at full weight beside it, each
 * as heavy as everything else put together.
 *
 * A session leader therefore raises its group's nice to its own. Only a leader: a process in its
 * parent's session (a CLI started from a shell) would change the nice of the whole terminal.
 * Never lowered (that needs privileges, and nobody asked for it). Where there is no autogroup
 * (another kernel, another system) there is nothing to do.
 */

/** What the call found: the group's nice afterwards, or why there was nothing to do. */
export type SessionPriority = { readonly groupNice: number; readonly raised: boolean } | 'notLeader' | 'notNiced' | 'noAutogroup';

const AUTOGROUP = '/proc/self/autogroup';

export function keepNiceInSession(): SessionPriority {
  const nice = getPriority();
  if (nice <= 0) return 'notNiced';
  if (sessionId() !== process.pid) return 'notLeader';
  const groupNice = autogroupNice();
  if (groupNice === undefined) return 'noAutogroup';
  if (groupNice >= nice) return { groupNice, raised: false };
  try {
    writeFileSync(AUTOGROUP, String(nice));
  } catch {
    // Written to by the owner, raised without privileges: a refusal is a system of another kind.
    return { groupNice, raised: false };
  }
  return { groupNice: autogroupNice() ?? nice, raised: true };
}

/** The session id: the fourth field after the command name of /proc/self/stat; undefined off Linux. */
function sessionId(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

/** "/autogroup-1526 nice 0" → 0; undefined without the file. */
export function autogroupNice(file = AUTOGROUP): number | undefined {
  try {
    const match = /nice (-?\d+)/.exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
