import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { OSV_DEMO_DIR } from '../../reference-app/index.ts';
import { readReport, serializeReport } from '../../reports/io.ts';
import { report } from '../helpers/report.ts';

/**
 * The files gonogo reads, handed to the real command as a child process: FIFOs, UTF-16, CR-only line
 * endings, includes, truncated and oversized files. Each must be read right or refused with exit 2 naming
 * the file, promptly; never a hang and never a pass.
 */
const BIN = fileURLToPath(new URL('../../dist/bin/gonogo.js', import.meta.url));
const CHECKLISTS = fileURLToPath(new URL('../fixtures/checklists', import.meta.url));
const FOURTH = readFileSync(
  join(
    CHECKLISTS,
    readdirSync(CHECKLISTS)
      .sort()
      .find((f) => f.startsWith('004'))!,
  ),
  'utf8',
);
const root = mkdtempSync(join(tmpdir(), 'gonogo-inputs-'));
let n = 0;
const dir = (): string => {
  const d = join(root, String(n++));
  mkdirSync(d);
  return d;
};
const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
// A bound on each child: what used to hang fails here instead of stalling the suite.
const gonogo = (args: string[], cwd = root) =>
  execa('node', [BIN, ...args], { cwd, reject: false, timeout: 45_000, env: { GONOGO_DEBUG: '' } });
const mkfifo = async (path: string): Promise<string> => {
  await execa('mkfifo', [path]);
  return path;
};
const auditJson = async (file: string) => {
  const r = await gonogo(['audit', 'deps', file, '--osv-db', OSV_DEMO_DIR, '--json']);
  return {
    ...r,
    json:
      r.exitCode === 2
        ? null
        : (JSON.parse(r.stdout) as {
            lockfiles: Array<{ packages: number }>;
            findings: Array<{ advisory: { id: string }; package: { name: string; version: string; file: string } }>;
            checks: Array<{ status: string }>;
          }),
  };
};

describe('gonogo audit deps on hostile lockfiles', () => {
  it('a FIFO named as a lockfile: exit 2 at once, naming it, instead of waiting for a writer', async () => {
    const fifo = await mkfifo(join(dir(), 'package-lock.json'));
    const started = Date.now();
    const r = await gonogo(['audit', 'deps', fifo, '--osv-db', OSV_DEMO_DIR]);
    expect({ code: r.exitCode, timedOut: r.timedOut }).toEqual({ code: 2, timedOut: false });
    expect(r.stderr).toContain(`Input error: the lockfile ${fifo} is a FIFO (named pipe), not a regular file`);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it('a UTF-16 requirements.txt is decoded and audited (it read as zero packages and passed)', async () => {
    const file = join(dir(), 'requirements.txt');
    writeFileSync(file, utf16le('requests==2.28.1\r\nflask==2.0.1\r\n'));
    const r = await auditJson(file);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json!.lockfiles.map((l) => l.packages)).toEqual([2]);
    expect(r.json!.findings.map((f) => `${f.advisory.id} ${f.package.name}@${f.package.version}`)).toEqual([
      'GHSA-j8r2-6x86-q33q requests@2.28.1',
    ]);
  }, 60_000);

  it('packages only in -r / -c includes are found, in the file that pins them', async () => {
    const d = dir();
    mkdirSync(join(d, 'req'));
    writeFileSync(join(d, 'requirements.txt'), '-r req/base.txt\n--constraint req/pins.txt\n');
    writeFileSync(join(d, 'req/base.txt'), 'flask==2.0.1\n-r ../requirements.txt\n');
    writeFileSync(join(d, 'req/pins.txt'), 'requests==2.28.1\n');
    const r = await auditJson(join(d, 'requirements.txt'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json!.lockfiles.map((l) => l.packages)).toEqual([2]);
    expect(r.json!.findings.map((f) => f.package.file)).toEqual([join(d, 'req/pins.txt')]);
  }, 60_000);

  it.each([
    [
      'Pipfile.lock',
      '{"_meta": {}, "default": "garbage"}',
      /Pipfile.lock is not a well-formed Pipfile.lock: default: /,
    ],
    ['Pipfile.lock', '{"_meta": {}, "default": {}}', /Pipfile.lock was read as zero packages/],
    [
      'yarn.lock',
      '# yarn lockfile v1\n\n"lodash@^4.17.20":\n  version "4.17',
      /yarn.lock: line 4 has a string that is never closed; is the file truncated\?/,
    ],
    [
      'package-lock.json',
      '{"lockfileVersion": 3, "packages": {"": {}, "node_modules/lodash": {"vers',
      /package-lock.json is not valid JSON .*is it truncated\?/,
    ],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\npackages:\n  lodash@4.17.20: {}\n  lodash@4.17.20: {}\n",
      /pnpm-lock.yaml: the key "lodash@4.17.20" appears twice/,
    ],
    ['poetry.lock', '', /the lockfile .*poetry.lock is empty/],
    [
      'requirements.txt',
      Buffer.from('requests==2.28.1\n', 'utf16le'),
      /requirements.txt looks like UTF-16LE without a byte-order mark/,
    ],
  ])(
    'a malformed %s: exit 2 with the file named, never a pass',
    async (name, body, message) => {
      const file = join(dir(), name);
      writeFileSync(file, body);
      const r = await gonogo(['audit', 'deps', file, '--osv-db', OSV_DEMO_DIR]);
      expect({ code: r.exitCode, timedOut: r.timedOut }, r.stdout).toEqual({ code: 2, timedOut: false });
      expect(r.stderr).toMatch(/^Input error: /);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );
});

describe('gonogo run: an unusable lockfile and a stuck advisory source are errors, never a pass', () => {
  let stuck: Server | undefined;
  afterAll(
    () =>
      new Promise<void>((r) => {
        stuck?.closeAllConnections();
        if (stuck) stuck.close(() => r());
        else r();
      }),
  );

  const project = (deps: string): string => {
    const d = dir();
    writeFileSync(join(d, 'kpis.yaml'), readFileSync(DEFAULT_KPI_FILE, 'utf8'));
    writeFileSync(
      join(d, 'gonogo.config.ts'),
      `export default {\n  target: { baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 },\n  security: { tls: { handshakeTimeoutMs: 500 }, deps: ${deps} },\n};\n`,
    );
    return d;
  };
  const depsCheck = async (d: string) => {
    const r = await gonogo(
      ['run', '--config', join(d, 'gonogo.config.ts'), '--suite', 'security', '--out', join(d, 'out')],
      d,
    );
    expect({ code: r.exitCode, timedOut: r.timedOut }, r.stderr).toEqual({ code: 1, timedOut: false });
    return (await readReport(join(d, 'out', 'report.json'))).checks.find((c) => c.id === 'deps.advisories')!;
  };

  it('a FIFO lockfile makes deps.advisories an error naming it', async () => {
    const d = project(
      `{ lockfiles: ['yarn.lock'], source: { kind: 'osv-dir', path: ${JSON.stringify(OSV_DEMO_DIR)} } }`,
    );
    await mkfifo(join(d, 'yarn.lock'));
    const c = await depsCheck(d);
    expect(c.status).toBe('error');
    expect(c.evidence.message).toContain(`${join(d, 'yarn.lock')} is a FIFO (named pipe), not a regular file`);
  }, 90_000);

  it('an advisory source that never answers ends at security.deps.timeoutS as an error', async () => {
    stuck = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => stuck!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`;
    const lock = fileURLToPath(new URL('../security/fixtures/npm-v3-package-lock.json', import.meta.url));
    const d = project(
      `{ lockfiles: [${JSON.stringify(lock)}], source: { kind: 'osv-api', url: ${JSON.stringify(url)}, timeoutMs: 600000 }, timeoutS: 2 }`,
    );
    const c = await depsCheck(d);
    expect(c.status).toBe('error');
    expect(c.evidence.message).toMatch(/did not finish within its deadline of 2s \(security.deps.timeoutS\)/);
  }, 90_000);
});

describe('gonogo checklist and run --checklist on hostile checklists', () => {
  const reportFile = join(root, 'report.json');
  writeFileSync(reportFile, serializeReport(report()));
  const claims = async (file: string): Promise<number> => {
    const r = await gonogo(['checklist', file, '--report', reportFile, '--format', 'json']);
    expect(r.exitCode, r.stderr).not.toBe(2);
    return (JSON.parse(r.stdout) as Array<{ claims: unknown[] }>)[0]!.claims.length;
  };

  it('UTF-16 (with a BOM) and CR-only checklists give the claims of the UTF-8 original', async () => {
    const d = dir();
    writeFileSync(join(d, 'utf8.md'), FOURTH);
    writeFileSync(join(d, 'utf16.md'), utf16le(FOURTH));
    writeFileSync(join(d, 'cr.md'), FOURTH.replace(/\r?\n/g, '\r'));
    const expected = await claims(join(d, 'utf8.md'));
    expect(expected).toBe(171);
    expect([await claims(join(d, 'utf16.md')), await claims(join(d, 'cr.md'))]).toEqual([expected, expected]);
  }, 60_000);

  it.each([
    [
      'without a claim',
      'notes.md',
      '# Launch\n\nAll good, ship it.\n',
      /Input error: no claim found in the checklist .*notes.md/,
    ],
    [
      'of 20 MB',
      'big.md',
      `- [x] HSTS\n${'filler line of a pasted log\n'.repeat(750_000)}`,
      /Input error: the checklist .*big.md is 20.03 MiB \(\d+ bytes\); the largest checklist gonogo reads is 1 MiB/,
    ],
  ])(
    'a checklist %s: exit 2 naming the file, from gonogo checklist and before run --checklist starts anything',
    async (_, name, body, message) => {
      const file = join(dir(), name);
      writeFileSync(file, body);
      const direct = await gonogo(['checklist', file, '--report', reportFile]);
      expect({ code: direct.exitCode, timedOut: direct.timedOut }).toEqual({ code: 2, timedOut: false });
      expect(direct.stderr).toMatch(message);
      const out = join(dir(), 'out');
      const run = await gonogo(['run', '--reference', '--suite', 'security', '--checklist', file, '--out', out]);
      expect({ code: run.exitCode, timedOut: run.timedOut }).toEqual({ code: 2, timedOut: false });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/reference platform at/);
    },
    90_000,
  );

  it('a FIFO as a checklist: exit 2 at once', async () => {
    const fifo = await mkfifo(join(dir(), 'checklist.md'));
    const r = await gonogo(['checklist', fifo, '--report', reportFile]);
    expect({ code: r.exitCode, timedOut: r.timedOut }).toEqual({ code: 2, timedOut: false });
    expect(r.stderr).toContain(`the checklist ${fifo} is a FIFO`);
  }, 60_000);
});

describe('gonogo compare on a report saved with a UTF-8 BOM', () => {
  it('reads it like the original', async () => {
    const d = dir();
    const plain = join(d, 'a.json');
    const bom = join(d, 'b.json');
    writeFileSync(plain, serializeReport(report()));
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(plain)]));
    const r = await gonogo(['compare', plain, bom, '--format', 'json']);
    // Both read whole: the BOM copy is recognised as the very run of the original, and said to be.
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/both reports are run .*: there is nothing to compare/);
    expect(JSON.parse(r.stdout)).toMatchObject({ comparable: false, regressions: [] });
  }, 60_000);
});
