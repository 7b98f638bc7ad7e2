import { ScenarioError, show } from './load-errors';
import type { GroupSpec } from './types';

/**
 * Two groups that would give the same identity (two patterns, a pattern and a CSV row, two CSV
 * files): two stations would take each other's connection at the CSMS, and the results would
 * count one station for two. Found without listing every identity when it can be: a pattern's
 * identities are `prefix + digits + suffix`, so two patterns whose fixed parts cannot line up
 * never meet, and a CSV row is tested against the patterns whose prefix it starts with.
 */

/** A group's pattern cut around `{index}`: `ACME-{index:05}-x` is `ACME-`, 5, `-x`. */
interface Pattern {
  readonly group: number;
  readonly prefix: string;
  readonly width: number;
  readonly suffix: string;
  readonly count: number;
}

/** One side of a clash: which group, which station, where it is written. */
interface Side {
  readonly group: number;
  /** Station number in the group, from 1. */
  readonly index: number;
  /** A CSV row: its file and line. */
  readonly row?: { readonly path: string; readonly line: number };
}

export interface IdentityClash {
  readonly identity: string;
  /** The later group's side: where the error is reported. */
  readonly here: Side;
  readonly other: Side;
}

const INDEX = /\{index(?::0(\d+))?\}/;

function cut(group: number, pattern: string, count: number): Pattern | undefined {
  const m = INDEX.exec(pattern);
  if (m === null) return undefined;
  return { group, prefix: pattern.slice(0, m.index), width: m[1] === undefined ? 0 : Number(m[1]), suffix: pattern.slice(m.index + m[0].length), count };
}

/** The station number `identity` has in pattern `p`, or undefined when the pattern does not give it. */
function indexIn(p: Pattern, identity: string): number | undefined {
  const end = identity.length - p.suffix.length;
  if (end <= p.prefix.length || !identity.startsWith(p.prefix) || !identity.endsWith(p.suffix)) return undefined;
  const digits = identity.slice(p.prefix.length, end);
  if (digits.length > 15 || !/^\d+$/.test(digits)) return undefined;
  const index = Number(digits);
  // `{index:03}` gives 007 and 1234, never 7 or 01234.
  if (String(index).padStart(p.width, '0') !== digits) return undefined;
  return index >= 1 && index <= p.count ? index : undefined;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Whether two patterns can give one identity: their prefixes must agree up to the shorter one,
 * and where the shorter stops, the longer must go on with a digit (the shorter one's number
 * starts there); the same for the suffixes from the end. A necessary condition only: the pairs
 * it lets through are compared identity by identity.
 */
function mayMeet(a: Pattern, b: Pattern): boolean {
  const [p, q] = a.prefix.length <= b.prefix.length ? [a.prefix, b.prefix] : [b.prefix, a.prefix];
  if (!q.startsWith(p) || (q.length > p.length && !isDigit(q[p.length]))) return false;
  const [s, t] = a.suffix.length <= b.suffix.length ? [a.suffix, b.suffix] : [b.suffix, a.suffix];
  return t.endsWith(s) && (t.length === s.length || isDigit(t[t.length - s.length - 1]));
}

/** Sides in group order: the later group's side is `here`. */
function clash(identity: string, a: Side, b: Side): IdentityClash {
  return a.group > b.group || (a.group === b.group && (a.row?.line ?? a.index) > (b.row?.line ?? b.index))
    ? { identity, here: a, other: b }
    : { identity, here: b, other: a };
}

/** A CSV group's rows in use (the first `count`), each as a side of a possible clash. */
function* rowsOf(group: GroupSpec, g: number): Generator<[string, Side]> {
  const list = group.identities;
  if (list === undefined) return;
  for (let i = 0; i < group.count && i < list.rows.length; i++) {
    const r = list.rows[i] as (typeof list.rows)[number];
    yield [r.identity, { group: g, index: i + 1, row: { path: list.path, line: r.line } }];
  }
}

/** The first clash between the identities of the groups (with their counts as given), or undefined. */
export function findIdentityClash(groups: readonly GroupSpec[]): IdentityClash | undefined {
  const patterns: Pattern[] = [];
  const lists: number[] = [];
  groups.forEach((group, g) => {
    if (group.count === 0) return;
    if (group.identities !== undefined) lists.push(g);
    else {
      const p = cut(g, group.identity, group.count);
      if (p !== undefined) patterns.push(p);
    }
  });
  // A file's own duplicates were refused as it was read: rows meet rows only across files.
  if (lists.length > 1) {
    const rows = new Map<string, Side>();
    for (const g of lists) {
      for (const [identity, side] of rowsOf(groups[g] as GroupSpec, g)) {
        const first = rows.get(identity);
        if (first !== undefined && first.group !== g) return clash(identity, side, first);
        rows.set(identity, side);
      }
    }
  }
  return rowsAgainstPatterns(groups, lists, patterns) ?? patternsAgainstEachOther(patterns);
}

/** Each row against the patterns whose prefix it starts with, where a digit follows. */
function rowsAgainstPatterns(groups: readonly GroupSpec[], lists: readonly number[], patterns: readonly Pattern[]): IdentityClash | undefined {
  if (lists.length === 0 || patterns.length === 0) return undefined;
  const byPrefix = new Map<string, Pattern[]>();
  for (const p of patterns) byPrefix.set(p.prefix, [...(byPrefix.get(p.prefix) ?? []), p]);
  for (const g of lists) {
    for (const [identity, side] of rowsOf(groups[g] as GroupSpec, g)) {
      for (let k = 0; k < identity.length; k++) {
        if (!isDigit(identity[k])) continue;
        for (const p of byPrefix.get(identity.slice(0, k)) ?? []) {
          const index = indexIn(p, identity);
          if (index !== undefined) return clash(identity, side, { group: p.group, index });
        }
      }
    }
  }
  return undefined;
}

/** Identities compared pair by pair before the plain way (every identity in one map) is cheaper. */
const PAIR_BUDGET = 1_000_000;

const identityOf = (p: Pattern, index: number): string => p.prefix + String(index).padStart(p.width, '0') + p.suffix;

/** Pattern pairs that may meet: the smaller group's identities, each looked for in the other. */
function patternsAgainstEachOther(patterns: readonly Pattern[]): IdentityClash | undefined {
  let work = 0;
  for (let i = 0; i < patterns.length; i++) {
    for (let j = i + 1; j < patterns.length; j++) {
      const a = patterns[i] as Pattern;
      const b = patterns[j] as Pattern;
      if (!mayMeet(a, b)) continue;
      const [small, large] = a.count <= b.count ? [a, b] : [b, a];
      work += small.count;
      if (work > PAIR_BUDGET) return everyIdentity(patterns);
      for (let index = 1; index <= small.count; index++) {
        const identity = identityOf(small, index);
        const other = indexIn(large, identity);
        if (other !== undefined) return clash(identity, { group: small.group, index }, { group: large.group, index: other });
      }
    }
  }
  return undefined;
}

/** Many patterns that may meet: every identity in one map (the fleet is at most 1,000,000 stations). */
function everyIdentity(patterns: readonly Pattern[]): IdentityClash | undefined {
  const seen = new Map<string, Side>();
  for (const p of patterns) {
    for (let index = 1; index <= p.count; index++) {
      const identity = identityOf(p, index);
      const side: Side = { group: p.group, index };
      const first = seen.get(identity);
      if (first !== undefined) return clash(identity, side, first);
      seen.set(identity, side);
    }
  }
  return undefined;
}

/**
 * A clash as a located error: at the later group's pattern or CSV row, naming the other side's
 * group, station and file:line, e.g. `x.yaml:9: groups[1].identity: expected identities no other
 * group gives, got "CP-{index}", whose station 1 is "CP-1", as is station 1 of group a (x.yaml:5)`.
 * `file` is the scenario's; each group's line is its `identityLine`.
 */
export function clashError(c: IdentityClash, groups: readonly GroupSpec[], file: string): ScenarioError {
  const at = (line: number | undefined): string => `${file}${line === undefined ? '' : `:${line}`}`;
  const describe = (s: Side): string => {
    const g = groups[s.group] as GroupSpec;
    if (s.row !== undefined) return `the row of group ${g.name} at ${s.row.path}:${s.row.line}`;
    return `station ${s.index} of group ${g.name} (${at(g.identityLine)})`;
  };
  const { here, other } = c;
  if (here.row !== undefined) {
    const name = (groups[here.group] as GroupSpec).name;
    return new ScenarioError(here.row.path, here.row.line, 'identity', `expected an identity no other group gives, got ${show(c.identity)} for group ${name}, as does ${describe(other)}`);
  }
  const g = groups[here.group] as GroupSpec;
  return new ScenarioError(
    file,
    g.identityLine,
    `groups[${here.group}].identity`,
    `expected identities no other group gives, got ${show(g.identity)}, whose station ${here.index} is ${show(c.identity)}, as is ${describe(other)}`,
  );
}
