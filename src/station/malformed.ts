import { UNREADABLE_MESSAGE_ID } from '../ocpp/error-codes';
import { nextRandom } from '../scenario/random';
import type { MalformedKind } from '../scenario/faults';
import type { CounterName } from './counters';
import type { FaultTally } from './fault-state';
import type { WireSocket } from './socket-events';

/** Ids of bad frames start so: their answers are told apart from answers to real calls ("1", "2", …). */
export const MALFORMED_ID_PREFIX = 'bad-';

/** Bad frames awaiting an answer per station; beyond it the station sends no more until one is settled. */
const MAX_OUTSTANDING = 8;

/** What the sender needs of its station. */
export interface MalformedOwner {
  setTimer(kind: number, at: number): void;
  countEvent(name: CounterName): void;
}

/**
 * The bad frame of each kind. Harmless if a lax CSMS takes it: the invalid payload is a Heartbeat's
 * (an extra field where both versions' schemas allow none), the unknown action does not exist.
 */
export function malformedFrame(kind: MalformedKind, id: string): string {
  switch (kind) {
    case 'invalidJson':
      return `[2,"${id}","Heartbeat",{`;
    case 'notArray':
      return `{"messageTypeId":2,"messageId":"${id}","action":"Heartbeat"}`;
    case 'unknownMessageType':
      return `[7,"${id}","Heartbeat",{}]`;
    case 'unknownAction':
      return `[2,"${id}","NoSuchAction",{}]`;
    case 'schemaInvalid':
      return `[2,"${id}","Heartbeat",{"unexpected":true}]`;
  }
}

/** Whether the CSMS can read the id of a bad frame of this kind (else it answers with id "-1"). */
function idReadable(kind: MalformedKind): boolean {
  return kind !== 'invalidJson' && kind !== 'notArray';
}

/**
 * One station's bad frames while a `malformed` fault lasts: after each frame the station sends, one
 * more, bad, with probability `share`. Each is followed until it is answered (a CALLERROR, by code;
 * a CALLRESULT: the CSMS accepted it), unanswered within the call timeout, or cut by a close. They
 * go straight to the socket: the OCPP session never sees them, so real calls keep their accounting.
 */
export class MalformedSender {
  private rng: number;
  private seq = 0;
  private sentAny = false;
  /** Outstanding bad frames, oldest first: the id the answer will carry ("-1" when unreadable) and the deadline. */
  private readonly ids: string[] = [];
  private readonly deadlines: number[] = [];

  constructor(
    private readonly owner: MalformedOwner,
    private readonly timerKind: number,
    private readonly until: number,
    private readonly share: number,
    private readonly kinds: readonly MalformedKind[],
    seed: number,
    private readonly timeoutMs: number,
    private readonly tally: FaultTally | null,
  ) {
    this.rng = seed >>> 0 || 1;
  }

  private draw(): number {
    const r = nextRandom(this.rng);
    this.rng = r.state;
    return r.value;
  }

  /** A frame of the station's went out on `ws`: follow it with a bad one, maybe. */
  afterFrame(ws: WireSocket, now: number): void {
    if (now >= this.until || this.ids.length >= MAX_OUTSTANDING || this.draw() >= this.share) return;
    const kind = this.kinds[Math.floor(this.draw() * this.kinds.length)] as MalformedKind;
    const id = `${MALFORMED_ID_PREFIX}${++this.seq}`;
    ws.send(malformedFrame(kind, id));
    this.ids.push(idReadable(kind) ? id : UNREADABLE_MESSAGE_ID);
    this.deadlines.push(now + this.timeoutMs);
    if (this.ids.length === 1) this.owner.setTimer(this.timerKind, now + this.timeoutMs);
    this.owner.countEvent('malformedSent');
    if (this.tally !== null) {
      if (!this.sentAny) this.tally.stations++;
      this.tally.addTo('sent', kind);
    }
    this.sentAny = true;
  }

  /**
   * An answer whose id is no real call's: take it if it answers a bad frame (`errorCode` '' for a
   * CALLRESULT). "-1" answers the oldest frame whose id could not be read, else the oldest of all.
   */
  claim(id: string, errorCode: string): boolean {
    let i = this.ids.indexOf(id);
    if (i < 0 && id === UNREADABLE_MESSAGE_ID && this.ids.length > 0) i = 0;
    if (i < 0) {
      // An answer after its deadline: already counted unanswered, and no error of the CSMS's.
      return id.startsWith(MALFORMED_ID_PREFIX);
    }
    this.ids.splice(i, 1);
    this.deadlines.splice(i, 1);
    if (errorCode === '') {
      this.owner.countEvent('malformedAccepted');
      this.tally?.add('accepted');
    } else {
      this.owner.countEvent('malformedCallErrors');
      this.tally?.addTo('callErrors', errorCode);
    }
    return true;
  }

  /** The timer of the oldest deadline fired. */
  onTimer(now: number): void {
    while (this.deadlines.length > 0 && (this.deadlines[0] as number) <= now) {
      this.ids.shift();
      this.deadlines.shift();
      this.owner.countEvent('malformedUnanswered');
      this.tally?.add('unanswered');
    }
    if (this.deadlines.length > 0) this.owner.setTimer(this.timerKind, this.deadlines[0] as number);
  }

  /** The connection closed: what was still awaited never will be. */
  onClosed(): void {
    for (let i = 0; i < this.ids.length; i++) {
      this.owner.countEvent('malformedConnectionClosed');
      this.tally?.add('connectionClosed');
    }
    this.ids.length = 0;
    this.deadlines.length = 0;
  }

  /** Nothing more to send or to wait for. */
  get done(): boolean {
    return this.ids.length === 0;
  }
}
