import { describe, expect, it } from 'vitest';
import { maskEmails, maskEvidenceEmails } from '../../reports/emails.ts';
import { check } from '../helpers/report.ts';

describe('email addresses in evidence', () => {
  it('keeps the first letter and the domain of each address', () => {
    expect(maskEmails('logged in as client.one@reference.local, mail from "Shop" <no-reply@mail.example.com>')).toBe(
      'logged in as c***@reference.local, mail from "Shop" <n***@mail.example.com>',
    );
  });

  it('is idempotent and leaves what only looks like an address alone', () => {
    expect(maskEmails('c***@example.com')).toBe('c***@example.com');
    expect(maskEmails('pkg@1.2.3 and user@localhost')).toBe('pkg@1.2.3 and user@localhost');
  });

  it('masks every string of the evidence, keys included, and nothing outside it', () => {
    const c = check('auth.login-roles', 'pass', {
      title: 'Each configured role can log in',
      evidence: {
        message: 'admin@example.com logged in',
        requests: [
          {
            method: 'GET',
            url: 'https://h/api/users/admin@example.com',
            status: 200,
            excerpt: '{"email":"admin@example.com"}',
          },
        ],
        details: { 'admin@example.com': ['x@example.org'] },
      },
    });
    const [out] = maskEvidenceEmails([c]);
    expect(out).toEqual({
      ...c,
      evidence: {
        message: 'a***@example.com logged in',
        requests: [
          {
            method: 'GET',
            url: 'https://h/api/users/a***@example.com',
            status: 200,
            excerpt: '{"email":"a***@example.com"}',
          },
        ],
        details: { 'a***@example.com': ['x***@example.org'] },
      },
    });
  });
});
