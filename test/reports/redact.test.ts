import { describe, expect, it } from 'vitest';
import { Redactor } from '../../reports/redact.ts';
import { Report } from '../../reports/schema.ts';
import { check, report } from '../helpers/report.ts';

describe('redaction', () => {
  it('masks registered secrets and secret-shaped values wherever they occur', () => {
    const r = new Redactor(['Sup3r-Secret-Pw!']);
    const text = r.text('login with Sup3r-Secret-Pw! gave {"access_token":"abc.def"} Authorization: Bearer abc123 sk_test_51Habc whsec_xyz123 Cookie: sid=8f7e6d; path=/ token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig');
    expect(text).not.toMatch(/Sup3r-Secret-Pw!|abc\.def|abc123|51Habc|xyz123|8f7e6d|eyJhbGci/);
    expect(text).toContain('[redacted]');
  });

  it('leaves ids and statuses intact even when a secret is a word inside them', () => {
    const r = new Redactor(['secret']);
    const rep = report({ checks: [check('auth.weak-secret', 'fail', { evidence: { message: 'the token verifies with "secret"' } })] });
    const out = r.value(rep);
    expect(out.checks[0]!.id).toBe('auth.weak-secret');
    expect(out.checks[0]!.evidence.message).toBe('the token verifies with "[redacted]"');
    expect(Report.safeParse(out).success).toBe(true);
  });
});
