import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import type { Summary } from '../../src/report/summary';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';
import { startStrictCsms, type StrictCsmsProcess } from '../helpers/strict-csms-child';
import type { StrictCsmsCounts } from '../helpers/strict-csms';

/**
 * A fleet run (run() in-process) against an independent strict CSMS (ocpp-rpc in strict mode, its
 * own process, taking ocpp1.6, ocpp2.0.1 and ocpp2.1 and validating each against its version's
 * schemas: a mixed fleet of the three) that resets stations, changes their availability, stops their transactions
 * remotely and triggers messages during sessions. Nothing may be lost or miscounted: what the
 * fleet says it sent, per action, is what the CSMS received; every transaction the stations
 * started is closed at the CSMS after the graceful stop; the per-second series adds up to the
 * summary's errors.
 * Regression: before, a Reset made stations send their queued stops into the closing socket, and
 * StopTransactions were lost (transactions left open at the CSMS) while `sent` still counted them.
 */

const GROUP = (name: string, version: string, prefix: string, count: number, script = ''): string => `
  - name: ${name}
    count: ${count}
    ocpp: "${version}"
    connectors: 2
    identity: "${prefix}-{index:03}"
    ramp: 30/s
    heartbeatInterval: 10s
    reconnect: { min: 500ms, max: 2s, jitter: 0.3 }
    sessions: { idle: 2s, duration: 5s, meterInterval: 1s${script} }`;

/** CSMS-initiated Resets and a script's reboot: every reboot is one the station goes through in order. */
const RESETS = `
name: e2e-strict-csms
duration: 20s
seed: 5
callTimeout: 10s
gracefulStop: 20s
groups:${GROUP('v16', '1.6', 'ST16', 20)}${GROUP('v201', '2.0.1', 'ST201', 20)}${GROUP('v21', '2.1', 'ST21', 10)}${GROUP('reboot16', '1.6', 'SR16', 5, ', script: [plugIn, authorize, start, meterValues: {count: 2}, reboot]')}${GROUP('reboot201', '2.0.1', 'SR201', 5, ', script: [plugIn, authorize, start, meterValues: {count: 2}, reboot]')}
`;

/** Cold boots (restart faults): connections cut with no close, stops queued through the outage. */
const RESTARTS = `
name: e2e-strict-csms-restarts
duration: 16s
seed: 8
callTimeout: 10s
gracefulStop: 20s
faults:
  - at: 6s
    restart: {share: 0.5}
  - at: 11s
    restart: {share: 0.5, reason: Reboot}
groups:${GROUP('v16', '1.6', 'RT16', 20)}${GROUP('v201', '2.0.1', 'RT201', 20)}
`;

const running: StrictCsmsProcess[] = [];
after(() => {
  for (const c of running) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

async function runAgainstStrictCsms(name: string, yaml: string, rate: number): Promise<{ summary: Summary; csms: StrictCsmsCounts; dir: string }> {
  const csms = await startStrictCsms({ rate, seed: 3, heartbeatS: 10 });
  running.push(csms);
  const dir = tempDir(name);
  const file = writeScenario(dir, name, yaml);
  const out = join(dir, 'results');
  const r = await runFleet({ scenario: file, url: csms.url, out, workers: 1, timeoutMs: 120_000 });
  const counts = await csms.stop();
  assert.equal(r.exitCode, 0, `exit ${r.exitCode}: ${r.result.reason}: ${r.result.message}`);
  return { summary: readSummary(out), csms: counts, dir: out };
}

/** Every action either side knows: the fleet's `sent` is what the CSMS received. */
function assertCountsEqual(t: TestContext, summary: Summary, csms: StrictCsmsCounts): void {
  const actions = [...new Set([...Object.keys(summary.actions), ...Object.keys(csms.received)])].sort();
  const fleet = Object.fromEntries(actions.map((a) => [a, summary.actions[a]?.sent ?? 0]));
  const received = Object.fromEntries(actions.map((a) => [a, csms.received[a] ?? 0]));
  // The figures, for the record: per action, transactions, what never went out, the CSMS's calls.
  t.diagnostic(`fleet sent ${JSON.stringify(fleet)}; CSMS received ${JSON.stringify(received)}`);
  t.diagnostic(`fleet transactions ${JSON.stringify(summary.transactions)}; CSMS ${JSON.stringify({ ...csms.transactions, openSample: undefined })}`);
  t.diagnostic(`errors ${JSON.stringify(summary.errors)}; neverSent ${JSON.stringify(summary.neverSent)}; CSMS calls ${JSON.stringify(csms.calls)}`);
  assert.deepEqual(fleet, received, 'per action: the fleet sent = the CSMS received');
  assert.ok((received.StatusNotification ?? 0) > 300 && (received.TransactionEvent ?? 0) > 300, JSON.stringify(received));
  assert.deepEqual(csms.validationFailures, { inbound: 0, outbound: 0, samples: [] }, 'strict mode: every payload valid both ways');
  assert.equal(csms.badMessages, 0);
}

/** The per-second series adds up to the summary: errors and timeouts columns = summary.json's errors. */
function assertSeriesAgree(dir: string, summary: Summary): void {
  const [header, ...rows] = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n');
  const columns = (header as string).split(',');
  const sum = (name: string): number => rows.reduce((n, row) => n + Number(row.split(',')[columns.indexOf(name)] || 0), 0);
  const errors = Object.values(summary.errors).reduce((n, v) => n + v, 0);
  assert.equal(sum('errors') + sum('timeouts'), errors, `series ${sum('errors')} + ${sum('timeouts')} vs errors ${JSON.stringify(summary.errors)}`);
  const sent = Object.values(summary.actions).reduce((n, a) => n + a.sent, 0);
  assert.equal(sum('calls'), sent, 'calls per second add up to the calls sent');
  // errors.neverSent is the total of neverSent by reason and by action, and every group's errors add up.
  const neverSent = Object.values(summary.actions).reduce((n, a) => n + (a.neverSent ?? 0), 0);
  assert.equal(summary.errors.neverSent ?? 0, neverSent);
  assert.equal(Object.values(summary.neverSent ?? {}).reduce((n, v) => n + v, 0), neverSent);
  const byGroup: Record<string, number> = {};
  for (const g of Object.values(summary.groups)) for (const [k, v] of Object.entries(g.errors ?? {})) byGroup[k] = (byGroup[k] ?? 0) + v;
  assert.deepEqual(byGroup, summary.errors);
}

test('against a strict CSMS that resets, stops and triggers during sessions: counts equal, nothing open after the stop', async (tc) => {
  const { summary, csms, dir } = await runAgainstStrictCsms('strict-resets', RESETS, 8);
  assertCountsEqual(tc, summary, csms);
  // The 2.1 stations too: booted, charging, their payloads held to 2.1's schemas by ocpp-rpc.
  const v21 = summary.groups.v21;
  assert.deepEqual([v21?.ocpp, v21?.fleet?.booted], ['2.1', 10]);
  assert.ok((v21?.transactions?.started ?? 0) > 10 && (v21?.actions.TransactionEvent?.ok ?? 0) > 40, JSON.stringify(v21?.transactions));
  const calls = csms.calls;
  assert.ok((calls.Reset?.ok ?? 0) >= 20, `resets answered: ${JSON.stringify(calls)}`);
  assert.ok((calls.RemoteStopTransaction?.ok ?? 0) > 5 && (calls.RequestStopTransaction?.ok ?? 0) > 5, JSON.stringify(calls));
  assert.ok((calls.ChangeAvailability?.ok ?? 0) > 5 && (calls.TriggerMessage?.ok ?? 0) > 5, JSON.stringify(calls));
  // Every CSMS call the CSMS saw answered, the fleet answered (it may have answered more: an answer lost in a close).
  for (const [action, c] of Object.entries(calls)) {
    assert.ok((summary.incoming[action]?.answered ?? 0) >= c.ok, `${action}: fleet ${JSON.stringify(summary.incoming[action])} vs CSMS ${JSON.stringify(c)}`);
  }
  assert.ok((summary.counters.resets ?? 0) >= 20, `stations rebooted: ${summary.counters.resets}`);

  const t = summary.transactions;
  assert.ok(t !== undefined && t.started > 150, JSON.stringify(t));
  assert.equal(csms.transactions.open, 0, `open at the CSMS: ${csms.transactions.openSample.join(', ')}`);
  assert.deepEqual(t, { started: csms.transactions.started, stopped: t.started, stopAcknowledged: t.started, openAtEnd: 0 });
  // No message went out twice: no stop for a transaction already closed, no start seen twice.
  assert.deepEqual([csms.transactions.unknownStops, csms.transactions.duplicateStarts], [0, 0]);
  for (const g of ['v16', 'v201', 'reboot16', 'reboot201']) {
    const gt = summary.groups[g]?.transactions;
    assert.ok(gt !== undefined && gt.started > 0 && gt.openAtEnd === 0, `${g}: ${JSON.stringify(gt)}`);
  }
  // A call that never left is counted apart (statuses queued when a reboot closed the socket), never as sent.
  assert.deepEqual(Object.keys(summary.errors).filter((k) => k !== 'neverSent'), [], JSON.stringify(summary.errors));
  assert.deepEqual(Object.keys(summary.neverSent ?? {}).filter((k) => k !== 'connectionClosed' && k !== 'faultCut'), []);
  assert.equal(summary.counters.authorizeRejected ?? 0, 0, 'the CSMS accepts every tag');
  assertSeriesAgree(dir, summary);
});

test('restart faults (cold boots) against the strict CSMS: the queued stops arrive, counts equal', async (tc) => {
  const { summary, csms, dir } = await runAgainstStrictCsms('strict-restarts', RESTARTS, 2);
  assertCountsEqual(tc, summary, csms);
  assert.ok((summary.counters.faultRestarts ?? 0) >= 20, JSON.stringify(summary.counters));
  assert.ok((summary.counters.replayed ?? 0) > 0, 'stop messages queued through the outage were replayed');
  const t = summary.transactions;
  assert.ok(t !== undefined && t.started > 100, JSON.stringify(t));
  assert.equal(t.openAtEnd, 0);
  // A cut with a 1.6 StartTransaction in flight may leave the CSMS's first id open (the station
  // sends the start again after the boot and gets another id): one per such abort at most, and
  // those are the only transactions the CSMS has that the fleet does not.
  const abortedStarts = summary.actions.StartTransaction?.aborted ?? 0;
  const extra = csms.transactions.started - t.started;
  assert.equal(csms.transactions.open, extra, `open at the CSMS: ${csms.transactions.openSample.join(', ')}`);
  assert.ok(extra >= 0 && extra <= abortedStarts, `CSMS started ${csms.transactions.started}, fleet ${t.started}, aborted starts ${abortedStarts}`);
  assertSeriesAgree(dir, summary);
});
