import { describe, expect, it } from 'vitest';
import { securityOf, serverPrefix } from '../../../smoke/lib/openapi.ts';

describe('the OpenAPI sweep calls operations where the document says they live', () => {
  it('prefixes the path of servers[0].url, relative or absolute, with its variables filled', () => {
    expect(serverPrefix({ servers: [{ url: '/api' }] }, 'https://staging.example.com')).toBe('/api');
    expect(serverPrefix({ servers: [{ url: 'https://api.example.com/v2/' }] }, 'https://staging.example.com')).toBe(
      '/v2',
    );
    expect(
      serverPrefix(
        {
          servers: [
            { url: 'https://{host}/{base}', variables: { host: { default: 'x.example' }, base: { default: 'rest' } } },
          ],
        },
        'https://s.example.com',
      ),
    ).toBe('/rest');
    expect(serverPrefix({ basePath: '/api/v1' }, 'https://s.example.com')).toBe('/api/v1');
  });

  it('adds nothing when the server has no path or target.baseUrl already ends with it', () => {
    expect(serverPrefix({ servers: [{ url: 'https://127.0.0.1:8443' }] }, 'https://127.0.0.1:8443')).toBe('');
    expect(serverPrefix({ servers: [{ url: '/api/v1' }] }, 'https://s.example.com/api/v1/')).toBe('');
    expect(serverPrefix({}, 'https://s.example.com')).toBe('');
  });
});

describe("an operation's security requirements", () => {
  it('are secured only when every alternative names a scheme: an empty requirement makes authentication optional', () => {
    const doc = { security: [{ jwt: [] }] };
    expect(securityOf(doc, {})).toEqual({ secured: true, scopes: [] });
    expect(securityOf(doc, { security: [{ jwt: [] }, {}] })).toEqual({ secured: false, scopes: [] });
    expect(securityOf(doc, { security: [] })).toEqual({ secured: false, scopes: [] });
    expect(securityOf({}, {})).toEqual({ secured: false, scopes: [] });
    // OAuth2 scopes and OpenAPI 3.1 role names, from every alternative, once each.
    expect(securityOf({}, { security: [{ oauth: ['admin', 'read'] }, { key: ['admin'] }] })).toEqual({
      secured: true,
      scopes: ['admin', 'read'],
    });
  });
});
