import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCsmsServer, type CsmsServer } from '../../src/csms/server';
import type { CsmsOptions } from '../../src/csms/options';
import { BareStation, upgradeStatus } from '../helpers/csms-client';
import { SAMPLES_201 } from '../helpers/csms-samples';

describe('embedded CSMS: options are checked up front', () => {
  const bad: [string, unknown, RegExp][] = [
    ['a negative port', { port: -1 }, /^options\.port must be an integer from 0 to 65535, got -1$/],
    ['no port', {}, /^options\.port is required/],
    ['an unknown option', { port: 0, delay: 5 }, /^options\.delay is not a CSMS option/],
    ['a negative delay', { port: 0, delayMs: -5 }, /^options\.delayMs must be a number >= 0/],
    ['a boot status OCPP lacks', { port: 0, bootStatus: 'Maybe' }, /^options\.bootStatus must be one of Accepted, Pending, Rejected, got "Maybe"$/],
    ['a share above 1', { port: 0, invalidTagShare: 1.5 }, /^options\.invalidTagShare must be a number >= 0 and <= 1, got 1\.5$/],
    ['a zero call timeout', { port: 0, callTimeoutMs: 0 }, /^options\.callTimeoutMs must be a number > 0/],
    ['a fractional heartbeat interval', { port: 0, heartbeatIntervalS: 1.5 }, /^options\.heartbeatIntervalS must be an integer/],
    ['an empty host', { port: 0, host: '' }, /^options\.host must be a non-empty string/],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(startCsmsServer(options as CsmsOptions), (err: Error) => err instanceof TypeError && message.test(err.message));
    });
  }
});

describe('embedded CSMS: handshake and identities', { timeout: 20_000 }, () => {
  let csms: CsmsServer;
  before(async () => {
    csms = await startCsmsServer({ port: 0 });
  });
  after(async () => {
    await csms?.close();
  });

  it('refuses with HTTP 400 a client that offers no OCPP subprotocol, or none at all', async () => {
    assert.equal((await upgradeStatus(`${csms.url}/CP-X`)).status, 400);
    assert.equal((await upgradeStatus(`${csms.url}/CP-X`, 'ocpp1.5')).status, 400);
    assert.equal(csms.stats().connections.refused, 2);
  });

  it('refuses a URL without an identity', async () => {
    assert.equal((await upgradeStatus(`${csms.url}/`, 'ocpp1.6')).status, 400);
  });

  it("picks the client's first supported subprotocol", async () => {
    assert.deepEqual(await upgradeStatus(`${csms.url}/CP-P1`, ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6']), { status: 101, protocol: 'ocpp2.1' });
    assert.deepEqual(await upgradeStatus(`${csms.url}/CP-P3`, ['ocpp2.2', 'ocpp2.0.1', 'ocpp1.6']), { status: 101, protocol: 'ocpp2.0.1' });
    assert.deepEqual(await upgradeStatus(`${csms.url}/CP-P2`, ['ocpp1.6', 'ocpp2.0.1']), { status: 101, protocol: 'ocpp1.6' });
  });

  it('takes the identity from the last path segment, percent-decoded', async () => {
    const station = await BareStation.connect(`${csms.url}/ocpp/v16`, 'CP 7/b', 'ocpp1.6');
    assert.deepEqual(csms.stations(), [{ identity: 'CP 7/b', version: '1.6' }]);
    await station.close();
  });

  it('replaces the connection of an identity that connects again', async () => {
    const first = await BareStation.connect(csms.url, 'CP-TWICE', 'ocpp1.6');
    const firstClosed = first.closed();
    const second = await BareStation.connect(csms.url, 'CP-TWICE', 'ocpp2.0.1');
    assert.equal(await firstClosed, 4000);
    assert.deepEqual(csms.stations(), [{ identity: 'CP-TWICE', version: '2.0.1' }]);
    const answer = await second.result('Heartbeat', {});
    assert.equal(typeof answer.currentTime, 'string');
    const c = csms.stats().connections;
    assert.equal(c.replaced, 1);
    assert.equal(c.now, 1);
    await second.close();
  });
});

describe('embedded CSMS: boot status and invalid tag share', { timeout: 20_000 }, () => {
  const servers: CsmsServer[] = [];
  const stations: BareStation[] = [];
  after(async () => {
    for (const s of stations) await s.close();
    for (const s of servers) await s.close();
  });

  async function stationOn(options: CsmsOptions, protocol: string): Promise<{ csms: CsmsServer; station: BareStation }> {
    const csms = await startCsmsServer(options);
    servers.push(csms);
    const station = await BareStation.connect(csms.url, 'CP-B', protocol);
    stations.push(station);
    return { csms, station };
  }

  for (const status of ['Pending', 'Rejected'] as const) {
    it(`answers BootNotification ${status} with the retry interval when told to`, async () => {
      const { csms, station } = await stationOn({ port: 0, bootStatus: status, heartbeatIntervalS: 5, bootRetryIntervalS: 7 }, 'ocpp2.0.1');
      const answer = await station.result('BootNotification', SAMPLES_201.BootNotification);
      assert.equal(answer.status, status);
      // Not the heartbeat interval: a Pending or Rejected station boots again after this one.
      assert.equal(answer.interval, 7);
      assert.equal(csms.stats().boots[status === 'Pending' ? 'pending' : 'rejected'], 1);
    });
  }

  it('refuses about the configured share of tags, the same tags every time', async () => {
    const { csms, station } = await stationOn({ port: 0, invalidTagShare: 0.5 }, 'ocpp1.6');
    const verdicts: string[] = [];
    for (let i = 0; i < 200; i++) {
      const answer = await station.result('Authorize', { idTag: `TAG-${i}` });
      verdicts.push((answer.idTagInfo as { status: string }).status);
    }
    const invalid = verdicts.filter((v) => v === 'Invalid').length;
    assert.ok(invalid >= 70 && invalid <= 130, `about half of 200 tags should be Invalid, got ${invalid}`);
    for (let i = 0; i < 20; i++) {
      const again = await station.result('Authorize', { idTag: `TAG-${i}` });
      assert.equal((again.idTagInfo as { status: string }).status, verdicts[i], `TAG-${i} changed its verdict`);
    }
    assert.equal(csms.stats().invalidTagsAnswered, invalid + verdicts.slice(0, 20).filter((v) => v === 'Invalid').length);
  });
});
