import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from './closed-port';
import { tempDir, waitFor } from './fleet-cli';

/** Debian's Prometheus server (package prometheus; .ci/run installs it). */
export const PROMETHEUS = '/usr/bin/prometheus';

export interface PrometheusServer {
  /** Its remote-write receiver. */
  readonly writeUrl: string;
  /** An instant query's vector: each result's labels and value. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/**
 * A real Prometheus server on 127.0.0.1 with its remote-write receiver on, a storage of its own in
 * a temporary folder, and nothing to scrape: what it holds is what was pushed to it. Stopped by
 * `stop()`, and killed with the test process at the latest.
 */
export async function startPrometheus(): Promise<PrometheusServer> {
  if (!existsSync(PROMETHEUS)) {
    throw new Error(`${PROMETHEUS} is missing: this test needs Debian's prometheus (apt-get install -y --no-install-recommends prometheus; .ci/run installs it)`);
  }
  const dir = tempDir('prometheus');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  evaluation_interval: 1m\nscrape_configs: []\n');
  const port = await closedPort();
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  try {
    await waitFor(
      `Prometheus ready on ${base}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log}`);
        const res = await fetch(`${base}/-/ready`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    kill();
    throw err;
  }
  return {
    writeUrl: `${base}/api/v1/write`,
    async query(expr) {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const answer = (await res.json()) as QueryAnswer;
      if (answer.status !== 'success' || answer.data === undefined) throw new Error(`query ${expr}: ${answer.error ?? res.status}`);
      return answer.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      process.removeListener('exit', kill);
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
