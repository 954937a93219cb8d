import { describe, expect, it } from 'vitest';
import { serverPrefix } from '../../../smoke/lib/openapi.ts';

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
