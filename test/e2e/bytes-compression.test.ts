import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ScenarioObject } from '../../src/run/load-scenario';
import type { Summary } from '../../src/report/summary';
import { tempDir } from '../helpers/fleet-cli';
import { runFleet, runFleets } from '../helpers/run-fleet';
import { startStrictCsms } from '../helpers/strict-csms-child';

/**
 * Bytes on the wire, counted for real: the same fleet against the embedded CSMS without and with
 * `compression: permessage-deflate`, side by side. What OCPP carried is the same; what the
 * sockets wrote is at least the frames plus their WebSocket headers without compression, and a
 * fraction of it with. Then a CSMS that does not take compression (an independent one, ocpp-rpc):
 * the run goes on uncompressed and the counters say so.
 */
function fleet(name: string, compression?: 'permessage-deflate'): ScenarioObject {
  const group = (g: string, ocpp: '1.6' | '2.0.1', prefix: string): Record<string, unknown> => ({
    name: g,
    count: 6,
    ocpp,
    identity: `${prefix}-{index:02}`,
    ramp: 'all',
    heartbeatInterval: '1s',
    sessions: { idle: '300ms', duration: '2s', meterInterval: '500ms', powerKw: 11 },
    ...(compression === undefined ? {} : { compression }),
  });
  return { name, duration: '4s', seed: 9, gracefulStop: '3s', groups: [group('old', '1.6', `${name}16`), group('new', '2.0.1', `${name}201`)] };
}

/** Frames the stations wrote: their CALLs, and their answers to the CSMS's CALLs. */
function framesSent(s: Summary): number {
  return Object.values(s.actions).reduce((n, a) => n + a.sent, 0) + Object.values(s.incoming).reduce((n, i) => n + i.answered, 0);
}

test('frames and wire bytes, without and with permessage-deflate, against the embedded CSMS', async (t) => {
  const dir = tempDir('bytes');
  const [plain, deflated] = await runFleets([
    { scenario: fleet('plain'), workers: 1, out: join(dir, 'plain') },
    { scenario: fleet('deflated', 'permessage-deflate'), workers: 1, out: join(dir, 'deflated') },
  ]);
  for (const r of [plain, deflated]) assert.equal(r?.exitCode, 0, r?.result.reason);
  const p = (plain as { summary: Summary }).summary;
  const d = (deflated as { summary: Summary }).summary;
  for (const s of [p, d]) {
    const b = s.bytes;
    assert.ok(b !== undefined);
    // The run's frames are its exchanges' frames, every action of both initiators.
    const exchanges = [...Object.values(s.actions).map((a) => a.bytes), ...Object.values(s.incoming).map((i) => i.bytes)];
    assert.equal(b.sent, exchanges.reduce((n, x) => n + (x?.sent ?? 0), 0));
    assert.equal(b.received, exchanges.reduce((n, x) => n + (x?.received ?? 0), 0));
    // A Heartbeat CALL is [2,"<id>","Heartbeat",{}]: 21 bytes and its id (a few digits).
    const hb = s.actions.Heartbeat;
    assert.ok(hb?.bytes !== undefined && hb.sent > 0);
    const perCall = hb.bytes.sent / hb.sent;
    assert.ok(perCall >= 22 && perCall <= 26, `${perCall} bytes per Heartbeat CALL`);
    // The groups add up to the run.
    const groups = Object.values(s.groups).map((g) => g.bytes);
    assert.equal(groups.reduce((n, g) => n + (g?.sent ?? 0), 0), b.sent);
    assert.equal(groups.reduce((n, g) => n + (g?.wire.sent ?? 0), 0), b.wire.sent);
    // Per station per day at the run's rates.
    assert.equal(b.perStationPerDay.wireSent, Math.round((b.wire.sent / s.fleet.planned) * (86_400_000 / s.durationMs)));
  }
  // Uncompressed, every frame a station wrote went on the wire with a masked header of 6 bytes at least, after the upgrade.
  assert.ok(p.bytes !== undefined && d.bytes !== undefined);
  assert.ok(p.bytes.wire.sent >= p.bytes.sent + 6 * framesSent(p), `${p.bytes.wire.sent} written for ${p.bytes.sent} bytes in ${framesSent(p)} frames`);
  assert.ok(p.bytes.wire.received >= p.bytes.received + 2 * (framesSent(p) - Object.values(p.incoming).reduce((n, i) => n + i.answered, 0)));
  assert.equal(p.counters.compressedConnections ?? 0, 0);
  // Compressed: the CSMS took it on every connection, the same exchanges carried, far fewer bytes written.
  assert.equal(d.counters.compressedConnections, d.connect.ok);
  assert.equal(d.counters.compressionDeclined ?? 0, 0);
  const ratio = d.bytes.wire.sent / p.bytes.wire.sent;
  assert.ok(ratio < 0.6, `compressed wire bytes ${d.bytes.wire.sent} against ${p.bytes.wire.sent} (${ratio.toFixed(2)})`);
  assert.ok(Math.abs(d.bytes.sent / p.bytes.sent - 1) < 0.1, `frames ${d.bytes.sent} against ${p.bytes.sent}`);
  t.diagnostic(`written per station per day: ${p.bytes.perStationPerDay.wireSent} B plain, ${d.bytes.perStationPerDay.wireSent} B with permessage-deflate (${ratio.toFixed(2)})`);
});

test('a CSMS that does not take compression: the run goes on uncompressed, and the counters say it was declined', async () => {
  const csms = await startStrictCsms({ seed: 3, heartbeatS: 10 });
  try {
    const r = await runFleet({ scenario: fleet('declined', 'permessage-deflate'), url: csms.url, workers: 1, out: join(tempDir('bytes-declined'), 'out') });
    assert.equal(r.exitCode, 0, r.result.reason);
    assert.equal(r.summary.counters.compressionDeclined, r.summary.connect.ok);
    assert.equal(r.summary.counters.compressedConnections ?? 0, 0);
    const b = r.summary.bytes;
    assert.ok(b !== undefined && b.wire.sent >= b.sent, JSON.stringify(b));
  } finally {
    await csms.stop();
  }
});
