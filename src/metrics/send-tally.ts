/**
 * OCPP 2.1's SENDs, tallied per group and action as the workers' Send records bring them: a SEND
 * is no call (nothing answers it, nothing times it), so it has counts of its own and no latency.
 */

/** What became of the SENDs of one action (SendOutcome in the session: sent, dropped, received). */
export interface SendCounts {
  sent: number;
  dropped: number;
  received: number;
  /** The frames' bytes (their UTF-8 text): sent, of ours written; received, of the peer's. */
  bytes: { sent: number; received: number };
}

const SENT = 1;
const DROPPED = 2;

function empty(): SendCounts {
  return { sent: 0, dropped: 0, received: 0, bytes: { sent: 0, received: 0 } };
}

export class SendTally {
  /** [group][action code]; created on the first SEND of that pair. */
  private readonly cells: (SendCounts | undefined)[][] = [];

  add(group: number, action: number, outcome: number, bytes: number): void {
    const row = this.cells[group] ?? (this.cells[group] = []);
    const cell = row[action] ?? (row[action] = empty());
    if (outcome === SENT) {
      cell.sent++;
      cell.bytes.sent += bytes;
    } else if (outcome === DROPPED) {
      cell.dropped++;
    } else {
      cell.received++;
      cell.bytes.received += bytes;
    }
  }

  /** Per action name, over every group. */
  byAction(actionName: (code: number) => string): Map<string, SendCounts> {
    const out = new Map<string, SendCounts>();
    for (const row of this.cells) row?.forEach((cell, code) => addInto(out, actionName(code), cell));
    return out;
  }

  /** Per group name, then action name. */
  byGroup(groupName: (group: number) => string, actionName: (code: number) => string): Map<string, Map<string, SendCounts>> {
    const out = new Map<string, Map<string, SendCounts>>();
    this.cells.forEach((row, group) => {
      const actions = new Map<string, SendCounts>();
      row.forEach((cell, code) => addInto(actions, actionName(code), cell));
      if (actions.size > 0) out.set(groupName(group), actions);
    });
    return out;
  }
}

function addInto(out: Map<string, SendCounts>, name: string, cell: SendCounts | undefined): void {
  if (cell === undefined) return;
  const total = out.get(name) ?? empty();
  total.sent += cell.sent;
  total.dropped += cell.dropped;
  total.received += cell.received;
  total.bytes.sent += cell.bytes.sent;
  total.bytes.received += cell.bytes.received;
  out.set(name, total);
}
