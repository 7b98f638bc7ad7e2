import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Registry } from 'prom-client';
import { encodeWriteRequest, toTimeSeries, type MetricFamily } from '../report/remote-write-encode';
import type { RemoteWriteSummary } from '../report/summary';

/**
 * Prometheus remote write (`--prometheus-remote-write URL`): the live metrics pushed every
 * interval while the run goes and once more when it has ended, so that a short CI run's figures
 * outlive its process. Every push holds every series (the counters are cumulative), so a push that
 * fails is made good by the next one and only the last is retried. A failing endpoint never stops
 * or fails the run: the first failure is told at once, and the end says how many pushes failed.
 */
export interface RemoteWriteTarget {
  /** The endpoint without credentials, e.g. http://127.0.0.1:9090/api/v1/write. */
  readonly url: string;
  /** The endpoint as printed: credentials redacted. */
  readonly shownAs: string;
  /** An `Authorization` header value (basic auth from the URL's user and password). */
  readonly authorization?: string;
  readonly intervalMs: number;
  /** Added to every series: job, scenario, shard and the user's own. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The registry's metrics as remote write sends them: what a scrape would read, from the same collectors. */
export async function metricFamilies(registry: Registry): Promise<MetricFamily[]> {
  const json = await registry.getMetricsAsJSON();
  return json.map((m) => ({ name: m.name, help: m.help, type: String(m.type), values: m.values }));
}

interface PostResult {
  readonly status: number;
  readonly body: string;
}

/** What remote write's specification asks a sender to set on every request (protocol 1.0). */
const HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
  'User-Agent': 'ocpp-fleet',
};

/** How long a push may wait for its answer, and the retries of the final one (a test shortens them). */
export interface PushLimits {
  /** The most a push waits for its answer (an interval push waits at most its interval). */
  readonly pushTimeoutMs: number;
  readonly finalAttempts: number;
  /** The wait before the final push's first retry; doubled for each further one. */
  readonly retryBaseMs: number;
}

export const PUSH_LIMITS: PushLimits = { pushTimeoutMs: 10_000, finalAttempts: 3, retryBaseMs: 500 };

class PushError extends Error {
  constructor(
    message: string,
    /** Network errors, 5xx and 429 may pass on a later try; another 4xx will not (the specification's rule). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function post(url: URL, body: Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // No keep-alive agent: a push every few seconds needs no pool, and none may hold the process open after the run.
    const req = send(url, { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(body.length) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        // An error text is all that is read of an answer: a few KB at most.
        if (size < 4096) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8', 0, Math.min(size, 4096)) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export class RemoteWriter {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastTimestamp = 0;
  private pushes = 0;
  private failed = 0;
  private samples = 0;
  private skipped = 0;
  private lastError: string | undefined;
  private told = false;
  private finalAccepted: boolean | undefined;
  private readonly endpoint: URL;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly collect: () => Promise<MetricFamily[]>,
    private readonly target: RemoteWriteTarget,
    /** Told the first failure, once: the run goes on. */
    private readonly onFailure: (message: string) => void,
    private readonly now: () => number = Date.now,
    private readonly limits: PushLimits = PUSH_LIMITS,
  ) {
    this.endpoint = new URL(target.url);
    this.headers = target.authorization === undefined ? { ...HEADERS } : { ...HEADERS, Authorization: target.authorization };
  }

  /** Pushes every interval from now on (the first after one interval: nothing has happened before). */
  start(): void {
    this.timer = setInterval(() => this.tick(), this.target.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.inFlight !== undefined) {
      this.skipped++;
      return;
    }
    this.inFlight = this.pushOnce(Math.min(this.limits.pushTimeoutMs, this.target.intervalMs)).then(
      () => undefined,
      (err: unknown) => this.failure(err),
    ).finally(() => {
      this.inFlight = undefined;
    });
  }

  /**
   * Stops the interval, waits for a push under way, then pushes the final figures, retrying a
   * retryable failure a few times (at most some 30 s in all, then the run's end goes on). Once:
   * a second call gives the same summary.
   */
  async finish(): Promise<RemoteWriteSummary> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.inFlight;
    if (this.finalAccepted === undefined) this.finalAccepted = await this.finalPush();
    return {
      url: this.target.shownAs,
      intervalMs: this.target.intervalMs,
      pushes: this.pushes,
      failed: this.failed,
      samples: this.samples,
      skipped: this.skipped,
      finalPushAccepted: this.finalAccepted,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private async finalPush(): Promise<boolean> {
    const { finalAttempts, pushTimeoutMs, retryBaseMs } = this.limits;
    for (let attempt = 1; attempt <= finalAttempts; attempt++) {
      try {
        await this.pushOnce(pushTimeoutMs);
        return true;
      } catch (err) {
        this.failure(err);
        if (!(err instanceof PushError && err.retryable) || attempt === finalAttempts) return false;
        await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
      }
    }
    return false;
  }

  private async pushOnce(timeoutMs: number): Promise<void> {
    const families = await this.collect();
    // Strictly later than the push before: the same series twice at one millisecond is refused.
    const timestamp = Math.max(this.now(), this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const series = toTimeSeries(families, this.target.labels, timestamp);
    const body = encodeWriteRequest(series, families);
    this.pushes++;
    let result: PostResult;
    try {
      result = await post(this.endpoint, body, this.headers, timeoutMs);
    } catch (err) {
      throw new PushError(err instanceof Error ? err.message : String(err), true);
    }
    if (result.status >= 200 && result.status < 300) {
      this.samples += series.length;
      return;
    }
    const why = firstLine(result.body);
    throw new PushError(`HTTP ${result.status}${why === '' ? '' : `: ${why}`}`, result.status >= 500 || result.status === 429);
  }

  private failure(err: unknown): void {
    this.failed++;
    this.lastError = err instanceof Error ? err.message : String(err);
    if (this.told) return;
    this.told = true;
    this.onFailure(`Prometheus remote write to ${this.target.shownAs} failed (${this.lastError}); the run goes on, and the end of the run says how many pushes failed`);
  }
}
