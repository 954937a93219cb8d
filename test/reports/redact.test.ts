import { describe, expect, it } from 'vitest';
import { Redactor } from '../../core/redact.ts';
import { Report } from '../../core/report-schema.ts';
import { check, report } from '../helpers/report.ts';

describe('redaction', () => {
  it('masks registered secrets and secret-shaped values wherever they occur', () => {
    const r = new Redactor(['Sup3r-Secret-Pw!']);
    const text = r.text(
      'login with Sup3r-Secret-Pw! gave {"access_token":"abc.def"} Authorization: Bearer abc123 sk_test_51Habc whsec_xyz123 Cookie: sid=8f7e6d; path=/ token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
    );
    expect(text).not.toMatch(/Sup3r-Secret-Pw!|abc\.def|abc123|51Habc|xyz123|8f7e6d|eyJhbGci/);
    expect(text).toContain('[redacted]');
  });

  it('leaves ids and statuses intact even when a secret is a word inside them', () => {
    const r = new Redactor(['secret']);
    const rep = report({
      checks: [check('auth.weak-secret', 'fail', { evidence: { message: 'the token verifies with "secret"' } })],
    });
    const out = r.value(rep);
    expect(out.checks[0]!.id).toBe('auth.weak-secret');
    expect(out.checks[0]!.evidence.message).toBe('the token verifies with "[redacted]"');
    expect(Report.safeParse(out).success).toBe(true);
  });

  it('masks a short secret where it is a whole token: header value, JSON string value, query or form value', () => {
    const r = new Redactor(['pw12']);
    expect(r.text('x-api-key: pw12')).toBe('x-api-key: [redacted]');
    expect(r.text('X-Api-Key:pw12\nnext: 1')).toBe('X-Api-Key:[redacted]\nnext: 1');
    expect(r.text('{"password":"pw12","user":"a"}')).toBe('{"password":"[redacted]","user":"a"}');
    expect(r.text('{"pin": "pw12"}')).toBe('{"pin": "[redacted]"}');
    expect(r.text('GET /login?user=a&pin=pw12&x=1')).toBe('GET /login?user=a&pin=[redacted]&x=1');
    expect(r.text('POST body pin=pw12')).toBe('POST body pin=[redacted]');
    expect(r.value({ evidence: { actual: 'pw12', details: { list: ['pw12', ' pw12 '] } } })).toEqual({
      evidence: { actual: '[redacted]', details: { list: ['[redacted]', '[redacted]'] } },
    });
  });

  it('leaves a short secret alone inside other text, so words and ids stay readable', () => {
    const r = new Redactor(['pw12', 'auth']);
    const text = 'the pw123 route and upw12 and "pw12x" and auth.login passed; see /api/auth/me?pw12x=1';
    expect(r.text(text)).toBe(text);
    const rep = report({
      checks: [check('auth.login-roles', 'pass', { evidence: { message: 'auth works for every role' } })],
    });
    expect(r.value(rep).checks[0]!.evidence.message).toBe('auth works for every role');
  });

  it('strips user:password@ from every URL it sees', () => {
    const r = new Redactor();
    expect(r.text('GET https://qa:S3cr3t@staging.example.com/app -> 200; ftp://anon@files.example.com/x')).toBe(
      'GET https://[redacted]@staging.example.com/app -> 200; ftp://[redacted]@files.example.com/x',
    );
    expect(r.text('https://staging.example.com/users/c@example.com')).toBe(
      'https://staging.example.com/users/c@example.com',
    );
  });
});
