import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Location, Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import { renderSarif } from '../../reports/sarif.ts';
import { CATALOGUE } from '../../core/catalogue.ts';
import { REMEDIES } from '../../reports/remedies.ts';
import type { Report } from '../../core/report-schema.ts';
import { allErrorReport, goReport, noGoReport } from '../helpers/ci-reports.ts';
import { check, report } from '../helpers/report.ts';

const sarif = (r: Report): Log => JSON.parse(renderSarif(r)) as Log;
const run = (r: Report) => sarif(r).runs[0]!;
const byRule = (r: Report, id: string): Result => run(r).results!.find((x) => x.ruleId === id)!;
const uri = (l: Location | undefined) => l?.physicalLocation?.artifactLocation;
const catalogueSize = Object.keys(CATALOGUE).length;

/** GitHub code scanning's documented upload limits and required fields; returns what a log violates. */
function githubViolations(log: Log): string[] {
  const out: string[] = [];
  if (log.version !== '2.1.0') out.push(`version ${log.version}`);
  if (log.runs.length > 20) out.push(`${log.runs.length} runs > 20`);
  for (const [i, r] of log.runs.entries()) {
    const driver = r.tool.driver;
    if (!driver.name) out.push(`runs[${i}]: no tool.driver.name`);
    if (!driver.semanticVersion && !driver.version) out.push(`runs[${i}]: no semanticVersion or version`);
    const rules = driver.rules ?? [];
    if (rules.length > 25_000) out.push(`runs[${i}]: ${rules.length} rules > 25,000`);
    for (const rule of rules) {
      const tags = (rule.properties?.tags ?? []) as string[];
      if (tags.length > 20) out.push(`rule ${rule.id}: ${tags.length} tags > 20`);
      if (new Set(tags).size !== tags.length) out.push(`rule ${rule.id}: duplicate tags ${tags.join(',')}`);
      for (const t of tags) if (t.length > 255) out.push(`rule ${rule.id}: tag longer than 255`);
    }
    const results = r.results ?? [];
    if (results.length > 25_000) out.push(`runs[${i}]: ${results.length} results > 25,000`);
    for (const [j, res] of results.entries()) {
      if (!res.ruleId) out.push(`results[${j}]: no ruleId`);
      if (!res.message?.text) out.push(`results[${j}]: no message.text`);
      if ((res.locations?.length ?? 0) > 1000) out.push(`results[${j}]: ${res.locations!.length} locations > 1,000`);
      if (!res.partialFingerprints || !Object.keys(res.partialFingerprints).length)
        out.push(`results[${j}]: no partialFingerprints`);
      for (const l of res.locations ?? []) {
        const u = uri(l)?.uri;
        // RFC 3986: brackets only in an IP-literal host, spaces never; and it must resolve as a reference.
        if (u !== undefined && (/[\s[\]{}<>"\\^`|]/.test(u) || /%(?![0-9A-Fa-f]{2})/.test(u)))
          out.push(`results[${j}]: invalid URI ${u}`);
        if (u !== undefined) expect(() => new URL(u, 'file:///root/')).not.toThrow();
      }
    }
  }
  return out;
}

describe('SARIF results', () => {
  it('one result per failing, erroring or warning check and per failing KPI, at the right level', () => {
    const results = run(noGoReport())
      .results!.map((x) => [x.ruleId, x.level])
      .sort();
    expect(results).toEqual([
      ['config.docs-hidden', 'warning'],
      ['deps.advisories', 'error'],
      ['email.token-not-exposed', 'error'],
      ['escrow.webhook-bad-signature', 'error'],
      ['headers.csp', 'note'],
      ['headers.grade', 'warning'],
      ['kpi.http.p95', 'error'],
      ['tls.protocols', 'error'],
    ]);
    const r = run(noGoReport());
    for (const res of r.results!) expect(r.tool.driver.rules![res.ruleIndex!]!.id).toBe(res.ruleId);
    expect(byRule(noGoReport(), 'headers.csp').suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'CSP rollout tracked in SEC-142 (alice@example.com, until 2099-12-31)',
      },
    ]);
    expect(byRule(noGoReport(), 'kpi.http.p95').message.text).toMatch(
      /^KPI http\.p95 failed: http_req_duration: p\(95\)<200, measured 312\./,
    );
  });

  it('an all-error run is not clean: every check is an error result with its reason, every KPI too', () => {
    const results = run(allErrorReport()).results!;
    expect(results).toHaveLength(catalogueSize + 3);
    expect(new Set(results.map((x) => x.level))).toEqual(new Set(['error']));
    const tls = results.find((x) => x.ruleId === 'tls.protocols')!;
    expect(tls.message.text).toBe(
      'Only TLS 1.2 and 1.3 are accepted: could not run: connect ECONNREFUSED 127.0.0.1:8443 (tls.protocols).',
    );
    expect(results.find((x) => x.ruleId === 'kpi.escrow.non-bypass')!.message.text).toMatch(
      /could not be measured \(could not run: every check in error\)/,
    );
    expect(run(allErrorReport()).invocations![0]!.exitCode).toBe(1);
  });

  it('a GO run has rules for every check and KPI and no results', () => {
    const r = run(goReport());
    expect(r.results).toEqual([]);
    expect(r.tool.driver.rules).toHaveLength(catalogueSize + 3);
    expect(r.invocations![0]).toMatchObject({ executionSuccessful: true, exitCode: 0 });
  });

  it('names skipped checks and unselected suites in the invocation, not as findings', () => {
    const r = noGoReport();
    r.run.suites = ['smoke', 'security'];
    r.kpis = r.kpis.map((k) =>
      k.suite === 'load' ? { ...k, status: 'not-measured', measured: null, note: 'the load suite did not run' } : k,
    );
    const s = run(r);
    expect(s.results!.some((x) => x.ruleId?.startsWith('kpi.http.'))).toBe(false);
    expect(s.invocations![0]!.toolExecutionNotifications!.map((n) => n.message.text)).toEqual([
      'browser.cookies skipped, could not run: no Chromium at /usr/bin/chromium',
      'KPI http.p95 not measured: the load suite was not selected for this run',
      'KPI http.errors not measured: the load suite was not selected for this run',
    ]);
  });

  it('gives a not-applicable skip a note, and a gap in the evidence a warning', () => {
    const r = noGoReport();
    r.checks = [
      check('browser.login-page', 'skip', {
        skip: { kind: 'not-applicable', reason: 'API only: no pages', source: 'declared' },
      }),
      check('auth.openapi-sweep', 'skip', {
        skip: { kind: 'not-configured', reason: 'no OpenAPI document configured (smoke.openapi)' },
      }),
    ];
    const notes = run(r).invocations![0]!.toolExecutionNotifications!.filter((n) => n.descriptor?.id?.includes('.'));
    expect(notes.map((n) => [n.level, n.message.text])).toEqual([
      ['note', 'browser.login-page skipped, not applicable, declared: API only: no pages'],
      ['warning', 'auth.openapi-sweep skipped, not configured: no OpenAPI document configured (smoke.openapi)'],
    ]);
  });
});

describe('SARIF locations', () => {
  it('KPIs point at their line in the KPI file, relative to the run directory', () => {
    const r = sarif(noGoReport()).runs[0]!;
    expect(r.originalUriBaseIds).toEqual({ SRCROOT: { uri: 'file:///repo/' } });
    expect(byRule(noGoReport(), 'kpi.http.p95').locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'ops/kpis.yaml', uriBaseId: 'SRCROOT' },
          region: { startLine: 12 },
        },
      },
    ]);
  });

  it('dependency findings point at the lockfile that holds them, as a valid URI', () => {
    const dep = byRule(noGoReport(), 'deps.advisories');
    expect(dep.locations!.map((l) => uri(l))).toEqual([
      { uri: 'web%20app/%5Blegacy%5D/package-lock.json', uriBaseId: 'SRCROOT' },
    ]);
    expect(dep.message.text).toContain('GHSA-35jh-r3h4-6jhm');
  });

  it('other checks point at the config file, with the check as a logical location; request URLs are never artifact URIs', () => {
    const leak = byRule(noGoReport(), 'email.token-not-exposed');
    expect(leak.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'gonogo.config.ts', uriBaseId: 'SRCROOT' },
          region: { startLine: 1 },
        },
        logicalLocations: [
          { name: 'email.token-not-exposed', fullyQualifiedName: 'smoke/email.token-not-exposed', kind: 'module' },
        ],
      },
    ]);
    expect(renderSarif(noGoReport())).not.toMatch(/"uri": "[^"]*(token|https?:)/);
  });

  it('without a config file (the reference platform) a check has a logical location only; files outside the run directory are file: URIs', () => {
    const r = report({
      checks: [
        check('auth.rbac', 'fail'),
        check('deps.advisories', 'fail', { evidence: { details: { lockfiles: [{ file: '/opt/other/yarn.lock' }] } } }),
      ],
    });
    r.run.provenance = { ...r.run.provenance, workDir: '/repo', kpiFile: '/repo/kpis.yaml' };
    expect(byRule(r, 'auth.rbac').locations).toEqual([
      { logicalLocations: [{ name: 'auth.rbac', fullyQualifiedName: 'smoke/auth.rbac', kind: 'module' }] },
    ]);
    expect(uri(byRule(r, 'deps.advisories').locations![0])).toEqual({ uri: 'file:///opt/other/yarn.lock' });
  });
});

describe('SARIF rules and fingerprints', () => {
  it('every rule has unique tags, a full description and help with the remedy in text and markdown', () => {
    const rules = run(noGoReport()).tool.driver.rules!;
    for (const rule of rules) {
      const tags = rule.properties!.tags!;
      expect(new Set(tags).size, rule.id).toBe(tags.length);
      expect(rule.fullDescription?.text, rule.id).toBeTruthy();
      expect(rule.help?.text && rule.help.markdown, rule.id).toBeTruthy();
    }
    const csp = rules.find((x) => x.id === 'headers.csp')!;
    expect(csp.properties).toEqual({ tags: ['security', 'headers', 'gonogo'], 'security-severity': '8.0' });
    expect(csp.help!.text).toContain(REMEDIES['headers.csp']);
    expect(csp.help!.markdown).toContain(REMEDIES['headers.csp']);
    expect(rules.find((x) => x.id === 'load.completed')!.properties).toEqual({
      tags: ['performance', 'load', 'gonogo'],
    });
  });

  it('fingerprints are stable across reference runs on different ports and differ between findings', () => {
    const ref = (port: number) => {
      const r = report();
      r.run = {
        ...r.run,
        target: { baseUrl: `https://127.0.0.1:${port}` },
        provenance: { ...r.run.provenance, reference: { flaws: [] } },
      };
      return run(r).results!.map((x) => x.partialFingerprints!['gonogoFinding/v1']);
    };
    expect(ref(40001)).toEqual(ref(40002));
    expect(new Set(ref(40001)).size).toBe(ref(40001).length);
    const team = (base: string) =>
      run(report({ run: { ...report().run, target: { baseUrl: base } } })).results![0]!.partialFingerprints;
    expect(team('https://a.example.com')).not.toEqual(team('https://b.example.com'));
  });
});

describe('GitHub code scanning limits', () => {
  it('the GO, NO-GO and all-error logs are within every limit', () => {
    for (const r of [goReport(), noGoReport(), allErrorReport()]) expect(githubViolations(sarif(r))).toEqual([]);
    expect(sarif(noGoReport()).runs).toHaveLength(1);
  });

  it('caps locations at 1,000 even when a finding spans more lockfiles', () => {
    const files = Array.from({ length: 1200 }, (_, i) => `/repo/svc-${i}/package-lock.json`);
    const r = report({
      checks: [
        check('deps.advisories', 'fail', {
          evidence: {
            details: {
              lockfiles: files.map((file) => ({ file })),
              findings: files.map((f) => `GHSA-x (high) a@1 direct in ${f}`),
            },
          },
        }),
      ],
    });
    r.run.provenance = { ...r.run.provenance, workDir: '/repo' };
    expect(byRule(r, 'deps.advisories').locations).toHaveLength(1000);
    expect(githubViolations(sarif(r))).toEqual([]);
  });

  it('the limit check itself catches duplicate tags, invalid URIs and missing fields', () => {
    const log = sarif(noGoReport());
    const r = log.runs[0]!;
    r.tool.driver.rules![0]!.properties!.tags = ['security', 'security'];
    r.results![0]!.locations = [
      { physicalLocation: { artifactLocation: { uri: 'https://x.example/?token=[redacted]' } } },
    ];
    delete r.results![1]!.partialFingerprints;
    expect(githubViolations(log)).toEqual([
      `rule ${r.tool.driver.rules![0]!.id}: duplicate tags security,security`,
      'results[0]: invalid URI https://x.example/?token=[redacted]',
      'results[1]: no partialFingerprints',
    ]);
  });
});

/** The schema the multitool ships beside its binary (the official SARIF 2.1.0 JSON schema). */
function multitoolSchema(): string {
  const binary = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
  return join(dirname(binary), 'sarif-2.1.0.json');
}

describe('sarif-multitool validate', () => {
  it("finds no error in the GO, NO-GO and all-error logs, against the schema and GitHub's ingestion rules, and does find them in a broken log", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-sarif-'));
    const files = { go: goReport(), nogo: noGoReport(), allerror: allErrorReport() };
    for (const [name, r] of Object.entries(files)) writeFileSync(join(dir, `${name}.sarif`), renderSarif(r));
    // The shape of the log before this renderer: duplicate tags and a request URL as artifact URI.
    const broken = sarif(noGoReport());
    broken.runs[0]!.tool.driver.rules![0]!.properties!.tags = ['security', 'security'];
    broken.runs[0]!.results![0]!.locations = [
      { physicalLocation: { artifactLocation: { uri: 'https://x.example/?token=[redacted]' } } },
    ];
    writeFileSync(join(dir, 'broken.sarif'), JSON.stringify(broken));
    const out = join(dir, 'validation.sarif');
    // The package's bin runs the binary through a shell, so the `;` of the rule-kind list is quoted for it.
    const child = await execa(
      'npx',
      [
        'sarif-multitool',
        'validate',
        ...['go', 'nogo', 'allerror', 'broken'].map((n) => join(dir, `${n}.sarif`)),
        '-j',
        multitoolSchema(),
        '--rule-kind',
        '"Gh;Sarif"',
        '-o',
        out,
        '--log',
        'ForceOverwrite',
      ],
      { reject: false, timeout: 170_000, all: true },
    );
    expect(child.exitCode, child.all).toBe(0);
    const findings = (JSON.parse(readFileSync(out, 'utf8')) as Log).runs[0]!.results ?? [];
    const count = (file: string) => {
      const mine = findings.filter((f) => uri(f.locations?.[0])?.uri?.endsWith(`/${file}.sarif`));
      return {
        errors: mine
          .filter((f) => f.level === 'error')
          .map((f) => f.ruleId)
          .sort(),
        warnings: mine
          .filter((f) => (f.level ?? 'warning') === 'warning')
          .map((f) => f.ruleId)
          .sort(),
      };
    };
    // SARIF2005 asks for tool.driver.informationUri: gonogo has no project URL to give.
    for (const name of ['go', 'nogo', 'allerror'])
      expect(count(name), name).toEqual({ errors: [], warnings: ['SARIF2005'] });
    expect(count('broken').errors).toEqual(['JSON1020', 'SARIF1002']);
  }, 180_000);
});
