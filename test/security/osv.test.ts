import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { ORDERS, inRange, toAdvisory, severityOf } from '../../security/deps/osv/match.ts';
import { cvss3BaseScore } from '../../security/deps/osv/cvss.ts';
import { osvApiDb, osvDirDb } from '../../security/deps/osv/sources.ts';
import { npmAuditDb } from '../../security/deps/osv/npm-audit.ts';
import { auditDeps } from '../../security/deps/audit.ts';
import { fixedFor } from '../../security/deps/osv/match.ts';
import { renderMarkdown, renderJunit } from '../../reports/render/index.ts';
import { renderSarif } from '../../reports/sarif.ts';
import { report as makeReport } from '../helpers/report.ts';
import { gonogo } from '../helpers/cli.ts';
import type { OsvRecord } from '../../security/deps/osv/schema.ts';
import type { AdvisoryDb, LockedPackage } from '../../security/deps/types.ts';

const DEMO = resolve(import.meta.dirname, '../../security/deps/osv-demo');
const fx = (p: string): string => resolve(import.meta.dirname, 'fixtures', p);
const npm = (name: string, version: string): LockedPackage => ({
  ecosystem: 'npm',
  name,
  version,
  direct: true,
  file: 'x',
});
const pypi = (name: string, version: string): LockedPackage => ({
  ecosystem: 'PyPI',
  name,
  version,
  direct: true,
  file: 'x',
});
const range = (...events: Array<Record<string, string>>) => ({ type: 'ECOSYSTEM', events });

describe('OSV range evaluation', () => {
  it('semver: introduced/fixed, with pre-releases ordered before their release', () => {
    const r = range({ introduced: '0' }, { fixed: '4.17.21' });
    expect(inRange('4.17.20', r, ORDERS.npm)).toBe(true);
    expect(inRange('4.17.21-rc.1', r, ORDERS.npm)).toBe(true);
    expect(inRange('4.17.21', r, ORDERS.npm)).toBe(false);
    expect(inRange('5.0.0-alpha.1', r, ORDERS.npm)).toBe(false);
  });

  it('semver: several introduced/fixed pairs, last_affected is inclusive, limit caps', () => {
    const r = range(
      { introduced: '1.0.0' },
      { fixed: '1.4.0' },
      { introduced: '2.0.0-beta.1' },
      { last_affected: '2.3.0' },
    );
    expect(
      ['0.9.0', '1.0.0', '1.3.9', '1.4.0', '1.9.0', '2.0.0-beta.0', '2.0.0-beta.1', '2.3.0', '2.3.1'].map((v) =>
        inRange(v, r, ORDERS.npm),
      ),
    ).toEqual([false, true, true, false, false, false, true, true, false]);
    const limited = range({ introduced: '0' }, { limit: '3.0.0' });
    expect([inRange('2.9.9', limited, ORDERS.npm), inRange('3.0.0', limited, ORDERS.npm)]).toEqual([true, false]);
  });

  it('PEP 440: epochs, pre, post and dev releases in PyPI order', () => {
    const r = range({ introduced: '2.3.0' }, { fixed: '2.31.0' });
    expect(
      ['2.2.9', '2.3.0', '2.31.0rc1', '2.31.0.dev0', '2.31.0', '2.31.0.post1', '2.30.0.post1', '1!2.4.0'].map((v) =>
        inRange(v, r, ORDERS.PyPI),
      ),
    ).toEqual([false, true, true, true, false, false, true, false]);
    const epoch = range({ introduced: '1!0' }, { fixed: '1!1.5' });
    expect([
      inRange('9.9', epoch, ORDERS.PyPI),
      inRange('1!1.4', epoch, ORDERS.PyPI),
      inRange('1!1.5', epoch, ORDERS.PyPI),
    ]).toEqual([false, true, false]);
    expect(ORDERS.PyPI.equal('1.0', '1.0.0')).toBe(true);
  });

  it('GIT ranges are ignored; versions lists match exactly (PEP 440 equality for PyPI)', () => {
    expect(inRange('1.0.0', { type: 'GIT', events: [{ introduced: '0' }] }, ORDERS.npm)).toBe(false);
    const rec: OsvRecord = {
      id: 'PYSEC-X',
      affected: [{ package: { ecosystem: 'PyPI', name: 'Django' }, versions: ['4.2', '4.2.1'] }],
    };
    const a = toAdvisory(rec)!;
    expect([
      a.affects(pypi('django', '4.2.0')),
      a.affects(pypi('django', '4.2.2')),
      a.affects(npm('django', '4.2.0')),
    ]).toEqual([true, false, false]);
  });

  it('withdrawn advisories are skipped', () => {
    expect(toAdvisory({ id: 'GHSA-old', withdrawn: '2022-01-01T00:00:00Z', affected: [] })).toBeNull();
  });
});

describe('severity', () => {
  it('computes CVSS 3.x base scores (both scopes)', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')).toBe(7.2);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L')).toBe(5.3);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N')).toBe(6.1);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(10);
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeNull();
  });

  it('falls back to the database rating when there is no v3 vector', () => {
    expect(
      severityOf({
        id: 'x',
        severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }],
        database_specific: { severity: 'MODERATE' },
      }),
    ).toEqual({ severity: 'medium' });
    expect(severityOf({ id: 'x' })).toEqual({ severity: 'unknown' });
  });

  it('a Debian entry rated only by the security tracker\'s urgency counts as that urgency; "not yet assigned" stays unrated', () => {
    const deb = (urgency: string) =>
      severityOf({
        id: 'DEBIAN-CVE-x',
        affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ecosystem_specific: { urgency } }],
      }).severity;
    expect(['unimportant', 'low', 'low**', 'medium', 'high', 'not yet assigned', 'end-of-life'].map(deb)).toEqual([
      'low',
      'low',
      'low',
      'medium',
      'high',
      'unknown',
      'unknown',
    ]);
    // A CVSS vector, when the record has one, comes first.
    expect(
      severityOf({
        id: 'DSA-x',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [{ ecosystem_specific: { urgency: 'low' } }],
      }),
    ).toEqual({ severity: 'critical', score: 9.8 });
  });
});

describe('advisory sources', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('the demo directory: lodash 4.17.20 matches GHSA-35jh-r3h4-6jhm (high 7.2), 4.17.21 matches nothing', async () => {
    const db = await osvDirDb(DEMO);
    expect(db.date).toBe('2023-09-20T19:19:30Z');
    const advisories = await db.lookup([npm('lodash', '4.17.20')]);
    const hit = advisories
      .filter((a) => a.affects(npm('lodash', '4.17.20')))
      .map((a) => `${a.id} ${a.severity} ${a.score}`)
      .sort();
    expect(hit).toEqual(['GHSA-29mw-wpgm-hmr9 medium 5.3', 'GHSA-35jh-r3h4-6jhm high 7.2']);
    expect(advisories.some((a) => a.affects(npm('lodash', '4.17.21')))).toBe(false);
  });

  it('an unrated advisory counts as security.deps.unratedAs (high by default), a malicious-package entry as critical', async () => {
    expect(severityOf({ id: 'MAL-2024-1234' })).toEqual({ severity: 'critical' });
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-osv-unrated-'));
    const lockfile = join(dir, 'package-lock.json');
    await writeFile(
      lockfile,
      JSON.stringify({
        name: 'x',
        lockfileVersion: 3,
        packages: {
          '': { name: 'x', dependencies: { 'left-pad': '1.2.0' } },
          'node_modules/left-pad': { version: '1.2.0' },
        },
      }),
    );
    const rec = {
      id: 'PYSEC-like-unrated',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [range({ introduced: '0' }, { fixed: '1.3.0' })] },
      ],
    };
    await mkdir(join(dir, 'osv'));
    await writeFile(join(dir, 'osv', 'PYSEC-like-unrated.json'), JSON.stringify(rec));
    const db = await osvDirDb(join(dir, 'osv'));
    const blocked = await auditDeps({ lockfiles: [lockfile], db, ignore: [] });
    expect(blocked.checks[0]!.status).toBe('fail');
    expect(blocked.checks[0]!.evidence.message).toContain(
      'PYSEC-like-unrated (unrated, counted as high) left-pad@1.2.0',
    );
    expect(blocked.measurements.find((m) => m.metric === 'deps_vulns_high')!.values.count).toBe(1);
    const judged = await auditDeps({ lockfiles: [lockfile], db, ignore: [], unratedAs: 'medium' });
    expect(judged.checks[0]!.status).toBe('pass');
    expect(judged.measurements.find((m) => m.metric === 'deps_vulns_high')!.values.count).toBe(0);
  });

  it('an OSV zip export reads like the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-osv-'));
    const rec = {
      id: 'GHSA-test-zip',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [range({ introduced: '0' }, { fixed: '1.3.0' })] },
      ],
      database_specific: { severity: 'CRITICAL' },
    };
    await writeFile(join(dir, 'all.zip'), zipSync({ 'GHSA-test-zip.json': strToU8(JSON.stringify(rec)) }));
    const db = await osvDirDb(join(dir, 'all.zip'));
    const r = await auditDeps({ lockfiles: [fx('npm-v3-package-lock.json')], db, ignore: [] });
    expect(r.counts.critical).toBe(0);
    const [a] = await db.lookup([npm('left-pad', '1.2.0')]);
    expect(a!.affects(npm('left-pad', '1.2.0'))).toBe(true);
    expect(db.source).toMatch(/OSV zip .*all\.zip \(1 advisories\)/);
  });

  it('the OSV API: querybatch then each record (against a local stand-in)', async () => {
    const calls: string[] = [];
    server = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/v1/querybatch') {
          const q = JSON.parse(body) as { queries: Array<{ package: { name: string } }> };
          res.end(
            JSON.stringify({
              results: q.queries.map((x) =>
                x.package.name === 'lodash'
                  ? { vulns: [{ id: 'GHSA-35jh-r3h4-6jhm', modified: '2022-02-08T21:35:09Z' }] }
                  : {},
              ),
            }),
          );
        } else {
          res.end(
            JSON.stringify({
              id: 'GHSA-35jh-r3h4-6jhm',
              severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
              affected: [
                {
                  package: { ecosystem: 'npm', name: 'lodash' },
                  ranges: [range({ introduced: '0' }, { fixed: '4.17.21' })],
                },
              ],
            }),
          );
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const r = await auditDeps({
      lockfiles: [fx('npm-v3-package-lock.json')],
      db: osvApiDb(`http://127.0.0.1:${port}`, 2000),
      ignore: [],
    });
    expect(calls).toEqual(['POST /v1/querybatch', 'GET /v1/vulns/GHSA-35jh-r3h4-6jhm']);
    expect(r.counts.high).toBe(1);
    expect(r.checks[0]!.status).toBe('fail');
  });

  it('an unreachable OSV API makes the check an error and measures nothing (the KPIs stay not-measured)', async () => {
    const r = await auditDeps({
      lockfiles: [fx('npm-v3-package-lock.json')],
      db: osvApiDb('http://127.0.0.1:1', 2000),
      ignore: [],
    });
    expect(r.checks[0]!.status).toBe('error');
    expect(r.checks[0]!.evidence.message).toMatch(/cannot be reached/);
    expect(r.measurements).toEqual([]);
  });

  it('npm audit --json (report v2) as the source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-audit-'));
    const file = join(dir, 'audit.json');
    await writeFile(
      file,
      JSON.stringify({
        auditReportVersion: 2,
        vulnerabilities: {
          lodash: {
            name: 'lodash',
            severity: 'high',
            isDirect: true,
            via: [
              {
                source: 1106913,
                name: 'lodash',
                dependency: 'lodash',
                title: 'Command Injection in lodash',
                url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
                severity: 'high',
                cwe: ['CWE-77'],
                cvss: { score: 7.2 },
                range: '<4.17.21',
              },
            ],
            effects: [],
            range: '<=4.17.20',
            nodes: ['node_modules/lodash'],
            fixAvailable: true,
          },
        },
        metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } },
      }),
    );
    const r = await auditDeps({
      lockfiles: [fx('npm-v2/package-lock.json'), fx('npm-v3-package-lock.json')],
      db: await npmAuditDb(file),
      ignore: [],
    });
    expect(r.findings.map((f) => `${f.advisory.id} ${f.package.name}@${f.package.version}`).sort()).toEqual([
      'GHSA-35jh-r3h4-6jhm lodash@4.17.15',
      'GHSA-35jh-r3h4-6jhm lodash@4.17.20',
    ]);
    expect(r.counts.high).toBe(1);
  });
});

describe('the version that fixes a finding', () => {
  const rec: OsvRecord = {
    id: 'GHSA-two-lines',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [range({ introduced: '0' }, { fixed: '3.10.0' }, { introduced: '4.0.0' }, { fixed: '4.17.21' })],
      },
      { package: { ecosystem: 'npm', name: 'lodash-es' }, ranges: [range({ introduced: '0' }, { fixed: '4.17.22' })] },
      {
        package: { ecosystem: 'npm', name: 'left-pad' },
        ranges: [range({ introduced: '0' }, { last_affected: '1.3.0' })],
      },
    ],
  };

  it('comes from affected[].ranges[].events[].fixed of the installed package and the range its version is in', () => {
    expect(fixedFor(rec, npm('lodash', '4.17.20'))).toEqual(['4.17.21']);
    expect(fixedFor(rec, npm('lodash', '3.9.0'))).toEqual(['3.10.0']);
    expect(fixedFor(rec, npm('lodash-es', '4.17.21'))).toEqual(['4.17.22']);
    // a last_affected range names no fix
    expect(fixedFor(rec, npm('left-pad', '1.2.0'))).toEqual([]);
  });

  it('is named in the finding, the console of audit deps, report.md, junit.xml and report.sarif', async () => {
    const r = await auditDeps({ lockfiles: [fx('npm-v3-package-lock.json')], db: await osvDirDb(DEMO), ignore: [] });
    const f = r.findings.find((x) => x.advisory.id === 'GHSA-35jh-r3h4-6jhm')!;
    expect(f.advisory.fixed).toEqual(['4.17.21']);
    const c = r.checks[0]!;
    expect(c.status).toBe('fail');
    expect(c.evidence.message).toContain('GHSA-35jh-r3h4-6jhm (high 7.2) lodash@4.17.20 direct in');
    expect(c.evidence.message).toMatch(/GHSA-35jh-r3h4-6jhm [^;]*; fixed in 4\.17\.21/);
    expect(c.evidence.details!.findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GHSA-29mw-wpgm-hmr9 .*; fixed in 4\.17\.21$/)]),
    );
    const cli = await gonogo(['audit', 'deps', fx('npm-v3-package-lock.json'), '--osv-db', DEMO]);
    expect(cli.out).toMatch(/high +GHSA-35jh-r3h4-6jhm lodash@4\.17\.20 \(direct\) .*; fixed in 4\.17\.21/);
    const rep = makeReport({ checks: [c] });
    for (const [name, text] of [
      ['md', renderMarkdown(rep)],
      ['junit', renderJunit(rep)],
      ['sarif', renderSarif(rep)],
    ] as const) {
      expect(text, name).toContain('fixed in 4.17.21');
    }
  });
});

describe('deps audit', () => {
  it('ignore entries hold until they expire, like KPI waivers', async () => {
    const db = await osvDirDb(DEMO);
    const entry = {
      id: 'CVE-2021-23337',
      reason: 'template() never gets user input',
      owner: 'sec@example.com',
      expires: '2026-12-31',
    };
    const held = await auditDeps({
      lockfiles: [fx('npm-v3-package-lock.json')],
      db,
      ignore: [entry],
      today: '2026-11-01',
    });
    expect(held.checks[0]!.status).toBe('pass');
    expect(held.counts.high).toBe(0);
    expect(held.checks[0]!.evidence.details!.ignored).toEqual([
      expect.stringContaining('GHSA-35jh-r3h4-6jhm lodash@4.17.20: template() never gets user input'),
    ]);
    const expired = await auditDeps({
      lockfiles: [fx('npm-v3-package-lock.json')],
      db,
      ignore: [entry],
      today: '2027-01-01',
    });
    expect(expired.checks[0]!.status).toBe('fail');
    expect(expired.checks[0]!.evidence.message).toMatch(/ignore entry expired 2026-12-31/);
  });

  it('audits Python lockfiles with PEP 440 ordering', async () => {
    const db = await osvDirDb(DEMO);
    const r = await auditDeps({
      lockfiles: [fx('pip/requirements.txt'), fx('poetry/poetry.lock'), fx('pipenv/Pipfile.lock')],
      db,
      ignore: [],
    });
    expect(r.findings.map((f) => `${f.package.name}@${f.package.version} ${f.advisory.severity}`).sort()).toEqual([
      'requests@2.25.1 medium',
      'requests@2.28.1 medium',
      'requests@2.30.0 medium',
    ]);
    expect(r.checks[0]!.status).toBe('pass');
    expect(r.measurements).toEqual([
      { metric: 'deps_vulns_critical', values: { count: 0 }, samples: 16, note: expect.stringContaining('osv-demo') },
      { metric: 'deps_vulns_high', values: { count: 0 }, samples: 16, note: expect.stringContaining('osv-demo') },
    ]);
  });

  it('no lockfile and an unreadable lockfile are errors, never passes', async () => {
    const db = await osvDirDb(DEMO);
    expect((await auditDeps({ lockfiles: [], db, ignore: [] })).checks[0]!.status).toBe('error');
    expect((await auditDeps({ lockfiles: [fx('missing/package-lock.json')], db, ignore: [] })).checks[0]!.status).toBe(
      'error',
    );
  });

  it('an audit past its deadline is an error saying so, and a lockfile of zero packages is an error, never a pass', async () => {
    const stuck: AdvisoryDb = {
      source: 'a source that never answers',
      date: null,
      lookup: () => new Promise(() => {}),
    };
    const started = performance.now();
    const r = await auditDeps({ lockfiles: [fx('npm-v3-package-lock.json')], db: stuck, ignore: [], timeoutS: 1 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([['deps.advisories', 'error']]);
    expect(r.checks[0]!.evidence.message).toMatch(
      /did not finish within its deadline of 1s \(security.deps.timeoutS\)/,
    );
    expect(r.measurements).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-zero-'));
    await writeFile(join(dir, 'requirements.txt'), '-c constraints.txt\n');
    await writeFile(join(dir, 'constraints.txt'), '# nothing pinned\n');
    const zero = await auditDeps({ lockfiles: [join(dir, 'requirements.txt')], db: await osvDirDb(DEMO), ignore: [] });
    expect(zero.checks[0]!.status).toBe('error');
    expect(zero.checks[0]!.evidence.message).toMatch(/requirements.txt was read as zero packages/);
  });
});
