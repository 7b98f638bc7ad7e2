/**
 * The embedded CSMS's options, checked once at the edge (piscina style: one precise message per
 * rule). The same rules serve `startCsmsServer`, `startEmbeddedCsms` and the CLI's argParsers,
 * so a bad value gets the same words whichever door it came through.
 */
export type BootStatus = 'Accepted' | 'Pending' | 'Rejected';

export const BOOT_STATUSES: readonly BootStatus[] = ['Accepted', 'Pending', 'Rejected'];

/**
 * What happens when a station connects while a connection of the same identity is open: the
 * newest wins (`replace`: the old one is likely dead), or the newcomer is refused with HTTP 409
 * (`refuse`: a locked-down CSMS that will not let a second client take an identity over).
 */
export type SecondConnection = 'replace' | 'refuse';

export const SECOND_CONNECTION_POLICIES: readonly SecondConnection[] = ['replace', 'refuse'];

export interface CsmsOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Answer every station-initiated CALL after this many ms (default 0: synchronously). */
  delayMs?: number;
  /** Uniform jitter ± this many ms around `delayMs` (default 0). */
  jitterMs?: number;
  /**
   * The actions `delayMs` and `jitterMs` apply to, separated by commas (default '': every
   * action): `BootNotification` is a CSMS slower at boots alone, the regression of a cut-over.
   */
  delayActions?: string;
  /** `interval` of BootNotification answers, in seconds (default 60). */
  heartbeatIntervalS?: number;
  /** Status of every BootNotification answer (default Accepted). */
  bootStatus?: BootStatus;
  /**
   * Answer the first N BootNotifications of each station Pending before `bootStatus` applies
   * (default 0): the cold boot of a CSMS that admits stations gradually.
   */
  pendingBoots?: number;
  /** `interval` of Pending and Rejected boot answers, in seconds: when the station may boot again (default 10). */
  bootRetryIntervalS?: number;
  /** Share 0..1 of id tags answered Invalid, decided per tag by a hash (default 0). */
  invalidTagShare?: number;
  /** Default time a station has to answer a CSMS-initiated CALL (default 30,000 ms). */
  callTimeoutMs?: number;
  /** CSMS-initiated calls per second, spread over the connected, accepted stations (default 0). */
  callRate?: number;
  /** PEM certificate and key files: serve wss:// (security profile 2). Both or neither. */
  tlsCert?: string;
  tlsKey?: string;
  /**
   * PEM file of the CA that signs station certificates: require a client certificate whose
   * common name is the station's identity (security profile 3). Needs tlsCert and tlsKey.
   */
  clientCa?: string;
  /**
   * CSV file `identity,password` (a header line is allowed): require HTTP Basic auth with the
   * station's identity and password (security profiles 1 and 2). Passwords are never printed.
   */
  basicAuth?: string;
  /** A second connection of an identity already connected: `replace` the first (default) or `refuse` it. */
  secondConnection?: SecondConnection;
  /**
   * Nodes of the CSMS (default 1): listeners on `port`, `port + 1`, … (each a free port when `port`
   * is 0) sharing one state, so a CSMS-initiated call reaches a station on whichever node it is.
   */
  nodes?: number;
  /**
   * A CSMS of known capacity: every station-initiated CALL is answered through `servers` servers
   * that each take exactly this many ms per call, first come first served (default 0: off, answers
   * at once). Capacity: servers × 1000 / serviceTimeMs calls per second. Not with delayMs/jitterMs.
   */
  serviceTimeMs?: number;
  /** Servers of the service queue (default 1); more than 1 needs serviceTimeMs. */
  servers?: number;
  /**
   * Processes sharing the port (default 1): each holds the stations whose identity hashes to it
   * (cluster-primary.ts), for more connections than one process's open-file limit allows.
   */
  processes?: number;
}

export type ResolvedCsmsOptions = Readonly<Required<CsmsOptions>>;

export const CSMS_DEFAULTS: Readonly<Omit<ResolvedCsmsOptions, 'port'>> = Object.freeze({
  host: '127.0.0.1',
  delayMs: 0,
  jitterMs: 0,
  delayActions: '',
  heartbeatIntervalS: 60,
  bootStatus: 'Accepted',
  pendingBoots: 0,
  bootRetryIntervalS: 10,
  invalidTagShare: 0,
  callTimeoutMs: 30_000,
  callRate: 0,
  tlsCert: '',
  tlsKey: '',
  clientCa: '',
  basicAuth: '',
  secondConnection: 'replace',
  nodes: 1,
  serviceTimeMs: 0,
  servers: 1,
  processes: 1,
});

/** Most nodes one CSMS process listens with: a cluster to fail over in, not a port range to fill. */
export const MAX_NODES = 16;

/** Most processes of one CSMS. */
export const MAX_CSMS_PROCESSES = 64;

/** Most servers of the service queue: a model of a CSMS's workers, not of its connections. */
export const MAX_SERVERS = 10_000;

/** Longest delay or timeout accepted: setTimeout's own limit (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;
/** The same in whole seconds, for intervals the stations turn into ms. */
const MAX_TIMER_S = Math.floor(MAX_TIMER_MS / 1000);

type Rule = (value: unknown) => string | undefined;

function integerIn(min: number, max: number): Rule {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
}

function numberIn(min: number, max: number, minExclusive = false): Rule {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value > max) return describe(min, max, minExclusive);
    if (minExclusive ? value <= min : value < min) return describe(min, max, minExclusive);
    return undefined;
  };
}

function describe(min: number, max: number, minExclusive: boolean): string {
  return `must be a number ${minExclusive ? '>' : '>='} ${min} and <= ${max}`;
}

/** An OCPP action's name as the specifications spell them: `BootNotification`, `Get15118EVCertificate`. */
const ACTION_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/** `delayActions` as a list: names separated by commas, spaces around them ignored. */
export function actionList(value: string): string[] {
  return value === '' ? [] : value.split(',').map((a) => a.trim());
}

/** A file path, or '' for none. Existence is checked when the server reads it. */
function pathRule(value: unknown): string | undefined {
  return typeof value === 'string' ? undefined : 'must be a file path';
}

const RULES: Readonly<Record<keyof CsmsOptions, Rule>> = {
  port: integerIn(0, 65535),
  host: (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'must be a non-empty string'),
  delayMs: numberIn(0, MAX_TIMER_MS),
  jitterMs: numberIn(0, MAX_TIMER_MS),
  delayActions: (value) =>
    typeof value === 'string' && (value === '' || actionList(value).every((a) => ACTION_NAME.test(a)))
      ? undefined
      : 'must be action names separated by commas, such as "BootNotification,StatusNotification"',
  // 0 is meaningful in OCPP: the station picks its own interval.
  heartbeatIntervalS: integerIn(0, MAX_TIMER_S),
  bootStatus: (value) =>
    typeof value === 'string' && (BOOT_STATUSES as readonly string[]).includes(value)
      ? undefined
      : `must be one of ${BOOT_STATUSES.join(', ')}`,
  pendingBoots: integerIn(0, 1_000_000),
  bootRetryIntervalS: integerIn(0, MAX_TIMER_S),
  invalidTagShare: numberIn(0, 1),
  callTimeoutMs: numberIn(0, MAX_TIMER_MS, true),
  callRate: numberIn(0, 1_000_000),
  tlsCert: pathRule,
  tlsKey: pathRule,
  clientCa: pathRule,
  basicAuth: pathRule,
  secondConnection: (value) =>
    typeof value === 'string' && (SECOND_CONNECTION_POLICIES as readonly string[]).includes(value)
      ? undefined
      : `must be one of ${SECOND_CONNECTION_POLICIES.join(', ')}`,
  nodes: integerIn(1, MAX_NODES),
  // 0 is off; any positive time is a capacity (one server at 0.5 ms: 2,000 calls/s).
  serviceTimeMs: numberIn(0, MAX_TIMER_MS),
  servers: integerIn(1, MAX_SERVERS),
  processes: integerIn(1, MAX_CSMS_PROCESSES),
};

/** What is wrong with `value` for option `name`, or undefined when it is acceptable. */
export function csmsOptionProblem(name: keyof CsmsOptions, value: unknown): string | undefined {
  return RULES[name](value);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** How an option is named in an error: `options.delayMs` by default, `--delay-ms` from the CLI. */
export type OptionName = (key: keyof CsmsOptions) => string;

const OPTION_NAME: OptionName = (key) => `options.${key}`;

/**
 * Check every option and fill the defaults; throws TypeError naming the first bad option, or the
 * two that do not go together (named by `name`: the CLI passes its flags).
 */
export function resolveCsmsOptions(options: CsmsOptions, name: OptionName = OPTION_NAME): ResolvedCsmsOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const known = Object.keys(RULES);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`options.${key} is not a CSMS option (known: ${known.join(', ')})`);
  }
  const merged = { ...CSMS_DEFAULTS, ...stripUndefined(options) } as Record<keyof CsmsOptions, unknown>;
  if (merged.port === undefined) throw new TypeError('options.port is required (0 picks a free port)');
  for (const key of known as (keyof CsmsOptions)[]) {
    const problem = RULES[key](merged[key]);
    if (problem) throw new TypeError(`${name(key)} ${problem}, got ${show(merged[key])}`);
  }
  const resolved = merged as Required<CsmsOptions>;
  const problem = combinationProblem(resolved, name);
  if (problem !== undefined) throw new TypeError(problem);
  return Object.freeze(resolved);
}

/** Options that are each acceptable but not together. */
function combinationProblem(o: Required<CsmsOptions>, name: OptionName): string | undefined {
  if ((o.tlsCert === '') !== (o.tlsKey === '')) return `${name('tlsCert')} and ${name('tlsKey')} go together: give both or neither`;
  if (o.port > 0 && o.port + o.nodes - 1 > 65535) return `${name('port')} ${o.port} leaves no room for ${o.nodes} nodes on consecutive ports`;
  if (o.clientCa !== '' && o.tlsCert === '') return `${name('clientCa')} needs TLS: give ${name('tlsCert')} and ${name('tlsKey')} too`;
  // The service queue's latency is the model's own: a delay on top would hide its capacity.
  if (o.serviceTimeMs > 0) {
    const delay = o.delayMs > 0 ? 'delayMs' : o.jitterMs > 0 ? 'jitterMs' : undefined;
    if (delay !== undefined) {
      return `${name('serviceTimeMs')} and ${name(delay)} cannot be combined: the service queue answers each call when its service ends (give one or the other)`;
    }
  }
  if (o.servers > 1 && o.serviceTimeMs === 0) return `${name('servers')} needs ${name('serviceTimeMs')}: servers with no service time have nothing to model`;
  if (o.processes > 1) {
    if (o.port > 0 && o.port + o.processes > 65535) return `${name('port')} ${o.port} leaves no room for ${o.processes} processes' own ports after it`;
    // The first process reads each connection's request line to pick its process: TLS hides it.
    if (o.tlsCert !== '') return `${name('processes')} above 1 cannot serve TLS yet: the station's process is chosen from the request's path, which TLS hides (give one or the other)`;
    if (o.nodes > 1) return `${name('processes')} and ${name('nodes')} cannot be combined: nodes share one process's state (give one or the other)`;
    if (o.serviceTimeMs > 0) return `${name('processes')} and ${name('serviceTimeMs')} cannot be combined: a known capacity is one queue's (give one or the other)`;
  }
  return undefined;
}

function stripUndefined(options: CsmsOptions): Partial<CsmsOptions> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as Partial<CsmsOptions>;
}

/** The command-line flag of each option, shared by `ocpp-fleet csms` and the child-process launcher. */
export const CSMS_FLAGS: Readonly<Record<keyof CsmsOptions, string>> = {
  port: '--port',
  host: '--host',
  delayMs: '--delay-ms',
  jitterMs: '--jitter-ms',
  delayActions: '--delay-actions',
  heartbeatIntervalS: '--heartbeat-interval',
  bootStatus: '--boot-status',
  pendingBoots: '--pending-boots',
  bootRetryIntervalS: '--boot-retry-interval',
  invalidTagShare: '--invalid-tag-share',
  callTimeoutMs: '--call-timeout-ms',
  callRate: '--call-rate',
  tlsCert: '--tls-cert',
  tlsKey: '--tls-key',
  clientCa: '--client-ca',
  basicAuth: '--basic-auth',
  secondConnection: '--second-connection',
  nodes: '--nodes',
  serviceTimeMs: '--service-time-ms',
  servers: '--servers',
  processes: '--processes',
};
