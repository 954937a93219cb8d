import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDoc, securityOf, serverPrefix } from '../../../smoke/lib/openapi.ts';

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

describe('the document the checks read', () => {
  const plan = (openapi: string) => ({ config: { openapi } }) as unknown as Parameters<typeof loadDoc>[1];
  const noTarget = {
    send: () => {
      throw new Error('a local document needs no request');
    },
  } as unknown as Parameters<typeof loadDoc>[0];

  it('is read from YAML as from JSON, with its in-document $refs followed (a circular one stays)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-openapi-'));
    const file = join(dir, 'openapi.yaml');
    writeFileSync(
      file,
      [
        'openapi: 3.0.3',
        'info: { title: t, version: "1" }',
        'paths:',
        '  /orders/{id}:',
        '    get:',
        '      security: [{ jwt: [] }]',
        '      parameters: [{ $ref: "#/components/parameters/Id" }]',
        '      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Node" } } } } }',
        'components:',
        '  parameters:',
        '    Id: { name: id, in: path, required: true, schema: { type: integer } }',
        '  schemas:',
        '    Node: { type: object, properties: { child: { $ref: "#/components/schemas/Node" } } }',
        '',
      ].join('\n'),
    );
    // The runner hands a local document over as a file: URL (a path starting with / is one on the target).
    const doc = await loadDoc(noTarget, plan(pathToFileURL(file).href));
    const op = doc.paths!['/orders/{id}']!.get!;
    expect(op.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }]);
    expect(securityOf(doc, op).secured).toBe(true);
    const body = (op as { responses: Record<string, { content: Record<string, { schema: unknown }> }> }).responses[
      '200'
    ]!.content['application/json']!.schema;
    // A circular schema stays a $ref (the input probes follow it a few levels themselves).
    expect(body).toEqual({ $ref: '#/components/schemas/Node' });
  });

  it('names the document when it is not an OpenAPI document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-openapi-'));
    const file = join(dir, 'notes.yaml');
    writeFileSync(file, 'title: release notes\n');
    await expect(loadDoc(noTarget, plan(pathToFileURL(file).href))).rejects.toThrow(
      `the OpenAPI document ${pathToFileURL(file).href} has no "openapi" or "swagger" version field`,
    );
  });
  it('is fetched once per run, and again for another run or target (a process may walk several platforms)', async () => {
    const sent: string[] = [];
    const target = (title: string) =>
      ({
        send: async (r: { path: string }) => {
          sent.push(`${title} ${r.path}`);
          return { status: 200, text: `openapi: 3.0.3\ninfo: { title: ${title}, version: "1" }\npaths: {}\n` };
        },
      }) as unknown as Parameters<typeof loadDoc>[0];
    const run = (runTag: string, baseUrl: string) =>
      ({ runTag, baseUrl, config: { openapi: '/openapi.yaml' } }) as unknown as Parameters<typeof loadDoc>[1];
    const title = async (t: string, p: Parameters<typeof loadDoc>[1]) =>
      ((await loadDoc(target(t), p)) as { info: { title: string } }).info.title;
    expect(await title('a', run('r1', 'https://127.0.0.1:1'))).toBe('a');
    expect(await title('a', run('r1', 'https://127.0.0.1:1'))).toBe('a');
    expect(await title('b', run('r2', 'https://127.0.0.1:1'))).toBe('b');
    expect(await title('c', run('r2', 'https://127.0.0.1:2'))).toBe('c');
    expect(sent).toEqual(['a /openapi.yaml', 'b /openapi.yaml', 'c /openapi.yaml']);
  });
});
