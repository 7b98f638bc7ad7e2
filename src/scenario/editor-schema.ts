import { join } from 'node:path';
import { SCENARIO_FILE_SCHEMA } from './file-schema';

/**
 * The scenario file's JSON Schema for editors (yaml-language-server, VS Code, IntelliJ): the
 * loader's own SCENARIO_FILE_SCHEMA, so that what an editor completes and checks is what `run`
 * accepts, without the loader's custom keyword (`maxDurationMs`, a bound on durations written in
 * any unit, which no editor knows; the pattern and the description stay). Written to
 * schema/scenario.schema.json by `npm run schema`; a unit test holds the file to this.
 */
export const EDITOR_SCHEMA_FILE = join('schema', 'scenario.schema.json');

/** Where the package holds it, found from this module's place in dist/. */
export const EDITOR_SCHEMA_PATH = join(__dirname, '..', '..', '..', EDITOR_SCHEMA_FILE);

const LOADER_ONLY_KEYWORDS: ReadonlySet<string> = new Set(['maxDurationMs']);

function withoutLoaderKeywords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLoaderKeywords);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !LOADER_ONLY_KEYWORDS.has(key))
      .map(([key, v]) => [key, withoutLoaderKeywords(v)]),
  );
}

export function editorSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ocpp-fleet scenario',
    description: 'A fleet of virtual OCPP charge points and what they do (scenarios/README.md).',
    ...(withoutLoaderKeywords(SCENARIO_FILE_SCHEMA) as Record<string, unknown>),
  };
}

/** The file's text: what `npm run schema` writes and the test compares. */
export function editorSchemaText(): string {
  return `${JSON.stringify(editorSchema(), null, 2)}\n`;
}

/** The comment line that points an editor at the schema, from a file in `fromDir`. */
export function schemaComment(schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}`;
}
