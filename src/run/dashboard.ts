import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Aggregator } from '../metrics/aggregator';
import { chartLibrary } from '../report/html';
import type { ChartInputs } from '../report/html/charts';
import { LiveCharts } from '../report/html/live-charts';
import { LIVE_PAGE_CSP, LIVE_PATH, renderLivePage, type LiveStatus } from '../report/html/live-page';
import { UsageError } from './exit-codes';
import type { RunProgress } from './options';

/**
 * `run --dashboard [PORT]`: the report page fed live, like k6's web dashboard, served on loopback
 * by the run itself. `/` is the live page, `/live.json?from=N` the charts' seconds from N on and
 * the status line's figures, `/report.html` the final report once the results are written. The
 * page polls; the pump's measurements are read where they already are (the aggregator), so the
 * dashboard records nothing of its own, and costs nothing when nobody looks.
 */
export const DEFAULT_DASHBOARD_PORT = 5665;
const HOST = '127.0.0.1';
const POLL_MS = 1000;
/** After the end: how long the final report waits for a page that was polling to fetch it. */
const SILENCE_MS = 3000;
const MAX_LINGER_MS = 15_000;

export interface DashboardStart {
  readonly port: number;
  readonly scenario: string;
  readonly target: string;
  readonly groups: ChartInputs['groups'];
}

export class Dashboard {
  private live: LiveCharts | undefined;
  private startedAtMs: number | undefined;
  private status: LiveStatus | undefined;
  private report: string | undefined;
  private ended = false;
  private reportServed = false;
  private lastPollAt = 0;
  private readonly sockets = new Set<Socket>();
  private readonly page: string;

  private constructor(
    private readonly server: Server,
    private readonly start: DashboardStart,
  ) {
    this.page = renderLivePage({ scenario: start.scenario, target: start.target, pollMs: POLL_MS, library: chartLibrary() });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1:port (0: the system picks one); a port taken is a usage error, before the run starts. */
  static async listen(start: DashboardStart): Promise<Dashboard> {
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(start.port, HOST, () => resolve());
      });
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? String(err.code) : '';
      throw new UsageError(`--dashboard: cannot listen on ${HOST}:${start.port} (${code === 'EADDRINUSE' ? 'the port is in use: give another, or 0 for any free one' : err instanceof Error ? err.message : String(err)})`);
    }
    return new Dashboard(server, start);
  }

  get url(): string {
    return `http://${HOST}:${(this.server.address() as AddressInfo).port}/`;
  }

  /** The run has started: its charts can be drawn from now on. */
  attach(aggregator: Aggregator, startedAt: Date): void {
    this.live = new LiveCharts(aggregator, this.start.groups, startedAt);
    this.startedAtMs = startedAt.getTime();
  }

  progress(p: RunProgress): void {
    this.status = {
      second: p.second,
      durationMs: p.durationMs,
      phase: p.phase,
      planned: p.planned,
      connected: p.gauges.total.connected,
      booted: p.gauges.total.booted,
      chargingSessions: p.gauges.total.charging,
      callsPerSec: p.live.callsPerSec,
      p99Ms: p.live.p99Ms,
      errors: [...p.errors.values()].reduce((a, b) => a + b, 0),
    };
  }

  /**
   * The run's results are written (`report`: its report.html; undefined when the run failed
   * before): the page is sent to the final report, then the server closes, once the report has
   * been fetched, or at once when no page was polling (at most some seconds either way).
   */
  async finish(report: string | undefined): Promise<void> {
    this.report = report;
    this.ended = true;
    const endedAt = Date.now();
    // A page that polls learns of the end within a poll and fetches the report at once.
    const watched = (): boolean => Date.now() - this.lastPollAt < SILENCE_MS && Date.now() - endedAt < MAX_LINGER_MS;
    while (report !== undefined && !this.reportServed && watched()) await new Promise((resolve) => setTimeout(resolve, 100));
    await this.close();
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive connections of the browser would hold the server open.
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET' }).end('GET only\n');
      return;
    }
    if (url.pathname === '/') {
      if (this.ended && this.report !== undefined) {
        res.writeHead(302, { location: '/report.html' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LIVE_PAGE_CSP, 'cache-control': 'no-store' }).end(this.page);
      return;
    }
    if (url.pathname === `/${LIVE_PATH}`) {
      this.lastPollAt = Date.now();
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(this.answer(url.searchParams.get('from'))));
      return;
    }
    if (url.pathname === '/report.html' && this.report !== undefined) {
      const html = await readFile(this.report, 'utf8');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html, () => {
        this.reportServed = true;
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(url.pathname === '/report.html' ? 'the report is written when the run ends\n' : 'not found: the dashboard is at /\n');
  }

  private answer(fromText: string | null): object {
    if (this.ended && this.report !== undefined) return { ended: true, report: '/report.html' };
    const from = fromText !== null && /^\d+$/.test(fromText) ? Number(fromText) : 0;
    if (this.live === undefined) return { from: 0, to: 0, charts: [], status: this.status };
    return { ...this.live.update(from), startedAtMs: this.startedAtMs, status: this.status };
  }
}
