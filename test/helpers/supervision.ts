import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, REPO_ROOT } from './fleet-cli';
import type { Summary } from '../../src/report/summary';

/**
 * Shared by the supervision tests (signals, a terminal's Ctrl-C, the CSMS's death): a fleet of 80
 * stations, both versions, every connector charging within a second of booting, for 60 s; long
 * enough that a run ending early was stopped, short enough to bound a test that goes wrong.
 */
export const SUPERVISION_SCENARIO = `
name: supervision
duration: 60s
seed: 10
callTimeout: 5s
gracefulStop: 10s
groups:
  - name: v16
    count: 40
    ocpp: "1.6"
    connectors: 2
    identity: "SUP16-{index:03}"
    ramp: 100/s
    sessions: { idle: 200ms, duration: 5m, meterInterval: 1s }
  - name: v201
    count: 40
    ocpp: "2.0.1"
    connectors: 2
    identity: "SUP201-{index:03}"
    ramp: 100/s
    sessions: { idle: 200ms, duration: 5m, meterInterval: 1s }
`;

/**
 * The real CLI with OCPP_FLEET_DEBUG, which passes the embedded CSMS's own lines on (its final
 * counts among them). `setsid`: in a session and process group of its own, whose id is its pid.
 */
export function spawnRun(args: readonly string[], setsid = false): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, OCPP_FLEET_DEBUG: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: setsid,
  });
}

export interface CsmsTransactions {
  started: number;
  stopped: number;
  active: number;
}

/** The CSMS's own final count of transactions, as it prints it when stopped (passed on under OCPP_FLEET_DEBUG). */
export function csmsFinalTransactions(output: string): CsmsTransactions {
  const m = output.match(/\[csms \d+\] {3}transactions: (\d+) started, (\d+) stopped, (\d+) active/);
  assert.ok(m, `the CSMS printed its final counts:\n${output.slice(-3000)}`);
  return { started: Number(m[1]), stopped: Number(m[2]), active: Number(m[3]) };
}

/** What a graceful stop against a living CSMS must leave: nothing lost, every transaction closed at the CSMS. */
export function assertStoppedCleanly(t: { diagnostic(m: string): void }, s: Summary, output: string): void {
  assert.equal(s.partial, true);
  assert.equal(s.csms?.alive, true);
  assert.equal(s.errors.connectionLost ?? 0, 0, JSON.stringify(s.errors));
  assert.equal(s.counters.undelivered ?? 0, 0);
  assert.equal(s.counters.sessionsStarted, s.counters.sessionsCompleted);
  const tx = csmsFinalTransactions(output);
  t.diagnostic(
    `CSMS transactions: ${tx.started} started, ${tx.stopped} stopped, ${tx.active} active; ` +
      `fleet: connectionLost ${s.errors.connectionLost ?? 0}, undelivered ${s.counters.undelivered ?? 0}, ` +
      `sessions ${s.counters.sessionsStarted ?? 0} started / ${s.counters.sessionsCompleted ?? 0} completed`,
  );
  assert.ok(tx.started >= 120, `${tx.started} transactions started`);
  assert.equal(tx.active, 0);
  assert.equal(tx.stopped, tx.started);
}
