import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OSV_DEMO_DIR } from '../../reference-app/index.ts';
import { gonogoChild } from './child.ts';

const CLEAN = new URL('../../reference-app/fixtures/clean/package-lock.json', import.meta.url).pathname;
const VULNERABLE = new URL('../../reference-app/fixtures/vulnerable/package-lock.json', import.meta.url).pathname;

/** A lockfile gonogo cannot read is bad input (exit 2 naming it), not a NO-GO about the dependencies (exit 1). */
describe('gonogo audit deps with a lockfile that cannot be read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-deps-in-'));
  const text = readFileSync(CLEAN, 'utf8');
  const cases: Array<[string, () => string]> = [
    [
      'a truncated package-lock.json',
      () => {
        const f = join(dir, 't', 'package-lock.json');
        mkdirSync(join(dir, 't'));
        writeFileSync(f, text.slice(0, text.length / 2));
        return f;
      },
    ],
    [
      'an empty package-lock.json',
      () => {
        const f = join(dir, 'e', 'package-lock.json');
        mkdirSync(join(dir, 'e'));
        writeFileSync(f, '');
        return f;
      },
    ],
    [
      'binary garbage as package-lock.json',
      () => {
        const f = join(dir, 'g', 'package-lock.json');
        mkdirSync(join(dir, 'g'));
        writeFileSync(f, Buffer.from([0, 1, 2, 255, 254, 0x7b]));
        return f;
      },
    ],
    ['a missing file', () => join(dir, 'nowhere', 'package-lock.json')],
    [
      'a directory named like a lockfile',
      () => {
        const f = join(dir, 'd', 'package-lock.json');
        mkdirSync(f, { recursive: true });
        return f;
      },
    ],
  ];
  it.each(cases)('%s -> exit 2 naming the file', async (_, make) => {
    const file = make();
    const r = await gonogoChild(['audit', 'deps', file, '--osv-db', OSV_DEMO_DIR]);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain('Input error: ');
    expect(r.err).toContain(file);
  });

  it('one unreadable lockfile among good ones is still exit 2', async () => {
    const r = await gonogoChild([
      'audit',
      'deps',
      CLEAN,
      join(dir, 'nowhere', 'yarn.lock'),
      '--osv-db',
      OSV_DEMO_DIR,
      '--json',
    ]);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(join(dir, 'nowhere', 'yarn.lock'));
  });

  it('readable lockfiles keep their verdict: clean 0, vulnerable 1 (positive controls)', async () => {
    expect((await gonogoChild(['audit', 'deps', CLEAN, '--osv-db', OSV_DEMO_DIR])).code).toBe(0);
    expect((await gonogoChild(['audit', 'deps', VULNERABLE, '--osv-db', OSV_DEMO_DIR])).code).toBe(1);
  });
});
