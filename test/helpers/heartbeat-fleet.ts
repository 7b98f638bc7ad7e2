import { rmSync } from 'node:fs';
import { startEmbeddedCsms, type EmbeddedCsms } from '../../src/csms/child';
import { endOfRunText } from '../../src/report/run-text';
import { tempDir } from './fleet-cli';
import type { FleetResult } from './run-fleet';

/**
 * The run the verdict tests (run health, thresholds, compare) judge: groups that boot at once and
 * heartbeat every second with no charging session, so every figure has samples within seconds.
 */
export interface HeartbeatGroup {
  readonly name: string;
  readonly count: number;
  readonly ocpp: '1.6' | '2.0.1';
  readonly identity: string;
  /** The group's `reconnect` block, e.g. "{min: 500ms, max: 1s}". */
  readonly reconnect?: string;
}

export interface HeartbeatScenario {
  readonly name: string;
  readonly duration: string;
  readonly seed: number;
  readonly callTimeout: string;
  /** Lines placed before `groups:`, from line 7 of the file on (a `thresholds:` or `health:` block). */
  readonly head?: string;
  readonly groups: readonly HeartbeatGroup[];
}

export function heartbeatScenario(s: HeartbeatScenario): string {
  const groups = s.groups.map(
    (g) => `
  - name: ${g.name}
    count: ${g.count}
    ocpp: "${g.ocpp}"
    identity: "${g.identity}"
    ramp: all
    heartbeatInterval: 1s${g.reconnect === undefined ? '' : `\n    reconnect: ${g.reconnect}`}
    sessions: { idle: 1h }`,
  );
  return `
name: ${s.name}
duration: ${s.duration}
seed: ${s.seed}
callTimeout: ${s.callTimeout}
gracefulStop: 1s
${s.head ?? ''}
groups:${groups.join('')}
`;
}

/** The first line `ocpp-fleet run` prints on stdout at the end of this run: the verdict. */
export function verdictLine(r: FleetResult): string {
  return endOfRunText(r.summary, r.result.thresholds, r.result.dir).split('\n')[0] ?? '';
}

/** Temporary folders and embedded CSMSs of a test file, all gone in its `after`. */
export class Scratch {
  private readonly dirs: string[] = [];
  private readonly servers: EmbeddedCsms[] = [];

  dir(prefix: string): string {
    const dir = tempDir(prefix);
    this.dirs.push(dir);
    return dir;
  }

  async csms(options: Parameters<typeof startEmbeddedCsms>[0] = {}): Promise<EmbeddedCsms> {
    const csms = await startEmbeddedCsms(options);
    this.servers.push(csms);
    return csms;
  }

  async close(): Promise<void> {
    for (const s of this.servers) await s.stop();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
