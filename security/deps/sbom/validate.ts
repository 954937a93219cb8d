import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { packageFile } from '../../../core/files.ts';
import { LockfileError } from '../types.ts';

// ajv and the schemas load when an SBOM is read: a run auditing lockfiles does not pay for them.
const require = createRequire(import.meta.url);

/** CycloneDX JSON exists from 1.2 on; the library ships each version's published schema. */
export const CYCLONEDX_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'] as const;
export const SPDX_VERSIONS = ['SPDX-2.2', 'SPDX-2.3'] as const;

const compiled = new Map<string, ValidateFunction>();

function cyclonedxSchemaDir(): string {
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/**
 * The schema without its `uniqueItems` constraints: ajv checks them by comparing every pair of items, which takes
 * minutes on an SBOM of 50,000 components; a duplicated component changes nothing in an audit (packages are deduplicated).
 */
function withoutUniqueItems(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutUniqueItems);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => k !== 'uniqueItems')
      .map(([k, v]) => [k, withoutUniqueItems(v)]),
  );
}

/** An ajv instance set up as the CycloneDX library sets up its own validator: no remote schemas, lenient on unknown keywords. */
function ajv(schemas: Record<string, object>): import('ajv').default {
  const Ajv = (require('ajv') as { default: typeof import('ajv').default }).default;
  const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
  const a = new Ajv({
    strict: false,
    allErrors: false,
    addUsedSchema: false,
    useDefaults: false,
    schemas,
    loadSchema: (uri) => {
      throw new Error(`remote schemas are disabled: ${uri}`);
    },
  });
  addFormats(a);
  // Formats of the schemas that ajv-formats lacks (the library adds them from ajv-formats-draft2019): accepted as written.
  a.addFormat('idn-email', true);
  a.addFormat('iri-reference', true);
  return a;
}

function validator(key: string, make: () => ValidateFunction): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    v = make();
    compiled.set(key, v);
  }
  return v;
}

function refuse(errors: ErrorObject[] | null | undefined, file: string, what: string): never {
  const list = (errors ?? [])
    .slice(0, 3)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`,
    );
  throw new LockfileError(`${file} is not a valid ${what} (its published JSON schema): ${list.join('; ')}`);
}

/** Checks a CycloneDX JSON document against the published schema of its specVersion. */
export function validateCycloneDx(doc: unknown, specVersion: string, file: string): void {
  if (!(CYCLONEDX_VERSIONS as readonly string[]).includes(specVersion)) {
    throw new LockfileError(
      `${file}: CycloneDX specVersion "${specVersion}" is not one gonogo reads as JSON (${CYCLONEDX_VERSIONS.join(', ')})`,
    );
  }
  const validate = validator(`cdx-${specVersion}`, () => {
    const dir = cyclonedxSchemaDir();
    const refs = {
      'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': readJson(join(dir, 'spdx.SNAPSHOT.schema.json')),
      'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': readJson(join(dir, 'jsf-0.82.SNAPSHOT.schema.json')),
      'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': readJson(
        join(dir, 'cryptography-defs.SNAPSHOT.schema.json'),
      ),
    };
    return ajv(refs).compile(
      withoutUniqueItems(readJson(join(dir, `bom-${specVersion}.SNAPSHOT.schema.json`))) as object,
    );
  });
  if (!validate(doc)) refuse(validate.errors, file, `CycloneDX ${specVersion} SBOM`);
}

/** Checks an SPDX JSON document against the SPDX specification's schema of its spdxVersion. */
export function validateSpdx(doc: unknown, spdxVersion: string, file: string): void {
  if (!(SPDX_VERSIONS as readonly string[]).includes(spdxVersion)) {
    throw new LockfileError(
      `${file}: spdxVersion "${spdxVersion}" is not one gonogo reads (${SPDX_VERSIONS.join(', ')}; SPDX 3 JSON-LD is not read yet)`,
    );
  }
  const validate = validator(spdxVersion, () =>
    ajv({}).compile(readJson(packageFile(`security/deps/sbom/spdx-schema/${spdxVersion.toLowerCase()}.schema.json`))),
  );
  if (!validate(doc)) refuse(validate.errors, file, `${spdxVersion} document`);
}
