/**
 * Reads timeseries.csv back into columns. Columns are found by their header name, so a file with
 * columns added later (or in another order) still reads; a column it lacks reads as all-empty.
 * An empty cell (no gauge sample, no ok call that second) is null, never 0.
 */
import { TIMESERIES_COLUMNS } from '../timeseries';

export type TimeseriesColumn = Exclude<(typeof TIMESERIES_COLUMNS)[number], 'time'>;

export interface Timeseries {
  /** Whole seconds since the run's epoch, one per row. */
  second: number[];
  columns: Record<TimeseriesColumn, (number | null)[]>;
}

const NUMERIC_COLUMNS = TIMESERIES_COLUMNS.filter((c): c is TimeseriesColumn => c !== 'time');

export class TimeseriesFormatError extends Error {
  override name = 'TimeseriesFormatError';
}

export function parseTimeseries(csv: string): Timeseries {
  const lines = csv.split(/\r?\n/).filter((line) => line !== '');
  const header = (lines[0] ?? '').split(',');
  const secondAt = header.indexOf('second');
  if (secondAt < 0) throw new TimeseriesFormatError('its header has no "second" column');
  const columns = {} as Record<TimeseriesColumn, (number | null)[]>;
  const at = new Map<TimeseriesColumn, number>();
  for (const name of NUMERIC_COLUMNS) {
    columns[name] = [];
    at.set(name, header.indexOf(name));
  }
  const second: number[] = [];
  for (let row = 1; row < lines.length; row++) {
    const cells = (lines[row] as string).split(',');
    const s = Number(cells[secondAt]);
    if (cells[secondAt] === '' || !Number.isFinite(s)) {
      throw new TimeseriesFormatError(`line ${row + 1}: "second" is not a number`);
    }
    second.push(s);
    for (const name of NUMERIC_COLUMNS) {
      const index = at.get(name) as number;
      const cell = index < 0 ? '' : (cells[index] ?? '');
      const value = cell === '' ? null : Number(cell);
      columns[name].push(value === null || Number.isFinite(value) ? value : null);
    }
  }
  return { second, columns };
}
