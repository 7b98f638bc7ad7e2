import { show, type FieldPath, type Locator } from './load-errors';
import type { ScriptSpec, ScriptStep } from './script';
import type { RawStep } from './script-schema';
import { formatDuration, parseDuration } from './units';
import type { OcppVersionName } from './version-name';

/**
 * What a `send` step's payload is checked with when the scenario loads: the official schemas live
 * in the protocol layer, which the scenario layer does not import, so the caller hands the check
 * in. It returns what is wrong (naming the schema field), or undefined.
 */
export type PayloadCheck = (
  version: OcppVersionName,
  action: string,
  payload: unknown,
) => { readonly field: 'action' | 'payload'; readonly detail: string } | undefined;

const NAME = /^[A-Za-z0-9._-]+$/;

/** Smallest meter interval a station keeps, real time (as for sessions.meterInterval). */
const MIN_REAL_INTERVAL_MS = 100;

/** The named scripts of `scripts:`, resolved and checked (order of steps included). */
export function resolveScripts(raw: Record<string, RawStep[]> | undefined, at: Locator, timeScale: number): Map<string, ScriptSpec> {
  const out = new Map<string, ScriptSpec>();
  for (const [name, steps] of Object.entries(raw ?? {})) {
    if (!NAME.test(name) || name.length > 64) throw at.error(['scripts', name], `expected a name of letters, digits, ".", "_" or "-", got ${show(name)}`);
    out.set(name, Object.freeze({ name, steps: resolveSteps(steps, ['scripts', name], at, timeScale) }));
  }
  return out;
}

/** A script's steps, each converted and the whole checked for steps that cannot happen where they are. */
export function resolveSteps(raw: readonly RawStep[], path: FieldPath, at: Locator, timeScale: number): readonly ScriptStep[] {
  const steps = raw.map((s, i) => resolveStep(s, [...path, i], at, timeScale));
  checkOrder(steps, path, at);
  return Object.freeze(steps);
}

function resolveStep(s: RawStep, path: FieldPath, at: Locator, timeScale: number): ScriptStep {
  if (typeof s === 'string') {
    switch (s) {
      case 'suspend':
        return { kind: 'suspend', by: 'EV' };
      case 'stop':
        return { kind: 'stop', reason: undefined };
      default:
        return { kind: s };
    }
  }
  if (s.wait !== undefined) return { kind: 'wait', ms: parseDuration(s.wait) as number };
  if (s.meterValues !== undefined) {
    const m = s.meterValues;
    const here = [...path, 'meterValues'];
    if ((m.count === undefined) === (m.until === undefined)) {
      throw at.error(here, `expected either count (a number of meter values) or until: end, got ${m.count === undefined ? 'neither' : 'both'}`);
    }
    let intervalMs: number | undefined;
    if (m.interval !== undefined) {
      intervalMs = parseDuration(m.interval) as number;
      const minMs = MIN_REAL_INTERVAL_MS * timeScale;
      if (intervalMs < minMs) {
        const words = timeScale === 1 ? '' : ` at timeScale ${timeScale} (100ms of real time)`;
        throw at.error([...here, 'interval'], `expected at least ${formatDuration(minMs)}${words}, got ${show(m.interval)}`);
      }
    }
    return { kind: 'meterValues', count: m.count, intervalMs };
  }
  if (s.suspend !== undefined) return { kind: 'suspend', by: s.suspend.by };
  if (s.stop !== undefined) return { kind: 'stop', reason: s.stop.reason };
  if (s.send !== undefined) return { kind: 'send', action: s.send.action, payload: Object.freeze(s.send.payload ?? {}) };
  if (s.stream !== undefined) return streamStep(s.stream, [...path, 'stream'], at);
  if (s.discharge !== undefined) return { kind: 'discharge', powerW: s.discharge.powerKw * 1000 };
  const frame = s.raw as string;
  return { kind: 'raw', frame, id: callIdOf(frame) };
}

/** OCPP gives a stream's interval in whole seconds: a scenario that asks for less, or a fraction, is told so. */
function streamStep(raw: { interval: string | number; values?: number }, path: FieldPath, at: Locator): ScriptStep {
  const intervalMs = parseDuration(raw.interval) as number;
  if (intervalMs < 1000 || intervalMs % 1000 !== 0) {
    throw at.error([...path, 'interval'], `expected a whole number of seconds, at least 1s (OCPP's PeriodicEventStreamParams.interval), got ${show(raw.interval)}`);
  }
  return { kind: 'stream', intervalMs, values: raw.values ?? 1 };
}

/** The message id of a raw frame that reads as a CALL, so that the CSMS's answer to it is recognised. */
function callIdOf(frame: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(frame);
    if (Array.isArray(parsed) && parsed[0] === 2 && typeof parsed[1] === 'string' && parsed[1] !== '') return parsed[1];
  } catch {
    // Malformed on purpose: sent as is; an answer to it, if any, has no id to match.
  }
  return undefined;
}

/**
 * Walk the steps through the states of a connector (plugged in, charging, suspended) and refuse
 * a step that could not happen where it is, saying what it needs: a script is a contract of exact
 * behaviour, and a step a station would have to skip silently would break it.
 */
function checkOrder(steps: readonly ScriptStep[], path: FieldPath, at: Locator): void {
  let plugged = false;
  let charging = false;
  let suspended = false;
  let discharging = false;
  steps.forEach((s, i) => {
    const fail = (detail: string): Error => at.error([...path, i], `${s.kind}: ${detail}`);
    if (i > 0 && steps[i - 1]?.kind === 'reboot') throw at.error([...path, i], `${s.kind}: expected nothing after reboot (a reboot ends every session of the station)`);
    switch (s.kind) {
      case 'plugIn':
        if (plugged) throw fail('expected the vehicle unplugged here; it is already plugged in');
        plugged = true;
        return;
      case 'authorize':
      case 'start':
        if (!plugged) throw fail('expected a plugged-in vehicle here; add plugIn before it');
        if (charging) throw fail('expected no running transaction here; one was started before');
        if (s.kind === 'start') charging = true;
        return;
      case 'meterValues':
      case 'suspend':
      case 'resume':
      case 'stop':
      case 'stream':
      case 'discharge':
        if (!charging) throw fail('expected a running transaction here; add start before it');
        if (s.kind === 'suspend' && suspended) throw fail('expected charging here; it is already suspended');
        if (s.kind === 'discharge' && discharging) throw fail('expected charging here; it is already discharging');
        if (s.kind === 'resume' && !suspended && !discharging) throw fail('expected a suspended or discharging transaction here; add suspend or discharge before it');
        if (s.kind === 'suspend' || s.kind === 'discharge') {
          suspended = s.kind === 'suspend';
          discharging = s.kind === 'discharge';
        }
        if (s.kind === 'resume' || s.kind === 'stop') {
          suspended = false;
          discharging = false;
        }
        if (s.kind === 'stop') charging = false;
        return;
      case 'unplug':
        if (!plugged) throw fail('expected a plugged-in vehicle here; add plugIn before it');
        plugged = false;
        charging = false;
        suspended = false;
        discharging = false;
        return;
      default:
        return;
    }
  });
}

/** Check the payload of every `send` step against the schemas of the versions that will run it, and that a `stream` step runs on 2.1 only. */
export function checkSendPayloads(
  steps: readonly ScriptStep[],
  path: FieldPath,
  versions: ReadonlySet<OcppVersionName>,
  check: PayloadCheck,
  at: Locator,
): void {
  steps.forEach((s, i) => {
    if (s.kind === 'stream' || s.kind === 'discharge') {
      const older = [...versions].filter((v) => v !== '2.1').sort();
      const what = s.kind === 'stream' ? 'periodic event streams are' : 'discharging (V2X) is';
      if (older.length > 0) throw at.error([...path, i, s.kind], `${what} OCPP 2.1's; this script runs on OCPP ${older.join(' and ')}`);
      return;
    }
    if (s.kind !== 'send') return;
    for (const version of [...versions].sort()) {
      const problem = check(version, s.action, s.payload);
      if (problem !== undefined) throw at.error([...path, i, 'send', problem.field], `OCPP ${version}: ${problem.detail}`);
    }
  });
}
