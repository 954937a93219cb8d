import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { readLockfile } from '../../security/deps/lockfiles/index.ts';
import { parsePnpmLock } from '../../security/deps/lockfiles/pnpm.ts';
import type { ParsedLockfile } from '../../security/deps/types.ts';
import { pnpmLockOf } from './fixtures-gen.ts';

const FX = resolve(import.meta.dirname, 'fixtures');
const root = mkdtempSync(join(tmpdir(), 'gonogo-hostile-'));
let n = 0;
/** Writes `files` into a fresh directory and returns the path of the first one. */
function project(files: Record<string, string | Buffer>): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return join(dir, Object.keys(files)[0]!);
}
const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf16le');
  b.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
};
const table = (l: ParsedLockfile) => l.packages.map((p) => `${p.name}@${p.version}`).sort();

/** Garbage of every kind, per lockfile format: each must be refused with an input error naming the file, never read as a pass. */
const HOSTILE: Record<string, Array<[string, string | Buffer, RegExp]>> = {
  'package-lock.json': [
    ['empty', '', /is empty/],
    [
      'truncated',
      readFileSync(join(FX, 'npm-v2/package-lock.json'), 'utf8').slice(0, 200),
      /not valid JSON .*truncated/,
    ],
    ['garbage', 'lockfileVersion = 3 <<<', /not valid JSON/],
    ['null', 'null', /not a well-formed package-lock.json: \(top level\): .*expected object/],
    ['wrong shape', '{"lockfileVersion": 3, "packages": "x"}', /packages: .*expected record/],
    ['only the root', '{"lockfileVersion": 3, "packages": {"": {"name": "app"}}}', /read as zero packages/],
    [
      'UTF-16 without a BOM',
      Buffer.from('{"lockfileVersion": 3}', 'utf16le'),
      /looks like UTF-16LE without a byte-order mark/,
    ],
  ],
  'yarn.lock': [
    ['empty', '\n\n', /is empty/],
    [
      'truncated classic (an unclosed string)',
      readFileSync(join(FX, 'yarn-classic/yarn.lock'), 'utf8').replace(/(version "7\.12)[\s\S]*$/, '$1'),
      /line \d+ has a string that is never closed; is the file truncated/,
    ],
    ['garbage', 'garbage {{{ ]]]\n', /not a readable yarn.lock/],
    [
      'truncated berry',
      readFileSync(join(FX, 'yarn-berry/yarn.lock'), 'utf8').slice(0, 300).concat('\n  dependencies: [1'),
      /not a readable yarn berry lockfile/,
    ],
    [
      'berry with metadata only',
      '__metadata:\n  version: 8\n  cacheKey: 10c0\n',
      /read as zero packages \(format yarn-berry\)/,
    ],
    [
      'classic with only git entries',
      '# yarn lockfile v1\n\n"dep@git+https://x/dep.git":\n  version "git"\n',
      /read as zero packages .*1 entry skipped/,
    ],
  ],
  'pnpm-lock.yaml': [
    ['empty', '', /is empty/],
    ['truncated', "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {resolution: {integ", /not valid YAML .*truncated/],
    ['no lockfileVersion', 'packages:\n  a@1.0.0: {}\n', /lockfileVersion: no lockfileVersion: not a pnpm lockfile/],
    ['wrong shape', "lockfileVersion: '9.0'\npackages: 12\n", /packages: .*expected record/],
    [
      'a duplicated key',
      "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n  b@1.0.0: {}\n  a@1.0.0: {}\n",
      /the key "a@1.0.0" appears twice in one map \(line 5\)/,
    ],
    ['no packages', "lockfileVersion: '9.0'\nimporters:\n  .: {}\n", /read as zero packages/],
  ],
  'requirements.txt': [
    ['empty', '   \n', /is empty/],
    ['comments only', '# pinned by hand\n\n# nothing yet\n', /read as zero packages/],
    ['unpinned only', 'django>=4\nrequests\n', /read as zero packages .*2 entries skipped/],
    ['binary', Buffer.from([0x00, 0x01, 0x02, 0x67, 0x61, 0x72, 0x62]), /NUL byte on line 1/],
    [
      'invalid UTF-8',
      Buffer.from('requests==2.28.1\ncaf\xe9==1.0\n', 'latin1'),
      /not valid UTF-8 \(byte 0xe9 on line 2\)/,
    ],
    ['a missing include', '-r base.txt\n', /line 1 \(-r base.txt\): cannot read the lockfile .*base.txt: ENOENT/],
    ['UTF-32', Buffer.from([0xff, 0xfe, 0, 0, 0x72, 0, 0, 0]), /UTF-32/],
  ],
  'poetry.lock': [
    ['empty', '', /is empty/],
    [
      'truncated',
      readFileSync(join(FX, 'poetry/poetry.lock'), 'utf8').replace(/(version = "\d+)[\s\S]*$/, '$1'),
      /not valid TOML .*truncated/,
    ],
    ['garbage', 'package = 3\n', /no \[\[package\]\] tables/],
    ['a package without a version', '[[package]]\nname = "x"\n', /package\[0\]\.version: .*expected string/],
    [
      'UTF-16 without a BOM',
      Buffer.from('[[package]]\nname = "x"\n', 'utf16le').swap16(),
      /looks like UTF-16BE without a byte-order mark/,
    ],
  ],
  'Pipfile.lock': [
    ['empty', '', /is empty/],
    ['truncated', readFileSync(join(FX, 'pipenv/Pipfile.lock'), 'utf8').slice(0, 150), /not valid JSON .*truncated/],
    ['no _meta', '{"default": {"requests": {"version": "==2.25.1"}}}', /_meta: no _meta section: not a Pipfile.lock/],
    ['a section that is not a table', '{"_meta": {}, "default": "garbage"}', /default: .*expected record/],
    [
      'entries that are not tables',
      '{"_meta": {}, "default": {"requests": "==2.25.1"}}',
      /default\.requests: .*expected object/,
    ],
    ['nothing pinned', '{"_meta": {}, "default": {}, "develop": {}}', /read as zero packages/],
  ],
};

describe('hostile lockfiles: a clear input error naming the file, never a pass', () => {
  for (const [name, cases] of Object.entries(HOSTILE)) {
    it.each(cases)(`${name}: %s`, async (_, body, message) => {
      const file = project({ [name]: body });
      const error = await readLockfile(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(message);
    });
  }

  it.each(Object.keys(HOSTILE))('%s as a FIFO is refused at once instead of waiting for a writer', async (name) => {
    const dir = join(root, String(n++));
    mkdirSync(dir);
    await execa('mkfifo', [join(dir, name)]);
    await expect(readLockfile(join(dir, name))).rejects.toThrow(/is a FIFO \(named pipe\), not a regular file/);
  });

  it('a device behind a lockfile name and a directory are refused too', async () => {
    const link = join(root, String(n++), 'requirements.txt');
    mkdirSync(join(link, '..'));
    symlinkSync('/dev/zero', link);
    await expect(readLockfile(link)).rejects.toThrow(/is a character device, not a regular file/);
    const dir = join(root, String(n++), 'requirements.txt');
    mkdirSync(dir, { recursive: true });
    await expect(readLockfile(dir)).rejects.toThrow(/is a directory, not a regular file/);
  });

  it('a broken manifest beside a poetry.lock names that manifest', async () => {
    const file = project({
      'poetry.lock': readFileSync(join(FX, 'poetry/poetry.lock')),
      'pyproject.toml': '[tool.poetry\nname = ',
    });
    await expect(readLockfile(file)).rejects.toThrow(
      /the pyproject.toml beside .*poetry.lock: pyproject.toml is not valid TOML/,
    );
  });
});

describe('encodings and line endings are read, not misread', () => {
  const REQ = readFileSync(join(FX, 'pip/requirements.txt'), 'utf8');
  const expected = [
    'certifi@2023.7.22',
    'charset-normalizer@3.2.0',
    'django@4.2.4',
    'idna@3.4',
    'requests@2.28.1',
    'stripe@5.5.0',
    'urllib3@1.26.16',
  ];

  it.each([
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(REQ)])],
    ['UTF-16LE with a BOM', utf16le(REQ)],
    ['UTF-16BE with a BOM', utf16be(REQ)],
    ['CRLF line endings', REQ.replace(/\n/g, '\r\n')],
    ['CR-only line endings', REQ.replace(/\n/g, '\r')],
  ])('requirements.txt in %s', async (_, body) => {
    expect(table(await readLockfile(project({ 'requirements.txt': body })))).toEqual(expected);
  });

  it.each([
    ['package-lock.json', 'npm-v2/package-lock.json'],
    ['yarn.lock', 'yarn-berry/yarn.lock'],
    ['pnpm-lock.yaml', 'pnpm-v9/pnpm-lock.yaml'],
    ['poetry.lock', 'poetry/poetry.lock'],
    ['Pipfile.lock', 'pipenv/Pipfile.lock'],
  ])('%s in UTF-16LE with a BOM reads like the UTF-8 original', async (name, fixture) => {
    const original = await readLockfile(join(FX, fixture));
    expect(table(await readLockfile(project({ [name]: utf16le(readFileSync(join(FX, fixture), 'utf8')) })))).toEqual(
      table(original),
    );
  });
});

describe('requirements includes', () => {
  it('-r, --requirement, -c and --constraint=, relative to the including file, cycles read once', async () => {
    const dir = join(root, String(n++));
    mkdirSync(join(dir, 'req'), { recursive: true });
    writeFileSync(join(dir, 'requirements.txt'), '-r req/base.txt\n--constraint=req/constraints.txt  # pins\n');
    writeFileSync(join(dir, 'req/base.txt'), 'django==4.2.4\n--requirement extra.txt\n');
    writeFileSync(
      join(dir, 'req/extra.txt'),
      'stripe==5.5.0\n-r base.txt\n-r ../requirements.txt\n-c https://example.com/c.txt\n',
    );
    writeFileSync(join(dir, 'req/constraints.txt'), 'requests==2.28.1\n-crequirements-cycle.txt\n');
    writeFileSync(join(dir, 'req/requirements-cycle.txt'), '-c constraints.txt\ndjango==4.2.4\n');
    const l = await readLockfile(join(dir, 'requirements.txt'));
    expect(l.packages.map((p) => `${p.name}@${p.version} ${p.file.slice(dir.length + 1)}`)).toEqual([
      'django@4.2.4 req/base.txt',
      'stripe@5.5.0 req/extra.txt',
      'requests@2.28.1 req/constraints.txt',
    ]);
    expect(l.skipped).toEqual(['-c https://example.com/c.txt (remote include, not followed)']);
  });

  it('an included file that is itself hostile is named with the line that included it', async () => {
    const file = project({
      'requirements.txt': 'flask==2.0.1\n\n-r base.txt\n',
      'base.txt': utf16le('x').subarray(0, 3),
    });
    await expect(readLockfile(file)).rejects.toThrow(
      /requirements.txt line 3 \(-r base.txt\): the lockfile .*base.txt is UTF-16LE but has an odd number of bytes/,
    );
  });
});

describe('pnpm-lock.yaml at scale', () => {
  it('reads a 10k-package lockfile completely, duplicate-free, in linear time', () => {
    const cpu = (text: string): { ms: number; count: number } => {
      const t = process.cpuUsage();
      const count = parsePnpmLock(text, 'pnpm-lock.yaml').packages.length;
      const d = process.cpuUsage(t);
      return { ms: (d.user + d.system) / 1000, count };
    };
    const small = pnpmLockOf(1_000);
    cpu(small); // warm-up: the first parse also compiles the parser
    const a = cpu(small);
    const b = cpu(pnpmLockOf(10_000));
    expect([a.count, b.count]).toEqual([1_000, 10_000]);
    // Ten times the packages: linear costs about 10x, the quadratic duplicate-key check cost over 50x.
    expect(b.ms / a.ms, `${a.ms.toFixed(0)} ms for 1k, ${b.ms.toFixed(0)} ms for 10k`).toBeLessThan(30);
  }, 120_000);
});

describe('package-lock.json at the edges', () => {
  it('a v1 lockfile nested 2,000 deep is read whole, without running out of stack', async () => {
    // Written as text: JSON.stringify itself recurses as deep as the object.
    const N = 2000;
    const open = Array.from({ length: N }, (_, i) => `"pkg-${i}":{"version":"1.0.0","dependencies":{`).join('');
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-deep-'));
    const file = join(dir, 'package-lock.json');
    writeFileSync(file, `{"lockfileVersion":1,"dependencies":{${open}${'}}'.repeat(N)}}}`);
    const parsed = await readLockfile(file);
    expect(parsed.packages).toHaveLength(N);
    expect(parsed.packages.filter((p) => p.name === `pkg-${N - 1}`)).toHaveLength(1);
  });

  it('a lockfileVersion gonogo does not know is refused, naming the versions it reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-lockv-'));
    const file = join(dir, 'package-lock.json');
    writeFileSync(
      file,
      JSON.stringify({ lockfileVersion: 99, packages: { '': {}, 'node_modules/a': { version: '1.0.0' } } }),
    );
    await expect(readLockfile(file)).rejects.toThrow(/lockfileVersion.*reads package-lock versions 1, 2 and 3/);
  });
});
