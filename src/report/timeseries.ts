/**
 * timeseries.csv: one row per second of the run, from second 0 (the run's epoch) to the last
 * second with a record or a gauge sample.
 *
 *   second     whole seconds since the run started (the records' w3 / 1000, floored)
 *   time       ISO-8601 UTC start of that second
 *   connected  stations connected, sampled once in that second (empty: no sample that second)
 *   booted     stations whose BootNotification was accepted (same sampling)
 *   charging   stations with a transaction running (same sampling)
 *   calls      calls that went on the wire and ended in that second, any outcome (calls per second)
 *   ok         of which answered by a valid CALLRESULT
 *   errors     errors counted in that second, of every kind summary.json's `errors` has but
 *              `timeout` (CALLERRORs, invalid answers, lost connections, failed connects, calls
 *              never sent, …): over the run, errors + timeouts = the sum of summary.json's errors
 *   timeouts   calls unanswered within the call timeout
 *   p50_ms, p99_ms, max_ms  response time from due of that second's ok calls, all actions
 *              (empty when the second had no ok call)
 */
import { writeFile } from 'node:fs/promises';
import type { SecondWindow } from '../metrics/seconds';
import { usToMs } from './format';

export const TIMESERIES_COLUMNS = [
  'second', 'time', 'connected', 'booted', 'charging', 'calls', 'ok', 'errors', 'timeouts', 'p50_ms', 'p99_ms', 'max_ms',
] as const;

function cell(value: number): string {
  return Number.isNaN(value) ? '' : String(value);
}

export function formatTimeseries(seconds: SecondWindow, startedAt: Date): string {
  const lines = [TIMESERIES_COLUMNS.join(',')];
  const epoch = startedAt.getTime();
  for (let s = 0; s < seconds.length; s++) {
    const r = seconds.row(s);
    lines.push([
      s,
      new Date(epoch + s * 1000).toISOString(),
      cell(r.connected),
      cell(r.booted),
      cell(r.charging),
      r.calls,
      r.ok,
      r.errors,
      r.timeouts,
      cell(usToMs(r.p50Us)),
      cell(usToMs(r.p99Us)),
      cell(usToMs(r.maxUs)),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Call after aggregator.finish(): the p50/p99 of a second are known once it has closed. */
export async function writeTimeseries(path: string, seconds: SecondWindow, startedAt: Date): Promise<void> {
  await writeFile(path, formatTimeseries(seconds, startedAt));
}
