import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLockfile } from '../../security/deps/lockfiles/index.ts';
import { parseOsRelease } from '../../security/deps/lockfiles/debian-release.ts';
import { auditDeps } from '../../security/deps/audit.ts';
import { osvApiDb, osvDirDb } from '../../security/deps/osv/sources.ts';
import { npmAuditDb } from '../../security/deps/osv/npm-audit.ts';
import { gonogo } from '../helpers/cli.ts';
import { SecurityConfig } from '../../security/config.ts';
import { runSecurity } from '../../security/index.ts';
import { securityContext } from './support.ts';

const fx = (p: string): string => resolve(import.meta.dirname, 'fixtures', p);
const OSV = fx('osv-machine');
const DEMO = resolve(import.meta.dirname, '../../security/deps/osv-demo');
const findings = (r: Awaited<ReturnType<typeof auditDeps>>) =>
  r.findings.map((f) => `${f.advisory.id} ${f.advisory.severity} ${f.package.name}@${f.package.version}`).sort();
const tmp = (): string => mkdtempSync(join(tmpdir(), 'gonogo-sysin-'));

const run = (cmd: string, args: string[]): string | null => {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' },
    });
  } catch {
    return null;
  }
};
const DPKG_STATUS = '/var/lib/dpkg/status';
const OS_RELEASE = existsSync('/etc/os-release') ? parseOsRelease(readFileSync('/etc/os-release', 'utf8')) : {};
const ON_DEBIAN = existsSync(DPKG_STATUS) && OS_RELEASE.ID === 'debian';

describe('pip output made on this machine (python3 -m pip, Python 3.11)', () => {
  it('pip freeze --all, under a name that says nothing: pip 23.2.1 and setuptools 65.5.0 carry true advisories, requests 2.34.2 does not', async () => {
    const l = await readLockfile(fx('machine/pip-freeze.out'));
    expect([l.format, l.ecosystem, l.packages.length]).toEqual([
      'pip-freeze',
      'PyPI',
      readFileSync(fx('machine/pip-freeze.out'), 'utf8').trim().split('\n').length,
    ]);
    const r = await auditDeps({ lockfiles: [l], db: await osvDirDb(OSV), ignore: [] });
    expect(findings(r)).toEqual([
      'GHSA-cx63-2mw6-8hw5 high setuptools@65.5.0',
      'GHSA-mq26-g339-26xf medium pip@23.2.1',
    ]);
    expect(l.packages.find((p) => p.name === 'requests')?.version).toBe('2.34.2'); // GHSA-j8r2-6x86-q33q (< 2.31.0) is in the directory and does not match
    expect([r.checks[0]!.status, r.checks[0]!.evidence.message]).toEqual([
      'fail',
      expect.stringContaining('GHSA-cx63-2mw6-8hw5 (high 8.8) setuptools@65.5.0'),
    ]);
  });

  it('pip list --format=json: the same installation, the same findings', async () => {
    const l = await readLockfile(fx('machine/pip-list.json'));
    expect([l.format, l.ecosystem]).toEqual(['pip-list', 'PyPI']);
    const r = await auditDeps({ lockfiles: [l], db: await osvDirDb(OSV), ignore: [] });
    expect(findings(r)).toEqual([
      'GHSA-cx63-2mw6-8hw5 high setuptools@65.5.0',
      'GHSA-mq26-g339-26xf medium pip@23.2.1',
    ]);
  });

  const pip = run('python3', ['-m', 'pip', '--version']);
  it("this machine's python3 -m pip, run now: freeze and list read as the same packages", { skip: !pip }, async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'installed'), run('python3', ['-m', 'pip', 'freeze', '--all'])!);
    writeFileSync(join(dir, 'installed-list'), run('python3', ['-m', 'pip', 'list', '--format=json'])!);
    const freeze = await readLockfile(join(dir, 'installed'));
    const list = await readLockfile(join(dir, 'installed-list'));
    expect([freeze.format, list.format]).toEqual(['pip-freeze', 'pip-list']);
    const pinned = (l: typeof freeze) => l.packages.map((p) => `${p.name}@${p.version}`).sort();
    // pip freeze writes direct references (name @ URL) where pip list writes a version: those are skipped, not lost.
    expect(pinned(freeze).length + freeze.skipped.length).toBe(pinned(list).length + list.skipped.length);
    expect(pinned(list)).toEqual(expect.arrayContaining(pinned(freeze)));
  });
});

describe('dpkg status files', () => {
  it("a slice of this machine's status file: libssh2 1.10.0-3 (binNMU +b1) is open to DEBIAN-CVE-2023-48795; openssh and glibc are past DSA-5586-1 and DSA-5514-1", async () => {
    const l = await readLockfile(fx('machine/dpkg-status'));
    expect([l.format, l.ecosystem, l.detail]).toEqual([
      'dpkg-status',
      'Debian',
      'Debian 12 (the +deb12u security-update suffixes of its versions); 7 installed binary packages from 5 source packages',
    ]);
    // Seven binaries, five sources: libc6 and libc6-dev are glibc, libssl3 and openssl are openssl.
    expect(l.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      'glibc@2.36-9+deb12u14',
      'libssh2@1.10.0-3',
      'openssh@1:9.2p1-2+deb12u6',
      'openssl@3.0.19-1~deb12u2',
      'zlib@1:1.2.13.dfsg-1',
    ]);
    const r = await auditDeps({ lockfiles: [l], db: await osvDirDb(OSV), ignore: [] });
    expect(findings(r)).toEqual(['DEBIAN-CVE-2023-48795 unknown libssh2@1.10.0-3']);
    // Unrated (Debian's CVE entries carry no CVSS): it counts as security.deps.unratedAs, high by default.
    expect(r.checks[0]!.status).toBe('fail');
    expect(r.checks[0]!.evidence.details!.lockfiles).toEqual([
      expect.objectContaining({
        format: 'dpkg-status',
        detail: expect.stringMatching(/^Debian 12 /),
        packages: l.packages.length,
      }),
    ]);
  });

  it("the release decides: Debian 11's entries do not judge bookworm's packages, and an export without the release is an error", async () => {
    const eleven = await auditDeps({
      lockfiles: [fx('machine/dpkg-status')],
      db: await osvDirDb(OSV),
      ignore: [],
      debianRelease: '11',
    });
    expect([eleven.checks[0]!.status, findings(eleven)]).toEqual(['pass', []]);
    const thirteen = await auditDeps({
      lockfiles: [fx('machine/dpkg-status')],
      db: await osvDirDb(OSV),
      ignore: [],
      debianRelease: '13',
    });
    expect(thirteen.checks[0]!.status).toBe('error');
    expect(thirteen.checks[0]!.evidence.message).toMatch(
      /holds no advisory for Debian:13 \(\d+ packages\): those packages would pass unjudged/,
    );
    const npmOnly = await auditDeps({
      lockfiles: [fx('machine/dpkg-status'), fx('machine/pip-freeze.out')],
      db: await osvDirDb(DEMO),
      ignore: [],
    });
    expect(npmOnly.checks[0]!.evidence.message).toMatch(
      /osv-demo \(4 advisories\) holds no advisory for Debian:12 \(\d+ packages\)/,
    );
    // npm audit's output only ever speaks of npm packages: pip's would pass unjudged against it.
    const audit = join(tmp(), 'npm-audit.json');
    writeFileSync(audit, JSON.stringify({ auditReportVersion: 2, vulnerabilities: {} }));
    const pipAgainstNpm = await auditDeps({
      lockfiles: [fx('machine/pip-list.json')],
      db: await npmAuditDb(audit),
      ignore: [],
    });
    expect([pipAgainstNpm.checks[0]!.status, pipAgainstNpm.checks[0]!.evidence.message]).toEqual([
      'error',
      expect.stringMatching(/holds no advisory for PyPI \(\d+ packages\): those packages would pass unjudged/),
    ]);
  });

  it('the release of a status file under <root>/var/lib/dpkg comes from <root>/etc/os-release; another distribution is an error', async () => {
    const root = tmp();
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    mkdirSync(join(root, 'etc'));
    // Versions without +debNNuN suffixes: only the os-release can name the release.
    writeFileSync(
      join(root, 'var/lib/dpkg/status'),
      'Package: libssh2-1\nStatus: install ok installed\nSource: libssh2 (1.10.0-3)\nVersion: 1.10.0-3+b1\n\nPackage: old\nStatus: deinstall ok config-files\nVersion: 1.0-1\n\nPackage: openssh-client\nStatus: install ok half-configured\nSource: openssh\nVersion: 1:9.2p1-2\n',
    );
    writeFileSync(
      join(root, 'etc/os-release'),
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
    );
    const l = await readLockfile(join(root, 'var/lib/dpkg/status'));
    // A half-configured package's files are on disk: audited; a removed one's configuration files are not code.
    expect([l.detail, l.packages.map((p) => `${p.name}@${p.version} Debian:${p.release}`), l.skipped]).toEqual([
      `Debian 12 (VERSION_ID in ${join(root, 'etc/os-release')}); 2 installed binary packages from 2 source packages`,
      ['libssh2@1.10.0-3 Debian:12', 'openssh@1:9.2p1-2 Debian:12'],
      ['old (status deinstall ok config-files)'],
    ]);
    writeFileSync(join(root, 'etc/os-release'), 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nID=ubuntu\nVERSION_ID="22.04"\n');
    await expect(readLockfile(join(root, 'var/lib/dpkg/status'))).rejects.toThrow(
      /belongs to Ubuntu 22\.04\.4 LTS \(ID=ubuntu in .*\): gonogo audits Debian's packages only/,
    );
    const bare = join(tmp(), 'status');
    writeFileSync(bare, readFileSync(join(root, 'var/lib/dpkg/status')));
    await expect(readLockfile(bare)).rejects.toThrow(
      /cannot tell which Debian release .*set security\.deps\.debianRelease \(or --debian-release\)/,
    );
    expect((await readLockfile(bare, { debianRelease: '12' })).packages[0]).toMatchObject({
      name: 'libssh2',
      release: '12',
    });
  });

  it("this machine's own /var/lib/dpkg/status: every installed package read, under the release /etc/os-release names, judged as dpkg orders versions", {
    skip: !ON_DEBIAN,
  }, async () => {
    const l = await readLockfile(DPKG_STATUS);
    expect(l.detail).toMatch(new RegExp(`^Debian ${OS_RELEASE.VERSION_ID} \\(VERSION_ID in /etc/os-release\\)`));
    // dpkg-query names the same source packages and versions.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} format, not a template
    const query = run('dpkg-query', ['-W', '-f', '${db:Status-Status} ${source:Package} ${source:Version}\\n']);
    if (query) {
      const expected = [
        ...new Set(
          query
            .trim()
            .split('\n')
            .filter((x) => !/^(config-files|not-installed) /.test(x))
            .map((x) => x.split(' ').slice(1).join('@')),
        ),
      ].sort();
      expect(l.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(expected);
    }
    const r = await auditDeps({ lockfiles: [DPKG_STATUS], db: await osvDirDb(OSV), ignore: [] });
    expect(r.checks[0]!.status).not.toBe('error');
    // Each Debian advisory of the directory matches exactly when dpkg itself says the installed version is below the fix.
    const installed = (name: string) => l.packages.find((p) => p.name === name)?.version;
    const below = (v: string | undefined, fix: string) =>
      !!v && run('dpkg', ['--compare-versions', v, 'lt', fix]) !== null;
    const expected = [
      ...(OS_RELEASE.VERSION_ID === '12' && installed('libssh2')
        ? [`DEBIAN-CVE-2023-48795 libssh2@${installed('libssh2')}`]
        : []),
      ...(OS_RELEASE.VERSION_ID === '12' && below(installed('openssh'), '1:9.2p1-2+deb12u2')
        ? [`DSA-5586-1 openssh@${installed('openssh')}`]
        : []),
      ...(OS_RELEASE.VERSION_ID === '12' && below(installed('glibc'), '2.36-9+deb12u3')
        ? [`DSA-5514-1 glibc@${installed('glibc')}`]
        : []),
    ].sort();
    expect(r.findings.map((f) => `${f.advisory.id} ${f.package.name}@${f.package.version}`).sort()).toEqual(expected);
  });
});

describe('the OSV API (a local stand-in)', () => {
  it('is asked about Debian packages under OSV\'s ecosystem name with the release, "Debian:12", and PyPI ones as "PyPI"', async () => {
    const asked: string[] = [];
    const record = JSON.parse(readFileSync(join(OSV, 'DEBIAN-CVE-2023-48795.json'), 'utf8')) as unknown;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        if (req.url === '/v1/querybatch') {
          const q = JSON.parse(body) as {
            queries: Array<{ package: { ecosystem: string; name: string }; version: string }>;
          };
          asked.push(...q.queries.map((x) => `${x.package.ecosystem} ${x.package.name}@${x.version}`));
          res.end(
            JSON.stringify({
              results: q.queries.map((x) =>
                x.package.name === 'libssh2' ? { vulns: [{ id: 'DEBIAN-CVE-2023-48795' }] } : {},
              ),
            }),
          );
        } else res.end(JSON.stringify(record));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await auditDeps({
        lockfiles: [fx('machine/dpkg-status'), fx('machine/pip-list.json')],
        db: osvApiDb(`http://127.0.0.1:${port}`, 2000),
        ignore: [],
      });
      expect(asked).toEqual(
        expect.arrayContaining([
          'Debian:12 libssh2@1.10.0-3',
          'Debian:12 openssh@1:9.2p1-2+deb12u6',
          'PyPI pip@23.2.1',
        ]),
      );
      expect(findings(r)).toEqual(['DEBIAN-CVE-2023-48795 unknown libssh2@1.10.0-3']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('gonogo audit deps on inputs without a lockfile', () => {
  it('takes a pip freeze file and a dpkg status file together, naming each input, its kind and its package count', async () => {
    const r = await gonogo(['audit', 'deps', fx('machine/pip-freeze.out'), fx('machine/dpkg-status'), '--osv-db', OSV]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/machine\/pip-freeze\.out: pip-freeze, \d+ packages/);
    expect(r.out).toMatch(/machine\/dpkg-status: dpkg-status \(Debian 12 .*\), 5 packages/);
    expect(r.out).toContain('DEBIAN-CVE-2023-48795 libssh2@1.10.0-3');
    // What could not be audited is said, not dropped: an SBOM's apk packages, a direct reference in pip freeze.
    const dir = tmp();
    writeFileSync(
      join(dir, 'image.json'),
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        version: 1,
        components: [
          { type: 'library', name: 'pip', version: '23.2.1', purl: 'pkg:pypi/pip@23.2.1' },
          { type: 'library', name: 'busybox', version: '1.36.1-r0', purl: 'pkg:apk/alpine/busybox@1.36.1-r0' },
        ],
      }),
    );
    const sbom = await gonogo(['audit', 'deps', join(dir, 'image.json'), '--osv-db', OSV]);
    expect(sbom.out).toMatch(
      /image\.json: cyclonedx \(CycloneDX 1\.5\), 1 packages \(0 direct\), 1 entries not audited \(e\.g\. pkg:apk\/alpine\/busybox@1\.36\.1-r0 \(apk packages are not audited\)\)/,
    );
    const eleven = await gonogo([
      'audit',
      'deps',
      fx('machine/dpkg-status'),
      '--osv-db',
      OSV,
      '--debian-release',
      '11',
      '--json',
    ]);
    expect([
      eleven.code,
      (JSON.parse(eleven.out) as { lockfiles: Array<{ detail: string }> }).lockfiles[0]!.detail,
    ]).toEqual([0, expect.stringMatching(/^Debian 11 \(security\.deps\.debianRelease\)/)]);
  });

  it('a file of no known kind is exit 2 with one paragraph naming the kinds', async () => {
    const f = join(tmp(), 'notes.md');
    writeFileSync(f, '# Release notes\n\nNothing to see.\n');
    const r = await gonogo(['audit', 'deps', f, '--osv-db', OSV]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /notes\.md: unknown lockfile type: it is none of the kinds gonogo reads, whatever their file name: lockfiles \(package-lock\.json.*\), a CycloneDX JSON SBOM .*, an SPDX 2\.2\/2\.3 JSON SBOM .*, a dpkg status file .*, pip freeze output .* or pip list --format=json output/,
    );
    expect((await gonogo(['audit', 'deps', f, '--debian-release', 'bookworm'])).code).toBe(2);
  });

  it('lockfiles are recognised by content too: a package-lock and a Pipfile.lock under other names', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'npm.lock.json'), readFileSync(fx('npm-v3-package-lock.json')));
    writeFileSync(join(dir, 'py.lock.json'), readFileSync(fx('pipenv/Pipfile.lock')));
    expect([
      (await readLockfile(join(dir, 'npm.lock.json'))).format,
      (await readLockfile(join(dir, 'py.lock.json'))).format,
    ]).toEqual(['package-lock-v3', 'pipfile']);
  });

  it('a run reads them from security.deps.lockfiles, relative to the config file, with security.deps.debianRelease', async () => {
    expect(SecurityConfig.safeParse({ deps: { debianRelease: 'bookworm' } }).error!.issues[0]).toMatchObject({
      path: ['deps', 'debianRelease'],
      message: 'a Debian release number, e.g. "12" for bookworm',
    });
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const deps = async (extra: Record<string, unknown>) =>
        (
          await runSecurity(
            await securityContext(
              url,
              {
                deps: {
                  lockfiles: ['machine/dpkg-status', 'machine/pip-freeze.out'],
                  source: { kind: 'osv-dir', path: 'osv-machine' },
                  ...extra,
                },
              },
              fx('.'),
            ),
          )
        ).checks.find((c) => c.id === 'deps.advisories')!;
      const twelve = await deps({});
      expect([twelve.status, twelve.evidence.message]).toEqual([
        'fail',
        expect.stringContaining('DEBIAN-CVE-2023-48795 (unrated, counted as high) libssh2@1.10.0-3'),
      ]);
      expect((twelve.evidence.details!.lockfiles as Array<{ format: string }>).map((l) => l.format)).toEqual([
        'dpkg-status',
        'pip-freeze',
      ]);
      const eleven = await deps({
        debianRelease: '11',
        ignore: [
          {
            id: 'CVE-2024-6345',
            reason: 'setuptools is not used at run time',
            owner: 'sec@example.com',
            expires: '2099-01-01',
          },
        ],
      });
      expect([eleven.status, (eleven.evidence.details!.lockfiles as Array<{ detail?: string }>)[0]!.detail]).toEqual([
        'pass',
        expect.stringMatching(/^Debian 11 \(security\.deps\.debianRelease\)/),
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
