import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS_DOC_FILE, checksDoc } from '../../reference-app/checks-doc.ts';
import { CHECK_DOCS } from '../../reports/check-docs.ts';
import { CATALOGUE } from '../../core/catalogue.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { configKeys } from '../../config/keys.ts';

describe('docs/checks.md', () => {
  it('is what `npm run docs` generates from the catalogue, its docs and the flaws', () => {
    expect(readFileSync(CHECKS_DOC_FILE, 'utf8'), 'docs/checks.md is stale: run `npm run docs`').toBe(checksDoc());
  });

  it('has a section for every catalogue id, with the flaws that fail it', () => {
    const doc = checksDoc();
    for (const id of Object.keys(CATALOGUE)) expect(doc).toContain(`### \`${id}\``);
    expect(doc).toMatch(/### `auth\.rbac`[\s\S]*?Shown failing by: `client-reaches-admin`, `anonymous-admin`/);
    expect(doc).toMatch(
      /### `ratelimit\.forwarded-for`[\s\S]*?Shown failing by: `xff-trusted`\n- Made an error by: `no-rate-limit`/,
    );
  });

  it('names only config keys the schema has', () => {
    const known = new Set(configKeys(ConfigSchema).map((k) => k.path));
    const unknown = Object.entries(CHECK_DOCS).flatMap(([id, d]) =>
      d.keys.filter((k) => !known.has(k)).map((k) => `${id}: ${k}`),
    );
    expect(unknown).toEqual([]);
  });
});
