/**
 * The name tables that turn the pump's codes into names (actions, groups, error kinds, counters),
 * and the lookups over them: a code with no name (a newer writer) keeps its number.
 */
export interface NameTables {
  readonly actionNames: readonly string[];
  readonly groupNames: readonly string[];
  readonly errorNames: readonly string[];
  readonly counterNames: readonly string[];
}

export function nameOf(table: readonly string[], code: number, what: string): string {
  return table[code] ?? `${what}#${code}`;
}

export function byGroupName(counts: readonly (number[] | undefined)[], names: NameTables, table: readonly string[], what: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  counts.forEach((byCode, group) => {
    if (byCode !== undefined) out.set(nameOf(names.groupNames, group, 'group'), countsByName(byCode, table, what));
  });
  return out;
}

export function countsByName(counts: readonly (number | undefined)[], names: readonly string[], what: string): Map<string, number> {
  const out = new Map<string, number>();
  counts.forEach((n, code) => {
    if (n !== undefined) out.set(nameOf(names, code, what), n);
  });
  return out;
}
