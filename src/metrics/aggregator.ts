/**
 * The coordinator's sink for the pump: turns records into counters and HDR histograms.
 *
 * The hot path only counts and calls recordValue (autocannon's habit: record per response,
 * summarise at report time). Call statistics are kept per (group, action) only; the per-action
 * totals are their sum, computed when asked for, since HDR histograms merge by addition.
 * Names are looked up only on the read side, from tables the caller owns.
 */
import type { Histogram } from 'hdr-histogram-js';
import { ByteTally } from './byte-tally';
import { CallStats, HistogramPool, type ByteCounts, type IncomingStats, newHistogram, record } from './histograms';
import { IntervalLog } from './intervals';
import { RecordKind, recordCode, recordGroup, recordKind } from './record';
import type { RecordSink } from './ring';
import { SecondWindow } from './seconds';
import { SendTally } from './send-tally';
import type { AggregatorPart } from './aggregator-part';
import type { FleetGauges, GaugeTotals } from './gauges';
import { byGroupName, countsByName, nameOf, type NameTables } from './names';

export type { NameTables } from './names';

export interface AggregatorOptions {
  /** Seconds kept open for late records before a second's interval histograms are closed. Default 5. */
  openSeconds?: number;
}

export interface ConnectStats {
  attempts: number;
  ok: number;
  errors: number;
  /** µs, ConnectOk only. */
  latency: Histogram;
  /** µs, the TLS part of the connect time (wss:// only). */
  tlsHandshake: Histogram;
  /** Upgrades refused with an HTTP status (ConnectFail records with w2 = status), by status. */
  rejectedByStatus: Map<number, number>;
}

export interface BootStats {
  accepted: number;
  /** µs from the first connect attempt of the boot cycle. */
  timeToAccepted: Histogram;
}

export interface LiveView {
  /** Calls finished (any outcome) in the last whole second before `nowMs`. */
  callsPerSec: number;
  /** p99 of response times over all actions so far, ms. */
  p99Ms: number;
  calls: number;
  /** Errors of every kind counted so far (summary.json's `errors`), timeouts aside. */
  errors: number;
  timeouts: number;
}

/** Per-group gauge levels last sampled, by group name. */
export type GroupGauges = Map<string, FleetGauges>;

export class Aggregator implements RecordSink {
  /** Every record handed to ingest(): the pump's conservation check compares it with the writers. */
  ingested = 0;
  readonly intervals = new IntervalLog();
  readonly seconds: SecondWindow;
  private readonly pool = new HistogramPool();
  /** [group][action code]; created on the first record of that pair. */
  private readonly calls: (CallStats | undefined)[][] = [];
  private readonly incomingByCode: (IncomingStats | undefined)[] = [];
  private readonly bytes = new ByteTally();
  /** OCPP 2.1's SENDs, by group and action code (read with actionName and the group names). */
  readonly sends = new SendTally();
  private readonly errorCounts: number[] = [];
  private readonly counterCounts: number[] = [];
  /** [group][error kind code] and [group][counter code]: each group's own, created on its first record. */
  private readonly groupErrorCounts: number[][] = [];
  private readonly groupCounterCounts: number[][] = [];
  /** CallNotSent records by reason index. */
  private readonly neverSentCounts: number[] = [];
  /** Codes of the error kinds the aggregator counts itself (-1 when the name table has none). */
  private readonly timeoutCode: number;
  private readonly neverSentCode: number;
  private readonly connectStats: ConnectStats = {
    attempts: 0,
    ok: 0,
    errors: 0,
    latency: newHistogram(),
    tlsHandshake: newHistogram(),
    rejectedByStatus: new Map(),
  };
  private readonly bootStats: BootStats = { accepted: 0, timeToAccepted: newHistogram() };
  private callsTotal = 0;
  private failuresTotal = 0;
  private timeoutsTotal = 0;
  private lastGauges: GaugeTotals | undefined;
  private unknownKinds = 0;

  constructor(
    readonly names: NameTables,
    options: AggregatorOptions = {},
  ) {
    const openSeconds = options.openSeconds ?? 5;
    if (!Number.isInteger(openSeconds) || openSeconds < 1) {
      throw new TypeError('options.openSeconds must be a positive integer');
    }
    this.seconds = new SecondWindow(this.pool, this.intervals, (code) => this.actionName(code), openSeconds, (group) => nameOf(names.groupNames, group, 'group'));
    this.timeoutCode = names.errorNames.indexOf('timeout');
    this.neverSentCode = names.errorNames.indexOf('neverSent');
  }

  ingest(w0: number, w1: number, w2: number, w3: number): void {
    this.ingested++;
    const kind = recordKind(w0);
    const code = recordCode(w0);
    const second = Math.floor(w3 / 1000);
    switch (kind) {
      case RecordKind.CallOk: {
        const stats = this.callStats(recordGroup(w0), code);
        stats.sent++;
        stats.ok++;
        record(stats.response, w1);
        record(stats.service, w2);
        record(stats.dispatchDelay, w1 > w2 ? w1 - w2 : 0);
        this.callsTotal++;
        if (this.seconds.countCall(second, 'ok')) this.seconds.callOk(second, code, w1, w2, recordGroup(w0));
        return;
      }
      case RecordKind.CallError:
      case RecordKind.CallInvalid:
      case RecordKind.CallAborted: {
        const stats = this.callStats(recordGroup(w0), code);
        stats.sent++;
        if (kind === RecordKind.CallError) stats.callErrors++;
        else if (kind === RecordKind.CallInvalid) stats.invalid++;
        else stats.aborted++;
        this.callsTotal++;
        // Its error (callError, invalidResponse, or the connection's end) is an Error record of its own.
        this.seconds.countCall(second, 'failed');
        return;
      }
      case RecordKind.CallNotSent: {
        this.callStats(recordGroup(w0), code).neverSent++;
        // A reason index far beyond the known ones is a writer's bug: counted, never a huge array.
        const reason = w1 < 256 ? w1 : 255;
        this.neverSentCounts[reason] = (this.neverSentCounts[reason] ?? 0) + 1;
        if (this.neverSentCode >= 0) this.countError(recordGroup(w0), this.neverSentCode, 1, second);
        return;
      }
      case RecordKind.CallTimeout: {
        const stats = this.callStats(recordGroup(w0), code);
        stats.sent++;
        stats.timeouts++;
        this.callsTotal++;
        this.timeoutsTotal++;
        this.seconds.countCall(second, 'timeout');
        return;
      }
      case RecordKind.ConnectOk:
        this.connectStats.attempts++;
        this.connectStats.ok++;
        record(this.connectStats.latency, w1);
        this.seconds.connectOk(second, w1);
        return;
      case RecordKind.TlsHandshake:
        record(this.connectStats.tlsHandshake, w1);
        return;
      case RecordKind.ConnectFail:
        this.connectStats.attempts++;
        this.connectStats.errors++;
        this.countError(recordGroup(w0), code, 1, second);
        if (w2 > 0) this.connectStats.rejectedByStatus.set(w2, (this.connectStats.rejectedByStatus.get(w2) ?? 0) + 1);
        return;
      case RecordKind.BootAccepted:
        this.bootStats.accepted++;
        record(this.bootStats.timeToAccepted, w1);
        return;
      case RecordKind.IncomingReceived:
        this.incoming(code).received++;
        return;
      case RecordKind.IncomingAnswered:
        this.incoming(code).answered++;
        return;
      case RecordKind.Error:
        this.countError(recordGroup(w0), code, w1, second);
        return;
      case RecordKind.Counter: {
        this.counterCounts[code] = (this.counterCounts[code] ?? 0) + w1;
        const byGroup = this.groupCounterCounts[recordGroup(w0)] ?? (this.groupCounterCounts[recordGroup(w0)] = []);
        byGroup[code] = (byGroup[code] ?? 0) + w1;
        return;
      }
      case RecordKind.Bytes: {
        const stats = this.callStats(recordGroup(w0), code);
        stats.bytesSent += w1;
        stats.bytesReceived += w2;
        return;
      }
      case RecordKind.IncomingBytes: {
        const stats = this.incoming(code);
        stats.bytesSent += w1;
        stats.bytesReceived += w2;
        this.bytes.addIncoming(recordGroup(w0), w1, w2);
        return;
      }
      case RecordKind.WireBytes:
        this.bytes.addWire(recordGroup(w0), w1, w2);
        return;
      case RecordKind.Send:
        this.sends.add(recordGroup(w0), code, w1, w2);
        return;
      case RecordKind.Generator:
        // A live run's per-second saturation: its window ledger reads it (window-ledger.ts).
        return;
      default:
        // An unknown kind is a bug in a writer; it is counted so it shows, never thrown on the pump.
        this.unknownKinds++;
    }
  }

  /**
   * An error of kind `code`, in total, for its group and in its second. A timeout is also a
   * CallTimeout record, which the series counts in its own column: only the total and the group
   * count it here, so the series' errors and timeouts add up to summary.json's `errors`.
   */
  private countError(group: number, code: number, n: number, second: number): void {
    this.errorCounts[code] = (this.errorCounts[code] ?? 0) + n;
    const byGroup = this.groupErrorCounts[group] ?? (this.groupErrorCounts[group] = []);
    byGroup[code] = (byGroup[code] ?? 0) + n;
    if (code === this.timeoutCode) return;
    this.failuresTotal += n;
    this.seconds.countErrors(second, n);
  }

  /**
   * Hands the gauges summed over workers for second `second` (since the run's epoch) to the time
   * series; also a clock tick that closes seconds older than the open window. Call once a second.
   */
  sampleGauges(second: number, gauges: GaugeTotals | FleetGauges): void {
    const totals: GaugeTotals = 'total' in gauges ? gauges : { total: gauges, groups: [] };
    this.lastGauges = totals;
    this.seconds.sampleGauges(second, totals.total.connected, totals.total.booted, totals.total.charging);
    this.seconds.advanceTo(second);
  }

  /** Closes every open second; call once after the last drain (writeResults does). */
  finish(): void {
    this.seconds.finish();
  }

  /**
   * Adds a part of a run gathered elsewhere (a live run's window): an aggregator built this way
   * answers the same questions (thresholds, health, the summary) about that part alone. The call
   * statistics are taken over, not copied: the part must not be used afterwards.
   */
  addPart(part: AggregatorPart): void {
    for (const { group, code, stats } of part.calls) {
      const byCode = this.calls[group] ?? (this.calls[group] = []);
      const held = byCode[code];
      if (held === undefined) byCode[code] = stats;
      else held.add(stats);
      this.callsTotal += stats.sent;
      this.timeoutsTotal += stats.timeouts;
    }
    const c = this.connectStats;
    c.attempts += part.connect.attempts;
    c.ok += part.connect.ok;
    c.errors += part.connect.errors;
    c.latency.add(part.connect.latency);
    this.bootStats.accepted += part.boot.accepted;
    this.bootStats.timeToAccepted.add(part.boot.timeToAccepted);
    for (const { group, code, n } of part.errors) {
      addAt(this.errorCounts, code, n);
      addAt(this.groupErrorCounts[group] ?? (this.groupErrorCounts[group] = []), code, n);
      if (code !== this.timeoutCode) this.failuresTotal += n;
    }
    for (const { group, code, n } of part.counters) {
      addAt(this.counterCounts, code, n);
      addAt(this.groupCounterCounts[group] ?? (this.groupCounterCounts[group] = []), code, n);
    }
    part.neverSent.forEach((n, reason) => addAt(this.neverSentCounts, reason, n));
  }

  /** For a status line; `nowMs` is ms since the run's epoch, the clock of the records' w3. */
  live(nowMs: number): LiveView {
    const last = Math.floor(nowMs / 1000) - 1;
    return {
      callsPerSec: last >= 0 ? this.seconds.value('calls', last) : 0,
      p99Ms: this.seconds.p99SoFar() / 1000,
      calls: this.callsTotal,
      errors: this.failuresTotal,
      timeouts: this.timeoutsTotal,
    };
  }

  /** Call statistics per action name, merged over groups (fresh objects: the caller may keep them). */
  actions(): Map<string, CallStats> {
    const merged: (CallStats | undefined)[] = [];
    for (const byCode of this.calls) {
      if (byCode === undefined) continue;
      byCode.forEach((stats, code) => {
        if (stats === undefined) return;
        (merged[code] ?? (merged[code] = new CallStats())).add(stats);
      });
    }
    const out = new Map<string, CallStats>();
    merged.forEach((stats, code) => {
      if (stats !== undefined) out.set(this.actionName(code), stats);
    });
    return out;
  }

  /** Call statistics per group name, then per action name (the live objects: do not change them). */
  groups(): Map<string, Map<string, CallStats>> {
    const out = new Map<string, Map<string, CallStats>>();
    this.calls.forEach((byCode, group) => {
      if (byCode === undefined) return;
      const actions = new Map<string, CallStats>();
      byCode.forEach((stats, code) => {
        if (stats !== undefined) actions.set(this.actionName(code), stats);
      });
      out.set(nameOf(this.names.groupNames, group, 'group'), actions);
    });
    return out;
  }

  /** Gauge levels of the last sample, per group name. */
  groupGauges(): GroupGauges {
    const out: GroupGauges = new Map();
    this.lastGauges?.groups.forEach((g, group) => out.set(nameOf(this.names.groupNames, group, 'group'), g));
    return out;
  }

  /** Bytes on the wire per group (sent: written), of the connections that have closed. */
  wireBytes(): Map<string, ByteCounts> {
    return this.bytes.wireByGroup((group) => nameOf(this.names.groupNames, group, 'group'));
  }

  /** The CSMS's calls' frame bytes per group (sent: the stations' answers). */
  incomingBytesByGroup(): Map<string, ByteCounts> {
    return this.bytes.incomingByGroup((group) => nameOf(this.names.groupNames, group, 'group'));
  }

  incomingByAction(): Map<string, IncomingStats> {
    const out = new Map<string, IncomingStats>();
    this.incomingByCode.forEach((stats, code) => {
      if (stats !== undefined) out.set(this.actionName(code), { ...stats });
    });
    return out;
  }

  get connect(): Readonly<ConnectStats> {
    return this.connectStats;
  }

  get boot(): Readonly<BootStats> {
    return this.bootStats;
  }

  errors(): Map<string, number> {
    return countsByName(this.errorCounts, this.names.errorNames, 'error');
  }

  counters(): Map<string, number> {
    const out = countsByName(this.counterCounts, this.names.counterNames, 'counter');
    if (this.unknownKinds > 0) out.set('unknownRecordKind', this.unknownKinds);
    return out;
  }

  /** Each group's own error counts by kind name (groups with none are absent). */
  groupErrors(): Map<string, Map<string, number>> {
    return byGroupName(this.groupErrorCounts, this.names, this.names.errorNames, 'error');
  }

  /** Each group's own counters by name (groups with none are absent). */
  groupCounters(): Map<string, Map<string, number>> {
    return byGroupName(this.groupCounterCounts, this.names, this.names.counterNames, 'counter');
  }

  /** CALLs never sent, by reason index (the names are the OCPP layer's NEVER_SENT_REASONS). */
  neverSentByReason(): readonly number[] {
    return this.neverSentCounts;
  }

  actionName(code: number): string {
    return nameOf(this.names.actionNames, code, 'action');
  }

  private callStats(group: number, code: number): CallStats {
    const byCode = this.calls[group] ?? (this.calls[group] = []);
    return byCode[code] ?? (byCode[code] = new CallStats());
  }

  private incoming(code: number): IncomingStats {
    return this.incomingByCode[code] ?? (this.incomingByCode[code] = { received: 0, answered: 0, bytesSent: 0, bytesReceived: 0 });
  }
}

function addAt(counts: number[], index: number, n: number): void {
  counts[index] = (counts[index] ?? 0) + n;
}
