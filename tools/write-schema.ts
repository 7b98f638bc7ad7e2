import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EDITOR_SCHEMA_FILE, editorSchemaText } from '../src/scenario/editor-schema';

/**
 * `npm run schema`: writes schema/scenario.schema.json from the loader's definitions. The file is
 * committed, so that an editor in a checkout finds it before any build, and shipped in the
 * package; test/unit/scenario-editor-schema.test.ts fails when it is out of date.
 */
const path = join(__dirname, '..', '..', EDITOR_SCHEMA_FILE);
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, editorSchemaText());
process.stdout.write(`wrote ${path}\n`);
