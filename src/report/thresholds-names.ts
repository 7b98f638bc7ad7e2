/**
 * Metric names of thresholds: which exist, which aggregations each takes, in which unit.
 *
 *   <Action>              response time from the due moment (pNN, mean, min, max, in ms);
 *                         count = calls sent (any outcome), rate = those calls per second
 *   <Action>.service      service time, from the moment the call went on the wire (pNN, mean, min, max)
 *   <Action>.errors       calls of that action that failed: count, rate (share of its calls)
 *   <Action>.timeouts     calls of that action never answered in time: count, rate (share)
 *   calls                 every charge-point-initiated call: count, rate (per second)
 *   errors                calls that failed in any way (CALLERROR, invalid answer, connection
 *                         lost first, timeout, never sent): count, rate (share of calls made)
 *   timeouts              calls never answered in time: count, rate (share of calls)
 *   connect               connect time (TCP + TLS + upgrade); count = attempts
 *   connect.errors        failed connection attempts: count, rate (share of attempts)
 *   boot                  time from the first connect attempt to BootNotification Accepted; count = accepted
 *   errors.<kind>         summary.json's errors.<kind>: count
 *   counters.<name>       summary.json's counters.<name>: count
 *
 * `group:NAME.` before an action, calls, errors or timeouts metric restricts it to one fleet group:
 * the aggregator keeps call statistics per group; connections, boots and error kinds are fleet-wide.
 * The name tables come from the caller (the OCPP layer, the scenario), so this file stays in the
 * report floor and knows no protocol.
 */

/** The unit a threshold's limit and value are expressed in: a time, a share, a rate, a number. */
export type Unit = 'ms' | '%' | '/s' | 'count';

/** A threshold that cannot be evaluated: the message says why, the caller adds where. */
export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

export interface MetricNames {
  /** Actions charge points send, in either OCPP version: the ones that have latencies. */
  readonly stationActions: readonly string[];
  /** Actions only the CSMS sends: named in a clearer error message. */
  readonly csmsActions: readonly string[];
  readonly errorKinds: readonly string[];
  readonly counters: readonly string[];
  readonly groups: readonly string[];
}

export type Statistic =
  | { readonly kind: 'percentile'; readonly p: number }
  | { readonly kind: 'mean' | 'min' | 'max' | 'count' | 'rate' };

export type Outcome = 'all' | 'errors' | 'timeouts';

export type MetricRef =
  | { readonly family: 'latency'; readonly series: 'response' | 'service'; readonly action: string; readonly group?: string }
  | { readonly family: 'calls'; readonly outcome: Outcome; readonly action?: string; readonly group?: string }
  | { readonly family: 'connect' | 'connectErrors' | 'boot' }
  | { readonly family: 'errorKind'; readonly kind: string }
  | { readonly family: 'counter'; readonly name: string };

export interface ResolvedMetric {
  ref: MetricRef;
  stat: Statistic;
  /** Canonical name with its aggregation, e.g. `group:a.Heartbeat.service.p99.9`. */
  metric: string;
  unit: Unit;
}

const TIME_STATS = 'pNN (p95, p99.9), mean, min, max';

/** Splits `X.p99.9`, `X.p(99)`, `X.mean` into the metric path and its aggregation. */
function splitAggregation(name: string): { path: string; agg: string; stat: Statistic | undefined } {
  const m = /^(.*)\.(?:p\(\s*(\d+(?:\.\d+)?)\s*\)|p(\d+(?:\.\d+)?)|([A-Za-z]\w*))$/.exec(name);
  if (m === null) {
    throw new ThresholdError(`expected METRIC.AGGREGATION such as "BootNotification.p99" or "errors.rate", got "${name}"`);
  }
  const path = m[1] as string;
  const digits = m[2] ?? m[3];
  if (digits !== undefined) {
    const p = Number(digits);
    if (p > 100) {
      const hint = /^9+$/.test(digits) ? `; write p${digits.slice(0, 2)}.${digits.slice(2)}` : '';
      throw new ThresholdError(`a percentile is from p0 to p100, got "p${digits}"${hint}`);
    }
    return { path, agg: `p${p}`, stat: { kind: 'percentile', p } };
  }
  const word = m[4] as string;
  switch (word) {
    case 'mean':
    case 'avg':
      return { path, agg: 'mean', stat: { kind: 'mean' } };
    case 'med':
      return { path, agg: 'p50', stat: { kind: 'percentile', p: 50 } };
    case 'min':
    case 'max':
    case 'count':
    case 'rate':
      return { path, agg: word, stat: { kind: word } };
    default:
      return { path, agg: word, stat: undefined };
  }
}

/** Resolves `[group:NAME.]METRIC.AGGREGATION`, or throws a ThresholdError saying what is wrong. */
export function resolveMetric(name: string, names: MetricNames): ResolvedMetric {
  let rest = name;
  let group: string | undefined;
  if (rest.startsWith('group:')) {
    // Group names may hold dots: the longest known name followed by a dot wins.
    const after = rest.slice('group:'.length);
    group = [...names.groups].sort((a, b) => b.length - a.length).find((g) => after.startsWith(`${g}.`));
    if (group === undefined) {
      const written = after.split('.')[0] ?? '';
      throw new ThresholdError(`unknown group "${written}"; the scenario's groups are ${names.groups.join(', ')}`);
    }
    rest = after.slice(group.length + 1);
  }
  const { path, agg, stat } = splitAggregation(rest);
  if (stat === undefined) {
    // The last word is no aggregation: either a whole metric with none (`Heartbeat.service`,
    // `errors.connectionLost`, whose own errors are the useful ones) or a wrong aggregation.
    const segments = rest.split('.');
    if (segments[0] === 'errors' || segments[0] === 'counters' || segments[1] === 'service') {
      const whole = familyOf(segments, names, group);
      throw new ThresholdError(`"${rest}" needs an aggregation: ${rest}.${whole.stats.includes('p') ? 'p99' : 'count'}`);
    }
    throw new ThresholdError(`unknown aggregation "${agg}" for ${path}: expected ${describeStats(familyOf(path.split('.'), names, group).stats)}`);
  }
  const family = familyOf(path.split('.'), names, group);
  const code = stat.kind === 'percentile' || stat.kind === 'mean' || stat.kind === 'min' || stat.kind === 'max' ? 'p' : stat.kind;
  if (!family.stats.includes(code)) {
    throw new ThresholdError(`${path} has no ${agg}: expected ${describeStats(family.stats)}`);
  }
  const metric = `${group === undefined ? '' : `group:${group}.`}${path}.${agg}`;
  return { ...family.resolve(stat), stat, metric };
}

/** What a metric path allows: 'p' stands for the time statistics (pNN, mean, min, max). */
interface Family {
  stats: readonly ('p' | 'count' | 'rate')[];
  resolve(stat: Statistic): { ref: MetricRef; unit: Unit };
}

function describeStats(stats: readonly string[]): string {
  const words = stats.map((s) => (s === 'p' ? TIME_STATS : s));
  return words.length === 1 ? `${words[0]}` : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const time = (ref: MetricRef): Family['resolve'] => () => ({ ref, unit: 'ms' });

function calls(outcome: Outcome, action: string | undefined, group: string | undefined): Family {
  const ref: MetricRef = { family: 'calls', outcome, ...(action === undefined ? {} : { action }), ...(group === undefined ? {} : { group }) };
  // The rate of all calls is a throughput; the rate of failures is a share of the calls.
  const rateUnit: Unit = outcome === 'all' ? '/s' : '%';
  return { stats: ['count', 'rate'], resolve: (s) => ({ ref, unit: s.kind === 'rate' ? rateUnit : 'count' }) };
}

function familyOf(segments: string[], names: MetricNames, group: string | undefined): Family {
  const [first = '', second, third] = segments;
  const fleetWide = (what: string): void => {
    if (group !== undefined) throw new ThresholdError(`${what} is measured for the whole fleet only: per-group thresholds are on actions, calls, errors and timeouts`);
  };
  if (segments.length === 1 && (first === 'calls' || first === 'errors' || first === 'timeouts')) return calls(first === 'calls' ? 'all' : first, undefined, group);
  if (first === 'errors' && segments.length === 2) {
    fleetWide(`errors.${second}`);
    const kind = known(second as string, names.errorKinds, 'error kind');
    return { stats: ['count'], resolve: () => ({ ref: { family: 'errorKind', kind }, unit: 'count' }) };
  }
  if (first === 'counters' && segments.length === 2) {
    fleetWide(`counters.${second}`);
    const counter = known(second as string, names.counters, 'counter');
    return { stats: ['count'], resolve: () => ({ ref: { family: 'counter', name: counter }, unit: 'count' }) };
  }
  if (first === 'connect' && (segments.length === 1 || (segments.length === 2 && second === 'errors'))) {
    fleetWide(segments.join('.'));
    if (second === 'errors') return { stats: ['count', 'rate'], resolve: (s) => ({ ref: { family: 'connectErrors' }, unit: s.kind === 'rate' ? '%' : 'count' }) };
    return { stats: ['p', 'count'], resolve: (s) => ({ ref: { family: 'connect' }, unit: s.kind === 'count' ? 'count' : 'ms' }) };
  }
  if (first === 'boot' && segments.length === 1) {
    fleetWide('boot');
    return { stats: ['p', 'count'], resolve: (s) => ({ ref: { family: 'boot' }, unit: s.kind === 'count' ? 'count' : 'ms' }) };
  }
  if (names.stationActions.includes(first) && third === undefined) {
    const g = group === undefined ? {} : { group };
    if (second === undefined) {
      const all = calls('all', first, group);
      return {
        stats: ['p', 'count', 'rate'],
        resolve: (s) => (s.kind === 'count' || s.kind === 'rate' ? all.resolve(s) : time({ family: 'latency', series: 'response', action: first, ...g })(s)),
      };
    }
    if (second === 'service') return { stats: ['p'], resolve: time({ family: 'latency', series: 'service', action: first, ...g }) };
    if (second === 'errors' || second === 'timeouts') return calls(second, first, group);
    throw new ThresholdError(`unknown metric "${segments.join('.')}": an action has ${first}.service, ${first}.errors and ${first}.timeouts`);
  }
  throw new ThresholdError(unknownMetric(segments.join('.'), names));
}

function known(name: string, table: readonly string[], what: string): string {
  if (table.includes(name)) return name;
  const near = nearest(name, table);
  throw new ThresholdError(`unknown ${what} "${name}"${near ? `; did you mean "${near}"?` : `; expected one of ${table.join(', ')}`}`);
}

function unknownMetric(path: string, names: MetricNames): string {
  const first = path.split('.')[0] ?? '';
  if (names.csmsActions.includes(first)) {
    return `${first} is sent by the CSMS, not by charge points: the fleet times only the calls its stations send`;
  }
  const near = nearest(first, [...names.stationActions, 'calls', 'errors', 'timeouts', 'connect', 'boot', 'counters']);
  const base = `unknown metric "${path}": not an action charge points send in OCPP 1.6, 2.0.1 or 2.1, nor calls, errors, timeouts, connect, boot, errors.<kind> or counters.<name>`;
  return near ? `${base}; did you mean "${near}"?` : base;
}

/** The closest name within a small edit distance (a typo), case-insensitively. */
function nearest(name: string, table: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of table) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}
