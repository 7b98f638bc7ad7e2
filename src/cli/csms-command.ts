import { InvalidArgumentError, type Command } from 'commander';
import {
  BOOT_STATUSES,
  type BootStatus,
  CSMS_DEFAULTS,
  CSMS_FLAGS,
  csmsOptionProblem,
  type CsmsOptions,
  resolveCsmsOptions,
  type ResolvedCsmsOptions,
  SECOND_CONNECTION_POLICIES,
  type SecondConnection,
} from '../csms/options';
import { startCsmsCluster } from '../csms/cluster-primary';
import { startCsmsServer, type CsmsServer } from '../csms/server';
import { formatStats } from '../csms/stats';
import { UsageError } from '../run/exit-codes';
import { checkFlagFile, host } from './options';

/** What the parent of `ocpp-fleet csms` receives over IPC once the port is known (see csms/child.ts). */
export interface CsmsListeningMessage {
  type: 'listening';
  /** Node 0's port. */
  port: number;
  /** Every node's port, node 0 first. */
  ports: number[];
  /** With --processes: each process's own port, in order (a station's process: its identity's hash). */
  processPorts?: number[];
}

/** As commander names them: `--heartbeat-interval` becomes `heartbeatInterval`. */
interface Flags {
  port: number;
  host: string;
  delayMs: number;
  jitterMs: number;
  delayActions: string;
  heartbeatInterval: number;
  bootStatus: string;
  pendingBoots: number;
  bootRetryInterval: number;
  invalidTagShare: number;
  callTimeoutMs: number;
  callRate: number;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  basicAuth?: string;
  secondConnection: string;
  nodes: number;
  serviceTimeMs: number;
  servers: number;
  processes: number;
}

function optionsOf(flags: Flags): CsmsOptions {
  return {
    port: flags.port,
    host: flags.host,
    delayMs: flags.delayMs,
    jitterMs: flags.jitterMs,
    delayActions: flags.delayActions,
    heartbeatIntervalS: flags.heartbeatInterval,
    // Checked against BOOT_STATUSES by its flag parser.
    bootStatus: flags.bootStatus as BootStatus,
    pendingBoots: flags.pendingBoots,
    bootRetryIntervalS: flags.bootRetryInterval,
    invalidTagShare: flags.invalidTagShare,
    callTimeoutMs: flags.callTimeoutMs,
    callRate: flags.callRate,
    tlsCert: flags.tlsCert,
    tlsKey: flags.tlsKey,
    clientCa: flags.clientCa,
    basicAuth: flags.basicAuth,
    // Checked against SECOND_CONNECTION_POLICIES by its flag parser.
    secondConnection: flags.secondConnection as SecondConnection,
    nodes: flags.nodes,
    serviceTimeMs: flags.serviceTimeMs,
    servers: flags.servers,
    processes: flags.processes,
  };
}

/** Parse a flag's value as a number, then hold it to the same rule as `startCsmsServer`'s option. */
function numberFlag(name: keyof CsmsOptions): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    const problem = csmsOptionProblem(name, n);
    if (problem !== undefined) throw new InvalidArgumentError(`${CSMS_FLAGS[name]} ${problem}, got "${value}"`);
    return n;
  };
}

function stringFlag(name: keyof CsmsOptions): (value: string) => string {
  return (value) => {
    const problem = csmsOptionProblem(name, value);
    if (problem !== undefined) throw new InvalidArgumentError(`${CSMS_FLAGS[name]} ${problem}, got "${value}"`);
    return value;
  };
}

/** `ocpp-fleet csms`: run the embedded CSMS alone until SIGINT/SIGTERM, then print what it saw. */
export function registerCsmsCommand(program: Command): void {
  const d = CSMS_DEFAULTS;
  program
    .command('csms')
    .description('run the embedded OCPP 1.6J + 2.0.1 CSMS (stations connect to ws://host:port/<identity>)')
    .requiredOption(`${CSMS_FLAGS.port} <port>`, 'TCP port (0 picks a free one)', numberFlag('port'))
    .option(`${CSMS_FLAGS.host} <host>`, 'address to listen on', host(CSMS_FLAGS.host), d.host)
    .option(`${CSMS_FLAGS.delayMs} <ms>`, 'answer each station CALL after this delay', numberFlag('delayMs'), d.delayMs)
    .option(`${CSMS_FLAGS.jitterMs} <ms>`, 'uniform jitter ± around the delay', numberFlag('jitterMs'), d.jitterMs)
    .option(`${CSMS_FLAGS.delayActions} <actions>`, 'delay only these actions\' answers (comma-separated, e.g. BootNotification); default: every action', stringFlag('delayActions'), d.delayActions)
    .option(`${CSMS_FLAGS.heartbeatIntervalS} <s>`, 'interval returned in BootNotification answers', numberFlag('heartbeatIntervalS'), d.heartbeatIntervalS)
    .option(`${CSMS_FLAGS.bootStatus} <status>`, `BootNotification status: ${BOOT_STATUSES.join(', ')}`, stringFlag('bootStatus'), d.bootStatus)
    .option(`${CSMS_FLAGS.pendingBoots} <n>`, 'answer the first N BootNotifications of each station Pending', numberFlag('pendingBoots'), d.pendingBoots)
    .option(`${CSMS_FLAGS.bootRetryIntervalS} <s>`, 'interval returned with Pending and Rejected boots', numberFlag('bootRetryIntervalS'), d.bootRetryIntervalS)
    .option(`${CSMS_FLAGS.invalidTagShare} <x>`, 'share 0..1 of id tags answered Invalid (tags starting INVALID always are)', numberFlag('invalidTagShare'), d.invalidTagShare)
    .option(`${CSMS_FLAGS.callTimeoutMs} <ms>`, 'time a station has to answer a CSMS-initiated CALL', numberFlag('callTimeoutMs'), d.callTimeoutMs)
    .option(`${CSMS_FLAGS.callRate} <n>`, 'CSMS-initiated calls per second over the connected stations', numberFlag('callRate'), d.callRate)
    .option(`${CSMS_FLAGS.tlsCert} <file>`, 'PEM certificate: serve wss:// (security profile 2; needs --tls-key)')
    .option(`${CSMS_FLAGS.tlsKey} <file>`, 'PEM private key of --tls-cert')
    .option(`${CSMS_FLAGS.clientCa} <file>`, 'PEM CA of station certificates: require a client certificate naming the station (profile 3)')
    .option(`${CSMS_FLAGS.basicAuth} <file>`, 'CSV identity,password: require HTTP Basic auth (profiles 1 and 2)')
    .option(`${CSMS_FLAGS.secondConnection} <policy>`, `a second connection of a connected identity: replace (close the first) or refuse (HTTP 409); one of ${SECOND_CONNECTION_POLICIES.join(', ')}`, stringFlag('secondConnection'), d.secondConnection)
    .option(`${CSMS_FLAGS.nodes} <n>`, 'nodes sharing one state: listeners on port, port+1, … (each a free port with --port 0); POST /nodes/stop and /nodes/start stop and restart one', numberFlag('nodes'), d.nodes)
    .option(`${CSMS_FLAGS.serviceTimeMs} <ms>`, 'a CSMS of known capacity: every station CALL is answered through --servers servers taking exactly this long each, first come first served (capacity servers × 1000 / ms calls/s); 0: off; not with --delay-ms or --jitter-ms', numberFlag('serviceTimeMs'), d.serviceTimeMs)
    .option(`${CSMS_FLAGS.servers} <n>`, 'servers of --service-time-ms', numberFlag('servers'), d.servers)
    .option(`${CSMS_FLAGS.processes} <n>`, 'processes sharing the port, each holding the stations whose identity hashes to it (for more connections than one process\'s open-file limit); not with --nodes, TLS or --service-time-ms', numberFlag('processes'), d.processes)
    .action(async (flags: Flags) => {
      await runCsms(flags);
    });
}

async function runCsms(flags: Flags): Promise<void> {
  // The server reads these files as it starts; what they are and how large is checked first.
  checkFlagFile(CSMS_FLAGS.tlsCert, flags.tlsCert, 'pem');
  checkFlagFile(CSMS_FLAGS.tlsKey, flags.tlsKey, 'pem');
  checkFlagFile(CSMS_FLAGS.clientCa, flags.clientCa, 'pem');
  checkFlagFile(CSMS_FLAGS.basicAuth, flags.basicAuth, 'passwords');
  let server: CsmsServer;
  try {
    // Each flag was checked by its parser; this finds flags that do not go together, named as flags.
    const resolved = resolveCsmsOptions(optionsOf(flags), (key) => CSMS_FLAGS[key]);
    if (resolved.processes > 1) return await runCluster(resolved);
    server = await startCsmsServer(optionsOf(flags));
  } catch (err) {
    // An option that slipped past the flag parsers is still a usage error; anything else
    // (EADDRINUSE, EACCES) propagates to main as a failure to start.
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
  const nodes = server.urls.length > 1 ? `; ${server.urls.length} nodes sharing one state` : '';
  const queue = server.stats().serviceQueue;
  const capacity = queue === undefined ? '' : `; ${queue.servers} × ${queue.serviceTimeMs} ms servers: capacity ${Number(queue.capacityPerSecond.toFixed(1))} calls/s`;
  process.stderr.write(`CSMS listening on ${server.urls.join(', ')} (OCPP 1.6, 2.0.1, 2.1${nodes}${capacity})\n`);
  if (process.send !== undefined) {
    const message: CsmsListeningMessage = { type: 'listening', port: server.port, ports: server.nodes().map((n) => n.port) };
    process.send(message);
  }
  const reason = await stopRequested();
  if (reason === 'parent gone') {
    // Nobody is left to read what we print (stderr is a pipe to the dead parent), and a close that
    // hangs on a station must not keep an orphan alive: exit within a bound whatever happens.
    setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref();
    await server.close();
    process.exit(0);
  }
  await server.close();
  process.stderr.write(`${formatStats(server.stats())}\n`);
  process.exitCode = 0;
  // The IPC channel would keep the process alive after everything else closed.
  if (process.connected) process.disconnect();
}

/** The CSMS over several processes (cluster-primary.ts): the same lines, the same end, for the whole. */
async function runCluster(options: ResolvedCsmsOptions): Promise<void> {
  const cluster = await startCsmsCluster(options, (message) => {
    // A process gone takes its stations' state with it: this CSMS is no longer the one asked for.
    process.stderr.write(`error: ${message}; the CSMS stops\n`);
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    void cluster.close().finally(() => process.exit(1));
  });
  process.stderr.write(`CSMS listening on ${cluster.url} (OCPP 1.6, 2.0.1, 2.1; ${cluster.processes} processes sharing the port; each also on its own: ${cluster.processUrls.join(', ')})\n`);
  if (process.send !== undefined) {
    const processPorts = cluster.processUrls.map((u) => Number(new URL(u).port));
    const message: CsmsListeningMessage = { type: 'listening', port: cluster.port, ports: [cluster.port], processPorts };
    process.send(message);
  }
  const reason = await stopRequested();
  if (reason === 'parent gone') setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref();
  // Closing waits for every process's last counts: a second signal must not end it half-way.
  const hold = (): void => undefined;
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  const stats = await cluster.close();
  if (reason === 'parent gone') process.exit(0);
  process.stderr.write(`${formatStats(stats)}\n`);
  process.exitCode = 0;
  if (process.connected) process.disconnect();
}

/** How long an orphaned CSMS may take to close its connections before it exits anyway. */
const ORPHAN_EXIT_MS = 3000;
const PARENT_CHECK_MS = 1000;

/**
 * Resolves on SIGINT or SIGTERM, or when the parent that forked us goes away: its IPC channel
 * closes (the kernel closes it when the parent dies, even by SIGKILL), or, should that ever be
 * missed, we are given to another parent. Forked detached (child.ts), we get no terminal's
 * signals, so this is how a fleet killed hard leaves no CSMS behind.
 */
function stopRequested(): Promise<'signal' | 'parent gone'> {
  return new Promise((resolve) => {
    const forked = process.send !== undefined;
    const parent = process.ppid;
    const watch = forked ? setInterval(() => process.ppid !== parent && stop('parent gone'), PARENT_CHECK_MS) : undefined;
    watch?.unref();
    const onSignal = (): void => stop('signal');
    const onDisconnect = (): void => stop('parent gone');
    function stop(reason: 'signal' | 'parent gone'): void {
      clearInterval(watch);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('disconnect', onDisconnect);
      resolve(reason);
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (forked) process.on('disconnect', onDisconnect);
  });
}
