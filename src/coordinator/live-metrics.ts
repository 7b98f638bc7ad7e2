import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Histogram } from 'hdr-histogram-js';
import { Registry } from 'prom-client';
import type { Aggregator } from '../metrics/aggregator';
import { forEachRecorded } from '../metrics/histogram-scan';
import type { GaugeTotals } from '../metrics/gauges';
import { ERROR_KINDS } from '../ocpp';

/**
 * Prometheus metrics while a run goes (`--metrics-port`). Nothing is recorded twice: at scrape
 * time the collectors read the aggregator the pump already fills, and turn its HDR histograms
 * into Prometheus histograms (cumulative bucket counts). Labels are action, group, outcome and
 * kind — never a charge point's identity, which would make one series per station.
 */
/** From 0.1 ms: most calls over loopback or a LAN are answered in well under a millisecond. */
export const BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Labels = Record<string, string | number>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}
interface Collected {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Sample[];
  aggregator: 'sum';
}

/** A metric computed when scraped; prom-client's registry formats it like its own. */
class ScrapeTimeMetric {
  readonly aggregator = 'sum' as const;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: Collected['type'],
    private readonly collect: () => Sample[],
  ) {}

  get(): Collected {
    return { name: this.name, help: this.help, type: this.type, values: this.collect(), aggregator: this.aggregator };
  }

  reset(): void {}
}

/** Cumulative counts of a µs histogram at the Prometheus bucket bounds (seconds). */
function histogramSamples(name: string, h: Histogram, labels: Labels): Sample[] {
  const counts = new Array<number>(BUCKETS_S.length).fill(0);
  let sumUs = 0;
  forEachRecorded(h, (us, count) => {
    sumUs += us * count;
    const s = us / 1e6;
    for (let b = 0; b < BUCKETS_S.length; b++) if (s <= (BUCKETS_S[b] as number)) counts[b] = (counts[b] as number) + count;
  });
  const out: Sample[] = BUCKETS_S.map((le, b) => ({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: counts[b] as number }));
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.totalCount });
  out.push({ metricName: `${name}_sum`, labels, value: sumUs / 1e6 });
  out.push({ metricName: `${name}_count`, labels, value: h.totalCount });
  return out;
}

export function fleetRegistry(aggregator: Aggregator, gauges: () => GaugeTotals | undefined, groupNames: readonly string[]): Registry {
  const registry = new Registry();
  const calls = (pick: 'response' | 'service', name: string) => (): Sample[] => {
    const out: Sample[] = [];
    for (const [group, actions] of aggregator.groups()) {
      for (const [action, stats] of actions) out.push(...histogramSamples(name, stats[pick], { action, group }));
    }
    return out;
  };
  const metrics = [
    new ScrapeTimeMetric('ocpp_fleet_call_duration_seconds', 'Response time of answered calls, from the moment each was due (coordinated-omission corrected).', 'histogram', calls('response', 'ocpp_fleet_call_duration_seconds')),
    new ScrapeTimeMetric('ocpp_fleet_call_service_seconds', 'Service time of answered calls, from the moment each went on the wire.', 'histogram', calls('service', 'ocpp_fleet_call_service_seconds')),
    new ScrapeTimeMetric('ocpp_fleet_calls_total', 'Calls the stations made, by outcome: ok, callError, timeout, invalid, aborted (all on the wire), neverSent (never went on the wire).', 'counter', () => {
      const out: Sample[] = [];
      for (const [group, actions] of aggregator.groups()) {
        for (const [action, s] of actions) {
          const outcomes: [string, number][] = [['ok', s.ok], ['callError', s.callErrors], ['timeout', s.timeouts], ['invalid', s.invalid], ['aborted', s.aborted], ['neverSent', s.neverSent]];
          for (const [outcome, value] of outcomes) out.push({ labels: { action, group, outcome }, value });
        }
      }
      return out;
    }),
    new ScrapeTimeMetric('ocpp_fleet_connect_duration_seconds', 'Connection set-up time (TCP, TLS, WebSocket upgrade).', 'histogram', () =>
      histogramSamples('ocpp_fleet_connect_duration_seconds', aggregator.connect.latency, {}),
    ),
    // Every kind from the start, at 0: rate() and alerts need a series before the first error.
    new ScrapeTimeMetric('ocpp_fleet_errors_total', 'Errors by kind (see the README for the kinds).', 'counter', () => {
      const counted = aggregator.errors();
      const kinds = [...new Set<string>([...ERROR_KINDS, ...counted.keys()])];
      return kinds.map((kind) => ({ labels: { kind }, value: counted.get(kind) ?? 0 }));
    }),
    new ScrapeTimeMetric('ocpp_fleet_frame_bytes_total', 'Bytes of OCPP frames (their UTF-8 text, before WebSocket framing and compression), by the action of the exchange, who began it (station: its CALL sent and the answer received; csms: the CALL received and the answer sent) and direction.', 'counter', () => {
      const out: Sample[] = [];
      for (const [group, actions] of aggregator.groups()) {
        for (const [action, s] of actions) {
          out.push({ labels: { action, group, initiator: 'station', direction: 'sent' }, value: s.bytesSent }, { labels: { action, group, initiator: 'station', direction: 'received' }, value: s.bytesReceived });
        }
      }
      for (const [action, s] of aggregator.incomingByAction()) {
        out.push({ labels: { action, initiator: 'csms', direction: 'sent' }, value: s.bytesSent }, { labels: { action, initiator: 'csms', direction: 'received' }, value: s.bytesReceived });
      }
      return out;
    }),
    new ScrapeTimeMetric('ocpp_fleet_wire_bytes_total', 'Bytes on the wire (the upgrade, WebSocket framing and compression included; over wss:// not the bytes of TLS itself) of the connections that have closed, per group and direction.', 'counter', () =>
      [...aggregator.wireBytes()].flatMap(([group, w]) => [
        { labels: { group, direction: 'sent' }, value: w.sent },
        { labels: { group, direction: 'received' }, value: w.received },
      ]),
    ),
    new ScrapeTimeMetric('ocpp_fleet_sends_total', 'OCPP 2.1 SENDs (unanswered messages: NotifyPeriodicEventStream), by action, group and outcome: sent (written), dropped (not written: offline, or its payload failed its schema), received (from the CSMS).', 'counter', () => {
      const out: Sample[] = [];
      const group = (index: number): string => groupNames[index] ?? `#${index}`;
      for (const [g, actions] of aggregator.sends.byGroup(group, (code) => aggregator.actionName(code))) {
        for (const [action, s] of actions) {
          for (const [outcome, value] of [['sent', s.sent], ['dropped', s.dropped], ['received', s.received]] as const) out.push({ labels: { action, group: g, outcome }, value });
        }
      }
      return out;
    }),
    new ScrapeTimeMetric('ocpp_fleet_events_total', 'Counted events that are not errors: reconnects, replayed messages, sessions...', 'counter', () =>
      [...aggregator.counters()].map(([name, value]) => ({ labels: { name }, value })),
    ),
    new ScrapeTimeMetric('ocpp_fleet_incoming_calls_total', 'CSMS-initiated calls received by the stations.', 'counter', () =>
      [...aggregator.incomingByAction()].map(([action, s]) => ({ labels: { action }, value: s.received })),
    ),
    new ScrapeTimeMetric('ocpp_fleet_stations', 'Stations connected and booted (accepted), per group: booted ≤ connected ≤ planned.', 'gauge', () => {
      const g = gauges();
      if (g === undefined) return [];
      return g.groups.flatMap((levels, i) => {
        const group = groupNames[i] ?? String(i);
        return (['connected', 'booted'] as const).map((state) => ({ labels: { group, state }, value: levels[state] }));
      });
    }),
    // Sessions, not stations: a station charges on each of its connectors, so this may exceed the stations connected.
    new ScrapeTimeMetric('ocpp_fleet_charging_sessions', 'Charging sessions going on (one per connector in a session), per group.', 'gauge', () => {
      const g = gauges();
      if (g === undefined) return [];
      return g.groups.map((levels, i) => ({ labels: { group: groupNames[i] ?? String(i) }, value: levels.charging }));
    }),
  ];
  for (const m of metrics) registry.registerMetric(m as unknown as Parameters<Registry['registerMetric']>[0]);
  return registry;
}

/** Serve `registry` on GET /metrics until `close()`. */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
