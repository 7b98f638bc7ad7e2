import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { BareStation } from '../helpers/csms-client';
import { SAMPLES_16 } from '../helpers/csms-samples';

/** The compiled CLI, as child.ts forks it (this file runs from dist/test/e2e). */
const CLI = join(__dirname, '../../src/cli/main.js');

describe('embedded CSMS in a child process', { timeout: 30_000 }, () => {
  let csms: EmbeddedCsms | undefined;
  let station: BareStation | undefined;
  after(async () => {
    await station?.close();
    await csms?.stop();
  });

  it('starts, reports its port, counts what a station sends, answers admin calls and stops cleanly', async () => {
    csms = await startEmbeddedCsms({ heartbeatIntervalS: 7 });
    assert.ok(csms.port > 0 && csms.port < 65536);
    assert.equal(csms.url, `ws://127.0.0.1:${csms.port}`);

    station = await BareStation.connect(csms.url, 'CP-CHILD', 'ocpp1.6', () => ({ status: 'Accepted' }));
    const boot = await station.result('BootNotification', SAMPLES_16.BootNotification);
    assert.equal(boot.interval, 7);
    await station.result('Heartbeat', {});
    await station.result('Heartbeat', {});

    const stats = await csms.stats();
    assert.deepEqual(stats.incoming.BootNotification, { received: 1, answered: 1, callErrors: 0 });
    assert.deepEqual(stats.incoming.Heartbeat, { received: 2, answered: 2, callErrors: 0 });
    assert.deepEqual(await csms.stations(), [{ identity: 'CP-CHILD', version: '1.6' }]);
    assert.deepEqual(await csms.call('CP-CHILD', 'ClearCache', {}), { result: { status: 'Accepted' } });
    assert.equal(await csms.raw('CP-CHILD', '[2,"r1","ClearCache",{}]'), '[3,"r1",{"status":"Accepted"}]');
    await assert.rejects(csms.call('ghost', 'ClearCache', {}), /HTTP 404/);

    const closed = station.closed();
    await csms.stop();
    // It ended by itself on SIGTERM, not by the SIGKILL that comes 5 s later.
    const exit = await csms.exited;
    assert.deepEqual([exit.signal, exit.requested], [null, true], JSON.stringify(exit));
    assert.equal(await closed, 1001, 'the CSMS closes its stations with 1001 going away');
    assert.match(csms.stderr(), /CSMS listening on ws:\/\/127\.0\.0\.1:\d+ \(OCPP 1\.6, 2\.0\.1, 2\.1\)/);
    assert.match(csms.stderr(), /<- Heartbeat: 2 received, 2 answered/);
    await csms.stop(); // a second stop is harmless
  });

  it('refuses bad options before forking anything', async () => {
    await assert.rejects(startEmbeddedCsms({ delayMs: -1 }), /options\.delayMs must be a number >= 0/);
    await assert.rejects(startEmbeddedCsms({ port: 70000 }), /options\.port must be an integer/);
  });

  it('rejects with the child’s stderr when it exits before listening (port taken)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(startEmbeddedCsms({ port }), /exited before listening \(exit code \d\): .*EADDRINUSE/s);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 on a bad flag, naming the flag and the value', async () => {
    const child = spawn(process.execPath, [CLI, 'csms', '--port', '0', '--invalid-tag-share', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /--invalid-tag-share/);
    assert.match(stderr, /"2"|'2'/);
  });
});
