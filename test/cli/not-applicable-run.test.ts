import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceTarget, type ReferenceTarget } from '../../cli/reference-target.ts';
import { exampleConfigFile } from '../../reference-app/example-env.ts';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import { gonogoChild, type ChildRun } from '../reliability/child.ts';
import type { Report } from '../../core/report-schema.ts';

const BROWSER = ['browser.cookies', 'browser.login-flow', 'browser.login-page'];
const REASON = 'API-only platform: it serves no pages, only JSON';

/**
 * An API-only platform's config, as a team writes it: the browser checks switched off and declared not applicable
 * with a reason. Run through the real CLI with every suite: the report is complete, and GO.
 */
describe('an API-only config declaring the browser checks not applicable', () => {
  let ref: ReferenceTarget;
  let run: ChildRun;
  let report: Report;
  let out: string;

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, GONOGO_REFERENCE_LIMIT_WINDOW_S: '10' };
    ref = await startReferenceTarget([], env);
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-api-only-'));
    const config = join(dir, 'gonogo.config.ts');
    writeFileSync(
      config,
      [
        `import base from ${JSON.stringify(exampleConfigFile('marketplace'))};`,
        'export default {',
        '  ...base,',
        '  smoke: { ...base.smoke, browser: { ...base.smoke.browser, enabled: false } },',
        `  notApplicable: { ${BROWSER.map((id) => `'${id}': ${JSON.stringify(REASON)}`).join(', ')} },`,
        '};',
        '',
      ].join('\n'),
    );
    out = join(dir, 'out');
    const childEnv = Object.fromEntries(
      Object.entries(env)
        .filter(([k]) => k.startsWith('GONOGO_'))
        .map(([k, v]) => [k, String(v)]),
    );
    run = await gonogoChild(['run', '--config', config, '--quick', '--vus', '2', '--duration', '3s', '--out', out], {
      env: { ...childEnv, GONOGO_KPI_FILE: DEFAULT_KPI_FILE },
      timeoutMs: 480_000,
    });
    report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  }, 500_000);

  afterAll(async () => {
    await ref?.stop();
  });

  it('ends complete and GO with exit code 0: the only gaps are declared not applicable, or detected (CSRF cannot ride a bearer token)', () => {
    const csrf = (c: Report['checks'][number]) =>
      c.id.startsWith('csrf.') &&
      c.status === 'skip' &&
      c.skip?.kind === 'not-applicable' &&
      c.skip.source === 'detected';
    const gaps = report.checks
      .filter((c) => c.status !== 'pass' && !csrf(c))
      .map((c) => `${c.id}: ${c.status} ${c.evidence.message ?? ''}`);
    expect(report.checks.filter(csrf)).toHaveLength(3);
    expect(gaps.sort()).toEqual(
      BROWSER.map(
        (id) =>
          `${id}: skip browser checks disabled in config (smoke.browser.enabled: false); a platform without pages declares them in notApplicable`,
      ),
    );
    expect(report.verdict).toMatchObject({ decision: 'GO', complete: true });
    expect(run.code).toBe(0);
  });

  it("records each browser check as not applicable, declared, with the team's reason, and names it among the notes", () => {
    for (const id of BROWSER) {
      expect(report.checks.find((c) => c.id === id)!.skip).toEqual({
        kind: 'not-applicable',
        reason: REASON,
        source: 'declared',
      });
      expect(report.verdict.reasons).toContain(`not applicable: ${id} (declared): ${REASON}`);
    }
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('SKIP (not applicable, declared)');
  });

  it('got the kind from the spec itself: Playwright recorded not-configured for the switched-off browser checks', () => {
    const raw = readFileSync(join(out, 'smoke', 'playwright-checks.json'), 'utf8');
    // Per spec title: the browser checks' kind, apart from the csrf checks' detected not-applicable (a bearer token).
    type Suite = {
      suites?: Suite[];
      specs?: Array<{ title: string; tests: Array<{ annotations: Array<{ type: string; description?: string }> }> }>;
    };
    const walk = (x: Suite): Array<[string, string]> => [
      ...(x.suites ?? []).flatMap(walk),
      ...(x.specs ?? []).flatMap((sp) =>
        sp.tests.flatMap((t) =>
          t.annotations
            .filter((a) => a.type === 'gonogo:skip-kind')
            .map((a): [string, string] => [sp.title, a.description ?? '']),
        ),
      ),
    ];
    const kinds = walk(JSON.parse(raw) as Suite);
    const browser = kinds.filter(([title]) => BROWSER.some((id) => title.includes(`[${id}]`)));
    expect(new Set(browser.map(([title]) => title.slice(1, title.indexOf(']'))))).toEqual(new Set(BROWSER));
    expect(new Set(browser.map(([, kind]) => kind))).toEqual(new Set(['not-configured']));
    expect(
      kinds
        .filter(([title]) => !browser.some(([t]) => t === title))
        .map(([title, kind]) => `${title.slice(1, title.indexOf(']'))} ${kind}`)
        .sort(),
    ).toEqual([
      'csrf.origin-checked not-applicable',
      'csrf.token-bound not-applicable',
      'csrf.token-required not-applicable',
    ]);
  });
});
