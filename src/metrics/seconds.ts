/**
 * Per-second accounting: counts and gauge samples per second of the run (the time series), and
 * per-second interval histograms per action and per group (the histogram log).
 *
 * Records reach the coordinator a little out of order (rings are drained one after the other,
 * workers finish calls at their own pace), so the last `openSeconds` seconds stay open. A second
 * closes when a record or a clock tick shows a second at least `openSeconds` later: its
 * histograms are then encoded into the interval log, its all-actions p50/p99/max computed, and
 * the histograms returned to the pool. A record for a second already closed is not lost: its
 * counts go to the series as usual and its values to a "late" histogram written as an extra
 * interval for that second at finish(). Only that second's p50/p99 in the time series miss it.
 */
import type { Histogram } from 'hdr-histogram-js';
import { HistogramPool, newHistogram, record } from './histograms';
import { IntervalLog } from './intervals';

/** Seconds beyond a week are not tracked per second, so a corrupt timestamp cannot allocate gigabytes. */
export const MAX_SECONDS = 7 * 24 * 3600;

/** Columns of the per-second series, in µs for times. NaN means no value: no ok call, or no gauge sample. */
export interface SecondRow {
  second: number;
  calls: number;
  ok: number;
  errors: number;
  timeouts: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  connected: number;
  booted: number;
  charging: number;
}

const COLUMNS = ['calls', 'ok', 'errors', 'timeouts', 'p50Us', 'p99Us', 'maxUs', 'connected', 'booted', 'charging'] as const;
type Column = (typeof COLUMNS)[number];
const FIRST_GAUGE = COLUMNS.indexOf('connected');
/** Latencies and gauges start as NaN: "no value that second" differs from zero. */
const FIRST_NAN = COLUMNS.indexOf('p50Us');

class Slot {
  second = -1;
  active = false;
  readonly response: (Histogram | undefined)[] = [];
  readonly service: (Histogram | undefined)[] = [];
  /** Response times of every action, per group: the report's p99 per group and per OCPP version. */
  readonly group: (Histogram | undefined)[] = [];
  connect: Histogram | undefined;
}

/** The histogram log's tag of a group's response times, all its actions together. */
export function groupIntervalTag(group: string): string {
  return `group=${group}`;
}

/** How a call that went on the wire ended, for the series: 'failed' is a CALLERROR, an invalid answer or an abort. */
export type SeriesOutcome = 'ok' | 'failed' | 'timeout';

export class SecondWindow {
  private readonly slots: Slot[] = [];
  private readonly columns: Float64Array[];
  private rows = 0;
  private maxSecond = -1;
  private closedThrough = -1;
  private readonly late = new Map<string, { second: number; tag: string; histogram: Histogram }>();
  private readonly scratch = newHistogram();
  /** All-actions response times of the closed seconds, so the live p99 needs few additions. */
  private readonly closedAll = newHistogram();
  /** Records whose second was past MAX_SECONDS: counted in totals, absent from the series. */
  outOfRange = 0;
  /** Records that arrived after their second had closed. */
  lateRecords = 0;

  constructor(
    private readonly pool: HistogramPool,
    readonly intervals: IntervalLog,
    private readonly actionName: (code: number) => string,
    private readonly openSeconds: number,
    private readonly groupName: (index: number) => string = String,
  ) {
    for (let i = 0; i < openSeconds; i++) this.slots.push(new Slot());
    this.columns = COLUMNS.map(() => new Float64Array(64));
    for (let c = FIRST_NAN; c < COLUMNS.length; c++) this.columns[c].fill(Number.NaN);
  }

  /** Counts a finished call of any outcome in its second (`errors` are counted apart: countErrors). */
  countCall(second: number, outcome: SeriesOutcome): boolean {
    if (!this.touch(second)) return false;
    const cols = this.columns;
    cols[0][second]++;
    if (outcome === 'ok') cols[1][second]++;
    else if (outcome === 'timeout') cols[3][second]++;
    return true;
  }

  /**
   * Counts `n` errors in their second: every error summary.json counts under `errors` but the
   * timeouts, which have their own column. So the series and the summary agree: the errors and
   * timeouts columns add up to the sum of summary.json's `errors`.
   */
  countErrors(second: number, n: number): void {
    if (this.touch(second)) this.columns[2][second] += n;
  }

  /** Values of a CallOk for the interval histograms; call after countCall(second, 'ok'). */
  callOk(second: number, code: number, responseUs: number, serviceUs: number, group: number): void {
    const slot = this.slotFor(second);
    if (slot === undefined) {
      this.recordLate(second, this.actionName(code), responseUs);
      this.recordLate(second, `${this.actionName(code)}.service`, serviceUs);
      this.recordLate(second, groupIntervalTag(this.groupName(group)), responseUs);
      return;
    }
    record(slot.response[code] ?? (slot.response[code] = this.pool.take()), responseUs);
    record(slot.service[code] ?? (slot.service[code] = this.pool.take()), serviceUs);
    record(slot.group[group] ?? (slot.group[group] = this.pool.take()), responseUs);
  }

  connectOk(second: number, us: number): void {
    if (!this.touch(second)) return;
    const slot = this.slotFor(second);
    if (slot === undefined) this.recordLate(second, 'connect', us);
    else record(slot.connect ?? (slot.connect = this.pool.take()), us);
  }

  sampleGauges(second: number, connected: number, booted: number, charging: number): void {
    if (!this.touch(second)) return;
    this.columns[FIRST_GAUGE][second] = connected;
    this.columns[FIRST_GAUGE + 1][second] = booted;
    this.columns[FIRST_GAUGE + 2][second] = charging;
  }

  /** A clock tick: `now` is the current second; seconds older than the open window close. */
  advanceTo(now: number): void {
    this.closeThrough(now - this.openSeconds);
  }

  /** Closes every open second and writes the late intervals. Safe to call more than once. */
  finish(): void {
    this.closeThrough(this.maxSecond);
    for (const { second, tag, histogram } of this.late.values()) {
      this.intervals.add(tag, second, histogram);
      this.pool.give(histogram);
    }
    this.late.clear();
  }

  get length(): number {
    return this.rows;
  }

  /** Seconds 0 to closed − 1 are closed: their figures and intervals are final (but for late records). */
  get closed(): number {
    return this.closedThrough + 1;
  }

  value(column: Column, second: number): number {
    return second < this.rows ? this.columns[COLUMNS.indexOf(column)][second] : 0;
  }

  row(second: number): SecondRow {
    const v = (c: number): number => this.columns[c][second];
    return {
      second, calls: v(0), ok: v(1), errors: v(2), timeouts: v(3), p50Us: v(4), p99Us: v(5),
      maxUs: v(6), connected: v(7), booted: v(8), charging: v(9),
    };
  }

  /** p99 of response times over all actions so far, in µs (closed seconds plus the open ones). */
  p99SoFar(): number {
    const all = this.scratch;
    all.reset();
    all.add(this.closedAll);
    for (const slot of this.slots) {
      if (!slot.active) continue;
      for (const h of slot.response) if (h !== undefined) all.add(h);
    }
    return all.totalCount === 0 ? 0 : all.getValueAtPercentile(99);
  }

  /** Makes room for `second` in the series and moves the window; false when out of range. */
  private touch(second: number): boolean {
    if (second > MAX_SECONDS) {
      this.outOfRange++;
      return false;
    }
    if (second >= this.rows) this.grow(second);
    if (second > this.maxSecond) {
      this.maxSecond = second;
      this.closeThrough(second - this.openSeconds);
    }
    return true;
  }

  private grow(second: number): void {
    this.rows = second + 1;
    const length = this.columns[0].length;
    if (this.rows <= length) return;
    let size = length * 2;
    while (size < this.rows) size *= 2;
    for (let c = 0; c < COLUMNS.length; c++) {
      const next = new Float64Array(size);
      if (c >= FIRST_NAN) next.fill(Number.NaN, length);
      next.set(this.columns[c]);
      this.columns[c] = next;
    }
  }

  private slotFor(second: number): Slot | undefined {
    if (second <= this.closedThrough || second > MAX_SECONDS) return undefined;
    const slot = this.slots[second % this.openSeconds];
    if (!slot.active) {
      slot.active = true;
      slot.second = second;
    }
    return slot;
  }

  private recordLate(second: number, tag: string, us: number): void {
    if (second > MAX_SECONDS) return;
    this.lateRecords++;
    const key = `${second}|${tag}`;
    let entry = this.late.get(key);
    if (entry === undefined) {
      entry = { second, tag, histogram: this.pool.take() };
      this.late.set(key, entry);
    }
    record(entry.histogram, us);
  }

  private closeThrough(limit: number): void {
    if (limit <= this.closedThrough) return;
    const closing = this.slots.filter((slot) => slot.active && slot.second <= limit);
    closing.sort((a, b) => a.second - b.second);
    for (const slot of closing) this.close(slot);
    this.closedThrough = limit;
  }

  private close(slot: Slot): void {
    const second = slot.second;
    const all = this.scratch;
    all.reset();
    for (let code = 0; code < slot.response.length; code++) {
      const response = slot.response[code];
      if (response === undefined) continue;
      all.add(response);
      this.intervals.add(this.actionName(code), second, response);
      this.pool.give(response);
      slot.response[code] = undefined;
    }
    for (let code = 0; code < slot.service.length; code++) {
      const service = slot.service[code];
      if (service === undefined) continue;
      this.intervals.add(`${this.actionName(code)}.service`, second, service);
      this.pool.give(service);
      slot.service[code] = undefined;
    }
    for (let group = 0; group < slot.group.length; group++) {
      const h = slot.group[group];
      if (h === undefined) continue;
      this.intervals.add(groupIntervalTag(this.groupName(group)), second, h);
      this.pool.give(h);
      slot.group[group] = undefined;
    }
    if (slot.connect !== undefined) {
      this.intervals.add('connect', second, slot.connect);
      this.pool.give(slot.connect);
      slot.connect = undefined;
    }
    if (all.totalCount > 0) {
      this.columns[4][second] = all.getValueAtPercentile(50);
      this.columns[5][second] = all.getValueAtPercentile(99);
      this.columns[6][second] = all.maxValue;
      this.closedAll.add(all);
    }
    slot.active = false;
    slot.second = -1;
  }
}
