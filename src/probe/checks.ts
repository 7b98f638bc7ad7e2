import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { subprotocolOf } from '../ocpp';
import { bootStatus, describeAnswer, describeClose, describeConnect } from './describe';
import { bootNotification, heartbeat, schemaInvalid, unsignedMeterValues, type ProbeMessage } from './payloads';
import { connect, type Attempt, type Connection, type ProbeSocket } from './socket';
import {
  CHECK_IDS,
  CHECK_TITLES,
  VERDICTS,
  type Answer,
  type CheckId,
  type CheckResult,
  type ConnectResult,
  type Finding,
  type ProbeConfig,
  type ProbeMaterial,
  type ProbeReport,
  type Step,
  type Verdict,
} from './types';
import {
  accessFinding,
  duplicateIdFinding,
  notApplicable,
  plainUrlFinding,
  schemaInvalidFinding,
  secondConnectionFinding,
  tryPlainFinding,
  unsignedFinding,
} from './verdicts';

/** The target could not be reached at all: the probe has nothing to report (exit code 3). */
export class ProbeUnreachableError extends Error {
  override name = 'ProbeUnreachableError';
}

/**
 * Connections one probe run may open, in all: the baseline, up to three reconnections of it, a
 * second connection, three refused-or-not attempts and the plain one. A handful, by construction.
 */
export const MAX_CONNECTIONS = 10;
/** How long the CSMS gets to close one of two connections of an identity before we look. */
const SETTLE_MS = 1000;
/** A pause after closing the baseline, so the CSMS has forgotten it before the next attempt of its identity. */
const FORGET_MS = 200;

type Credentials = 'given' | 'none' | 'wrongPassword' | 'unknownIdentity';

interface Opened {
  connection: Connection;
  /** The report's words for the attempt. */
  sent: string;
}

/** Run every check against `config.url`; throws ProbeUnreachableError when the CSMS cannot be reached. */
export function runProbe(config: ProbeConfig, material: ProbeMaterial): Promise<ProbeReport> {
  return new Prober(config, material).run();
}

/** ws:// on the host and port of a wss:// URL (443 when it names none), same path. */
export function plainTwin(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  return `ws://${u.hostname}:${u.port === '' ? '443' : u.port}${path}`;
}

/** The baseline reached the CSMS when anything of the CSMS answered: an upgrade, an HTTP status, a TLS alert. */
function reached(result: ConnectResult): boolean {
  return result.kind === 'open' || result.kind === 'http' || (result.kind === 'failed' && (result.failure === 'tlsRefused' || result.failure === 'subprotocol'));
}

class Prober {
  private connections = 0;
  private readonly results = new Map<CheckId, CheckResult>();
  private readonly tls: boolean;
  private readonly unknownIdentity = `ocpp-fleet-probe-unknown-${randomBytes(4).toString('hex')}`;
  private readonly wrongPassword: string;
  private baseline: ProbeSocket | undefined = undefined;

  constructor(
    private readonly config: ProbeConfig,
    private readonly material: ProbeMaterial,
  ) {
    this.tls = config.url.startsWith('wss:');
    let wrong = randomBytes(18).toString('base64url');
    while (wrong === material.password) wrong = randomBytes(18).toString('base64url');
    this.wrongPassword = wrong;
  }

  async run(): Promise<ProbeReport> {
    const startedAt = new Date();
    const t0 = performance.now();
    const { identity } = this.config;

    const first = await this.open(identity, 'given');
    const result = first.connection.result;
    if (!reached(result)) {
      throw new ProbeUnreachableError(`cannot reach ${this.config.url}: ${describeConnect(result)}${hint(result)}`);
    }
    const baseline = { steps: [{ sent: first.sent, received: describeConnect(result) }], usable: false };
    let boot: Answer | undefined;
    if (first.connection.socket !== undefined) {
      boot = await this.boot(first.connection.socket, baseline.steps);
      baseline.usable = bootStatus(boot) === 'Accepted';
      if (baseline.usable) this.baseline = first.connection.socket;
      else await first.connection.socket.close();
    }
    const unusable = baselineProblem(result, boot);

    this.plainFromUrl(result, first.sent);
    // Checks that need a station the CSMS accepted, on the baseline (reopened if a check cost it).
    await this.messageCheck('unsigned-meter-values', unsignedMeterValues(this.config.version, new Date()), unsignedFinding, unusable);
    await this.duplicateId(unusable);
    await this.messageCheck('schema-invalid', schemaInvalid(this.config.version), schemaInvalidFinding, unusable);
    await this.secondConnection(unusable);
    if (this.baseline !== undefined) {
      await this.baseline.close();
      this.baseline = undefined;
    }
    await delay(FORGET_MS);
    // Attempts that a locked-down CSMS refuses.
    await this.access('no-credentials', identity, 'none');
    await this.access('wrong-password', identity, 'wrongPassword');
    await this.access('unknown-identity', this.unknownIdentity, 'unknownIdentity');
    await this.tryPlain();

    const checks = CHECK_IDS.map((id) => this.results.get(id) as CheckResult);
    const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
    for (const check of checks) counts[check.verdict]++;
    return {
      target: this.config.url,
      ocpp: this.config.version,
      identity,
      credentials: {
        password: this.config.passwordSource === undefined ? 'none' : `from ${this.config.passwordSource}`,
        clientCertificate: this.config.certFile ?? null,
        ca: this.config.caFile ?? null,
        tlsVerification: !this.tls ? 'none' : this.config.insecure ? 'off' : 'on',
      },
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      connections: this.connections,
      baseline,
      checks,
      counts,
    };
  }

  // --- the checks ---

  private plainFromUrl(baseline: ConnectResult, sent: string): void {
    if (!this.tls) {
      this.record('plain-ws', [{ sent: `${sent} (the baseline, over ws://)`, received: describeConnect(baseline) }], plainUrlFinding(baseline));
    } else if (!this.config.tryPlain) {
      this.record('plain-ws', [], notApplicable('not tried: the URL is wss://; --try-plain tries ws:// on the same host and port'));
    }
  }

  private async tryPlain(): Promise<void> {
    if (!this.tls || !this.config.tryPlain) return;
    const url = `${plainTwin(this.config.url)}/${encodeURIComponent(this.config.identity)}`;
    const attempt: Attempt = { url, version: this.config.version, protocol: subprotocolOf(this.config.version), authorization: undefined, tls: undefined, timeoutMs: this.config.timeoutMs };
    const { result, socket } = await this.connectCounted(attempt);
    await socket?.close();
    const sent = `upgrade ${url}, subprotocol ${attempt.protocol}, no Authorization header (never a password over plain ws://)`;
    this.record('plain-ws', [{ sent, received: describeConnect(result) }], tryPlainFinding(result));
  }

  private async access(id: CheckId, identity: string, credentials: Credentials): Promise<void> {
    const { connection, sent } = await this.open(identity, credentials);
    const steps: Step[] = [{ sent, received: describeConnect(connection.result) }];
    let boot: Answer | undefined;
    if (connection.socket !== undefined) {
      boot = await this.boot(connection.socket, steps);
      await connection.socket.close();
    }
    this.record(id, steps, accessFinding(connection.result, boot));
  }

  private async messageCheck(id: CheckId, message: ProbeMessage, judge: (answer: Answer) => Finding, unusable: string | undefined): Promise<void> {
    if (unusable !== undefined) return this.record(id, [], notApplicable(unusable));
    const steps: Step[] = [];
    const socket = await this.session(steps);
    if (socket === undefined) return this.record(id, steps, NO_SESSION);
    const answer = await this.call(socket, message, steps);
    this.record(id, steps, judge(answer));
  }

  private async duplicateId(unusable: string | undefined): Promise<void> {
    if (unusable !== undefined) return this.record('duplicate-id', [], notApplicable(unusable));
    const steps: Step[] = [];
    const socket = await this.session(steps);
    if (socket === undefined) return this.record('duplicate-id', steps, NO_SESSION);
    const id = `probe-dup-${randomBytes(4).toString('hex')}`;
    const first = await this.call(socket, heartbeat(), steps, id);
    let second: Answer = first;
    if (first.kind === 'result') second = await this.call(socket, heartbeat(), steps, id, ' again, the same id, after the first was answered');
    this.record('duplicate-id', steps, duplicateIdFinding(first, second));
  }

  private async secondConnection(unusable: string | undefined): Promise<void> {
    if (unusable !== undefined) return this.record('second-connection', [], notApplicable(unusable));
    const steps: Step[] = [];
    const first = await this.session(steps);
    if (first === undefined) return this.record('second-connection', steps, NO_SESSION);
    const { connection, sent } = await this.open(this.config.identity, 'given');
    steps.push({ sent: `${sent} (a second connection while the first is open and booted)`, received: describeConnect(connection.result) });
    const second = connection.socket;
    const secondBoot = second === undefined ? undefined : await this.call(second, bootNotification(this.config.version), steps, undefined, ' on the second connection');
    const settle = Math.min(SETTLE_MS, this.config.timeoutMs);
    await delay(settle);
    const firstClosed = first.closed;
    const secondClosed = second?.closed;
    steps.push({ sent: `(waited ${settle / 1000} s)`, received: `first connection ${stateOf(first)}${second === undefined ? '' : `, second ${stateOf(second)}`}` });
    let firstHeartbeat: Answer | undefined;
    if (firstClosed === undefined && secondClosed === undefined) {
      firstHeartbeat = await this.call(first, heartbeat(), steps, undefined, ' on the first connection');
    }
    await second?.close();
    const finding = secondConnectionFinding({ second: connection.result, secondBoot, firstClosed, secondClosed, firstHeartbeat });
    this.record('second-connection', steps, finding);
  }

  // --- connections ---

  /** The baseline station's open connection, reconnected and booted again if a check cost it. */
  private async session(steps: Step[]): Promise<ProbeSocket | undefined> {
    if (this.baseline?.isOpen) return this.baseline;
    const closed = this.baseline?.closed;
    this.baseline = undefined;
    const again = await this.open(this.config.identity, 'given');
    const why = `reconnecting: the baseline connection was closed${closed === undefined ? '' : `, ${describeClose(closed)}`}`;
    steps.push({ sent: `${again.sent} (${why})`, received: describeConnect(again.connection.result) });
    const socket = again.connection.socket;
    if (socket === undefined) return undefined;
    if (bootStatus(await this.boot(socket, steps)) !== 'Accepted') {
      await socket.close();
      return undefined;
    }
    this.baseline = socket;
    return socket;
  }

  private boot(socket: ProbeSocket, steps: Step[]): Promise<Answer> {
    return this.call(socket, bootNotification(this.config.version), steps);
  }

  /** One CALL and its answer, as a step of the report. */
  private async call(socket: ProbeSocket, message: ProbeMessage, steps: Step[], id = socket.newId(), note = ''): Promise<Answer> {
    const answer = await socket.call(message.action, message.payload, this.config.timeoutMs, id);
    steps.push({ sent: `CALL ${message.action} id ${id}${note}: ${message.label}`, received: describeAnswer(answer) });
    return answer;
  }

  private open(identity: string, credentials: Credentials): Promise<Opened> {
    const { config, material } = this;
    const url = `${config.url}/${encodeURIComponent(identity)}`;
    const password = credentials === 'given' ? material.password : credentials === 'wrongPassword' ? this.wrongPassword : credentials === 'unknownIdentity' ? (material.password ?? this.wrongPassword) : undefined;
    const withCertificate = credentials === 'given' || credentials === 'unknownIdentity';
    const attempt: Attempt = {
      url,
      version: config.version,
      protocol: subprotocolOf(config.version),
      authorization: password === undefined ? undefined : `Basic ${Buffer.from(`${identity}:${password}`, 'utf8').toString('base64')}`,
      tls: !this.tls
        ? undefined
        : {
            rejectUnauthorized: !config.insecure,
            // Node's `ca` replaces the trusted roots: keep them, and add the given CA.
            ...(material.ca === undefined ? {} : { ca: [...rootCertificates, material.ca] }),
            ...(withCertificate && material.cert !== undefined && material.key !== undefined ? { cert: material.cert, key: material.key } : {}),
          },
      timeoutMs: config.timeoutMs,
    };
    const sent = [`upgrade ${url}`, `subprotocol ${attempt.protocol}`, this.describeAuth(identity, credentials)];
    if (this.tls && config.certFile !== undefined) sent.push(withCertificate ? `client certificate ${config.certFile}` : 'no client certificate');
    return this.connectCounted(attempt).then((connection) => ({ connection, sent: sent.join(', ') }));
  }

  /** Never the password: its source, or "a random wrong password". */
  private describeAuth(identity: string, credentials: Credentials): string {
    const source = this.config.passwordSource;
    switch (credentials) {
      case 'none':
        return 'no Authorization header';
      case 'wrongPassword':
        return `Basic auth as ${identity} with a random wrong password`;
      case 'unknownIdentity':
        return `Basic auth as ${identity} with ${source === undefined ? 'a random password' : `the password from ${source}`}`;
      default:
        return source === undefined ? 'no Authorization header' : `Basic auth as ${identity} with the password from ${source}`;
    }
  }

  private async connectCounted(attempt: Attempt): Promise<Connection> {
    if (this.connections >= MAX_CONNECTIONS) {
      return { result: { kind: 'failed', failure: 'other', code: `the probe's limit of ${MAX_CONNECTIONS} connections was reached` }, socket: undefined };
    }
    this.connections++;
    return connect(attempt);
  }

  private record(id: CheckId, steps: Step[], finding: Finding): void {
    this.results.set(id, { id, title: CHECK_TITLES[id], verdict: finding.verdict, reason: finding.reason, steps });
  }
}

const NO_SESSION: Finding = { verdict: 'inconclusive', reason: 'the baseline station could not connect and boot again' };

function stateOf(socket: ProbeSocket): string {
  const closed = socket.closed;
  return closed === undefined ? 'open' : `closed (${describeClose(closed)})`;
}

/** Why the message checks cannot run, or undefined when the baseline station was accepted. */
function baselineProblem(result: ConnectResult, boot: Answer | undefined): string | undefined {
  if (result.kind !== 'open' || boot === undefined) {
    return `needs a station the CSMS accepts; the given credentials got ${describeConnect(result)} (see --identity, --password-env/--password-file, --cert/--key)`;
  }
  // OCPP forbids other messages before an Accepted boot: a CSMS refusing them then proves nothing.
  return bootStatus(boot) === 'Accepted' ? undefined : `needs a station the CSMS accepts; the baseline boot got ${describeAnswer(boot)}`;
}

function hint(result: ConnectResult): string {
  if (result.kind === 'failed' && result.failure === 'tlsUntrusted') return ' (give the CA that signed it with --ca FILE)';
  if (result.kind === 'failed' && result.failure === 'reset') return ' (is it a wss:// endpoint?)';
  return '';
}
