/**
 * report.html's breakdowns: per group (its OCPP version, its fleet, its calls and latencies per
 * action) and per OCPP version (the groups of each version added up), and the errors by kind with
 * the first message of each. From summary.json alone.
 */
import type { ActionSummary, GroupSummary, Summary } from '../summary';
import { callFailures, cell, formatCount, formatDurationMs, formatMs, table } from './tables';

function sum(actions: Record<string, ActionSummary>, pick: (a: ActionSummary) => number): number {
  return Object.values(actions).reduce((t, a) => t + pick(a), 0);
}

function fleetOf(g: GroupSummary, key: string): number {
  return g.fleet?.[key] ?? 0;
}

/** One row per group and action: what each group sent and how fast it was answered. */
export function groupsTable(summary: Summary): string {
  const rows: string[] = [];
  for (const [name, g] of Object.entries(summary.groups)) {
    const booted = g.fleet?.timeToAllBootedMs;
    const head =
      `${cell(name, 'name')}${cell(g.ocpp ?? '–')}${cell(formatCount(fleetOf(g, 'planned')), 'num')}${cell(formatCount(fleetOf(g, 'connected')), 'num')}` +
      `${cell(formatCount(fleetOf(g, 'booted')), 'num')}${cell(booted === undefined ? '–' : formatDurationMs(booted), 'num')}`;
    const actions = Object.entries(g.actions);
    if (actions.length === 0) rows.push(`<tr>${head}${cell('–')}${cell('', 'num').repeat(5)}</tr>`);
    actions.forEach(([action, a], i) => {
      const failures = callFailures(a) + a.timeouts;
      const lead = i === 0 ? head : `${cell('', 'name')}${cell('')}${cell('', 'num').repeat(4)}`;
      rows.push(
        `<tr>${lead}${cell(action)}${cell(formatCount(a.sent), 'num')}${cell(formatCount(failures), failures > 0 ? 'num bad' : 'num')}` +
          `${cell(formatMs(a.latencyMs.p50), 'num')}${cell(formatMs(a.latencyMs.p99), 'num')}${cell(formatMs(a.serviceTimeMs.p99), 'num')}</tr>`,
      );
    });
  }
  if (rows.length === 0) return '<p class="empty">No group.</p>';
  return table('groups', ['group', 'OCPP', 'planned', 'connected', 'booted', 'all booted after', 'action', 'calls', 'errors', 'p50 ms', 'p99 ms', 'service p99 ms'], rows, 2);
}

/** The groups of each OCPP version added up: stations and calls. Percentiles do not add, so they stay per group. */
export function versionsTable(summary: Summary): string {
  const byVersion = new Map<string, { groups: string[]; planned: number; connected: number; booted: number; calls: number; failures: number }>();
  for (const [name, g] of Object.entries(summary.groups)) {
    const version = g.ocpp ?? 'unknown';
    let v = byVersion.get(version);
    if (v === undefined) byVersion.set(version, (v = { groups: [], planned: 0, connected: 0, booted: 0, calls: 0, failures: 0 }));
    v.groups.push(name);
    v.planned += fleetOf(g, 'planned');
    v.connected += fleetOf(g, 'connected');
    v.booted += fleetOf(g, 'booted');
    v.calls += sum(g.actions, (a) => a.sent);
    v.failures += sum(g.actions, (a) => callFailures(a) + a.timeouts);
  }
  const rows = [...byVersion].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(
    ([version, v]) =>
      `<tr>${cell(version, 'name')}${cell(v.groups.join(', '))}${cell(formatCount(v.planned), 'num')}${cell(formatCount(v.connected), 'num')}` +
      `${cell(formatCount(v.booted), 'num')}${cell(formatCount(v.calls), 'num')}${cell(formatCount(v.failures), v.failures > 0 ? 'num bad' : 'num')}</tr>`,
  );
  if (rows.length === 0) return '<p class="empty">No group.</p>';
  return table('versions', ['OCPP', 'groups', 'planned', 'connected', 'booted', 'calls', 'errors'], rows, 2);
}

/** Errors by kind, most frequent first, with the first message of each kind. */
export function errorsTable(summary: Summary): string {
  const kinds = Object.entries(summary.errors).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (kinds.length === 0) return '<p class="empty">No error.</p>';
  const rows = kinds.map(([kind, n]) => `<tr>${cell(kind, 'name')}${cell(formatCount(n), 'num bad')}${cell(summary.errorSamples?.[kind] ?? '')}</tr>`);
  return table('errors', ['kind', 'count', 'first message of its kind'], rows, 1);
}
