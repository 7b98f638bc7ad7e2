/**
 * The end-of-run text: one verdict line first (what a CI log or a terminal shows when nothing
 * else is read), then the health checks, the thresholds, the latency table and where the results
 * are. Built from summary.json alone plus the typed threshold results, so it reads the same from
 * a live run and from files.
 */
import { join } from 'node:path';
import { HEALTH_UNITS, type HealthCheck } from '../scenario/health';
import { count } from './health';
import type { HealthResult, Summary } from './summary';
import { formatTable } from './table';
import type { ThresholdResult } from './thresholds';
import { describeResult, formatThresholds } from './thresholds-format';

/** How each check compares its value with its limit. */
const OPERATOR: Readonly<Record<HealthCheck, string>> = {
  connected: '≥',
  booted: '≥',
  incompleteCalls: '≤',
  openTransactions: '≤',
  csmsAlive: '=',
  eventLoopDelay: '≤',
  schedulerLag: '≤',
};

function isCheck(name: string): name is HealthCheck {
  return name in OPERATOR;
}

/** A health value or limit in its check's unit: `99.5%`, `12 ms`, `3`, `alive`. */
export function formatHealthValue(check: string, value: number | null): string {
  if (value === null) return '–';
  const unit = isCheck(check) ? HEALTH_UNITS[check] : 'count';
  switch (unit) {
    case '%':
      return `${value}%`;
    case 'ms':
      return `${value} ms`;
    case 'alive':
      return value >= 1 ? 'alive' : 'dead';
    case 'count':
      return count(value);
  }
}

/** `≥ 100%`: the limit as the check applies it. */
export function formatHealthLimit(h: HealthResult): string {
  const op = isCheck(h.check) ? OPERATOR[h.check] : '';
  return `${op} ${formatHealthValue(h.check, h.limit)}`.trim();
}

/** The health block: a header, then one line per check with its value, limit and detail. */
export function formatHealth(health: readonly HealthResult[]): string {
  if (health.length === 0) return 'health: every check turned off\n';
  const failed = health.filter((h) => !h.passed).length;
  const lines = [`health: ${failed === 0 ? 'all passed' : `${failed} of ${health.length} failed`}`];
  const rows = health.map((h) => [h.check, formatHealthValue(h.check, h.value), `(${formatHealthLimit(h)})`] as const);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  health.forEach((h, i) => {
    const [name, value, limit] = rows[i] as readonly [string, string, string];
    const mark = h.passed ? '✓' : '✗';
    lines.push(`  ${mark} ${name.padEnd(widths[0] as number)}  ${value.padStart(widths[1] as number)} ${limit.padEnd(widths[2] as number)}  ${h.detail}${h.passed ? '' : '  FAIL'}`);
  });
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The first line the user reads. FAILED names every failed check (its detail) and threshold
 * (its value against its limit); PASSED says how much was judged. A run stopped before its end
 * says so in the same line.
 */
export function verdictLine(summary: Summary, thresholds: readonly ThresholdResult[]): string {
  const health = summary.health ?? [];
  const failures = [
    ...(summary.processes?.died === undefined ? [] : [summary.processes.died]),
    ...health.filter((h) => !h.passed).map((h) => h.detail),
    ...thresholds.filter((t) => t.verdict !== 'pass').map((t) => `${describeResult(t)}${t.abortedRun ? ' (aborted the run)' : ''}`),
  ];
  const stopped = summary.partial ? ' (stopped before its planned end)' : '';
  if (!summary.passed || failures.length > 0) return `FAILED${stopped}: ${failures.join('; ') || 'see below'}`;
  const calls = Object.values(summary.actions).reduce((n, a) => n + a.sent, 0);
  const judged = [
    health.length > 0 ? plural(health.length, 'health check') : '',
    thresholds.length > 0 ? plural(thresholds.length, 'threshold') : '',
  ].filter((t) => t !== '');
  const verdict = judged.length === 0 ? 'no health check or threshold in force' : `${judged.join(' and ')} passed`;
  const head = summary.partial ? 'STOPPED before its planned end, nothing failed so far' : 'PASSED';
  return `${head}: ${plural(summary.fleet.planned, 'station')}, ${plural(calls, 'call')}, ${verdict}`;
}

/** What the run was, said under the verdict: what it came from, not in summary.json. */
export interface RunHeader {
  /** Stations planned per OCPP version ("1.6" → 100), from the plan. */
  readonly stationsByVersion: ReadonlyMap<string, number>;
  /** The terminal's columns, when printed to one: the table gives up columns rather than wrap. */
  readonly width?: number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `smoke against the embedded CSMS (ws://…) · 100 × OCPP 1.6, 100 × OCPP 2.0.1 · 30.4 s (30 s planned)` */
export function headerLine(summary: Summary, header?: RunHeader): string {
  const versions =
    header === undefined || header.stationsByVersion.size === 0
      ? plural(summary.fleet.planned, 'station')
      : [...header.stationsByVersion].map(([v, n]) => `${count(n)} × OCPP ${v}`).join(', ');
  const planned = typeof summary.settings.durationMs === 'number' ? ` (${seconds(summary.settings.durationMs)} planned)` : '';
  const target = summary.target.startsWith('embedded CSMS') ? `the ${summary.target}` : summary.target;
  return `run: ${summary.scenario} against ${target} · ${versions} · ${seconds(summary.durationMs)}${planned}`;
}

/** Errors by kind, most frequent first, each with the first message seen of that kind. */
export function formatErrors(summary: Summary): string {
  const kinds = Object.entries(summary.errors).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (kinds.length === 0) return '';
  const total = kinds.reduce((t, [, n]) => t + n, 0);
  const width = Math.max(...kinds.map(([k]) => k.length));
  const numbers = kinds.map(([, n]) => count(n));
  const numberWidth = Math.max(...numbers.map((n) => n.length));
  const lines = kinds.map(([kind], i) => {
    const sample = summary.errorSamples?.[kind];
    return `  ${kind.padEnd(width)}  ${(numbers[i] as string).padStart(numberWidth)}${sample === undefined ? '' : `  e.g. ${sample}`}`;
  });
  return `errors: ${count(total)} of ${plural(kinds.length, 'kind')}\n${lines.join('\n')}\n`;
}

/** Where the figures were pushed, and whether the endpoint has them all: a CI dashboard that misses the end would mislead. */
function formatOutputs(summary: Summary): string | undefined {
  const rw = summary.outputs?.prometheusRemoteWrite;
  if (rw === undefined) return undefined;
  const pushes = `${count(rw.pushes)} push${rw.pushes === 1 ? '' : 'es'}`;
  if (rw.failed === 0) return `remote write: ${pushes} to ${rw.url}, all accepted (${count(rw.samples)} samples)`;
  const end = rw.finalPushAccepted ? 'the final counts were written' : 'the final counts were NOT written';
  return `remote write: ${count(rw.failed)} of ${pushes} to ${rw.url} failed (last: ${rw.lastError ?? 'unknown'}); ${end}`;
}

/**
 * Everything printed at the end of a run, in reading order: the verdict (the first line, always),
 * what the run was, the health checks, the thresholds, the errors by kind, the latency table, what
 * the generator cost, and where report.html is.
 */
export function endOfRunText(summary: Summary, thresholds: readonly ThresholdResult[], dir: string, header?: RunHeader): string {
  const parts = [verdictLine(summary, thresholds), headerLine(summary, header), ''];
  if (summary.health !== undefined) parts.push(formatHealth(summary.health));
  const verdicts = formatThresholds(thresholds);
  if (verdicts) parts.push(verdicts);
  const errors = formatErrors(summary);
  if (errors) parts.push(errors);
  parts.push(formatTable(summary, header?.width));
  const g = summary.generator;
  if (g) {
    const booted = g.timeToAllBootedMs === null ? 'not all booted' : `all booted after ${(g.timeToAllBootedMs / 1000).toFixed(1)} s`;
    parts.push(
      `generator: ${booted}; RSS ${g.rssStartMb} → ${g.rssPeakMb} MB peak (${g.rssPerStationKb} KB per station); ` +
        `CPU ${g.cpuUserS} s user + ${g.cpuSystemS} s system` +
        (g.eventLoopDelayMs && g.schedulerLagMs ? `; own delays p99: event loop ${g.eventLoopDelayMs.p99} ms, scheduler ${g.schedulerLagMs.p99} ms` : ''),
    );
  }
  const outputs = formatOutputs(summary);
  if (outputs !== undefined) parts.push(outputs);
  parts.push(`results: ${dir}`, `report: ${join(dir, 'report.html')}`);
  return `${parts.join('\n')}\n`;
}
