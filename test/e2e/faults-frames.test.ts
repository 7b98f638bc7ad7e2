import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FaultSummary } from '../../src/report/faults';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * Faults that concern frames rather than connections, against the embedded CSMS run() starts:
 * malformed frames (how the CSMS answered each kind, kept apart from the real calls' figures) and
 * half-open links (the station's ping finds them, or the link survives the pause).
 */
type Summary = ReturnType<typeof readSummary>;

async function run(name: string, yaml: string): Promise<Summary> {
  const dir = tempDir(name);
  const out = join(dir, 'out');
  const r = await runFleet({ scenario: writeScenario(dir, name, yaml), workers: 2, out });
  assert.equal(r.exitCode, 0, r.result.reason);
  return readSummary(out);
}

function fault(summary: Summary, i: number): FaultSummary {
  const f = (summary as { faults?: FaultSummary[] }).faults?.[i];
  assert.ok(f, `faults[${i}] in summary.json`);
  return f;
}

function byKey(f: FaultSummary, effect: string): Record<string, number> {
  const v = f.effects[effect];
  return typeof v === 'object' ? v : {};
}

function count(f: FaultSummary, effect: string): number {
  const v = f.effects[effect];
  return typeof v === 'number' ? v : 0;
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

test('malformed: bad frames of every kind are sent, each answered by a CALLERROR, apart from the real calls', async () => {
  const summary = await run(
    'malformed',
    `name: malformed
duration: 7s
seed: 4
callTimeout: 3s
gracefulStop: 2s
faults:
  - at: 0s
    malformed: { share: 0.4, for: 5s }
groups:
  - { name: old, count: 8, ocpp: "1.6", heartbeatInterval: 1s, sessions: { idle: 500ms, duration: 2s, meterInterval: 250ms } }
  - { name: new, count: 8, ocpp: "2.0.1", heartbeatInterval: 1s, sessions: { idle: 500ms, duration: 2s, meterInterval: 250ms } }
`,
  );
  const f = fault(summary, 0);
  const sent = byKey(f, 'sent');
  for (const kind of ['invalidJson', 'notArray', 'unknownMessageType', 'unknownAction', 'schemaInvalid']) {
    assert.ok((sent[kind] ?? 0) >= 3, `${kind} sent: ${sent[kind]}`);
  }
  const total = sum(sent);
  assert.equal(summary.counters.malformedSent, total);
  assert.equal(f.stations, 16, 'every station sent some');
  // The embedded CSMS answers every bad frame with a CALLERROR of its version's codes.
  const codes = byKey(f, 'callErrors');
  assert.equal(sum(codes), total, `answered: ${JSON.stringify(codes)}; unanswered ${count(f, 'unanswered')}`);
  assert.equal(summary.counters.malformedCallErrors, total);
  const known = ['FormationViolation', 'FormatViolation', 'NotImplemented', 'NotSupported', 'MessageTypeNotSupported', 'RpcFrameworkError', 'ProtocolError', 'TypeConstraintViolation', 'OccurrenceConstraintViolation', 'OccurenceConstraintViolation'];
  for (const code of Object.keys(codes)) assert.ok(known.includes(code), `a CALLERROR code of OCPP: ${code}`);
  assert.ok((codes.NotImplemented ?? 0) >= 3, 'unknown actions answered NotImplemented');
  assert.equal(count(f, 'unanswered'), 0);
  assert.equal(count(f, 'connectionClosed'), 0);
  // The answers to bad frames are no answers to real calls: no unknown ids, no call failed.
  assert.equal(summary.errors.unknownMessageId, undefined);
  assert.equal(summary.errors.callError, undefined);
  for (const [action, a] of Object.entries(summary.actions)) {
    assert.equal(a.callErrors, 0, `${action}: no CALLERROR on a real call`);
    assert.equal(a.sent, a.ok + a.aborted + a.timeouts, `${action}: every real call accounted for`);
  }
});

test('halfOpen: a station that stops reading is found by its ping; without pings the link survives the pause', async () => {
  const summary = await run(
    'half-open',
    `name: half-open
duration: 9s
seed: 8
callTimeout: 2s
gracefulStop: 2s
faults:
  - at: 2s
    halfOpen: { share: 1, for: 5s }
    groups: [pinging]
  - at: 2s
    halfOpen: { share: 1, for: 1500ms }
    groups: [quiet]
health:
  # Each pinging station ends its paused link with a heartbeat out: ~6 of ~100 calls aborted, on purpose.
  incompleteCalls: 15
groups:
  - { name: pinging, count: 6, ocpp: "2.0.1", heartbeatInterval: 1s, pingInterval: 1s, pingTimeout: 1s, reconnect: { min: 300ms, max: 1s } }
  - { name: quiet, count: 6, ocpp: "1.6", heartbeatInterval: 20s, pingInterval: 0 }
`,
  );
  const pinging = fault(summary, 0);
  assert.equal(pinging.stations, 6);
  assert.equal(count(pinging, 'paused'), 6);
  assert.equal(count(pinging, 'detectedByPing'), 6, 'each station ended its half-open link on a ping timeout');
  assert.equal(summary.errors.pingTimeout, 6);
  assert.equal(summary.counters.faultHalfOpen, 12);
  const quiet = fault(summary, 1);
  assert.equal(count(quiet, 'paused'), 6);
  assert.equal(count(quiet, 'resumed'), 6, 'no ping, no call due: the link lived through the pause');
  assert.equal(count(quiet, 'detectedByPing'), 0);
  // Only the pinging group reconnected.
  assert.equal(summary.counters.reconnects, 6);
});
