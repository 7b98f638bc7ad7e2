import type { RawGroup, RawRamp } from './file-schema';
import { IDENTITY_RULE, loadIdentities, patternProblem, type IdentitiesSpec } from './identities';
import { show, type FieldPath, type Locator } from './load-errors';
import { resolveSessions } from './resolve-sessions';
import { resolveSignedMeterValues } from './resolve-signed';
import { INLINE_SCRIPT, type ScriptSpec } from './script';
import { checkSendPayloads, resolveSteps, type PayloadCheck } from './script-load';
import type { GroupSpec, RampSpec, SessionSpec } from './types';
import { formatDuration, parseDuration, parseRate } from './units';
import type { OcppVersionName } from './version-name';

/** The model a group's BootNotification names when the scenario gives none. */
const MODELS: Readonly<Record<OcppVersionName, string>> = { '1.6': 'VirtualCP-16', '2.0.1': 'VirtualCS-201', '2.1': 'VirtualCS-21' };

function ms(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) as number);
}

/** The smallest interval a station can keep at this time scale: `realMs` of real time, at least `floorMs` as written. */
function atLeast(floorMs: number, realMs: number, timeScale: number): { minMs: number; words: string } {
  const minMs = Math.max(floorMs, realMs * timeScale);
  return { minMs, words: minMs === floorMs ? `at least ${formatDuration(minMs)}` : `at least ${formatDuration(minMs)} at timeScale ${timeScale} (${formatDuration(realMs)} of real time)` };
}

/** What groups share from the rest of the file, and what the caller hands in. */
export interface GroupContext {
  readonly timeScale: number;
  /** The named scripts of `scripts:`. */
  readonly scripts: ReadonlyMap<string, ScriptSpec>;
  /** Checks `send` payloads against the official schemas; absent: not checked when loading. */
  readonly checkPayload: PayloadCheck | undefined;
}

/** A group of the file, resolved and checked beyond what the schema can say. */
export function resolveGroup(g: RawGroup, path: FieldPath, at: Locator, context: GroupContext): GroupSpec {
  const timeScale = context.timeScale;
  const here = (field: FieldPath, detail: string): Error => at.error([...path, ...field], detail);
  const ramp = resolveRamp(g.ramp, [...path, 'ramp'], at);
  const reconnect = { minMs: ms(g.reconnect?.min, 1000), maxMs: ms(g.reconnect?.max, 30_000), jitter: g.reconnect?.jitter ?? 0.5 };
  if (reconnect.minMs > reconnect.maxMs) {
    // Blame the bound the file sets; when both are written, the minimum.
    if (g.reconnect?.min === undefined) {
      throw here(['reconnect', 'max'], `expected at least reconnect.min (${formatDuration(reconnect.minMs)}, the default), got ${show(g.reconnect?.max)}`);
    }
    const max = g.reconnect.max === undefined ? `${formatDuration(reconnect.maxMs)}, the default` : formatDuration(reconnect.maxMs);
    throw here(['reconnect', 'min'], `expected at most reconnect.max (${max}), got ${show(g.reconnect.min)}`);
  }
  const pingTimeoutMs = g.pingTimeout === undefined ? undefined : ms(g.pingTimeout, 0);
  if (pingTimeoutMs !== undefined && pingTimeoutMs < 100) throw here(['pingTimeout'], `expected at least 100ms, got ${show(g.pingTimeout)}`);
  const heartbeatIntervalMs = g.heartbeatInterval === undefined ? undefined : ms(g.heartbeatInterval, 0);
  const heartbeat = atLeast(1000, 100, timeScale);
  if (heartbeatIntervalMs !== undefined && heartbeatIntervalMs < heartbeat.minMs) {
    throw here(['heartbeatInterval'], `expected ${heartbeat.words}, got ${show(g.heartbeatInterval)}`);
  }
  const identity = g.identity ?? `${g.name}-{index:05}`;
  if (g.identity !== undefined && g.identities !== undefined) throw here(['identities'], 'expected either this or identity (a pattern), got both');
  const identities = g.identities === undefined ? undefined : loadIdentities(g.identities, at.file, (reason) => here(['identities'], reason));
  const count = countOf(g, identities, here);
  if (identities === undefined && !/\{index(:0\d+)?\}/.test(identity)) {
    throw here(['identity'], `expected a pattern with {index} or {index:0N} such as "ACME-{index:05}", got ${show(g.identity)}`);
  }
  const bad = identities === undefined ? patternProblem(identity, count) : undefined;
  if (bad !== undefined) {
    // The default pattern is made of the name: the name is what to change (or give a pattern).
    if (g.identity === undefined) {
      const got = /^\d+ characters$/.test(bad.problem) ? `identities of ${bad.problem}` : `identities with ${bad.problem}`;
      throw here(['name'], `expected a name whose default identities (<name>-{index:05}) are each ${IDENTITY_RULE}, got ${got}; shorten the name or give "identity"`);
    }
    throw here(['identity'], `expected a pattern that makes ${IDENTITY_RULE}, got ${show(identity)}: station ${bad.index} would be ${show(bad.identity)} (${bad.problem})`);
  }
  const sessions = withScript(resolveSessions(g.sessions ?? {}, [...path, 'sessions'], at), g, path, at, context, identities, count);
  const meter = atLeast(100, 100, timeScale);
  if (sessions.meterIntervalMs < meter.minMs) throw here(['sessions', 'meterInterval'], `expected ${meter.words}, got ${show(g.sessions?.meterInterval)}`);
  const signedMeterValues = resolveSignedMeterValues(g, sessions, path, at);
  return Object.freeze({
    name: g.name,
    count,
    ocpp: g.ocpp,
    connectors: g.connectors ?? 1,
    identity,
    ...(identities === undefined ? { identityLine: at.line([...path, g.identity === undefined ? 'name' : 'identity']) } : {}),
    vendor: g.vendor ?? 'ocpp-fleet',
    model: g.model ?? MODELS[g.ocpp],
    firmware: g.firmware ?? '0.1.0',
    startAtMs: ms(g.startAt, 0),
    ramp,
    heartbeatIntervalMs,
    pingIntervalMs: g.pingInterval === undefined ? undefined : ms(g.pingInterval, 0),
    pingTimeoutMs,
    maxFrameBytes: g.maxFrameSize,
    compression: g.compression ?? 'none',
    reconnect: Object.freeze(reconnect),
    sessions,
    ...(signedMeterValues === undefined ? {} : { signedMeterValues }),
    ...(identities === undefined ? {} : { identities }),
  });
}

/** `count`, or with an identities file the number of its rows (a count above them is an error). */
function countOf(g: RawGroup, identities: IdentitiesSpec | undefined, here: (field: FieldPath, detail: string) => Error): number {
  if (identities === undefined) {
    if (g.count === undefined) throw here(['count'], 'is required');
    return g.count;
  }
  const rows = identities.rows.length;
  if (g.count === undefined) return rows;
  if (g.count > rows) throw here(['count'], `expected at most ${rows} (the rows of ${identities.written}), got ${g.count}`);
  return g.count;
}

/**
 * The group's session script (`sessions.script`: a name under `scripts:` or a list of steps), its
 * `send` payloads checked against the schemas of every version the group's stations speak.
 */
function withScript(
  sessions: SessionSpec,
  g: RawGroup,
  path: FieldPath,
  at: Locator,
  context: GroupContext,
  identities: IdentitiesSpec | undefined,
  count: number,
): SessionSpec {
  const raw = g.sessions?.script;
  if (raw === undefined) return sessions;
  const field = [...path, 'sessions', 'script'];
  let script: ScriptSpec;
  let stepsPath: FieldPath = field;
  if (typeof raw === 'string') {
    const named = context.scripts.get(raw);
    if (named === undefined) {
      const known = [...context.scripts.keys()];
      throw at.error(field, `expected the name of a script under "scripts:"${known.length > 0 ? ` (${known.join(', ')})` : ' (there are none)'}, got ${show(raw)}`);
    }
    script = named;
    stepsPath = ['scripts', raw];
  } else {
    script = Object.freeze({ name: INLINE_SCRIPT, steps: resolveSteps(raw, field, at, context.timeScale) });
  }
  if (context.checkPayload !== undefined) {
    const versions = new Set<OcppVersionName>([g.ocpp]);
    for (const r of identities?.rows.slice(0, count) ?? []) if (r.ocpp !== undefined) versions.add(r.ocpp);
    checkSendPayloads(script.steps, stepsPath, versions, context.checkPayload, at);
  }
  return Object.freeze({ ...sessions, script });
}

/** A rate the schema let through; 0 where the schema allows it (the start of a linear ramp). */
function rateOf(value: string | number): number {
  return typeof value === 'number' ? value : (parseRate(value) ?? 0);
}

function resolveRamp(raw: RawRamp | undefined, path: FieldPath, at: Locator): RampSpec {
  if (raw === undefined) return { kind: 'rate', perSec: 200 };
  const positive = (value: string | number, field: FieldPath, example: string): number => {
    const rate = rateOf(value);
    // Schema patterns let "0/s" through; a zero rate would pace connections infinitely far apart.
    if (!(rate > 0)) throw at.error([...path, ...field], `expected a rate above 0 such as ${example}, got ${show(value)}`);
    return rate;
  };
  if (raw === 'all') return { kind: 'all' };
  if (typeof raw !== 'object') return { kind: 'rate', perSec: positive(raw, [], '"200/s" or "all"') };
  if (raw.linear !== undefined) {
    const { from, to, over } = raw.linear;
    const overMs = parseDuration(over) as number;
    if (overMs <= 0) throw at.error([...path, 'linear', 'over'], `expected more than 0s, got ${show(over)}`);
    return { kind: 'linear', fromPerSec: rateOf(from), toPerSec: positive(to, ['linear', 'to'], '"500/s"'), overMs };
  }
  const steps = (raw.steps ?? []).map((s, i) => {
    const atMs = parseDuration(s.at) as number;
    if (i === 0 && atMs !== 0) throw at.error([...path, 'steps', 0, 'at'], `expected 0s (the first step starts the ramp), got ${show(s.at)}`);
    return { atMs, perSec: positive(s.rate, ['steps', i, 'rate'], '"200/s"') };
  });
  steps.forEach((s, i) => {
    const before = steps[i - 1];
    if (before !== undefined && s.atMs <= before.atMs) {
      throw at.error([...path, 'steps', i, 'at'], `expected after steps[${i - 1}].at (${formatDuration(before.atMs)}), got ${show(raw.steps?.[i]?.at)}`);
    }
  });
  return { kind: 'steps', steps };
}
