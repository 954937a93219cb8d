import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLockfile } from '../../security/deps/lockfiles/index.ts';
import { splitPnpmKey } from '../../security/deps/lockfiles/pnpm.ts';
import type { ParsedLockfile } from '../../security/deps/types.ts';

const fx = (p: string): string => resolve(import.meta.dirname, 'fixtures', p);
const table = (l: ParsedLockfile) =>
  l.packages
    .map(
      (p) =>
        `${p.name}@${p.version} ${p.direct === null ? '?' : p.direct ? 'direct' : 'transitive'}${p.dev ? ' dev' : ''}`,
    )
    .sort();

describe('lockfile parsers', () => {
  it('package-lock v1: nested trees, direct from the sibling package.json', async () => {
    const l = await readLockfile(fx('npm-v1/package-lock.json'));
    expect(l.format).toBe('package-lock-v1');
    expect(table(l)).toEqual([
      'debug@2.6.9 transitive',
      'express@4.17.1 direct',
      'lodash@4.17.20 direct dev',
      'ms@2.0.0 transitive',
      'ms@2.1.1 transitive',
      'send@0.17.1 transitive',
    ]);
  });

  it('package-lock v2: packages map, nested copies transitive, links skipped', async () => {
    const l = await readLockfile(fx('npm-v2/package-lock.json'));
    expect(l.format).toBe('package-lock-v2');
    expect(table(l)).toEqual([
      '@scope/ui@1.2.3 direct',
      'lodash@4.17.15 transitive',
      'lodash@4.17.21 direct',
      'vitest@3.2.7 direct dev',
    ]);
  });

  it('package-lock v3: git dependencies are listed as skipped, not silently audited', async () => {
    const l = await readLockfile(fx('npm-v3-package-lock.json'));
    expect(l.format).toBe('package-lock-v3');
    expect(table(l)).toEqual(['lodash@4.17.20 direct', 'minimist@1.2.5 transitive']);
    expect(l.skipped).toEqual(['gitdep@git+ssh://git@github.com/acme/gitdep.git#abc123']);
  });

  it('yarn.lock classic: merged descriptors, direct from package.json', async () => {
    const l = await readLockfile(fx('yarn-classic/yarn.lock'));
    expect(l.format).toBe('yarn-classic');
    expect(table(l)).toEqual([
      '@babel/code-frame@7.12.13 direct',
      '@babel/highlight@7.13.10 transitive',
      'lodash@4.17.20 direct',
    ]);
  });

  it('yarn.lock berry: the workspace entry names the direct dependencies', async () => {
    const l = await readLockfile(fx('yarn-berry/yarn.lock'));
    expect(l.format).toBe('yarn-berry');
    expect(table(l)).toEqual(['debug@4.3.4 direct', 'lodash@4.17.20 direct', 'ms@2.1.2 transitive']);
  });

  it('pnpm-lock.yaml v6: /name@version keys with peer suffixes', async () => {
    const l = await readLockfile(fx('pnpm-v6/pnpm-lock.yaml'));
    expect(table(l)).toEqual([
      'js-tokens@4.0.0 transitive',
      'lodash@4.17.20 direct',
      'loose-envify@1.4.0 transitive',
      'react-dom@18.2.0 direct',
      'react@18.2.0 transitive',
      'scheduler@0.23.0 transitive',
    ]);
  });

  it('pnpm-lock.yaml v9: importers of every workspace project count as direct', async () => {
    const l = await readLockfile(fx('pnpm-v9/pnpm-lock.yaml'));
    expect(table(l)).toEqual(['@types/node@20.11.30 direct', 'lodash@4.17.20 direct', 'undici-types@5.26.5 direct']);
  });

  it('pnpm keys of every lockfile generation', () => {
    expect(splitPnpmKey('/lodash/4.17.20')).toEqual({ name: 'lodash', version: '4.17.20' });
    expect(splitPnpmKey('/@babel/core/7.22.0_react@18.2.0')).toEqual({ name: '@babel/core', version: '7.22.0' });
    expect(splitPnpmKey('/@types/node@20.1.0')).toEqual({ name: '@types/node', version: '20.1.0' });
    expect(splitPnpmKey('react-dom@18.2.0(react@18.2.0)')).toEqual({ name: 'react-dom', version: '18.2.0' });
  });

  it('requirements.txt: pinned lines only, names normalised, pip-compile "via" tells direct from transitive', async () => {
    const l = await readLockfile(fx('pip/requirements.txt'));
    expect(table(l)).toEqual([
      'certifi@2023.7.22 transitive',
      'charset-normalizer@3.2.0 transitive',
      'django@4.2.4 direct',
      'idna@3.4 transitive',
      'requests@2.28.1 direct',
      'stripe@5.5.0 direct',
      'urllib3@1.26.16 transitive',
    ]);
    expect(l.skipped).toEqual(['sqlparse>=0.4.4', '-e git+https://github.com/acme/internal.git#egg=internal']);
  });

  it('requirements.txt without annotations: direct is unknown', async () => {
    const { parseRequirements } = await import('../../security/deps/lockfiles/python.ts');
    expect(table(parseRequirements('flask==2.0.1\nJinja2===3.0.1  # pinned\n', 'r.txt'))).toEqual([
      'flask@2.0.1 ?',
      'jinja2@3.0.1 ?',
    ]);
  });

  it('poetry.lock: direct from pyproject.toml (Poetry tables and groups)', async () => {
    const l = await readLockfile(fx('poetry/poetry.lock'));
    expect(l.format).toBe('poetry');
    expect(table(l)).toEqual([
      'certifi@2023.7.22 transitive',
      'fastapi@0.103.1 direct',
      'pytest@7.4.2 direct',
      'requests@2.30.0 direct',
      'typing-extensions@4.8.0 transitive',
    ]);
  });

  it('Pipfile.lock: default and develop sections, direct from the Pipfile, path entries skipped', async () => {
    const l = await readLockfile(fx('pipenv/Pipfile.lock'));
    expect(table(l)).toEqual([
      'certifi@2020.12.5 transitive',
      'pytest@6.2.3 direct dev',
      'requests@2.25.1 direct',
      'urllib3@1.26.4 transitive',
    ]);
    expect(l.skipped).toEqual(['local-pkg (not pinned)']);
  });

  it('unreadable and unknown files are input errors with the file name', async () => {
    await expect(readLockfile(fx('nope/package-lock.json'))).rejects.toThrow(/cannot read the lockfile .*nope.*ENOENT/);
    await expect(readLockfile(fx('pipenv/Pipfile'))).rejects.toThrow(/unknown lockfile type/);
  });
});
