import { dirname, isAbsolute, join } from 'node:path';
import { InputFileProblem, readInputText } from './input-file';
import { ScenarioError, show } from './load-errors';
import { OCPP_VERSION_NAMES, type OcppVersionName } from './version-name';

/**
 * A group's stations listed one a row in a CSV file (`identities: stations.csv`), for fleets whose
 * identities and passwords exist already. A password is a secret: no message ever quotes a line
 * that holds one, only its number (a comma in an unquoted password shifts the columns, so even a
 * neighbouring field may hold part of it).
 */
export interface IdentityRow {
  readonly identity: string;
  /** HTTP Basic auth password of this station; undefined: the run's --password-* flags, if any. */
  readonly password: string | undefined;
  /** Undefined: the group's version. */
  readonly ocpp: OcppVersionName | undefined;
  /** Undefined: the group's connectors. */
  readonly connectors: number | undefined;
  /** Line in the file, for messages. */
  readonly line: number;
}

export interface IdentitiesSpec {
  /** The path as the scenario writes it (relative to the scenario file), for the plan and reports. */
  readonly written: string;
  /** The path read, as messages show it. */
  readonly path: string;
  readonly rows: readonly IdentityRow[];
}

export const IDENTITY_COLUMNS = ['identity', 'password', 'ocpp', 'connectors'] as const;
type Column = (typeof IDENTITY_COLUMNS)[number];

/** OCPP 2.0.1 caps a charging station's identity at 48 characters (1.6 stations use the same in practice). */
export const MAX_IDENTITY_LENGTH = 48;

/** What an identity must be, as messages say it. */
export const IDENTITY_RULE = `an identity of 1 to ${MAX_IDENTITY_LENGTH} printable ASCII characters without blanks, "/", "..", commas or quotes`;

/**
 * What is wrong with a station identity (`53 characters`, `a blank`, …), or undefined. One rule
 * for identities from CSV rows and from patterns: it is the last segment of the URL path (OCPP-J),
 * so no blank and no `/` or `..` (a proxy or a CSMS that decodes the path would read another
 * path); it is the Basic auth user and the file name of its client certificate
 * (`<dir>/<identity>.pem`); and CSV files list it, so no comma or quote.
 */
export function identityProblem(identity: string): string | undefined {
  if (identity.length === 0) return 'empty';
  if (identity.length > MAX_IDENTITY_LENGTH) return `${identity.length} characters`;
  if (/\s/.test(identity)) return 'a blank';
  if (/[^\x21-\x7e]/.test(identity)) return 'a character outside printable ASCII';
  if (identity.includes('/')) return 'a "/"';
  if (identity.includes('..')) return 'a ".."';
  if (identity.includes(',')) return 'a comma';
  if (identity.includes('"')) return 'a quote';
  return undefined;
}

const INDEX = /\{index(?::0(\d+))?\}/;

/** A pattern's identity for station `index` (from 1): `{index}` or `{index:0N}` (padded to N digits) replaced. */
export function formatIdentity(pattern: string, index: number): string {
  return pattern.replace(INDEX, (_m, width: string | undefined) => String(index).padStart(width ? Number(width) : 0, '0'));
}

/**
 * The first station of a pattern whose identity breaks the rule, with `count` stations: the
 * characters are the same for every index and the longest identity is the last one's, so the
 * first and the last say it all.
 */
export function patternProblem(pattern: string, count: number): { index: number; identity: string; problem: string } | undefined {
  for (const index of count > 1 ? [1, count] : [1]) {
    const identity = formatIdentity(pattern, index);
    const problem = identityProblem(identity);
    if (problem !== undefined) return { index, identity, problem };
  }
  return undefined;
}

const MAX_CONNECTORS = 32;

/** Most charge points a fleet has (as `--cps`): the plan lists every one, so a file may list no more. */
export const MAX_FLEET = 1_000_000;

/** Where `written` (relative to the scenario file) is, as a path to read and to show. */
export function identitiesPath(written: string, scenarioFile: string): string {
  return isAbsolute(written) ? written : join(dirname(scenarioFile), written);
}

/** Read and parse a group's identities file; a file that cannot be read is `onUnreadable`'s error. */
export function loadIdentities(written: string, scenarioFile: string, onUnreadable: (reason: string) => Error): IdentitiesSpec {
  const path = identitiesPath(written, scenarioFile);
  let text: string;
  try {
    text = readInputText(path, 'identities');
  } catch (err) {
    if (!(err instanceof InputFileProblem)) throw err;
    throw onUnreadable(err.code === undefined ? `${path} ${err.message}` : `cannot read ${path} (${err.code})`);
  }
  return Object.freeze({ written, path, rows: parseIdentities(text, path) });
}

/** The rows of an identities CSV: a header naming the columns (identity first or not), then a station a line. */
export function parseIdentities(text: string, file: string): readonly IdentityRow[] {
  const lines = text.split(/\r?\n/);
  let columns: Column[] | undefined;
  let headerLine = 1;
  const rows: IdentityRow[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    if (columns === undefined) {
      columns = parseHeader(raw, file, line);
      headerLine = line;
      return;
    }
    if (rows.length === MAX_FLEET) throw new ScenarioError(file, line, '', `expected at most ${MAX_FLEET.toLocaleString('en-US')} stations, got more (the file is not read further)`);
    const fields = splitLine(raw);
    if (fields === undefined) throw new ScenarioError(file, line, '', 'expected a closing double quote (the line is not shown: it may hold a password)');
    if (fields.length !== columns.length) {
      throw new ScenarioError(
        file,
        line,
        '',
        `expected ${columns.length} fields (${columns.join(',')}), got ${fields.length}; a value with a comma goes in double quotes (the line is not shown: it may hold a password)`,
      );
    }
    const value = (c: Column): string => {
      const k = (columns as Column[]).indexOf(c);
      return k < 0 ? '' : (fields[k] as string);
    };
    const password = value('password');
    // Another field is quoted back only when the line holds no password (see the file's comment).
    const got = (v: string): string => (password === '' ? show(v) : 'something else (not shown: the line holds a password)');
    const identity = value('identity');
    const problem = identityProblem(identity);
    if (problem !== undefined) throw new ScenarioError(file, line, 'identity', `expected ${IDENTITY_RULE}, got ${show(identity)} (${problem})`);
    const first = seen.get(identity);
    if (first !== undefined) throw new ScenarioError(file, line, 'identity', `expected an identity no other row uses, got ${show(identity)} (also line ${first})`);
    seen.set(identity, line);
    const ocpp = value('ocpp');
    if (ocpp !== '' && !(OCPP_VERSION_NAMES as readonly string[]).includes(ocpp)) throw new ScenarioError(file, line, 'ocpp', `expected "1.6" or "2.0.1" or "2.1", got ${got(ocpp)}`);
    const connectors = value('connectors');
    if (connectors !== '' && !(/^\d+$/.test(connectors) && Number(connectors) >= 1 && Number(connectors) <= MAX_CONNECTORS)) {
      throw new ScenarioError(file, line, 'connectors', `expected a whole number from 1 to ${MAX_CONNECTORS}, got ${got(connectors)}`);
    }
    rows.push(
      Object.freeze({
        identity,
        password: password === '' ? undefined : password,
        ocpp: ocpp === '' ? undefined : (ocpp as OcppVersionName),
        connectors: connectors === '' ? undefined : Number(connectors),
        line,
      }),
    );
  });
  if (columns === undefined) throw new ScenarioError(file, 1, '', `expected a header line naming the columns (${IDENTITY_COLUMNS.join(',')}), got an empty file`);
  if (rows.length === 0) throw new ScenarioError(file, headerLine, '', 'expected at least one station after the header, got none');
  return Object.freeze(rows);
}

function parseHeader(raw: string, file: string, line: number): Column[] {
  const names = splitLine(raw) ?? [raw];
  const columns: Column[] = [];
  names.forEach((written, k) => {
    const name = written.toLowerCase();
    if (!(IDENTITY_COLUMNS as readonly string[]).includes(name)) {
      // A file without a header starts with a station: its first field is an identity, but the
      // others may be a password, so only a real header's names (or the first field) are quoted.
      const got = k === 0 || names[0]?.toLowerCase() === 'identity' ? show(written) : `an unknown column ${k + 1}`;
      throw new ScenarioError(file, line, 'header', `expected a first line naming the columns ${IDENTITY_COLUMNS.join(',')} (identity required, the others optional), got ${got}`);
    }
    if (columns.includes(name as Column)) throw new ScenarioError(file, line, 'header', `expected each column once, got ${show(written)} twice`);
    columns.push(name as Column);
  });
  if (!columns.includes('identity')) {
    throw new ScenarioError(file, line, 'header', `expected the column "identity" among ${columns.join(',')} (${IDENTITY_COLUMNS.join(',')})`);
  }
  return columns;
}

/**
 * The fields of one CSV line (RFC 4180 within a line: a field in double quotes may hold commas,
 * `""` is a quote). Unquoted fields are trimmed. Undefined when a quote is left open.
 */
function splitLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const comma = line.indexOf(',', i);
      // Text between the closing quote and the comma is not part of CSV; keep the value as quoted.
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push((comma < 0 ? line.slice(i) : line.slice(i, comma)).trim());
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/** Every password the groups' identities files give, by identity (the run's Basic auth uses them first). */
export function identityPasswords(groups: readonly { readonly identities?: IdentitiesSpec | undefined }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of groups) for (const r of g.identities?.rows ?? []) if (r.password !== undefined) out.set(r.identity, r.password);
  return out;
}
