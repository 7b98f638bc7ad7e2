/**
 * The body of a Prometheus remote-write request (protocol 1.0): the live metrics as a
 * `prometheus.WriteRequest`, protobuf-encoded by protobufjs and compressed with snappy's block
 * format by snappyjs. Only the messages and fields that remote write 1.0 defines and that we fill
 * are declared (prometheus/prompb/remote.proto and types.proto, same field numbers).
 */
import { Root, type Type } from 'protobufjs/light';
import { compress } from 'snappyjs';

/** What prom-client's `Registry.getMetricsAsJSON()` gives per metric, as far as it is read here. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly values: readonly { readonly value: number; readonly labels: Readonly<Record<string, string | number | undefined>>; readonly metricName?: string }[];
}

export interface Label {
  readonly name: string;
  readonly value: string;
}

export interface TimeSeries {
  /** Sorted by name, `__name__` first among them, as the protocol asks. */
  readonly labels: readonly Label[];
  readonly samples: readonly { readonly value: number; readonly timestamp: number }[];
}

const ROOT = Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        MetricMetadata: {
          fields: {
            type: { type: 'MetricType', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
          },
        },
        MetricType: { values: { UNKNOWN: 0, COUNTER: 1, GAUGE: 2, HISTOGRAM: 3 } },
      },
    },
  },
});

/** The request message, for a test (or a receiver) to decode what was sent. */
export const WRITE_REQUEST: Type = ROOT.lookupType('prometheus.WriteRequest');

const METRIC_TYPES: Readonly<Record<string, number>> = { counter: 1, gauge: 2, histogram: 3 };

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * One series per sample, every sample at `timestampMs`, with `extraLabels` (job, scenario, the
 * user's) under the metric's own: a metric's label wins over an extra one of the same name.
 */
export function toTimeSeries(families: readonly MetricFamily[], extraLabels: Readonly<Record<string, string>>, timestampMs: number): TimeSeries[] {
  const out: TimeSeries[] = [];
  for (const family of families) {
    for (const sample of family.values) {
      const labels = new Map<string, string>(Object.entries(extraLabels));
      for (const [name, value] of Object.entries(sample.labels)) if (value !== undefined) labels.set(name, String(value));
      labels.set('__name__', sample.metricName ?? family.name);
      out.push({
        labels: [...labels].map(([name, value]) => ({ name, value })).sort(byName),
        samples: [{ value: sample.value, timestamp: timestampMs }],
      });
    }
  }
  return out;
}

/** The snappy-compressed protobuf body of a WriteRequest holding `series`, with each family's type and help. */
export function encodeWriteRequest(series: readonly TimeSeries[], families: readonly MetricFamily[]): Uint8Array {
  const metadata = families.map((f) => ({ type: METRIC_TYPES[f.type] ?? 0, metricFamilyName: f.name, help: f.help }));
  return compress(WRITE_REQUEST.encode(WRITE_REQUEST.fromObject({ timeseries: series, metadata })).finish());
}
