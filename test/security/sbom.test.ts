import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLockfile } from '../../security/deps/lockfiles/index.ts';
import { auditDeps } from '../../security/deps/audit.ts';
import { osvDirDb } from '../../security/deps/osv/sources.ts';
import { parsePurl } from '../../security/deps/sbom/purl.ts';
import { debianReleaseOf } from '../../security/deps/sbom/packages.ts';
import type { ParsedLockfile } from '../../security/deps/types.ts';

const DEMO = resolve(import.meta.dirname, '../../security/deps/osv-demo');
const MACHINE_OSV = resolve(import.meta.dirname, 'fixtures/osv-machine');
const table = (l: ParsedLockfile) =>
  l.packages
    .map(
      (p) =>
        `${p.ecosystem}${p.release ? `:${p.release}` : ''} ${p.name}@${p.version} ${p.direct === null ? '?' : p.direct ? 'direct' : 'transitive'}`,
    )
    .sort();
const findings = (r: Awaited<ReturnType<typeof auditDeps>>) =>
  r.findings.map((f) => `${f.advisory.id} ${f.advisory.severity} ${f.package.name}@${f.package.version}`).sort();

// `npm sbom` needs no network with --package-lock-only: both SBOMs are made here, from a two-package project.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gonogo-sbom-'));
  cpSync(resolve(import.meta.dirname, 'fixtures/sbom-project'), dir, { recursive: true });
  for (const [format, name] of [
    ['cyclonedx', 'made-by-npm.cdx'],
    ['spdx', 'made-by-npm.spdx'],
  ] as const) {
    writeFileSync(
      join(dir, name),
      execFileSync('npm', ['sbom', '--package-lock-only', '--sbom-format', format], {
        cwd: dir,
        env: { ...process.env, npm_config_offline: 'true' },
      }),
    );
  }
});

const bom = (extra: Record<string, unknown>): string =>
  JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, ...extra });
const write = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('SBOMs made by npm sbom on this machine', () => {
  it('CycloneDX: every component with a purl, direct from the dependency graph, the project itself left out', async () => {
    const l = await readLockfile(join(dir, 'made-by-npm.cdx'));
    expect([l.format, l.detail, l.ecosystem]).toEqual(['cyclonedx', expect.stringMatching(/^CycloneDX 1\.\d$/), 'npm']);
    expect(table(l)).toEqual(['npm left-pad@1.3.0 direct', 'npm lodash@4.17.20 direct']);
  });

  it('SPDX: every package with a purl reference, direct from DEPENDENCY_OF, the described package left out', async () => {
    const l = await readLockfile(join(dir, 'made-by-npm.spdx'));
    expect([l.format, l.detail, l.ecosystem]).toEqual(['spdx', 'SPDX-2.3', 'npm']);
    expect(table(l)).toEqual(['npm left-pad@1.3.0 direct', 'npm lodash@4.17.20 direct']);
  });

  it('each finds the true advisories of lodash 4.17.20 in the demo OSV directory, and not the one fixed in 4.17.20', async () => {
    for (const f of ['made-by-npm.cdx', 'made-by-npm.spdx']) {
      const r = await auditDeps({ lockfiles: [join(dir, f)], db: await osvDirDb(DEMO), ignore: [] });
      expect(findings(r)).toEqual([
        'GHSA-29mw-wpgm-hmr9 medium lodash@4.17.20',
        'GHSA-35jh-r3h4-6jhm high lodash@4.17.20',
      ]);
      expect(r.findings.some((x) => x.advisory.id === 'GHSA-p6mc-m468-83gw')).toBe(false);
      expect(r.checks[0]!.status).toBe('fail');
      expect(r.checks[0]!.evidence.details!.lockfiles).toEqual([
        expect.objectContaining({ file: join(dir, f), format: f.endsWith('cdx') ? 'cyclonedx' : 'spdx', packages: 2 }),
      ]);
    }
  });
});

describe("an SBOM of this machine's Python made by cyclonedx-py 7.5.0 (cyclonedx-py environment --of JSON --sv 1.6)", () => {
  it("reads the same packages pip list names, and finds pip 23.2.1's and setuptools 65.5.0's true advisories, not requests' fixed one", async () => {
    const fx = (p: string): string => resolve(import.meta.dirname, 'fixtures/machine', p);
    const l = await readLockfile(fx('python-env.cdx.json'));
    expect([l.format, l.detail, l.ecosystem]).toEqual(['cyclonedx', 'CycloneDX 1.6', 'PyPI']);
    const list = await readLockfile(fx('pip-list.json'));
    const names = (x: ParsedLockfile) => x.packages.map((p) => `${p.name}@${p.version}`).sort();
    expect(names(l)).toEqual(names(list));
    const r = await auditDeps({ lockfiles: [l], db: await osvDirDb(MACHINE_OSV), ignore: [] });
    expect(findings(r)).toEqual([
      'GHSA-cx63-2mw6-8hw5 high setuptools@65.5.0',
      'GHSA-mq26-g339-26xf medium pip@23.2.1',
    ]);
    expect(l.packages.find((p) => p.name === 'requests')?.version).toBe('2.34.2');
  });
});

describe('SBOMs checked against their published schemas', () => {
  it('a CycloneDX document its schema refuses is an error naming the field, not a short package list', async () => {
    const f = write(
      'bad.cdx.json',
      bom({ components: [{ type: 'nonsense', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' }] }),
    );
    await expect(readLockfile(f)).rejects.toThrow(
      /bad\.cdx\.json is not a valid CycloneDX 1\.5 SBOM \(its published JSON schema\): \/components\/0\/type must be equal to one of the allowed values/,
    );
    const v = write('cdx-1.1.json', bom({ specVersion: '1.1', components: [] }));
    await expect(readLockfile(v)).rejects.toThrow(
      /specVersion "1\.1" is not one gonogo reads as JSON \(1\.2, 1\.3, 1\.4, 1\.5, 1\.6, 1\.7\)/,
    );
  });

  it('an SPDX document without its required fields is refused by the SPDX schema', async () => {
    const doc = JSON.parse(readFileSync(join(dir, 'made-by-npm.spdx'), 'utf8')) as Record<string, unknown>;
    delete doc.dataLicense;
    await expect(readLockfile(write('bad.spdx.json', JSON.stringify(doc)))).rejects.toThrow(
      /is not a valid SPDX-2\.3 document \(its published JSON schema\): \/ must have required property 'dataLicense'/,
    );
  });

  it('CycloneDX XML and SPDX tag-value are named as such, with the option that writes JSON', async () => {
    await expect(
      readLockfile(
        write(
          'bom.xml',
          '<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"></bom>\n',
        ),
      ),
    ).rejects.toThrow(
      /is a CycloneDX XML SBOM: gonogo reads CycloneDX JSON; write it as JSON \(syft -o cyclonedx-json/,
    );
    await expect(readLockfile(write('sbom.spdx', 'SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n'))).rejects.toThrow(
      /is an SPDX tag-value document: gonogo reads SPDX JSON/,
    );
  });
});

describe('SBOMs at scale', () => {
  it("a CycloneDX SBOM of 30,000 components is validated and read in seconds (its schema's uniqueItems, pairwise in ajv, took minutes)", async () => {
    const components = Array.from({ length: 30_000 }, (_, i) => ({
      type: 'library',
      'bom-ref': `c${i}`,
      name: `pkg${i}`,
      version: `1.0.${i}`,
      purl: `pkg:npm/pkg${i}@1.0.${i}`,
    }));
    const f = write('large.cdx.json', bom({ components }));
    const started = performance.now();
    const l = await readLockfile(f);
    expect(l.packages.length).toBe(30_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('package URLs', () => {
  it('parses type, namespace, name, version and qualifiers, percent-decoded', () => {
    expect(parsePurl('pkg:npm/%40babel/core@7.24.0')).toEqual({
      type: 'npm',
      namespace: '@babel',
      name: 'core',
      version: '7.24.0',
      qualifiers: {},
    });
    expect(
      parsePurl('pkg:deb/debian/libssh2-1@1.10.0-3%2Bb1?arch=amd64&upstream=libssh2%401.10.0-3&distro=debian-12'),
    ).toEqual({
      type: 'deb',
      namespace: 'debian',
      name: 'libssh2-1',
      version: '1.10.0-3+b1',
      qualifiers: { arch: 'amd64', upstream: 'libssh2@1.10.0-3', distro: 'debian-12' },
    });
    expect(parsePurl('pkg:deb/debian/openssh-client@1%3A9.2p1-2%2Bdeb12u6#sub/path')?.version).toBe(
      '1:9.2p1-2+deb12u6',
    );
    expect([parsePurl('npm/lodash@1'), parsePurl('pkg:npm'), parsePurl('pkg:/npm/')]).toEqual([null, null, null]);
    expect(['debian-12', 'debian-12.5', 'bookworm', '12', 'ubuntu-22.04'].map(debianReleaseOf)).toEqual([
      '12',
      '12',
      '12',
      '12',
      undefined,
    ]);
  });

  it('a syft-style SBOM: deb packages audited under their source and release, PyPI names normalised, other types skipped', async () => {
    const f = write(
      'image.cdx.json',
      bom({
        components: [
          {
            type: 'library',
            name: 'libssh2-1',
            version: '1.10.0-3+b1',
            purl: 'pkg:deb/debian/libssh2-1@1.10.0-3%2Bb1?arch=amd64&upstream=libssh2%401.10.0-3&distro=debian-12',
          },
          {
            type: 'library',
            name: 'openssh-client',
            version: '1:9.2p1-2+deb12u6',
            purl: 'pkg:deb/debian/openssh-client@1%3A9.2p1-2%2Bdeb12u6?arch=amd64&upstream=openssh&distro=debian-12',
          },
          { type: 'library', name: 'Setuptools', version: '65.5.0', purl: 'pkg:pypi/Setuptools@65.5.0' },
          { type: 'library', name: 'busybox', version: '1.36.1-r0', purl: 'pkg:apk/alpine/busybox@1.36.1-r0' },
          { type: 'library', name: 'no-purl', version: '1.0.0' },
        ],
      }),
    );
    const l = await readLockfile(f);
    expect([l.ecosystem, table(l)]).toEqual([
      'mixed',
      ['Debian:12 libssh2@1.10.0-3 ?', 'Debian:12 openssh@1:9.2p1-2+deb12u6 ?', 'PyPI setuptools@65.5.0 ?'],
    ]);
    expect(l.skipped).toEqual([
      'pkg:apk/alpine/busybox@1.36.1-r0 (apk packages are not audited)',
      'no-purl@1.0.0 (no purl)',
    ]);
    const r = await auditDeps({ lockfiles: [f], db: await osvDirDb(MACHINE_OSV), ignore: [] });
    expect(findings(r)).toEqual([
      'DEBIAN-CVE-2023-48795 unknown libssh2@1.10.0-3',
      'GHSA-cx63-2mw6-8hw5 high setuptools@65.5.0',
    ]);
  });

  it('an SBOM of nothing gonogo audits (only apk packages) reads as zero packages: an error naming what was skipped, never a pass', async () => {
    const f = write(
      'alpine.cdx.json',
      bom({
        components: [
          {
            type: 'library',
            name: 'busybox',
            version: '1.36.1-r0',
            purl: 'pkg:apk/alpine/busybox@1.36.1-r0?distro=3.18.0',
          },
        ],
      }),
    );
    await expect(readLockfile(f)).rejects.toThrow(
      /alpine\.cdx\.json was read as zero packages \(format cyclonedx, 1 entry skipped as not auditable \(pkg:apk\/alpine\/busybox@1\.36\.1-r0\?distro=3\.18\.0 \(apk packages are not audited\)\)\): an audit of nothing would pass/,
    );
  });

  it("SPDX 2.2 (syft's older output): PACKAGE_MANAGER references, checked against the 2.2 schema", async () => {
    const pkg = (name: string, purl: string) => ({
      SPDXID: `SPDXRef-${name}`,
      name,
      versionInfo: purl.split('@')[1],
      downloadLocation: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: purl }],
    });
    const f = write(
      'syft-2.2.spdx.json',
      JSON.stringify({
        spdxVersion: 'SPDX-2.2',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'image',
        documentNamespace: 'https://example.com/image',
        creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: syft-0.90.0'] },
        packages: [
          pkg('setuptools', 'pkg:pypi/setuptools@65.5.0'),
          pkg(
            'libssh2-1',
            'pkg:deb/debian/libssh2-1@1.10.0-3+b1?arch=amd64&upstream=libssh2%401.10.0-3&distro=debian-12',
          ),
        ],
      }),
    );
    const l = await readLockfile(f);
    expect([l.detail, table(l)]).toEqual(['SPDX-2.2', ['Debian:12 libssh2@1.10.0-3 ?', 'PyPI setuptools@65.5.0 ?']]);
  });

  it('a deb purl without a distro needs security.deps.debianRelease: never matched against no release', async () => {
    const f = write(
      'nodistro.cdx.json',
      bom({
        components: [
          {
            type: 'library',
            name: 'openssh-client',
            version: '1:9.2p1-2',
            purl: 'pkg:deb/debian/openssh-client@1%3A9.2p1-2?upstream=openssh',
          },
        ],
      }),
    );
    await expect(readLockfile(f)).rejects.toThrow(
      /1 Debian package of this CycloneDX SBOM name no Debian release .*set security\.deps\.debianRelease \(or --debian-release\)/,
    );
    const r = await auditDeps({ lockfiles: [f], db: await osvDirDb(MACHINE_OSV), ignore: [], debianRelease: '12' });
    expect(findings(r)).toEqual(['DSA-5586-1 unknown openssh@1:9.2p1-2']);
  });
});
