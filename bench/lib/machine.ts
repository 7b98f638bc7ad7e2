import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, freemem, hostname, platform, release, totalmem, type } from 'node:os';
import { join } from 'node:path';

/** What a figure was measured on: written into every results file, since figures only mean something beside it. */
export interface MachineDescription {
  readonly os: string;
  readonly kernel: string;
  readonly arch: string;
  readonly host: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly cpuMhz: number;
  readonly memoryMb: number;
  readonly freeMemoryMb: number;
  readonly node: string;
  readonly v8: string;
  readonly ws: string;
  readonly openFilesLimit: number | null;
}

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(require.resolve(`${name}/package.json`)), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function openFilesLimit(): number | null {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim();
    const n = Number(out);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

export function describeMachine(): MachineDescription {
  const list = cpus();
  return {
    os: `${type()} ${platform()}`,
    kernel: release(),
    arch: arch(),
    host: hostname(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    cpuMhz: list[0]?.speed ?? 0,
    memoryMb: Math.round(totalmem() / 1048576),
    freeMemoryMb: Math.round(freemem() / 1048576),
    node: process.version,
    v8: process.versions.v8,
    ws: packageVersion('ws'),
    openFilesLimit: openFilesLimit(),
  };
}

export function machineLine(m: MachineDescription): string {
  return `${m.cpus} × ${m.cpuModel}, ${Math.round(m.memoryMb / 1024)} GB, ${m.os} ${m.kernel}, Node ${m.node}, ws ${m.ws}, open files ${m.openFilesLimit ?? '?'}`;
}
