import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir, writeScenario } from '../helpers/fleet-cli';
import { duringRun, runFleet } from '../helpers/run-fleet';

const SCENARIO = `
name: scraped
duration: 6s
gracefulStop: 1s
groups:
  - name: g16
    count: 4
    ocpp: "1.6"
    identity: "PROM-{index}"
    heartbeatInterval: 1s
`;

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

/** The metrics server runs inside run(): the run goes in this process, the notice says where it listens. */
test('metricsPort serves Prometheus metrics while the run goes', async () => {
  const dir = tempDir('prom');
  let address = '';
  const done = runFleet({
    scenario: writeScenario(dir, 'scraped', SCENARIO),
    metricsPort: 0,
    out: join(dir, 'out'),
    onNotice: (n) => {
      if (n.kind === 'metrics') address = n.message;
    },
  });
  const port = await duringRun(done, 'the metrics address', () => {
    const m = /metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(address);
    return m ? Number(m[1]) : undefined;
  });
  const text = await duringRun(done, 'four booted stations in the metrics', async () => {
    const body = await get(port);
    return /ocpp_fleet_stations\{group="g16",state="booted"\} 4/.test(body) && /ocpp_fleet_calls_total\{action="Heartbeat"/.test(body) ? body : undefined;
  });
  assert.match(text, /ocpp_fleet_call_duration_seconds_bucket\{action="BootNotification",group="g16",le="\+Inf"\} 4/);
  assert.doesNotMatch(text, /PROM-\d/, 'no series per charge point');
  const result = await done;
  assert.equal(result.exitCode, 0, result.result.reason);
});
