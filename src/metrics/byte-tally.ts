/**
 * The bytes the aggregator tallies beside the calls: the CSMS's calls' frame bytes per group
 * (per action they are on the incoming statistics) and the connections' bytes on the wire per
 * group, as the workers' IncomingBytes and WireBytes records bring them.
 */
import type { ByteCounts } from './histograms';

export class ByteTally {
  private readonly incoming: (ByteCounts | undefined)[] = [];
  private readonly wire: (ByteCounts | undefined)[] = [];

  addIncoming(group: number, sent: number, received: number): void {
    add(this.incoming, group, sent, received);
  }

  addWire(group: number, written: number, read: number): void {
    add(this.wire, group, written, read);
  }

  /** The CSMS's calls' frame bytes per group name (sent: the stations' answers). */
  incomingByGroup(nameOf: (group: number) => string): Map<string, ByteCounts> {
    return byName(this.incoming, nameOf);
  }

  /** Bytes on the wire per group name (sent: written), of the connections that have closed. */
  wireByGroup(nameOf: (group: number) => string): Map<string, ByteCounts> {
    return byName(this.wire, nameOf);
  }
}

function add(cells: (ByteCounts | undefined)[], group: number, sent: number, received: number): void {
  const cell = cells[group] ?? (cells[group] = { sent: 0, received: 0 });
  cell.sent += sent;
  cell.received += received;
}

function byName(cells: readonly (ByteCounts | undefined)[], nameOf: (group: number) => string): Map<string, ByteCounts> {
  const out = new Map<string, ByteCounts>();
  cells.forEach((cell, group) => {
    if (cell !== undefined) out.set(nameOf(group), { ...cell });
  });
  return out;
}
