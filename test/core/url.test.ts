import { describe, expect, it } from 'vitest';
import { normalizeBaseUrl, redactUserinfo, routeUrl, targetUrlProblem } from '../../core/url.ts';

describe('routes on the target', () => {
  it('joins a route under the base URL path prefix, with or without a trailing slash', () => {
    expect(routeUrl('https://h/app/v1', '/api/x')).toBe('https://h/app/v1/api/x');
    expect(routeUrl('https://h/app/v1/', '/api/x?y=1')).toBe('https://h/app/v1/api/x?y=1');
    expect(routeUrl('https://h', '/')).toBe('https://h/');
    expect(routeUrl('https://h:8443/app', 'login')).toBe('https://h:8443/app/login');
  });

  it('keeps a protocol-relative route on the target host instead of resolving it to another host', () => {
    expect(new URL(routeUrl('https://h', '//other.example/x')).host).toBe('h');
  });

  it('passes absolute URLs through and normalises the base URL', () => {
    expect(routeUrl('https://h/app', 'https://h/other')).toBe('https://h/other');
    expect(normalizeBaseUrl('https://h:443/app/v1//')).toBe('https://h/app/v1');
  });
});

describe('what a base URL may not carry', () => {
  it.each([
    ['https://h/app?tenant=a', /query string or fragment/],
    ['https://h/app?', /query string or fragment/],
    ['https://h/app#top', /query string or fragment/],
    ['https://h:0/', /port 0/],
    ['https://user:pw@h/', /user name or password/],
    ['https://user@h/', /user name or password/],
    ['ftp://h/', /http\(s\)/],
    ['http:///nohost', /exactly two slashes after "http:" and then the host, such as http:\/\/nohost/],
    ['https:/h/app', /exactly two slashes.*https:\/\/h\/app/],
    ['HTTP:\\\\h', /exactly two slashes/],
  ])('%s', (url, problem) => {
    expect(targetUrlProblem(url)).toMatch(problem);
  });

  it('accepts a plain base URL, and a query on a single page', () => {
    expect(targetUrlProblem('https://h/app/v1')).toBeNull();
    expect(targetUrlProblem('https://h/page?q=1', { page: true })).toBeNull();
    expect(targetUrlProblem('https://h:0/page?q=1', { page: true })).toMatch(/port 0/);
  });

  it('masks user:password in a message about a refused URL', () => {
    expect(redactUserinfo('"https://bob:hunter2@h/x"')).toBe('"https://[redacted]@h/x"');
  });
});
