/**
 * The report's tables as HTML, escaped cell by cell. They are static markup, so the figures read
 * even where scripts are off; only the charts need the script.
 */
import type { ActionSummary, Summary } from '../summary';
import { escapeHtml } from './escape';

/** 12345 → "12,345": figures are grouped by hand so the output never depends on the locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole = '', fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** ms with up to three decimals, fewer as the value grows (0.412, 12.34, 1,234). */
export function formatMs(ms: number): string {
  if (ms >= 1000) return formatCount(Math.round(ms));
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** A duration in ms as people say it: 850 ms, 7.6 s, 12 min 5 s, 1 h 2 min. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "2026-11-23T23:04:23.395Z" → "2026-11-23 23:04:23 UTC"; anything else as it is. */
export function formatUtc(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** A value of unknown shape (settings, thresholds) as text: objects as compact JSON. */
export function cellText(value: unknown): string {
  if (value === null) return '–';
  if (value === undefined) return '';
  if (typeof value === 'number') return formatCount(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

export function cell(text: string, className?: string): string {
  return className ? `<td class="${className}">${escapeHtml(text)}</td>` : `<td>${escapeHtml(text)}</td>`;
}

export function table(id: string, head: readonly string[], rows: readonly string[], numericFrom: number): string {
  const ths = head.map((h, i) => `<th${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  return `<table id="${id}"><thead><tr>${ths}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** Errors of a call other than timeouts, as the time series counts them. */
export function callFailures(a: ActionSummary): number {
  return a.callErrors + a.invalid + a.aborted;
}

export function actionsTable(summary: Summary): string {
  const rows = Object.entries(summary.actions).map(([action, a]) => {
    const l = a.latencyMs;
    const failures = callFailures(a);
    return `<tr>${cell(action, 'name')}${cell(formatCount(a.sent), 'num')}${cell(formatCount(a.ok), 'num')}` +
      `${cell(formatCount(failures), failures > 0 ? 'num bad' : 'num')}${cell(formatCount(a.timeouts), a.timeouts > 0 ? 'num bad' : 'num')}` +
      [l.p50, l.p90, l.p99, l.p999, l.max, a.serviceTimeMs.p50, a.serviceTimeMs.p99, a.dispatchDelayMs.p99].map((v) => cell(formatMs(v), 'num')).join('') + '</tr>';
  });
  if (rows.length === 0) return '<p class="empty">No call was sent.</p>';
  const head = ['action', 'count', 'ok', 'errors', 'timeouts', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'service p50 ms', 'service p99 ms', 'dispatch delay p99 ms'];
  return table('actions', head, rows, 1);
}

/** The columns a threshold entry is expected to have, in this order; any others follow. */
const THRESHOLD_COLUMNS = ['threshold', 'metric', 'value', 'unit', 'samples', 'verdict'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function verdictClass(value: unknown): string | undefined {
  const text = String(value).toLowerCase();
  if (value === true || text === 'pass' || text === 'passed' || text === 'ok') return 'good';
  if (value === false || text === 'fail' || text === 'failed') return 'bad';
  return undefined;
}

/**
 * summary.thresholds, whatever their shape: an entry that is an object gives a row, its keys the
 * columns (threshold, metric, value, unit, samples, verdict first); any other entry is shown as
 * its JSON.
 */
export function thresholdsTable(thresholds: readonly unknown[]): string {
  if (thresholds.length === 0) return '<p class="empty">No thresholds were set for this run.</p>';
  const columns = [...THRESHOLD_COLUMNS];
  for (const t of thresholds) {
    if (!isRecord(t)) continue;
    for (const key of Object.keys(t)) if (!columns.includes(key)) columns.push(key);
  }
  const used = columns.filter((c) => thresholds.some((t) => isRecord(t) && t[c] !== undefined));
  const head = used.length > 0 ? used : ['threshold'];
  const rows = thresholds.map((t) => {
    if (!isRecord(t)) return `<tr><td colspan="${head.length}">${escapeHtml(cellText(t))}</td></tr>`;
    return `<tr>${head.map((c) => cell(cellText(t[c]), c === 'verdict' ? verdictClass(t[c]) : undefined)).join('')}</tr>`;
  });
  return table('thresholds', head, rows, head.length);
}

/** A two-column table of names and values. */
const UNITS: ReadonlyArray<readonly [RegExp, string]> = [[/Ms$/, 'ms'], [/Kb$/, 'KB'], [/Mb$/, 'MB'], [/(?<=[a-z])S$/, 's']];
const ACRONYMS: Readonly<Record<string, string>> = { rss: 'RSS', cpu: 'CPU', cps: 'charge points', csms: 'CSMS', tls: 'TLS', p99: 'p99' };

/** A summary.json key in words: `rssPerStationKb` → "RSS per station (KB)", `timeToAllBootedMs` → "time to all booted (ms)". */
export function words(key: string): string {
  let base = key;
  let unit = '';
  for (const [suffix, name] of UNITS) {
    if (suffix.test(base) && base.replace(suffix, '') !== '') {
      base = base.replace(suffix, '');
      unit = ` (${name})`;
      break;
    }
  }
  const parts = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  return `${parts.map((p) => ACRONYMS[p] ?? p).join(' ')}${unit}`;
}

/** A table of key and value; `named` keys are identifiers (error kinds, counters) and stay as they are, others are put in words. */
export function keyValueTable(id: string, entries: ReadonlyArray<readonly [string, unknown]>, named = false): string {
  if (entries.length === 0) return '<p class="empty">None.</p>';
  const rows = entries.map(([key, value]) => `<tr>${cell(named ? key : words(key), 'name')}${cell(cellText(value))}</tr>`);
  return `<table id="${id}" class="kv"><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
