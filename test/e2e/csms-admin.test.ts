import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CsmsRequestError } from '../../src/csms/calls';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import type { CsmsStats } from '../../src/csms/stats';
import { BareStation } from '../helpers/csms-client';
import { httpJson } from '../helpers/csms-http';

/** CSMS-initiated traffic: sendCall, sendRaw and the admin HTTP routes (the call rate is in test/serial/). */
describe('embedded CSMS: CSMS-initiated calls and the admin API', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  let answering: BareStation;
  let manual: BareStation;

  before(async () => {
    csms = await startCsmsServer({ port: 0 });
    answering = await BareStation.connect(csms.url, 'CP-ANS', 'ocpp1.6', (action) =>
      action === 'GetConfiguration' ? { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }] } : { status: 'Accepted' },
    );
    manual = await BareStation.connect(csms.url, 'CP-MAN', 'ocpp2.0.1');
  });

  after(async () => {
    await answering?.close();
    await manual?.close();
    await csms?.close();
  });

  it('sendCall returns the station’s CALLRESULT', async () => {
    const outcome = await csms.sendCall('CP-ANS', 'GetConfiguration', { key: ['HeartbeatInterval'] });
    assert.deepEqual(outcome, { result: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }] } });
    assert.deepEqual(answering.callsReceived.at(-1)?.slice(2), ['GetConfiguration', { key: ['HeartbeatInterval'] }]);
  });

  it('sendCall returns a CALLERROR with its code and description', async () => {
    const pending = csms.sendCall('CP-MAN', 'Reset', { type: 'Immediate' });
    const call = await manual.nextFrame();
    assert.deepEqual(call.slice(2), ['Reset', { type: 'Immediate' }]);
    manual.send(JSON.stringify([4, call[1], 'NotSupported', 'no resets today', {}]));
    assert.deepEqual(await pending, { error: { code: 'NotSupported', description: 'no resets today' } });
  });

  it('sendCall reports a schema-invalid answer', async () => {
    const pending = csms.sendCall('CP-MAN', 'Reset', { type: 'OnIdle' });
    const call = await manual.nextFrame();
    manual.send(JSON.stringify([3, call[1], { status: 'Maybe' }]));
    const outcome = await pending;
    assert.ok('error' in outcome && outcome.error.code === 'invalidResponse', JSON.stringify(outcome));
  });

  // How soon after its timeout is bounded in test/serial/csms-admin-timing.test.ts.
  it('sendCall times out after its own timeoutMs (100 ms → not before 90 ms)', async () => {
    const started = performance.now();
    const outcome = await csms.sendCall('CP-MAN', 'ClearCache', {}, 100);
    const took = performance.now() - started;
    assert.deepEqual(outcome, { timeout: true });
    assert.ok(took >= 90, `timed out after ${took.toFixed(0)} ms`);
    await manual.nextFrame(); // the ClearCache CALL the station left unanswered
  });

  it('sendCall refuses an unknown station, an action the CSMS does not send, and an invalid payload', async () => {
    await assert.rejects(csms.sendCall('nobody', 'ClearCache', {}), (e: Error) => e instanceof CsmsRequestError && e.code === 'unknownStation');
    await assert.rejects(csms.sendCall('CP-ANS', 'Heartbeat', {}), (e: Error) => e instanceof CsmsRequestError && /not an action a CSMS sends/.test(e.message));
    await assert.rejects(csms.sendCall('CP-ANS', 'Reset', { type: 'Sideways' }), (e: Error) => e instanceof CsmsRequestError && /payload\.type/.test(e.message));
  });

  it('sendRaw writes a frame as is and returns the station’s next frame', async () => {
    const pending = csms.sendRaw('CP-MAN', '[2,"raw-1","NoSuchAction",{}]');
    assert.equal(await manual.next(), '[2,"raw-1","NoSuchAction",{}]');
    manual.send('[4,"raw-1","NotImplemented","",{}]');
    assert.equal(await pending, '[4,"raw-1","NotImplemented","",{}]');
    assert.equal(await csms.sendRaw('CP-MAN', '[2,"raw-2","Nothing",{}]', 100), undefined);
    await manual.next();
  });

  it('GET /stats and GET /stations', async () => {
    const stats = await httpJson(csms.port, 'GET', '/stats');
    assert.equal(stats.status, 200);
    const body = stats.body as CsmsStats;
    assert.equal(body.connections.now, 2);
    assert.deepEqual(body.outgoing.GetConfiguration, { sent: 1, answered: 1, callErrors: 0, timeouts: 0, invalidResponses: 0, aborted: 0 });
    assert.deepEqual(body.outgoing.Reset, { sent: 2, answered: 0, callErrors: 1, timeouts: 0, invalidResponses: 1, aborted: 0 });
    assert.equal(body.outgoing.ClearCache?.timeouts, 1);
    const stations = await httpJson(csms.port, 'GET', '/stations');
    assert.deepEqual(
      (stations.body as { identity: string }[]).map((s) => s.identity).sort(),
      ['CP-ANS', 'CP-MAN'],
    );
  });

  it('POST /call and POST /raw', async () => {
    const call = await httpJson(csms.port, 'POST', '/call', { identity: 'CP-ANS', action: 'ClearCache', payload: {} });
    assert.deepEqual(call, { status: 200, body: { result: { status: 'Accepted' } } });
    const raw = await httpJson(csms.port, 'POST', '/raw', { identity: 'CP-ANS', frame: '[2,"r9","ClearCache",{}]' });
    assert.deepEqual(raw, { status: 200, body: { reply: '[3,"r9",{"status":"Accepted"}]' } });
  });

  it('answers bad admin requests with JSON errors and the right status', async () => {
    const cases: [string, string, string | object | undefined, number][] = [
      ['POST', '/call', { identity: 'ghost', action: 'ClearCache', payload: {} }, 404],
      ['POST', '/call', { identity: 'CP-ANS', action: 'Heartbeat', payload: {} }, 400],
      ['POST', '/call', { identity: 'CP-ANS', action: 'ClearCache' }, 400],
      ['POST', '/call', '{not json', 400],
      ['POST', '/call', '[1,2]', 400],
      ['POST', '/raw', { identity: 'CP-ANS' }, 400],
      ['GET', '/nowhere', undefined, 404],
      ['GET', '/call', undefined, 405],
      ['POST', '/call', 'x'.repeat(1024 * 1024 + 1), 413],
    ];
    for (const [method, path, body, status] of cases) {
      const answer = await httpJson(csms.port, method, path, body);
      assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}: ${JSON.stringify(answer.body)}`);
      assert.equal(typeof (answer.body as { error?: unknown }).error, 'string');
    }
  });
});
