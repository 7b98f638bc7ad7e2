import assert from 'node:assert/strict';
import type { ActionSummary, Summary } from '../../src/report/summary';
import { assertVerdict, NO_SESSIONS, runChaosFleet, type ChaosFleetGroup, type ChaosFleetRun } from './chaos-fleet';
import { startChaosCsms, type Behaviour, type ChaosCsms, type ChaosOptions } from './chaos-csms';

/**
 * A tiny fleet against the chaos CSMS: a healthy group per OCPP version (identities `OK16-n`,
 * `OK201-n`, sessions running) next to chaos groups (identities `<prefix>-n`, no sessions, so
 * that what they send is boot, status and heartbeats only and the counts stay exact).
 */
export interface ChaosGroup {
  readonly name: string;
  readonly ocpp: '1.6' | '2.0.1';
  readonly count: number;
  /** Identity prefix the chaos CSMS routes to `behaviour`. */
  readonly prefix: string;
  readonly behaviour: Behaviour;
}

export interface ChaosRun extends ChaosFleetRun {
  readonly csms: ChaosCsms;
}

export interface ChaosRunOptions {
  readonly groups: readonly ChaosGroup[];
  /** Whether the two healthy groups run beside the chaos ones (default true). */
  readonly healthy?: boolean;
  readonly duration?: string;
  /** Default 2 s: a healthy station must not time out because the test machine is busy. */
  readonly callTimeout?: string;
  readonly csms?: Omit<ChaosOptions, 'route'>;
}

export const HEALTHY_GROUPS = ['ok16', 'ok201'] as const;
export const HEALTHY_COUNT = 2;

const HEALTHY_SESSIONS = '{ idle: 200ms, duration: 1s, meterInterval: 300ms }';

export async function runAgainstChaos(name: string, options: ChaosRunOptions, closers: (() => Promise<void>)[]): Promise<ChaosRun> {
  const route = (identity: string): Behaviour => options.groups.find((g) => identity.startsWith(`${g.prefix}-`))?.behaviour ?? 'healthy';
  const csms = await startChaosCsms({ ...options.csms, route });
  closers.push(() => csms.close());
  const healthy: ChaosFleetGroup[] =
    options.healthy === false
      ? []
      : [
          { name: 'ok16', ocpp: '1.6', count: HEALTHY_COUNT, identity: 'OK16-{index}', sessions: HEALTHY_SESSIONS },
          { name: 'ok201', ocpp: '2.0.1', count: HEALTHY_COUNT, identity: 'OK201-{index}', sessions: HEALTHY_SESSIONS },
        ];
  const chaos = options.groups.map((g) => ({ name: g.name, ocpp: g.ocpp, count: g.count, identity: `${g.prefix}-{index}`, sessions: NO_SESSIONS }));
  const run = await runChaosFleet(`chaos-${name}`, {
    groups: [...healthy, ...chaos],
    seed: 7,
    duration: options.duration ?? '4s',
    callTimeout: options.callTimeout ?? '2s',
    url: csms.url,
    // What the chaos CSMS holds once the run is over (late answers not yet due, half-open
    // sockets) is its own; its logs stay readable after close().
    afterRun: () => csms.close(),
  });
  return { ...run, csms };
}

/**
 * A run against a CSMS that misbehaves on purpose completes (nothing crashed or hung) and its
 * verdict says the CSMS failed it: exit 1, `passed: false`, and at least `checks` among the
 * failed health checks (issue 10: such a run is never green).
 */
export function assertFailedVerdict(run: ChaosRun, checks: readonly string[]): void {
  assertVerdict(run, 1, checks);
}

function failures(a: ActionSummary): number {
  return a.callErrors + a.timeouts + a.invalid + a.aborted;
}

function sum(actions: Record<string, ActionSummary>, field: keyof Omit<ActionSummary, 'latencyMs' | 'serviceTimeMs' | 'dispatchDelayMs' | 'bytes'>): number {
  return Object.values(actions).reduce((t, a) => t + (a[field] ?? 0), 0);
}

/**
 * No sample lost: every record the workers wrote was aggregated, every call sent has exactly one
 * outcome, the groups add up to the fleet, and the error kinds that mirror call outcomes agree
 * with them.
 */
export function assertBooksBalance(s: Summary): void {
  assert.equal(s.pump.recordsWritten, s.pump.recordsAggregated, 'pump: records written = records aggregated');
  assert.ok(s.pump.recordsWritten > 0);
  const byAction = new Map<string, number>();
  for (const [group, g] of Object.entries(s.groups)) {
    for (const [action, a] of Object.entries(g.actions)) {
      assert.equal(a.sent, a.ok + failures(a), `${group}.${action}: sent = ok + callErrors + timeouts + invalid + aborted`);
      byAction.set(action, (byAction.get(action) ?? 0) + a.sent);
    }
  }
  for (const [action, a] of Object.entries(s.actions)) {
    assert.equal(a.sent, a.ok + failures(a), `${action}: sent = ok + callErrors + timeouts + invalid + aborted`);
    assert.equal(a.sent, byAction.get(action), `${action}: the groups add up to the fleet`);
  }
  assert.equal(s.errors.callError ?? 0, sum(s.actions, 'callErrors'), 'errors.callError = Σ callErrors');
  assert.equal(s.errors.timeout ?? 0, sum(s.actions, 'timeouts'), 'errors.timeout = Σ timeouts');
  assert.equal(s.errors.invalidResponse ?? 0, sum(s.actions, 'invalid'), 'errors.invalidResponse = Σ invalid');
  assert.equal(s.errors.neverSent ?? 0, sum(s.actions, 'neverSent'), 'errors.neverSent = Σ neverSent');
  const connectErrors = ['dnsFailure', 'connectRefused', 'connectTimeout', 'handshakeRejected', 'subprotocolMismatch', 'tlsError', 'other'];
  assert.equal(s.connect.attempts, s.connect.ok + s.connect.errors);
  assert.ok(connectErrors.reduce((t, k) => t + (s.errors[k] ?? 0), 0) >= s.connect.errors, 'every failed connect has a kind');
}

/**
 * The healthy groups kept being measured as if nothing happened next to them: all stations
 * connected and booted once, every call answered, sessions ran, and the chaos CSMS received exactly
 * the calls the fleet says it sent.
 */
export function assertHealthyUntouched(run: ChaosRun): void {
  const { summary: s, csms } = run;
  let sentByHealthy = 0;
  for (const name of HEALTHY_GROUPS) {
    const g = s.groups[name];
    assert.ok(g, `group ${name} in the summary`);
    assert.equal(g.fleet?.connected, HEALTHY_COUNT, `${name}: connected`);
    assert.equal(g.fleet?.booted, HEALTHY_COUNT, `${name}: booted`);
    for (const [action, a] of Object.entries(g.actions)) {
      assert.equal(failures(a) + (a.neverSent ?? 0), 0, `${name}.${action}: no failure attributed to a healthy station ${JSON.stringify(a)}`);
      assert.ok(a.ok > 0, `${name}.${action}: ok > 0`);
      sentByHealthy += a.sent;
    }
    const expected = name === 'ok16' ? ['Authorize', 'BootNotification', 'Heartbeat', 'StartTransaction', 'StatusNotification'] : ['Authorize', 'BootNotification', 'Heartbeat', 'StatusNotification', 'TransactionEvent'];
    for (const action of expected) assert.ok((g.actions[action]?.ok ?? 0) > 0, `${name}.${action} measured`);
    // Every call of a healthy station answered within the callTimeout (2 s at most here: no timeout
    // above), its latency measured in ms (how fast a loopback CSMS answers is a bound on time:
    // test/serial/run-magnitudes).
    const p50 = g.actions.Heartbeat?.latencyMs.p50 ?? -1;
    assert.ok(p50 > 0 && p50 < 2000, `${name}: Heartbeat p50 ${p50} ms`);
  }
  const received = csms.logsOf('healthy').reduce((t, l) => t + [...l.calls.values()].reduce((u, n) => u + n, 0), 0);
  assert.equal(received, sentByHealthy, 'the CSMS received every call the healthy stations counted as sent');
  for (const l of csms.logsOf('healthy')) assert.equal(l.connections, 1, `${l.identity}: one connection for the whole run`);
}

/** Only these error kinds, with these counts (a kind absent from `expected` must be absent). */
export function assertErrors(s: Summary, expected: Record<string, number | ((n: number) => boolean)>): void {
  for (const [kind, n] of Object.entries(s.errors)) {
    const want = expected[kind];
    // Calls that never left (queued behind one the CSMS never answered when the run or the
    // connection ended) are the books' own entry, checked against the actions by assertBooksBalance.
    if (kind === 'neverSent' && want === undefined) continue;
    assert.ok(want !== undefined, `unexpected error kind ${kind} ×${n} in ${JSON.stringify(s.errors)}`);
    if (typeof want === 'number') assert.equal(n, want, `errors.${kind} in ${JSON.stringify(s.errors)}`);
    else assert.ok(want(n), `errors.${kind} = ${n} in ${JSON.stringify(s.errors)}`);
  }
  for (const [kind, want] of Object.entries(expected)) {
    if (typeof want === 'number' && want > 0) assert.equal(s.errors[kind], want, `errors.${kind} in ${JSON.stringify(s.errors)}`);
  }
}

/** Sum of `field` over the actions of the named groups. */
export function groupSum(s: Summary, groups: readonly string[], field: 'sent' | 'ok' | 'callErrors' | 'timeouts' | 'invalid' | 'aborted', action?: string): number {
  let t = 0;
  for (const name of groups) {
    const g = s.groups[name];
    if (!g) continue;
    for (const [a, stats] of Object.entries(g.actions)) if (action === undefined || a === action) t += stats[field];
  }
  return t;
}
