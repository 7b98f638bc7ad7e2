/**
 * The run's built-in health checks (README, "Run health"), judged on every run from summary.json
 * and a few facts the summary does not hold. Pure: no I/O, no clock, so the same summary gives
 * the same verdict, and capacity search can judge a step's window with it.
 *
 * Fields filled by other parts of the run (transactions, neverSent, per-group errors, the CSMS's
 * fate) are read defensively: absent means not measured, and the check says so and passes.
 */
import { HEALTH_CHECKS, type HealthCheck, type HealthSettings } from '../scenario/health';
import type { ActionSummary, HealthResult, Summary } from './summary';

/** A delay of the generator reduced over its workers: the worst worker's p99, and the max. */
export interface DelayFact {
  p99: number;
  max: number;
  worker: number;
  /** Values the p99 is of (the worker's event-loop samples or scheduler entries). */
  samples: number;
}

/**
 * Fewer values than this and a p99 is their largest one or two: a single stall of a shared
 * machine (a GC pause, the process descheduled) would decide the verdict of a short run. The
 * event loop is sampled every 10 ms, so a run of 10 s or more is judged.
 */
export const MIN_DELAY_SAMPLES = 1000;

/** What the run knows beyond summary.json. */
export interface HealthFacts {
  /** The target was the embedded CSMS: only then is `csmsAlive` judged. */
  readonly embeddedCsms: boolean;
  /** Worker threads of the run, for the generator checks' detail. */
  readonly workers?: number;
  readonly eventLoopDelayMs?: DelayFact;
  readonly schedulerLagMs?: DelayFact;
}

/** Kinds that keep a station from connecting, and from being booted once connected. */
const CONNECT_KINDS = ['connectRefused', 'dnsFailure', 'connectTimeout', 'handshakeRejected', 'subprotocolMismatch', 'tlsError', 'other'];
const BOOT_KINDS = [
  'bootRejected', 'closedBeforeBoot', 'invalidUtf8', 'binaryFrame', 'malformedFrame', 'invalidResponse',
  'frameTooLarge', 'pingTimeout', 'connectionLost', 'timeout', 'callError',
];
/** Groups named in a detail, at most (the rest are counted). */
const MAX_GROUPS = 4;

type Judged = Omit<HealthResult, 'check' | 'limit'>;

/** The checks in force, in HEALTH_CHECKS order; a check that is off is absent. */
export function evaluateHealth(summary: Summary, facts: HealthFacts, limits: HealthSettings['limits']): HealthResult[] {
  const out: HealthResult[] = [];
  for (const check of HEALTH_CHECKS) {
    const limit = limits[check];
    if (limit === null) continue;
    const { value, passed, detail } = judge(check, limit, summary, facts);
    out.push({ check, value, limit, passed, detail });
  }
  return out;
}

function judge(check: HealthCheck, limit: number, s: Summary, facts: HealthFacts): Judged {
  switch (check) {
    case 'connected':
      return fleetShare(s, 'connected', limit, CONNECT_KINDS);
    case 'booted':
      return fleetShare(s, 'booted', limit, BOOT_KINDS);
    case 'incompleteCalls':
      return incompleteCalls(s, limit);
    case 'openTransactions':
      return openTransactions(s, limit);
    case 'csmsAlive':
      return csmsAlive(s, facts);
    case 'eventLoopDelay':
      return generatorDelay(facts.eventLoopDelayMs, limit, facts.workers, 'event-loop delay p99', '');
    case 'schedulerLag':
      return generatorDelay(facts.schedulerLagMs, limit, facts.workers, 'scheduled events fired p99', ' late');
  }
}

/** Every check passed (none in force also passes). */
export function healthPassed(health: readonly HealthResult[]): boolean {
  return health.every((h) => h.passed);
}

/**
 * The summary with its health checks, placed before the thresholds as summary.json lists them,
 * and `passed` false when a check failed.
 */
export function withHealth(summary: Summary, health: HealthResult[]): Summary {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'health') continue;
    if (key === 'thresholds') out.health = health;
    out[key] = key === 'passed' ? summary.passed && healthPassed(health) : value;
  }
  return out as unknown as Summary;
}

/** `12,345`: counts as people read them, whatever the locale. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A share in percent with three decimals at most, rounded towards the side that fails. */
function percent(part: number, whole: number, round: 'down' | 'up'): number {
  const p = (part / whole) * 100;
  return (round === 'down' ? Math.floor(p * 1000) : Math.ceil(p * 1000)) / 1000;
}

/** `(connectRefused ×37, dnsFailure ×2)`: the kinds seen, most frequent first, at most three. */
function kindsText(errors: Record<string, number> | undefined, kinds: readonly string[], extra: Record<string, number> = {}): string {
  const seen = [...kinds.map((k) => [k, errors?.[k] ?? 0] as const), ...Object.entries(extra)]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return seen.length === 0 ? '' : ` (${seen.map(([k, n]) => (k.includes(' ') ? `${count(n)} ${k}` : `${k} ×${count(n)}`)).join(', ')})`;
}

/** `; groups a 0 of 100 (…), b 3 of 50`: at most MAX_GROUPS named, the rest counted. */
function groupsText(parts: readonly string[]): string {
  if (parts.length === 0) return '';
  const more = parts.length > MAX_GROUPS ? ` and ${parts.length - MAX_GROUPS} more` : '';
  return `; group${parts.length > 1 ? 's' : ''} ${parts.slice(0, MAX_GROUPS).join(', ')}${more}`;
}

/**
 * connected / booted: the share of stations that got there at least once, of those whose first
 * connection was due before the run ended (a short run of a long ramp judges the stations it
 * started; the others are counted apart as not started).
 */
function fleetShare(s: Summary, what: 'connected' | 'booted', limit: number, kinds: readonly string[]): Judged {
  const f = s.fleet;
  const due = f.planned - (f.notStarted ?? 0);
  const notDue = f.notStarted ? `; ${count(f.notStarted)} more not due before the end` : '';
  if (due <= 0) return { value: null, passed: true, detail: `not judged: no station was due to connect before the run ended${notDue}` };
  const reached = f[what];
  const value = percent(reached, due, 'down');
  const passed = reached * 100 >= limit * due;
  // Stations that never connected are the connected check's story: the booted one counts them.
  const extra: Record<string, number> = what === 'booted' ? { bootPending: s.counters.bootPending ?? 0, 'never connected': due - f.connected } : {};
  const head = `${what} ${count(reached)} of ${count(due)} stations${reached < due ? kindsText(s.errors, kinds, extra) : ''}`;
  if (passed) return { value, passed, detail: `${head}${notDue}` };
  const groups: string[] = [];
  for (const [name, g] of Object.entries(s.groups)) {
    const gf = g.fleet;
    if (gf === undefined) continue;
    const gDue = (gf.planned ?? 0) - (gf.notStarted ?? 0);
    const gReached = gf[what] ?? 0;
    const gExtra: Record<string, number> = what === 'booted' ? { 'never connected': gDue - (gf.connected ?? 0) } : {};
    if (gDue > 0 && gReached * 100 < limit * gDue) groups.push(`${name} ${count(gReached)} of ${count(gDue)}${kindsText(g.errors, kinds, gExtra)}`);
  }
  // A single group is the fleet: naming it again adds nothing.
  const byGroup = Object.keys(s.groups).length > 1 ? groupsText(groups) : '';
  return { value, passed, detail: `${head}${byGroup}${notDue}` };
}

const OUTCOMES = ['callErrors', 'timeouts', 'invalid', 'aborted', 'neverSent'] as const;

function incompleteOf(a: ActionSummary): number {
  return a.callErrors + a.timeouts + a.invalid + a.aborted + (a.neverSent ?? 0);
}

function callsOf(a: ActionSummary): number {
  return a.sent + (a.neverSent ?? 0);
}

/**
 * Calls the scenario's own faults (drop, offline, restart, flapping) cut: on the wire (their
 * `callsCut`, at most the calls aborted) and queued (never sent: faultCut). The tool's doing, not
 * the target's: how many were queued at the cut depends on the machine's load, not on the CSMS.
 */
function cutByFaults(s: Summary): number {
  const cut = (s.faults ?? []).reduce((n, f) => n + (typeof f.effects.callsCut === 'number' ? f.effects.callsCut : 0), 0);
  return Math.min(cut, Object.values(s.actions).reduce((n, a) => n + a.aborted, 0)) + (s.neverSent?.faultCut ?? 0);
}

/** incompleteCalls: station CALLs not completed ok, of those sent or meant to be sent, but those the scenario's faults cut. */
function incompleteCalls(s: Summary, limit: number): Judged {
  const actions = Object.entries(s.actions);
  const total = actions.reduce((n, [, a]) => n + callsOf(a), 0);
  if (total === 0) return { value: null, passed: true, detail: 'not judged: no call was sent' };
  const cut = cutByFaults(s);
  const incomplete = actions.reduce((n, [, a]) => n + incompleteOf(a), 0) - cut;
  const value = percent(incomplete, total, 'up');
  const passed = incomplete * 100 <= limit * total;
  const own = cut === 0 ? '' : `; ${count(cut)} more cut by the scenario's own faults, not counted`;
  const head = `${count(incomplete)} of ${count(total)} calls did not complete`;
  if (incomplete === 0) return { value, passed, detail: `${head}${own}` };
  const worst = actions
    .filter(([, a]) => incompleteOf(a) > 0)
    .sort((a, b) => incompleteOf(b[1]) - incompleteOf(a[1]))
    .slice(0, 3)
    .map(([name, a]) => `${name} ${OUTCOMES.filter((o) => (a[o] ?? 0) > 0).map((o) => `${o} ${count(a[o] ?? 0)}`).join(', ')}`);
  const neverSent = Object.entries(s.neverSent ?? {}).filter(([, n]) => n > 0);
  const reasons = neverSent.length === 0 ? '' : `; never sent: ${neverSent.map(([r, n]) => `${r} ×${count(n)}`).join(', ')}`;
  let byGroup = '';
  if (!passed && Object.keys(s.groups).length > 1) {
    const groups: string[] = [];
    for (const [name, g] of Object.entries(s.groups)) {
      const ga = Object.values(g.actions);
      const gTotal = ga.reduce((n, a) => n + callsOf(a), 0);
      const gIncomplete = ga.reduce((n, a) => n + incompleteOf(a), 0);
      if (gTotal > 0 && gIncomplete * 100 > limit * gTotal) groups.push(`${name} ${percent(gIncomplete, gTotal, 'up')}%`);
    }
    byGroup = groupsText(groups);
  }
  return { value, passed, detail: `${head} (${worst.join('; ')})${reasons}${own}${byGroup}` };
}

/** openTransactions: transactions the CSMS may still hold open (started, stop never acknowledged). */
function openTransactions(s: Summary, limit: number): Judged {
  const t = s.transactions;
  if (t === undefined) return { value: null, passed: true, detail: 'not measured: this summary has no transaction counts' };
  const passed = t.openAtEnd <= limit;
  const head = `${count(t.openAtEnd)} transaction${t.openAtEnd === 1 ? '' : 's'} open at the end (started ${count(t.started)}, stop acknowledged ${count(t.stopAcknowledged)})`;
  const groups = Object.entries(s.groups)
    .filter(([, g]) => (g.transactions?.openAtEnd ?? 0) > 0)
    .map(([name, g]) => `${name} ${count(g.transactions?.openAtEnd ?? 0)}`);
  return { value: t.openAtEnd, passed, detail: `${head}${passed || Object.keys(s.groups).length < 2 ? '' : groupsText(groups)}` };
}

/** csmsAlive: the embedded CSMS lived to the end of the run (1) or not (0). */
function csmsAlive(s: Summary, facts: HealthFacts): Judged {
  if (!facts.embeddedCsms) return { value: null, passed: true, detail: 'not judged: the target was not the embedded CSMS' };
  const csms = s.csms;
  // Without `csms` the CSMS did not answer for its counts at the end: it was gone.
  const alive = csms?.alive === true;
  if (alive) return { value: 1, passed: true, detail: 'the embedded CSMS lived to the end of the run' };
  const exit = csms?.exit;
  if (exit === undefined) {
    return { value: 0, passed: false, detail: csms === undefined ? 'the embedded CSMS did not answer at the end of the run' : 'the embedded CSMS died during the run' };
  }
  const when = `${(exit.atMs / 1000).toFixed(1)} s into the run`;
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
  return { value: 0, passed: false, detail: `the embedded CSMS died ${when} (${how})` };
}

/** eventLoopDelay / schedulerLag: the worst worker's p99 of the generator's own delay. */
function generatorDelay(fact: DelayFact | undefined, limit: number, workers: number | undefined, what: string, suffix: string): Judged {
  if (fact === undefined) return { value: null, passed: true, detail: 'not measured by the workers of this run' };
  if (fact.samples < MIN_DELAY_SAMPLES) {
    return { value: null, passed: true, detail: `not judged: ${what} ${fact.p99} ms${suffix} of ${count(fact.samples)} samples, fewer than the ${count(MIN_DELAY_SAMPLES)} a p99 needs` };
  }
  const passed = fact.p99 <= limit;
  const of = workers === undefined || workers < 2 ? '' : `worker ${fact.worker + 1} of ${workers}, the worst; `;
  const head = `${what} ${fact.p99} ms${suffix} (${of}max ${fact.max} ms)`;
  return { value: fact.p99, passed, detail: passed ? head : `${head}: the generator was saturated, so its latencies include its own delay` };
}
