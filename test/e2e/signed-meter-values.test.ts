import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Summary } from '../../src/report/summary';
import { readSummary, tempDir, writeScenario } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * Signed meter values end to end: run() in-process, a 1.6 and a 2.0.1 group signing their energy
 * readings (OCMF), the embedded CSMS verifying every one. What the stations count as signed and
 * tampered must be exactly what the CSMS counts as checked and failed.
 */
function scenario(name: string, tamper: string, connectors16: number): string {
  const signed = tamper === '' ? 'ocmf' : `{format: ocmf, tamperShare: ${tamper}}`;
  return `
name: ${name}
duration: 8s
seed: 11
callTimeout: 5s
gracefulStop: 4s
groups:
  - name: old
    count: 10
    ocpp: "1.6"
    connectors: ${connectors16}
    ramp: all
    sessions: {idle: 300ms, duration: 2s, meterInterval: 250ms}
    signedMeterValues: ${signed}
  - name: new
    count: 10
    ocpp: "2.0.1"
    ramp: all
    sessions: {idle: 300ms, duration: 2s, meterInterval: 250ms}
    signedMeterValues: ${signed}
`;
}

async function run(name: string, yaml: string): Promise<Summary> {
  const dir = tempDir(`ocpp-fleet-${name}-`);
  const file = writeScenario(dir, `${name}.yaml`, yaml);
  const out = `${dir}/out`;
  const r = await runFleet({ scenario: file, out, timeoutMs: 50_000 });
  assert.equal(r.exitCode, 0, r.result.reason);
  return readSummary(out);
}

/** Every call was answered as it should be: no payload the schemas refuse, on either side. */
function assertClean(s: Summary): void {
  assert.deepEqual(s.errors, {});
  for (const [action, a] of Object.entries(s.actions)) assert.equal(a.ok, a.sent, `${action}: ${JSON.stringify(a)}`);
  assert.equal(s.fleet.booted, 20);
  // One meter configuration per 1.6 station (and per boot): how the CSMS learns the 1.6 keys.
  assert.equal(s.actions.DataTransfer?.sent, 10);
}

describe('signed meter values (OCMF) against the embedded CSMS', () => {
  test('a tampered share: the CSMS fails exactly the tampered ones and verifies the rest', { timeout: 60_000 }, async () => {
    const s = await run('signed-tampered', scenario('signed-tampered', '0.2', 1));
    assertClean(s);
    const signed = s.counters.signedMeterValues ?? 0;
    const tampered = s.counters.tamperedMeterValues ?? 0;
    assert.ok(signed >= 200, `signed ${signed}`);
    assert.ok(s.csms?.signedMeterValues, 'summary.json has the CSMS section');
    assert.equal(s.csms.alive, true);
    const { verified, failed } = s.csms.signedMeterValues;
    assert.equal(verified + failed, signed);
    assert.equal(failed, tampered);
    assert.ok(tampered / signed > 0.1 && tampered / signed < 0.3, `tampered share ${tampered}/${signed}`);
    // Both versions signed: 1.6 in MeterValues and StopTransaction, 2.0.1 in TransactionEvent.
    assert.ok((s.actions.MeterValues?.sent ?? 0) > 0 && (s.actions.TransactionEvent?.sent ?? 0) > 0);
  });

  test('without tampering every signed value verifies, two connectors per 1.6 station', { timeout: 60_000 }, async () => {
    const s = await run('signed-clean', scenario('signed-clean', '', 2));
    assertClean(s);
    const signed = s.counters.signedMeterValues ?? 0;
    assert.ok(signed >= 200, `signed ${signed}`);
    assert.equal(s.counters.tamperedMeterValues ?? 0, 0);
    assert.deepEqual(s.csms?.signedMeterValues, { verified: signed, failed: 0 });
  });
});
