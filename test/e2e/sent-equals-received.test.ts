import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import type { CsmsStats } from '../../src/csms/stats';
import type { Summary } from '../../src/report/summary';
import { readSummary, REPO_ROOT, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * A count is a promise: `sent` is what went on the wire, so a CSMS that reads everything received
 * exactly that, action by action, and every sent call ended answered, errored, timed out, invalid
 * or aborted (cut off by the end of its connection); calls that never went out are counted apart.
 * Checked on the runs where a count is easiest to lose: one that stops while every station has a
 * call queued behind a slow CSMS (so calls are in flight when the sockets close, and more wait
 * behind them), and a shipped scenario stopped while stations are in the middle of sessions.
 */

/** Every action either side saw, the fleet's sent against the CSMS's received, and the fleet's own sum. */
function countsPerAction(summary: Summary, stats: CsmsStats): string[] {
  const problems: string[] = [];
  const actions = new Set([...Object.keys(summary.actions), ...Object.keys(stats.incoming)]);
  for (const action of [...actions].sort()) {
    const a = summary.actions[action];
    const sent = a?.sent ?? 0;
    const received = stats.incoming[action]?.received ?? 0;
    if (sent !== received) problems.push(`${action}: the fleet sent ${sent}, the CSMS received ${received}`);
    if (a === undefined) continue;
    const ended = a.ok + a.callErrors + a.timeouts + a.invalid + a.aborted;
    if (ended !== sent) problems.push(`${action}: sent ${sent}, but ok + callErrors + timeouts + invalid + aborted = ${ended}`);
    // An answer can be lost on the way when the socket closes, never made up.
    const answered = stats.incoming[action]?.answered ?? 0;
    if (a.ok > answered) problems.push(`${action}: the fleet got ${a.ok} answers, the CSMS gave ${answered}`);
  }
  return problems;
}

function total(summary: Summary, field: 'sent' | 'aborted' | 'neverSent'): number {
  return Object.values(summary.actions).reduce((n, a) => n + (a[field] ?? 0), 0);
}

describe('sent is what the CSMS received, when the run stops with calls queued behind a slow CSMS', { timeout: 120_000 }, () => {
  let csms: EmbeddedCsms;
  let summary: Summary;
  let stats: CsmsStats;

  before(async () => {
    // One server of 20 ms (50 calls/s) for 20 stations offering ~200 calls/s: each station's call
    // waits ~400 ms, its later calls queue behind it, and neither queue empties before the stop.
    csms = await startEmbeddedCsms({ serviceTimeMs: 20, servers: 1 });
    const dir = tempDir('sent-received');
    const out = join(dir, 'out');
    const file = writeScenario(
      dir,
      'queued-at-stop',
      `
name: queued-at-stop
duration: 4s
timeScale: 10
seed: 5
callTimeout: 20s
gracefulStop: 1s
groups:
  - name: g
    count: 20
    ocpp: "1.6"
    identity: "QS-{index:02}"
    ramp: all
    heartbeatInterval: 1s
`,
    );
    const { result } = await runFleet({ scenario: file, url: csms.url, workers: 1, out });
    summary = readSummary(out);
    assert.deepEqual(result.summary, summary, "the result's summary is summary.json as written");
    stats = await csms.stats();
  });

  after(async () => {
    await csms?.stop();
  });

  test('the run stopped with calls on the wire and calls still queued (the case under test)', () => {
    assert.deepEqual(summary.fleet, { planned: 20, connected: 20, booted: 20, failedToConnect: 0, notStarted: 0 });
    // Each station had a call outstanding at the CSMS when its socket closed.
    assert.ok(total(summary, 'aborted') >= 1, `aborted: ${total(summary, 'aborted')}`);
    assert.ok((summary.neverSent?.runEnded ?? 0) >= 1, `neverSent: ${JSON.stringify(summary.neverSent)}`);
  });

  test('for every action the fleet sent what the CSMS received, and each sent call has one outcome', () => {
    assert.deepEqual(countsPerAction(summary, stats), []);
  });

  test("the CSMS's service queue took every call the fleet sent, and never-sent calls are counted apart", () => {
    assert.equal(stats.serviceQueue?.received, total(summary, 'sent'));
    assert.equal(stats.incomingTotal.received, total(summary, 'sent'));
    // Never sent: by reason at the top, per action, and as an error kind, the same number.
    const byReason = Object.values(summary.neverSent ?? {}).reduce((n, x) => n + x, 0);
    assert.equal(total(summary, 'neverSent'), byReason);
    assert.equal(summary.errors.neverSent ?? 0, byReason);
    assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten);
  });
});

describe('sent is what the CSMS received, when a shipped scenario stops in the middle of sessions', { timeout: 120_000 }, () => {
  let csms: EmbeddedCsms;
  let summary: Summary;
  let stats: CsmsStats;

  before(async () => {
    csms = await startEmbeddedCsms({});
    const out = join(tempDir('sent-received-peak'), 'out');
    // evening-peak (1.6 and 2.0.1, sessions with meter values) cut to 10 s on two workers. Its
    // sessions last ~50 s (50 minutes at timeScale 60), so the ones that started are still running
    // when the load stops, and the graceful stop ends them.
    await runFleet({ scenario: join(REPO_ROOT, 'scenarios/evening-peak.yaml'), url: csms.url, cps: 200, duration: '10s', workers: 2, out });
    summary = readSummary(out);
    stats = await csms.stats();
  });

  after(async () => {
    await csms?.stop();
  });

  test('sessions started during the run (and were still running when the load stopped)', () => {
    assert.equal(summary.fleet.booted, 200);
    assert.ok((summary.transactions?.started ?? 0) >= 1, JSON.stringify(summary.transactions));
  });

  test('for every action the fleet sent what the CSMS received, and each sent call has one outcome', () => {
    assert.deepEqual(countsPerAction(summary, stats), []);
    assert.equal(stats.incomingTotal.received, total(summary, 'sent'));
    assert.equal(summary.pump.recordsAggregated, summary.pump.recordsWritten);
  });
});
