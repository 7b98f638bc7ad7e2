/**
 * Summarise V8 CPU profiles (.cpuprofile, as written by `node --cpu-prof`; worker threads write
 * their own): self time per function and per module, so that a hot path has a number next to it.
 *
 *   node dist/bench/profile.js <file-or-folder> [--top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  functions: ProfileLine[];
  modules: ProfileLine[];
}

/** Where a frame's code lives, shortened: `ws/lib/sender.js`, `src/ocpp/session.js`, `(native)`. */
function moduleOf(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  // Self time per node from the samples and their time deltas (µs).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    // The delta after a sample is the time it stood for.
    const d = (deltas[i + 1] ?? 0) as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + d);
  }
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') {
      if (functionName === '(idle)') idle += us;
      const key = functionName;
      fns.set(key, (fns.get(key) ?? 0) + us);
      mods.set(key, (mods.get(key) ?? 0) + us);
      continue;
    }
    const mod = moduleOf(url);
    const key = `${functionName || '(anonymous)'} ${mod}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    mods.set(mod, (mods.get(mod) ?? 0) + us);
  }
  const busy = Math.max(1, total - idle);
  const lines = (m: Map<string, number>): ProfileLine[] =>
    [...m.entries()]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, share: Math.round((us / busy) * 1000) / 10 }));
  return { file, totalMs: Math.round(total / 1000), idleMs: Math.round(idle / 1000), functions: lines(fns), modules: lines(mods) };
}

export function formatProfile(s: ProfileSummary): string {
  const out = [`${s.file}: ${s.totalMs} ms sampled, ${s.idleMs} ms idle; shares are of the busy time`];
  out.push('  by module:');
  for (const l of s.modules) out.push(`    ${String(l.share).padStart(5)} %  ${String(l.selfMs).padStart(8)} ms  ${l.name}`);
  out.push('  by function (self time):');
  for (const l of s.functions) out.push(`    ${String(l.share).padStart(5)} %  ${String(l.selfMs).padStart(8)} ms  ${l.name}`);
  return out.join('\n');
}

function profilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f));
}

if (require.main === module) {
  const path = process.argv[2];
  if (path === undefined) {
    process.stderr.write('usage: node dist/bench/profile.js <file.cpuprofile | folder> [--top N]\n');
    process.exit(2);
  }
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 25;
  for (const f of profilesIn(path)) process.stdout.write(`${formatProfile(summariseProfile(f, top))}\n\n`);
}
