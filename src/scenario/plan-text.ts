import { describeFault } from './faults';
import { ASSUMED_CSMS_HEARTBEAT_MS, expectedRates, type GroupRates } from './plan-rates';
import { shardPlan, stationConnectors, stationsOfWorker, stationVersion, type FleetPlan } from './plan';
import { describeRamp, rampDurationMs } from './ramp';
import { INLINE_SCRIPT } from './script';
import type { ArrivalSpec, CsmsSettings, Distribution, GroupSpec, Scenario, SessionSpec } from './types';
import { formatDuration } from './units';

/** What `validate` and `run --dry-run` print: the plan, in words and expected rates, without connecting. */
export interface PlanTextOptions {
  readonly workers: number;
  readonly durationMs: number;
  /** The run's `--url`s, which replace the scenario's targets (run --dry-run). */
  readonly targets?: readonly string[];
  /** Processes the fleet is spread over (`--processes`); `workers` is then each one's. */
  readonly processes?: number;
  /** Processes the embedded CSMS starts with when the scenario does not say (as many as the fleet needs). */
  readonly csmsProcesses?: number;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Number((ms / 1000).toFixed(2))}s` : formatDuration(Math.round(ms / 1000) * 1000);
}

/** A time as written in scenario files, rounded to what a reader needs. */
function time(ms: number): string {
  return Number.isInteger(ms) ? formatDuration(ms) : seconds(ms);
}

function timeOfDay(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function distribution(d: Distribution, unit: (x: number) => string): string {
  switch (d.kind) {
    case 'fixed':
      return unit(d.value);
    case 'uniform':
      return `uniform ${unit(d.min)}–${unit(d.max)}`;
    case 'normal':
      return `normal mean ${unit(d.mean)} sd ${unit(d.sd)}`;
    case 'lognormal':
      return `lognormal median ${unit(d.median)} sigma ${d.sigma}`;
  }
}

function arrival(a: ArrivalSpec): string {
  switch (a.kind) {
    case 'poisson':
      return `Poisson, mean idle ${time(a.meanIdleMs)}`;
    case 'fixed':
      return `every ${time(a.everyMs)}`;
    case 'dailyCurve':
      return `daily curve of ${a.points.length} point(s), peak ${a.peakPerHour}/h`;
  }
}

function sessionsLine(s: SessionSpec): string {
  const parts = [
    `arrivals ${arrival(s.arrival)}`,
    `duration ${distribution(s.duration, time)}`,
    `${s.powerW / 1000} kW${s.rampUpMs > 0 ? ` after a ${time(s.rampUpMs)} ramp-up` : ''}`,
    `meter values every ${time(s.meterIntervalMs)} (${s.measurands.join(', ')})`,
  ];
  if (s.ev) parts.push(`EV ${s.ev.capacityWh / 1000} kWh from ${distribution(s.ev.startSocPercent, (x) => `${x}%`)}`);
  parts.push(`tags ${s.idTags.pool}${s.idTags.pool === 'unique' ? '' : ` (${s.idTags.size})`}${s.idTags.invalidShare > 0 ? `, ${Number((s.idTags.invalidShare * 100).toFixed(2))}% invalid` : ''}`);
  if (s.stopReasons.length > 1 || s.stopReasons[0]?.[0] !== 'Local') parts.push(`stop reasons ${s.stopReasons.map(([r, w]) => `${r} ${w}`).join(', ')}`);
  const script = s.script === undefined ? undefined : s.script.name === INLINE_SCRIPT ? 'an inline script' : `script ${s.script.name}`;
  parts.push(script === undefined ? 'the default script' : `${script} (${s.script?.steps.length} steps)`);
  return parts.join('; ');
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** The loader and --url refuse credentials in a URL; this is the belt to those braces. */
function redacted(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

function csmsSettings(c: CsmsSettings): string {
  const parts = c.nodes > 1 ? [`${c.nodes} nodes`] : [];
  if ((c.processes ?? 1) > 1) parts.push(`${c.processes} processes sharing the port`);
  const pending = c.pendingBoots ?? 0;
  if (pending > 0) parts.push(pending === 1 ? 'first boot Pending' : `first ${pending} boots Pending`);
  if (pending > 0 || c.bootRetryIntervalMs !== undefined) parts.push(`retry after ${time(c.bootRetryIntervalMs ?? 10_000)}`);
  if (c.heartbeatIntervalMs !== undefined) parts.push(`heartbeat every ${time(c.heartbeatIntervalMs)}`);
  if ((c.delayMs ?? 0) > 0 || (c.jitterMs ?? 0) > 0) {
    const which = c.delayActions === undefined ? 'answers' : `answers to ${c.delayActions.join(', ')}`;
    parts.push(`${which} after ${time(c.delayMs ?? 0)} ± ${time(c.jitterMs ?? 0)}`);
  }
  if ((c.invalidTagShare ?? 0) > 0) parts.push(`${percent(c.invalidTagShare as number)} of tags invalid`);
  if (c.serviceTimeMs !== undefined) {
    const servers = c.servers ?? 1;
    parts.push(`${servers} server${servers === 1 ? '' : 's'} of ${Number(c.serviceTimeMs.toFixed(3))} ms a call (capacity ${Number(((servers * 1000) / c.serviceTimeMs).toFixed(1))} calls/s)`);
  }
  return parts.length === 0 ? 'its default settings' : parts.join(', ');
}

/** Where the stations connect: the targets (the run's --url first), or the embedded CSMS and its settings. */
function targetLines(scenario: Scenario, flagTargets: readonly string[] | undefined, csmsProcesses = 1): string[] {
  const targets = flagTargets ?? scenario.targets;
  if (targets === undefined || targets.length === 0) {
    const csms = csmsProcesses > 1 && scenario.csms?.processes === undefined ? { ...scenario.csms, nodes: scenario.csms?.nodes ?? 1, processes: csmsProcesses } : scenario.csms;
    const settings = csms === undefined ? 'its default settings' : csmsSettings(csms);
    return [`target: the embedded CSMS (only without --url): ${settings}`];
  }
  const from = flagTargets === undefined ? 'the scenario' : '--url';
  const lines = [
    targets.length === 1
      ? `target (from ${from}): ${redacted(targets[0] as string)}`
      : `targets (${targets.length}, from ${from}; each station's home by identity, failing over in order): ${targets.map(redacted).join(', ')}`,
  ];
  if (scenario.csms !== undefined) lines.push('  csms: unused (the embedded CSMS starts only without --url and targets)');
  return lines;
}

function rate(x: number): string {
  if (x === 0) return '-';
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3);
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] as readonly string[]).map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}`.trimEnd());
}

/** `1.6` when all are alike, else `1.6 ×6 + 2.0.1 ×4` (in the order first seen). */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size <= 1) return [...counts.keys()][0] ?? '-';
  return [...counts].map(([v, n]) => `${v} ×${n}`).join(' + ');
}

/**
 * Expected rates per group of the plan's stations: a group whose identities file mixes versions
 * or connector counts is computed per kind and added up under the group's name.
 */
function ratesOf(plan: FleetPlan): GroupRates[] {
  return plan.groups.map((g, i) => {
    const kinds = new Map<string, GroupSpec>();
    for (const s of plan.stations) {
      if (s.group !== i) continue;
      const ocpp = stationVersion(s, g);
      const connectors = stationConnectors(s, g);
      const key = `${ocpp}/${connectors}`;
      const kind = kinds.get(key);
      kinds.set(key, kind === undefined ? { ...g, ocpp, connectors, count: 1 } : { ...kind, count: kind.count + 1 });
    }
    const parts = expectedRates(plan.scenario, kinds.size > 0 ? [...kinds.values()] : [{ ...g, count: 0 }]);
    const callsPerSec: Record<string, number> = {};
    for (const p of parts) for (const [a, n] of Object.entries(p.callsPerSec)) callsPerSec[a] = (callsPerSec[a] ?? 0) + n;
    return {
      group: g.name,
      stations: parts.reduce((n, p) => n + p.stations, 0),
      sessionsPerSec: parts.reduce((n, p) => n + p.sessionsPerSec, 0),
      callsPerSec,
      heartbeatAssumed: parts.some((p) => p.heartbeatAssumed),
    };
  });
}

export function planText(plan: FleetPlan, options: PlanTextOptions): string {
  const scenario = plan.scenario;
  const groups: readonly GroupSpec[] = plan.groups;
  const scale = scenario.timeScale ?? 1;
  const lines = [`scenario ${scenario.name}: ${plan.stations.length} charge points, duration ${formatDuration(options.durationMs)}, seed ${plan.seed}`];
  if (scale !== 1) {
    lines.push(`timeScale ${scale}: one second of the run is ${time(1000 * scale)} of scenario time; the day starts at ${timeOfDay(scenario.startTimeOfDayMs ?? 0)}`);
  }
  const planned = groups.map((_g, i) => plan.stations.filter((s) => s.group === i).length);
  let fleetRampMs = 0;
  groups.forEach((g, i) => {
    const count = planned[i] as number;
    const rampMs = rampDurationMs(g.ramp, g.count);
    fleetRampMs = Math.max(fleetRampMs, g.startAtMs + rampMs);
    const mine = plan.stations.filter((s) => s.group === i);
    const versions = tally(mine.map((s) => stationVersion(s, g)));
    const connectors = tally(mine.map((s) => String(stationConnectors(s, g))));
    lines.push(
      `  group ${g.name}: ${count} × OCPP ${versions}, ${connectors} connector(s), ramp ${describeRamp(g.ramp)}` +
        `, from ${time(g.startAtMs)}, all connecting within ${seconds(rampMs)}`,
    );
    if (g.identities !== undefined) {
      const rows = g.identities.rows;
      const passwords = rows.slice(0, g.count).filter((r) => r.password !== undefined).length;
      lines.push(
        `    identities: the first ${g.count} of ${rows.length} rows of ${g.identities.written}` +
          `${passwords > 0 ? `, ${passwords} with their own password` : ''}${count < g.count ? ` (${count} in this shard)` : ''}`,
      );
    }
    lines.push(`    sessions: ${sessionsLine(g.sessions)}`);
    const signed = g.signedMeterValues;
    if (signed !== undefined) {
      lines.push(`    signed meter values: OCMF${signed.tamperShare > 0 ? `, ${percent(signed.tamperShare)} tampered` : ''}`);
    }
  });
  lines.push(`ramp: the whole fleet has started connecting ${seconds(fleetRampMs)} after the start`);
  lines.push(...targetLines(scenario, options.targets, options.csmsProcesses));

  const processes = options.processes ?? 1;
  const workers = Math.max(1, Math.min(options.workers, plan.stations.length));
  // Over several processes, the table is of processes (each a shard: every N-th station of each group).
  const parts = processes > 1 ? processes : workers;
  const shares = Array.from({ length: parts }, (_v, w) => (processes > 1 ? shardPlan(plan, { index: w + 1, count: processes }).stations : stationsOfWorker(plan, w, workers)));
  lines.push(processes > 1 ? `processes: ${processes}, each a shard on its own source address, ${workers} worker${workers === 1 ? '' : 's'} each` : `workers: ${workers}`);
  const header = ['', ...shares.map((_s, w) => `${processes > 1 ? 'process' : 'worker'} ${w + 1}`)];
  const byGroup = groups.map((g, i) => [g.name, ...shares.map((s) => String(s.filter((st) => st.group === i).length))]);
  lines.push(...table([header, ...byGroup, ['total', ...shares.map((s) => String(s.length))]]));

  const rates = ratesOf(plan);
  const actions = [...new Set(rates.flatMap((r) => Object.keys(r.callsPerSec)))].sort();
  const assumed = rates.some((r) => r.heartbeatAssumed);
  lines.push(
    'expected calls per second in steady state (every charge point connected' +
      (assumed ? `; heartbeats every ${formatDuration(ASSUMED_CSMS_HEARTBEAT_MS)} of scenario time where the CSMS sets the interval` : '') +
      '):',
  );
  const total = (action: string): number => rates.reduce((n, r) => n + (r.callsPerSec[action] ?? 0), 0);
  const rows = actions.map((a) => [a, rate(total(a)), ...(rates.length > 1 ? rates.map((r) => rate(r.callsPerSec[a] ?? 0)) : [])]);
  const all = actions.reduce((n, a) => n + total(a), 0);
  lines.push(
    ...table([
      ['action', 'total', ...(rates.length > 1 ? rates.map((r) => r.group) : [])],
      ...rows,
      ['all actions', rate(all), ...(rates.length > 1 ? rates.map((r) => rate(Object.values(r.callsPerSec).reduce((a, b) => a + b, 0))) : [])],
    ]),
  );
  lines.push(`  sessions arriving: ${rate(rates.reduce((n, r) => n + r.sessionsPerSec, 0))}/s`);
  const faults = scenario.faults ?? [];
  if (faults.length > 0) {
    lines.push(`faults (${faults.length}, real time after the start; stations chosen by seed and identity):`);
    faults.forEach((f, i) => lines.push(`  [${i}] ${describeFault(f, options.durationMs)}`));
  }
  return `${lines.join('\n')}\n`;
}
