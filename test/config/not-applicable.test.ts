import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.ts';
import { ConfigError } from '../../core/errors.ts';
import { gonogo } from '../helpers/cli.ts';
import { DEFAULT_KPI_FILE } from '../../cli/target.ts';
import type { Report } from '../../core/report-schema.ts';

const target = { baseUrl: 'https://127.0.0.1:9' };
const problems = (input: unknown): string[] => {
  try {
    parseConfig(input, 'gonogo.config.ts');
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
};

describe('notApplicable in the config', () => {
  it('defaults to no declaration and keeps each declared check with its reason', () => {
    expect(parseConfig({ target }, 'c.ts').notApplicable).toEqual({});
    const declared = { 'browser.login-page': 'API only: no pages', 'tls.redirect': 'no plain-http listener' };
    expect(parseConfig({ target, notApplicable: declared }, 'c.ts').notApplicable).toEqual(declared);
  });

  it('refuses an id no check has, a pattern and an empty reason, naming the key', () => {
    expect(problems({ target, notApplicable: { 'browser.login-pag': 'API only' } })).toEqual([
      'notApplicable["browser.login-pag"]: no check has this id (the built-in ids are listed in core/catalogue.ts; team specs from smoke.specsDir can add ids of their own)',
    ]);
    expect(problems({ target, notApplicable: { 'browser.*': 'API only' } })).toEqual([
      'notApplicable["browser.*"]: a declaration names one check id exactly, not a pattern; list each check it covers',
    ]);
    expect(problems({ target, notApplicable: { 'browser.cookies': '  ' } })[0]).toMatch(
      /^notApplicable\.browser\.cookies: say why the check does not apply/,
    );
  });

  it('accepts a team spec id of a known area when the config adds team specs, and nothing else', () => {
    expect(
      problems({ target, smoke: { specsDir: './specs' }, notApplicable: { 'browser.orders-page': 'no orders page' } }),
    ).toEqual([]);
    expect(problems({ target, smoke: { specsDir: './specs' }, notApplicable: { 'billing.invoices': 'x' } })[0]).toMatch(
      /neither a built-in check nor a possible team spec id/,
    );
  });

  it('is a config error of gonogo run: exit 2, the file and the key named, before any suite runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-na-'));
    const file = join(dir, 'gonogo.config.ts');
    writeFileSync(
      file,
      `export default { target: { baseUrl: 'https://127.0.0.1:9' }, notApplicable: { 'browser.login-pag': 'API only' } };\n`,
    );
    copyFileSync(DEFAULT_KPI_FILE, join(dir, 'kpis.yaml'));
    const r = await gonogo(['run', '--config', file, '--suite', 'security', '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(file);
    expect(r.err).toContain('notApplicable["browser.login-pag"]: no check has this id');
  });

  it('never hides what a declared check found when it ran: gonogo run keeps its error, NO-GO, the reason naming the declaration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-na-'));
    const file = join(dir, 'gonogo.config.ts');
    // Nothing listens on port 9: the TLS audit runs and cannot judge anything.
    writeFileSync(
      file,
      `export default { target: { baseUrl: 'https://127.0.0.1:9', timeoutMs: 500 }, notApplicable: { 'tls.protocols': 'behind a TLS terminator' } };\n`,
    );
    copyFileSync(DEFAULT_KPI_FILE, join(dir, 'kpis.yaml'));
    const r = await gonogo(['run', '--config', file, '--suite', 'security', '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as Report;
    const tls = report.checks.find((c) => c.id === 'tls.protocols')!;
    expect(tls.status).toBe('error');
    expect(tls.skip).toBeUndefined();
    expect(report.verdict.decision).toBe('NO-GO');
    expect(report.verdict.reasons).toContain(
      'blocker tls.protocols could not be checked (error): Only TLS 1.2 and 1.3 are accepted (declared not applicable: "behind a TLS terminator", yet it ran: a declaration explains a skip, never a failure or an error; switch the check\'s feature off in the config so it skips, or fix what it found)',
    );
  });
});
