import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReportText } from '../../reports/io.ts';
import { compareReports } from '../../reports/compare/compare.ts';
import { buildTrend } from '../../reports/trend/trend.ts';
import { parseKpiText } from '../../config/kpis.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { CATALOGUE, RENAMED_CHECKS } from '../../core/catalogue.ts';
import { DIALECTS } from '../../reference-app/dialects.ts';

const FIXTURE = new URL('../fixtures/reports/reference-quick-run.json', import.meta.url);
const KPI_TEXT = readFileSync(new URL('../../config/defaults/kpis.yaml', import.meta.url), 'utf8');

describe('renamed check ids', () => {
  it('every new id is a check of the catalogue, and no old one is', () => {
    for (const [old, now] of Object.entries(RENAMED_CHECKS)) {
      expect(CATALOGUE).toHaveProperty([now]);
      expect(CATALOGUE).not.toHaveProperty([old]);
    }
  });

  it('no check id names a role of one dialect of the reference platform', () => {
    const roles = new Set(
      Object.values(DIALECTS)
        .flatMap((d) => Object.values(d.roles))
        .filter((r) => !['admin', 'user'].includes(r)),
    );
    const named = Object.keys(CATALOGUE).filter((id) => [...roles].some((r) => id.split(/[.-]/).includes(r)));
    expect(named).toEqual([]);
  });

  it('a report written with the old id reads with the new one, so compare and trend line them up', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    expect(text).toContain('"escrow.release-manufacturer"');
    const old = parseReportText(text, 'old.json');
    expect(old.checks.map((c) => c.id)).toContain('escrow.release-counterparty');
    expect(old.checks.map((c) => c.id)).not.toContain('escrow.release-manufacturer');
    // The owner role's former name in two ids ("client") reads the same way.
    expect(text).toContain('"escrow.release-other-client"');
    expect(text).toContain('"escrow.steps-other-client"');
    expect(old.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['escrow.release-other-user', 'escrow.steps-other-user']),
    );
    expect(old.checks.map((c) => c.id).filter((id) => id.endsWith('-other-client'))).toEqual([]);
    const parsed = parseReportText(
      text
        .replaceAll('escrow.release-manufacturer', 'escrow.release-counterparty')
        .replaceAll('-other-client"', '-other-user"'),
      'new.json',
    );
    const now = { ...parsed, run: { ...parsed.run, id: `${parsed.run.id}-new` } };
    const cmp = compareReports(old, now);
    const all = [...cmp.checks.newlyFailing, ...cmp.checks.fixed, ...cmp.checks.added, ...cmp.checks.removed].map(
      (c) => c.id,
    );
    expect(all).not.toContain('escrow.release-counterparty');
    expect(
      buildTrend([old, now])
        .matrix.filter((r) => r.id.startsWith('escrow.release-'))
        .map((r) => r.id),
    ).not.toContain('escrow.release-manufacturer');
  });

  it('a waiver, a KPI check list and a notApplicable declaration that name the old id apply to the new one', () => {
    const kpis = parseKpiText(
      KPI_TEXT.replace(
        /^waivers: \[\]$/m,
        'waivers:\n  - check: escrow.release-manufacturer\n    reason: tracked in JIRA-1\n    owner: qa\n    expires: 2099-01-01',
      ),
      'kpis.yaml',
    );
    expect(kpis.waivers[0]!.check).toBe('escrow.release-counterparty');
    const config = ConfigSchema.parse({
      target: { baseUrl: 'https://127.0.0.1:8443' },
      notApplicable: { 'escrow.release-manufacturer': 'no counterparty role on this platform' },
    });
    expect(Object.keys(config.notApplicable)).toEqual(['escrow.release-counterparty']);
  });
});
