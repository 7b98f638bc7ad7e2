import assert from 'node:assert/strict';
import type { CsmsCallResult } from '../../src/csms/calls';
import type { EmbeddedCsms } from '../../src/csms/child';
import type { CsmsStats } from '../../src/csms/stats';
import type { ErrorKind, JsonObject } from '../../src/ocpp';

/**
 * Helpers of the end-to-end test of CSMS-initiated calls (fleet-incoming.test.ts): a ledger of
 * every call the test makes, so it knows exactly what the fleet must report afterwards, and bounded
 * polls of the CSMS's counters.
 */

/** Counts by name. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(name: string, n = 1): void {
    this.counts.set(name, this.get(name) + n);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** What the station answered to one CALL, as the test reads it. */
export type Reply = { kind: 'result'; payload: JsonObject } | { kind: 'error'; id: string; code: string };

/**
 * Every CSMS-initiated CALL of the test goes through here. `incoming` is what the stations must
 * report as received (and answered: every CALL gets an answer), `viaCsms` what the CSMS's own
 * session sent (raw frames bypass it), `errors` the fleet's error kinds the test causes on purpose.
 */
export class CallLedger {
  readonly incoming = new Tally();
  readonly viaCsms = new Tally();
  readonly errors = new Tally();

  constructor(private readonly csms: EmbeddedCsms) {}

  /** Send through the CSMS and return the answer, CALLRESULT or CALLERROR (a timeout fails). */
  async send(identity: string, action: string, payload: JsonObject): Promise<Reply> {
    this.incoming.add(action);
    this.viaCsms.add(action);
    const r: CsmsCallResult = await this.csms.call(identity, action, payload, 5000);
    if ('result' in r) return { kind: 'result', payload: r.result };
    if ('error' in r) return { kind: 'error', id: '', code: r.error.code };
    throw new Error(`${action} to ${identity}: no answer within 5 s`);
  }

  /** A CALLRESULT is expected: its payload. */
  async result(identity: string, action: string, payload: JsonObject): Promise<JsonObject> {
    const reply = await this.send(identity, action, payload);
    assert.equal(reply.kind, 'result', `${action} to ${identity}: ${JSON.stringify(reply)}`);
    return (reply as { payload: JsonObject }).payload;
  }

  /** A CALLRESULT with a status is expected: the status. */
  async status(identity: string, action: string, payload: JsonObject): Promise<string> {
    const answer = await this.result(identity, action, payload);
    assert.equal(typeof answer.status, 'string', `${action}: ${JSON.stringify(answer)}`);
    return answer.status as string;
  }

  /** A CALL the station does not implement: CALLERROR NotImplemented (OCPP-J 1.6 §4.2.3, 2.0.1 Part 4 §4.3). */
  async notImplemented(identity: string, action: string, payload: JsonObject): Promise<void> {
    this.errors.add('notImplemented');
    const reply = await this.send(identity, action, payload);
    assert.deepEqual(reply, { kind: 'error', id: '', code: 'NotImplemented' }, `${action} to ${identity}`);
  }

  /**
   * Write `frame` as is and return the station's next frame, parsed. `action` is set when the
   * frame is a CALL the station will count; `error` when the station should count an error.
   */
  async raw(identity: string, frame: string, counts: { action?: string; error?: ErrorKind } = {}): Promise<unknown[]> {
    if (counts.action !== undefined) this.incoming.add(counts.action);
    if (counts.error !== undefined) this.errors.add(counts.error);
    const reply = await this.csms.raw(identity, frame, 5000);
    assert.ok(reply !== undefined, `no frame from ${identity} within 5 s after ${frame}`);
    const parsed: unknown = JSON.parse(reply);
    assert.ok(Array.isArray(parsed), `not an OCPP-J frame: ${reply}`);
    return parsed;
  }

  /**
   * A CALL written raw, to see what the station sends first: the answer must be its next frame,
   * before any message the call leads to (the sequence diagrams of OCPP 1.6 §5 / 2.0.1 Part 2).
   */
  async answeredFirst(identity: string, id: string, action: string, payload: JsonObject): Promise<JsonObject> {
    const frame = await this.raw(identity, JSON.stringify([2, id, action, payload]), { action });
    assert.equal(frame[0], 3, `${action}: the station's next frame is not the answer: ${JSON.stringify(frame)}`);
    assert.equal(frame[1], id);
    return frame[2] as JsonObject;
  }
}

/** Station-initiated CALLs of `action` the CSMS has received. */
export function received(stats: CsmsStats, action: string): number {
  return stats.incoming[action]?.received ?? 0;
}

/** Poll `check` every 50 ms until it returns a value, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Poll the CSMS until `ok` holds for its counters; returns those counters. */
export function until(csms: EmbeddedCsms, what: string, ok: (s: CsmsStats) => boolean, timeoutMs = 10_000): Promise<CsmsStats> {
  return waitFor(what, async () => {
    const s = await csms.stats();
    return ok(s) ? s : undefined;
  }, timeoutMs);
}

/**
 * Wait until the stations have said what they had to say: the CSMS's received count unchanged
 * over three polls 100 ms apart. Stations here are idle (no session, a long heartbeat), so a
 * quiet link is the norm and this only lets follow-up messages (statuses after a boot) land.
 */
export async function quiet(csms: EmbeddedCsms, timeoutMs = 5000): Promise<CsmsStats> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let same = 0;
  for (;;) {
    const s = await csms.stats();
    const n = s.incomingTotal.received;
    same = n === last ? same + 1 : 0;
    last = n;
    if (same >= 2) return s;
    if (Date.now() > deadline) throw new Error(`the stations never went quiet within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
