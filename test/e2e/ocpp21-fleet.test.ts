import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/fleet-cli';
import { runFleet } from '../helpers/run-fleet';

/**
 * A mixed fleet of 1.6, 2.0.1 and 2.1 stations through whole charging sessions against the
 * embedded CSMS in its own process. Both sides validate every payload against their version's
 * official schemas (a 2.1 station's against 2.1's), so an answer that failed would be counted
 * invalid and a request that failed would come back as a CALLERROR: neither happens.
 */
test('a 2.1 group beside 1.6 and 2.0.1 ones: booted, charging, every call answered valid', async () => {
  const group = (name: string, ocpp: string, prefix: string): Record<string, unknown> => ({
    name,
    count: 3,
    ocpp,
    identity: `${prefix}-{index}`,
    ramp: 'all',
    heartbeatInterval: '1s',
    sessions: { idle: '300ms', duration: '2s', meterInterval: '500ms', powerKw: 22 },
  });
  const r = await runFleet({
    scenario: { name: 'mixed-21', duration: '5s', seed: 4, gracefulStop: '3s', groups: [group('old', '1.6', 'M16'), group('mid', '2.0.1', 'M201'), group('new', '2.1', 'M21')] },
    workers: 1,
    out: join(tempDir('ocpp21'), 'out'),
  });
  assert.equal(r.exitCode, 0, `${r.result.reason}: ${JSON.stringify(r.summary.health?.filter((h) => !h.passed))}`);
  const g = r.summary.groups.new;
  assert.ok(g !== undefined);
  assert.equal(g.ocpp, '2.1');
  assert.deepEqual([g.fleet?.planned, g.fleet?.connected, g.fleet?.booted], [3, 3, 3]);
  for (const action of ['BootNotification', 'StatusNotification', 'Heartbeat', 'TransactionEvent']) {
    const a = g.actions[action];
    assert.ok(a !== undefined && a.ok > 0, `${action}: ${JSON.stringify(a)}`);
    assert.deepEqual([a.callErrors, a.invalid, a.timeouts], [0, 0, 0], action);
  }
  assert.ok((g.transactions?.started ?? 0) >= 3 && g.transactions?.openAtEnd === 0, JSON.stringify(g.transactions));
  assert.deepEqual(g.errors, {});
});
