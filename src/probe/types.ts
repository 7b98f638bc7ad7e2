import type { JsonObject, OcppVersion } from '../ocpp';

/**
 * The probe's vocabulary: what it is told (a frozen config, and the secrets kept apart from it so
 * that nothing printable can ever hold them), what it observes on the wire, and what it reports.
 */

/** The checks, in the order the report lists them (they run in another order: see checks.ts). */
export const CHECK_IDS = [
  'plain-ws',
  'no-credentials',
  'wrong-password',
  'unknown-identity',
  'schema-invalid',
  'duplicate-id',
  'second-connection',
  'unsigned-meter-values',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
  'plain-ws': 'accepts ws:// without TLS',
  'no-credentials': 'accepts a station without credentials',
  'wrong-password': 'accepts a wrong password',
  'unknown-identity': 'accepts an unknown identity',
  'schema-invalid': 'answers a schema-invalid payload',
  'duplicate-id': 'processes a repeated message id',
  'second-connection': 'second connection of a connected identity',
  'unsigned-meter-values': 'accepts unsigned meter values',
};

/**
 * `exposed`: the CSMS let through what a locked-down one would refuse. `protected`: it refused.
 * `inconclusive`: what came back does not tell (a timeout, our own TLS refusal). `n/a`: not tried.
 */
export const VERDICTS = ['exposed', 'protected', 'inconclusive', 'n/a'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Finding {
  verdict: Verdict;
  /** One line: why this verdict. */
  reason: string;
}

/** One exchange: what the probe sent, and what came back. */
export interface Step {
  /** Never a secret: credentials are named by their source ("the password from $VAR"). */
  sent: string;
  /** Status codes, subprotocol, CALLERROR code, close code, as received. */
  received: string;
}

export interface CheckResult extends Finding {
  id: CheckId;
  title: string;
  /** In order; empty when the check was not tried. */
  steps: Step[];
}

/** Everything printable about a probe run. */
export interface ProbeConfig {
  /** Base URL, ws:// or wss://, without credentials or a trailing slash; stations use `<url>/<identity>`. */
  readonly url: string;
  readonly version: OcppVersion;
  readonly identity: string;
  /** Where the password comes from (`$VAR`, `file path`), or undefined for none. Never the password. */
  readonly passwordSource: string | undefined;
  readonly caFile: string | undefined;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** Skip verification of the CSMS's certificate (an explicit choice, warned about). */
  readonly insecure: boolean;
  /** With a wss:// URL, also try ws:// on the same host and port. */
  readonly tryPlain: boolean;
  /** Limit of every wait: a handshake, an answer. */
  readonly timeoutMs: number;
}

/** What was read from the environment and files. Held only by the connections; never printed. */
export interface ProbeMaterial {
  readonly password: string | undefined;
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
}

/** How one connection attempt ended, as plain data (the socket, when open, is handed out separately). */
export type ConnectResult =
  | { kind: 'open'; protocol: string }
  | { kind: 'http'; status: number; statusText: string }
  | { kind: 'failed'; failure: ConnectFailure; code: string }
  | { kind: 'timeout'; ms: number };

/**
 * `tlsUntrusted`: we refused the server's certificate. `tlsRefused`: the server refused us during
 * the handshake (an alert: no or a wrong client certificate). `reset`: the connection ended before
 * any HTTP answer (plain HTTP sent to a TLS port). `subprotocol`: upgraded without our OCPP version.
 */
export type ConnectFailure = 'unreachable' | 'tlsUntrusted' | 'tlsRefused' | 'reset' | 'subprotocol' | 'other';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** How one CALL of the probe ended. */
export type Answer =
  | { kind: 'result'; payload: JsonObject; schemaValid: boolean }
  | { kind: 'error'; code: string; description: string }
  | { kind: 'closed'; close: CloseInfo }
  | { kind: 'timeout'; ms: number }
  | { kind: 'malformed'; problem: string };

export interface ProbeReport {
  target: string;
  ocpp: OcppVersion;
  identity: string;
  credentials: {
    /** `none`, `from $VAR` or `from file PATH`. */
    password: string;
    clientCertificate: string | null;
    ca: string | null;
    /** `on`, `off` (--insecure) or `none` (ws://). */
    tlsVerification: 'on' | 'off' | 'none';
  };
  startedAt: string;
  durationMs: number;
  /** WebSocket connections the probe opened or tried, in all. */
  connections: number;
  /** The connection with the given credentials that the message checks use. */
  baseline: { steps: Step[]; usable: boolean };
  checks: CheckResult[];
  counts: Record<Verdict, number>;
}
