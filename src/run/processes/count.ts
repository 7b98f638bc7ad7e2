import { readFileSync } from 'node:fs';

/** At most this many processes: one loopback source address each fits in 127.0.0.1–127.0.0.254, with room to spare. */
export const MAX_PROCESSES = 64;

/** The open-file limit assumed when the system does not say (this machine's: ../shared/FACTS.md). */
const DEFAULT_OPEN_FILES = 20_000;
/** Files a process holds besides its stations' sockets: its modules, pipes, workers, the results. */
const FILES_RESERVED = 1_000;
/** Stations per process as a share of what its files allow: room for reconnects, whose old socket may linger. */
const FILE_SHARE = 0.9;

/** The soft open-file limit of this process (Linux: /proc/self/limits); undefined elsewhere. */
export function openFileLimit(limits = '/proc/self/limits'): number | undefined {
  try {
    const line = readFileSync(limits, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = soft === undefined ? NaN : Number(soft);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** How many stations one process may hold under an open-file limit. */
export function stationsPerProcess(fileLimit = openFileLimit() ?? DEFAULT_OPEN_FILES): number {
  return Math.max(1, Math.floor((fileLimit - FILES_RESERVED) * FILE_SHARE));
}

/** `processes: 'auto'`: as many processes as the open-file limit needs for `stations` (one for a fleet that fits in one). */
export function autoProcesses(stations: number, perProcess = stationsPerProcess()): number {
  return Math.min(MAX_PROCESSES, Math.max(1, Math.ceil(stations / perProcess)));
}

/** How many ephemeral ports connect() draws from (Linux: /proc/sys/net/ipv4/ip_local_port_range); 32768–60999 when unknown. */
export function ephemeralPorts(file = '/proc/sys/net/ipv4/ip_local_port_range'): number {
  try {
    const [low, high] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isSafeInteger(low) && Number.isSafeInteger(high) && (high as number) > (low as number)) return (high as number) - (low as number) + 1;
  } catch {
    // Not Linux: its default range.
  }
  return 60999 - 32768 + 1;
}

/**
 * Connections that one source address opens cheaply to one address and port: 90 % of half the
 * ephemeral range (12,700 here). Linux's connect() looks for a free source port among the even
 * ports of the range first, and among the odd ones only once no even port is free for that
 * destination: past half the range, every further connect() scans all the even ports first, in
 * system time (~14,000 lookups each here). The 100,000-station run saturated so from 285 s, when
 * its CSMS processes' ports passed 14,000 connections each (scripts in the closing note).
 */
export function cheapConnectionsPerTarget(ports = ephemeralPorts()): number {
  return Math.max(1, Math.floor((ports / 2) * 0.9));
}

/**
 * The embedded CSMS's processes for a fleet of `stations` on this machine: as many as the
 * open-file limit needs, and enough that no process's own port takes more stations than connect
 * from one address cheaply (each station connects to its CSMS process's own URL).
 */
export function csmsProcessesFor(stations: number, perProcess = stationsPerProcess(), perPort = cheapConnectionsPerTarget()): number {
  return Math.min(MAX_PROCESSES, Math.max(autoProcesses(stations, perProcess), Math.ceil(stations / perPort)));
}

/**
 * Connections one source address may open at all to one CSMS address and port: 90 % of the
 * ephemeral range (25,408 of 32768–60999 here), room left for the ports of sockets closing.
 */
export function portsPerTarget(ports = ephemeralPorts()): number {
  return Math.max(1, Math.floor(ports * 0.9));
}

/**
 * The source addresses of process `index` of `count`: its share of the addresses given (every
 * count-th; one shared round-robin when there are fewer than processes); without any, when more
 * stations share one loopback target than one source address has ports for, 127.0.0.(index + 1).
 * Otherwise none: the system picks, which costs the kernel far less than a bound address (whose
 * port it must search for, in system time that grows with the sockets open).
 */
export function processAddresses(index: number, count: number, given: readonly string[] | undefined, loopbackShortOfPorts: boolean): readonly string[] | undefined {
  if (given !== undefined && given.length > 0) {
    const own = given.filter((_a, k) => k % count === index);
    return own.length > 0 ? own : [given[index % given.length] as string];
  }
  return loopbackShortOfPorts ? [`127.0.0.${index + 1}`] : undefined;
}
