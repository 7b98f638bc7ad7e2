import type { MeterKeys } from './ocmf-keys';
import type { CsmsCounters } from './stats';

/**
 * What the CSMS remembers about one identity across its connections: a station that reconnects
 * delivers its queued transaction messages on the new connection (FACTS.md, "Offline"), so
 * transactions and the boot verdict belong to the identity, not to a socket.
 */
interface Transaction {
  ended: boolean;
  /** Counted in `transactions.active` (not so for one first seen by its Ended event). */
  active: boolean;
  startedSeen: boolean;
  /** 2.0.1 only: every seqNo seen, and their range, to count gaps and duplicates. */
  seqNos: Set<number> | undefined;
  minSeqNo: number;
  maxSeqNo: number;
}

/**
 * Ended transactions are kept a little while so that a replayed stop or event after a reboot is
 * recognised as a duplicate; the cap keeps memory flat over a long run.
 */
const ENDED_KEPT_PER_STATION = 16;

export class StationRecord {
  /** Whether the last BootNotification was answered Accepted (CSMS-initiated load goes only there). */
  accepted = false;
  /** BootNotifications received from this station, over all its connections. */
  boots = 0;
  /** Public keys of its signing meters, once it declared or sent one (signed meter values). */
  meterKeys: MeterKeys | undefined = undefined;
  private readonly transactions = new Map<string | number, Transaction>();
  private readonly endedOrder: (string | number)[] = [];

  constructor(readonly identity: string) {}

  /** 1.6 StartTransaction: the CSMS assigned `id`. */
  started16(id: number, stats: CsmsCounters): void {
    const tx = newTransaction(true);
    tx.active = true;
    this.transactions.set(id, tx);
    stats.txStarted++;
    stats.txActive++;
  }

  /** 1.6 StopTransaction. */
  stopped16(id: number, stats: CsmsCounters): void {
    const tx = this.transactions.get(id);
    if (tx === undefined) {
      stats.txUnknown++;
      stats.txStopped++;
      const ended = newTransaction(false);
      this.transactions.set(id, ended);
      this.end(id, ended, stats);
      return;
    }
    if (tx.ended) {
      stats.txDuplicates++;
      return;
    }
    stats.txStopped++;
    this.end(id, tx, stats);
  }

  /**
   * 2.0.1 TransactionEvent (OCPP 2.0.1 E01-E15): the station names the transaction and numbers its
   * events with seqNo. Gaps are counted as the seqNo values missing between the lowest and the
   * highest seen, so a late event that fills a hole takes its gap back.
   */
  event201(id: string, eventType: string, seqNo: number, stats: CsmsCounters): void {
    let tx = this.transactions.get(id);
    if (tx === undefined) {
      tx = newTransaction(false);
      tx.seqNos = new Set();
      this.transactions.set(id, tx);
      if (eventType !== 'Started') stats.txUnknown++;
      if (eventType !== 'Ended') {
        tx.active = true;
        stats.txActive++;
      }
    } else if (tx.seqNos === undefined) {
      // The same id was used by a 1.6 connection of this identity; start counting from here.
      tx.seqNos = new Set();
    }
    const seen = tx.seqNos as Set<number>;
    if (seen.has(seqNo)) {
      stats.txDuplicates++;
      return;
    }
    const before = seen.size === 0 ? 0 : tx.maxSeqNo - tx.minSeqNo + 1 - seen.size;
    if (seen.size === 0 || seqNo < tx.minSeqNo) tx.minSeqNo = seqNo;
    if (seen.size === 0 || seqNo > tx.maxSeqNo) tx.maxSeqNo = seqNo;
    seen.add(seqNo);
    stats.txSeqNoGaps += tx.maxSeqNo - tx.minSeqNo + 1 - seen.size - before;

    if (eventType === 'Started' && !tx.startedSeen) {
      tx.startedSeen = true;
      stats.txStarted++;
    }
    if (eventType === 'Ended' && !tx.ended) {
      stats.txStopped++;
      this.end(id, tx, stats);
    }
  }

  private end(id: string | number, tx: Transaction, stats: CsmsCounters): void {
    tx.ended = true;
    if (tx.active) {
      tx.active = false;
      stats.txActive--;
    }
    this.endedOrder.push(id);
    if (this.endedOrder.length > ENDED_KEPT_PER_STATION) {
      const oldest = this.endedOrder.shift() as string | number;
      const old = this.transactions.get(oldest);
      if (old !== undefined && old.ended) this.transactions.delete(oldest);
    }
  }
}

function newTransaction(startedSeen: boolean): Transaction {
  return { ended: false, active: false, startedSeen, seqNos: undefined, minSeqNo: 0, maxSeqNo: 0 };
}
