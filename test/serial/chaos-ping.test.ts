import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import type { CallRecorder, ErrorKind } from '../../src/ocpp';
import type { StationContext } from '../../src/station/context';
import type { CounterName } from '../../src/station/counters';
import type { StationGroup } from '../../src/station/group';
import { Station } from '../../src/station/station';
import { TIMER_SLOTS } from '../../src/station/station-timers';
import { Scheduler } from '../../src/worker/scheduler';
import { startChaosCsms, type Behaviour, type ChaosCsms } from '../chaos/chaos-csms';

/**
 * The periodic WebSocket ping of a station, on a real socket against the chaos CSMS, with settings
 * a scenario cannot give yet (pingIntervalMs, pingTimeoutMs): one station driven by the worker's
 * scheduler, as in a run, with a context that records what the station reports. Its bounds on
 * when a ping, a reconnect or a half-open verdict comes hold only on a machine not busy with other
 * test files: test/serial/, one file at a time, ahead of the other (niced) test files.
 */
class LiveContext implements StationContext {
  readonly stations: Station[] = [];
  readonly scheduler = new Scheduler(
    () => this.now(),
    (key, at) => {
      const index = Math.floor(key / TIMER_SLOTS);
      this.stations[index]?.onTimer(key - index * TIMER_SLOTS, at);
    },
  );
  readonly stopping = false;
  readonly errors: Array<{ kind: ErrorKind; at: number }> = [];
  readonly connects: Array<{ ok: boolean; at: number; kind: ErrorKind | undefined }> = [];
  readonly counts = new Map<CounterName, number>();
  constructor(readonly baseUrl: string) {}
  now(): number {
    return performance.now();
  }
  schedule(index: number, kind: number, at: number): void {
    this.scheduler.schedule(index * TIMER_SLOTS + kind, at);
  }
  count(_group: StationGroup, name: CounterName, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
  error(_group: StationGroup, kind: ErrorKind): void {
    this.errors.push({ kind, at: this.now() });
  }
  recordConnect(_group: StationGroup, ok: boolean, _ms: number, kind: ErrorKind | undefined): void {
    this.connects.push({ ok, at: this.now(), kind });
  }
  recordBootAccepted(): void {}
  recordTlsHandshake(): void {}
  recordWireBytes(): void {}
  atEpochOffset(ms: number): number {
    return ms;
  }
  readonly tls = { context: undefined, ca: undefined, rejectUnauthorized: true };
  readonly localAddresses = undefined;
  gauge(): void {}
  stationMilestone(): void {}
  recorderOf(): CallRecorder {
    return {
      recordCall: () => {},
      recordIncoming: () => {},
      recordError: (kind: ErrorKind) => this.errors.push({ kind, at: this.now() }),
    };
  }
}

function group(version: '1.6' | '2.0.1', ping: Pick<StationGroup, 'pingIntervalMs' | 'pingTimeoutMs'>): StationGroup {
  return {
    index: 0,
    name: 'ping',
    version,
    connectors: 1,
    vendor: 'ocpp-fleet',
    model: 'Ping',
    firmware: '0.1.0',
    heartbeatIntervalMs: 60_000,
    // Far above the test: only the periodic ping can notice anything.
    callTimeoutMs: 30_000,
    reconnect: { minMs: 100, maxMs: 200, jitter: 0 },
    sessions: { meanIdleMs: 3_600_000, durationMs: 60_000, meterIntervalMs: 60_000, powerW: 11_000, invalidTagShare: 0 },
    ...ping,
  };
}

const servers: ChaosCsms[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function runStation(behaviour: Behaviour, g: StationGroup, forMs: number): Promise<{ ctx: LiveContext; csms: ChaosCsms }> {
  const csms = await startChaosCsms({ route: () => behaviour });
  servers.push(csms);
  const ctx = new LiveContext(csms.url);
  const station = new Station(0, 'PING-1', g, ctx, 1);
  ctx.stations.push(station);
  station.start(ctx.now());
  await new Promise((r) => setTimeout(r, forMs));
  station.shutdown();
  ctx.scheduler.stop();
  await new Promise((r) => setTimeout(r, 50));
  return { ctx, csms };
}

// Side by side: one station each, against a CSMS of its own.
describe('WebSocket ping/pong and closing of a station', { timeout: 30_000, concurrency: true }, () => {
  it('pings every pingIntervalMs; a CSMS that answers them keeps the connection', async () => {
    const { ctx, csms } = await runStation('healthy', group('2.0.1', { pingIntervalMs: 150, pingTimeoutMs: 300 }), 1300);
    const log = csms.logsOf('healthy')[0];
    assert.ok(log);
    // ~1.2 s after the connection at one ping per 150 ms (+ the pong's round trip): 6 to 8.
    assert.ok(log.pings >= 6 && log.pings <= 9, `pings: ${log.pings}`);
    assert.equal(log.connections, 1);
    assert.deepEqual(ctx.errors, []);
  });

  it('pingIntervalMs 0 sends no periodic ping', async () => {
    const { ctx, csms } = await runStation('healthy', group('1.6', { pingIntervalMs: 0 }), 800);
    assert.equal(csms.logsOf('healthy')[0]?.pings, 0);
    assert.deepEqual(ctx.errors, []);
  });

  it('a station closing on purpose (Reset) terminates the socket when the CSMS never completes the closing handshake, from a timer slot', async () => {
    const { ctx, csms } = await runStation('resetThenDeaf', group('1.6', { pingIntervalMs: 0 }), 4500);
    assert.equal(csms.logsOf('resetThenDeaf')[0]?.connections, 2);
    assert.equal(ctx.counts.get('resets'), 1, 'the Reset was carried out');
    // The close is the station's own: not counted as a lost connection or anything else.
    assert.deepEqual(ctx.errors, []);
    const opened = ctx.connects.filter((c) => c.ok);
    assert.equal(opened.length, 2, JSON.stringify(ctx.connects));
    // Close grace (2 s), then the reboot delay (1 s).
    const gap = (opened[1]?.at ?? 0) - (opened[0]?.at ?? 0);
    assert.ok(gap > 2900 && gap < 3800, `reconnected ${gap.toFixed(0)} ms after the first connection`);
  });

  for (const version of ['1.6', '2.0.1'] as const) {
    it(`${version}: a half-open link is ended within pingIntervalMs + pingTimeoutMs, counted as pingTimeout, and the station reconnects`, async () => {
      const { ctx, csms } = await runStation('halfOpen', group(version, { pingIntervalMs: 200, pingTimeoutMs: 300 }), 1500);
      const opened = ctx.connects.filter((c) => c.ok);
      assert.ok(opened.length >= 2, `connections: ${JSON.stringify(ctx.connects)}`);
      const kinds = ctx.errors.map((e) => e.kind);
      // The call outstanding when the link was ended is aborted, not a timeout (30 s away).
      assert.deepEqual(kinds, ['pingTimeout']);
      const detectedAfter = (ctx.errors[0]?.at ?? 0) - (opened[0]?.at ?? 0);
      assert.ok(detectedAfter >= 480 && detectedAfter < 800, `detected ${detectedAfter.toFixed(0)} ms after the connection opened`);
      // The second connection is healthy (the chaos CSMS misbehaves on the first only) and pings go on.
      const log = csms.logsOf('halfOpen')[0];
      assert.equal(log?.connections, 2);
      assert.ok((log?.pings ?? 0) >= 2, `pings answered on the second connection: ${log?.pings}`);
      assert.equal(ctx.counts.get('reconnects'), 1);
    });
  }
});
