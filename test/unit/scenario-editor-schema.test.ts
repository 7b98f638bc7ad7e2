import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { EDITOR_SCHEMA_FILE, EDITOR_SCHEMA_PATH, editorSchema, editorSchemaText } from '../../src/scenario/editor-schema';
import { parseScenario } from '../../src/scenario/load';
import { shippedScenarios } from '../../src/scenario/shipped';
import { starterScenario } from '../../src/scenario/starter';
import { REPO_ROOT } from '../helpers/fleet-cli';

/**
 * The scenario file's schema for editors: the committed file is what the loader's definitions
 * give (`npm run schema` rewrites it), it is a schema a standard validator takes without the
 * loader's own keyword, and the files that point at it (the shipped ones, init's starter) pass it.
 */
function editorValidator(): ReturnType<Ajv['compile']> {
  // strict: an unknown keyword (one only the loader knows) would throw here, as it would warn in an editor.
  return new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(JSON.parse(readFileSync(join(REPO_ROOT, EDITOR_SCHEMA_FILE), 'utf8')));
}

describe('the scenario schema for editors', () => {
  test('schema/scenario.schema.json is what the loader gives (run `npm run schema` after changing the loader)', () => {
    assert.equal(readFileSync(join(REPO_ROOT, EDITOR_SCHEMA_FILE), 'utf8'), editorSchemaText());
    assert.equal(EDITOR_SCHEMA_PATH, join(REPO_ROOT, EDITOR_SCHEMA_FILE), 'found from dist/ where the package holds it');
    assert.doesNotMatch(JSON.stringify(editorSchema()), /maxDurationMs/);
  });

  test('every shipped scenario points at it on its first line and passes it', () => {
    const validate = editorValidator();
    const shipped = shippedScenarios();
    assert.ok(shipped.length >= 9, shipped.map((s) => s.name).join(' '));
    for (const s of shipped) {
      const text = readFileSync(s.path, 'utf8');
      assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=../schema/scenario.schema.json', s.name);
      assert.ok(validate(parse(text, { merge: true })), `${s.name}: ${JSON.stringify(validate.errors)}`);
      assert.ok(s.description.length > 10, `${s.name} has a one-line description`);
    }
  });

  test('it refuses what the loader refuses: an unknown field, a bad OCPP version, a duration without a unit it knows', () => {
    const validate = editorValidator();
    const base = { groups: [{ name: 'a', ocpp: '1.6', count: 1 }] };
    assert.ok(validate(base));
    assert.equal(validate({ ...base, groupz: [] }), false);
    assert.equal(validate({ groups: [{ name: 'a', ocpp: '2.0', count: 1 }] }), false);
    assert.equal(validate({ ...base, duration: '30d' }), false);
  });

  test("init's starter passes the schema and loads as run loads it, under the name it was given", () => {
    const text = starterScenario('depot-test', '../schema/scenario.schema.json');
    assert.ok(editorValidator()(parse(text, { merge: true })));
    const scenario = parseScenario(text, 'depot-test.yaml');
    assert.equal(scenario.name, 'depot-test');
    assert.deepEqual(scenario.groups.map((g) => [g.name, g.ocpp, g.count]), [['cp16', '1.6', 10], ['cs201', '2.0.1', 10]]);
    assert.equal(scenario.thresholds?.length, 2);
  });
});
