import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { uncompress } from 'snappyjs';
import { fleetRegistry } from '../../src/coordinator/live-metrics';
import { Aggregator } from '../../src/metrics/aggregator';
import { packHeader, RecordKind } from '../../src/metrics/record';
import { ACTION_NAMES, actionCode, ERROR_KINDS } from '../../src/ocpp';
import { toTimeSeries, WRITE_REQUEST, type TimeSeries } from '../../src/report/remote-write-encode';
import { RunOptionError, UsageError } from '../../src/run/exit-codes';
import { metricFamilies, RemoteWriter, type PushLimits, type RemoteWriteTarget } from '../../src/run/remote-write';
import { REMOTE_WRITE_PASSWORD_ENV, resolveRemoteWrite } from '../../src/run/remote-write-option';
import { COUNTER_NAMES } from '../../src/station/counters';

/**
 * Remote write against real HTTP servers on loopback: one that accepts (and decodes what it got,
 * as Prometheus would), one that answers 500, one 400, one that never answers, a closed port. The
 * end-to-end test against a real Prometheus is test/e2e/remote-write-prometheus.test.ts.
 */

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly series: TimeSeries[];
  readonly metadata: { metricFamilyName: string; type: number }[];
}

function registryWithCalls(): ReturnType<typeof fleetRegistry> {
  const agg = new Aggregator({ actionNames: ACTION_NAMES, groupNames: ['cp'], errorNames: ERROR_KINDS, counterNames: COUNTER_NAMES });
  for (let i = 0; i < 7; i++) agg.ingest(packHeader(RecordKind.CallOk, 0, actionCode('Heartbeat')), 2000, 1500, 10);
  return fleetRegistry(agg, () => undefined, ['cp']);
}

/** A server that answers every POST with `status` (or never, with `status` undefined) and decodes each body. */
async function endpoint(status: number | undefined, body = ''): Promise<{ url: string; received: Received[]; requests: () => number; close(): Promise<void> }> {
  const received: Received[] = [];
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const decoded = WRITE_REQUEST.toObject(WRITE_REQUEST.decode(uncompress(Buffer.concat(chunks))), { longs: Number, enums: Number, defaults: true }) as {
        timeseries: TimeSeries[];
        metadata: Received['metadata'];
      };
      received.push({ headers: req.headers, series: decoded.timeseries, metadata: decoded.metadata });
      if (status !== undefined) res.writeHead(status).end(body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    received,
    requests: () => requests,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function target(url: string, extra: Partial<RemoteWriteTarget> = {}): RemoteWriteTarget {
  return { url, shownAs: url, intervalMs: 60_000, labels: { job: 'ocpp-fleet', scenario: 'unit' }, ...extra };
}

const FAST: PushLimits = { pushTimeoutMs: 300, finalAttempts: 3, retryBaseMs: 10 };

function labelsOf(s: TimeSeries): Record<string, string> {
  return Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
}

describe('remote write', () => {
  const servers: { close(): Promise<void> }[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  test('a series per sample: labels sorted by name with __name__, the run\'s labels under the metric\'s own, one timestamp', async () => {
    const families = await metricFamilies(registryWithCalls());
    const series = toTimeSeries(families, { job: 'ocpp-fleet', group: 'not-this-one' }, 1234);
    const ok = series.find((s) => labelsOf(s).__name__ === 'ocpp_fleet_calls_total' && labelsOf(s).outcome === 'ok' && labelsOf(s).action === 'Heartbeat');
    assert.ok(ok !== undefined);
    assert.deepEqual(ok.labels.map((l) => l.name), ['__name__', 'action', 'group', 'job', 'outcome']);
    assert.equal(labelsOf(ok).group, 'cp');
    assert.deepEqual(ok.samples, [{ value: 7, timestamp: 1234 }]);
    for (const s of series) {
      const names = s.labels.map((l) => l.name);
      assert.deepEqual(names, [...names].sort(), JSON.stringify(names));
      assert.equal(new Set(names).size, names.length);
    }
    // A histogram is its classic series: buckets by le, then sum and count.
    const buckets = series.filter((s) => labelsOf(s).__name__ === 'ocpp_fleet_call_duration_seconds_bucket' && labelsOf(s).action === 'Heartbeat');
    assert.equal(buckets.at(-1)?.samples[0]?.value, 7);
    assert.equal(labelsOf(buckets.at(-1) as TimeSeries).le, '+Inf');
  });

  test('pushes what a scrape reads, with the headers the protocol asks for, basic auth, and a final push after the end', async () => {
    const server = await endpoint(204);
    servers.push(server);
    const failures: string[] = [];
    const auth = `Basic ${Buffer.from('fleet:s3cret').toString('base64')}`;
    const writer = new RemoteWriter(() => metricFamilies(registryWithCalls()), target(server.url, { intervalMs: 1000, authorization: auth }), (m) => failures.push(m));
    writer.start();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const summary = await writer.finish();
    assert.deepEqual(failures, []);
    assert.ok(server.received.length >= 2, `${server.received.length} pushes`);
    assert.equal(summary.pushes, server.received.length);
    assert.deepEqual([summary.failed, summary.finalPushAccepted], [0, true]);
    assert.equal(summary.samples, server.received.reduce((n, r) => n + r.series.length, 0));
    const first = server.received[0] as Received;
    assert.equal(first.headers['content-encoding'], 'snappy');
    assert.equal(first.headers['content-type'], 'application/x-protobuf');
    assert.equal(first.headers['x-prometheus-remote-write-version'], '0.1.0');
    assert.equal(first.headers.authorization, auth);
    assert.ok(first.metadata.some((m) => m.metricFamilyName === 'ocpp_fleet_call_duration_seconds' && m.type === 3));
    // Every push later than the one before: the same series twice at one millisecond is refused.
    const stamps = server.received.map((r) => r.series[0]?.samples[0]?.timestamp as number);
    for (let i = 1; i < stamps.length; i++) assert.ok((stamps[i] as number) > (stamps[i - 1] as number), stamps.join(' '));
    // A second finish pushes nothing more.
    assert.deepEqual(await writer.finish(), summary);
    assert.equal(server.received.length, summary.pushes);
  });

  test('an endpoint answering 500: the final push is tried three times, the failure told once, the summary says the end was not written', async () => {
    const server = await endpoint(500, 'out of disk\nand more');
    servers.push(server);
    const failures: string[] = [];
    const writer = new RemoteWriter(() => metricFamilies(registryWithCalls()), target(server.url), (m) => failures.push(m), Date.now, FAST);
    const summary = await writer.finish();
    assert.deepEqual([summary.pushes, summary.failed, summary.samples, summary.finalPushAccepted], [3, 3, 0, false]);
    assert.equal(summary.lastError, 'HTTP 500: out of disk');
    assert.equal(failures.length, 1);
    assert.match(failures[0] as string, /^Prometheus remote write to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write failed \(HTTP 500: out of disk\); the run goes on/);
  });

  test('an endpoint answering 400 is not retried: the same body would be refused again', async () => {
    const server = await endpoint(400, 'out of order sample');
    servers.push(server);
    const summary = await new RemoteWriter(() => metricFamilies(registryWithCalls()), target(server.url), () => undefined, Date.now, FAST).finish();
    assert.deepEqual([summary.pushes, summary.failed, summary.finalPushAccepted, server.requests()], [1, 1, false, 1]);
  });

  test('an endpoint that never answers, and a closed port: each push ends within its timeout, retried, the run\'s end goes on', async () => {
    const silent = await endpoint(undefined);
    servers.push(silent);
    const started = Date.now();
    const stalled = await new RemoteWriter(() => metricFamilies(registryWithCalls()), target(silent.url), () => undefined, Date.now, FAST).finish();
    assert.deepEqual([stalled.pushes, stalled.failed, stalled.finalPushAccepted], [3, 3, false]);
    assert.match(stalled.lastError ?? '', /no answer within 300 ms/);
    // Three timeouts and two short waits: far from the unbounded wait a stalled endpoint would otherwise cause.
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);

    const closed = await endpoint(204);
    const url = closed.url;
    await closed.close();
    const refused = await new RemoteWriter(() => metricFamilies(registryWithCalls()), target(url), () => undefined, Date.now, FAST).finish();
    assert.deepEqual([refused.pushes, refused.failed, refused.finalPushAccepted], [3, 3, false]);
    assert.match(refused.lastError ?? '', /ECONNREFUSED/);
  });
});

describe('the remote-write options', () => {
  test('the endpoint without its credentials, basic auth from them, the URL printed redacted, the run\'s labels', () => {
    const rw = resolveRemoteWrite({ prometheusRemoteWrite: 'https://fleet:s3cret@metrics.example/api/v1/write', prometheusRemoteWriteLabel: ['testid=n42'] }, 'smoke', '2/4', {});
    assert.ok(rw !== undefined);
    assert.equal(rw.url, 'https://metrics.example/api/v1/write');
    assert.equal(rw.shownAs, 'https://***@metrics.example/api/v1/write');
    assert.equal(rw.authorization, `Basic ${Buffer.from('fleet:s3cret').toString('base64')}`);
    assert.equal(rw.intervalMs, 5000);
    assert.deepEqual(rw.labels, { job: 'ocpp-fleet', scenario: 'smoke', shard: '2/4', testid: 'n42' });
    assert.ok(!JSON.stringify({ ...rw, authorization: undefined }).includes('s3cret'));
  });

  test('a user without a password takes it from the environment, and is refused without it', () => {
    const rw = resolveRemoteWrite({ prometheusRemoteWrite: 'http://fleet@127.0.0.1:9090/api/v1/write' }, 's', undefined, { [REMOTE_WRITE_PASSWORD_ENV]: 'pw' });
    assert.equal(rw?.authorization, `Basic ${Buffer.from('fleet:pw').toString('base64')}`);
    assert.throws(() => resolveRemoteWrite({ prometheusRemoteWrite: 'http://fleet@127.0.0.1:9090/api/v1/write' }, 's', undefined, {}), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, new RegExp(`names the user fleet but no password: give it in ${REMOTE_WRITE_PASSWORD_ENV}`));
      return true;
    });
  });

  test('each bad value is refused naming its option', () => {
    const refused = (o: Parameters<typeof resolveRemoteWrite>[0], pattern: RegExp, type: typeof RunOptionError | typeof UsageError = RunOptionError): void => {
      assert.throws(() => resolveRemoteWrite(o, 's', undefined, {}), (err: unknown) => err instanceof type && pattern.test((err as Error).message));
    };
    refused({ prometheusRemoteWrite: 'ws://127.0.0.1/write' }, /^options\.prometheusRemoteWrite must be an http:\/\/ or https:\/\/ URL, got "ws:\/\/127\.0\.0\.1\/write"$/);
    refused({ prometheusRemoteWrite: 'not a url' }, /^options\.prometheusRemoteWrite must be an http/);
    refused({ prometheusRemoteWrite: 'http://x/w', prometheusRemoteWriteInterval: '500ms' }, /^options\.prometheusRemoteWriteInterval must be a duration from 1s to 1h/);
    refused({ prometheusRemoteWrite: 'http://x/w', prometheusRemoteWriteLabel: ['9x=1'] }, /^options\.prometheusRemoteWriteLabel takes name=value/);
    refused({ prometheusRemoteWrite: 'http://x/w', prometheusRemoteWriteLabel: ['__name__=x'] }, /^options\.prometheusRemoteWriteLabel takes name=value/);
    refused({ prometheusRemoteWrite: 'http://x/w', prometheusRemoteWriteLabel: ['action=x'] }, /^options\.prometheusRemoteWriteLabel cannot set "action": the run sets/);
    refused({ prometheusRemoteWriteInterval: '5s' }, /need options\.prometheusRemoteWrite$/, UsageError);
  });
});
