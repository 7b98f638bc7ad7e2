import { StrictCsms } from './strict-csms';

/**
 * The strict CSMS as a process of its own: `node strict-csms-main.js [--rate N] [--seed N]
 * [--heartbeat S]`. Its first stdout line is `{"url": "ws://127.0.0.1:PORT", "stats": "http://…/stats"}`;
 * `GET /stats` gives its counts (StrictCsmsCounts) while it runs, and on SIGTERM it prints them
 * as one last JSON line and exits 0.
 */
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`strict-csms: ${name} needs a number ≥ 0\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const csms = new StrictCsms({
    callRate: option('--rate', 0),
    seed: option('--seed', 1),
    heartbeatIntervalS: option('--heartbeat', 60),
  });
  const url = await csms.listen();
  process.stdout.write(`${JSON.stringify({ url, stats: `${url.replace('ws:', 'http:')}/stats` })}\n`);
  process.once('SIGTERM', () => {
    const counts = csms.counts();
    void csms.close().finally(() => {
      process.stdout.write(`${JSON.stringify(counts)}\n`, () => process.exit(0));
    });
  });
  // The parent going away (a test that failed hard) ends this process too.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

void main();
