import { describe, expect, it } from 'vitest';
import { contradicted, declaredBody } from '../../cli/doctor/doc-fields.ts';

const login = {
  encodingKey: 'smoke.login.encoding',
  encoding: 'json' as const,
  fields: { 'smoke.login.emailField': 'email', 'smoke.login.passwordField': 'password' },
};

describe('the request body an OpenAPI document declares, to name the refused mapping key', () => {
  it('reads an OpenAPI 3 request body through $ref and allOf, under the server prefix', () => {
    const doc = {
      servers: [{ url: '/api' }],
      paths: { '/auth/login': { post: { requestBody: { $ref: '#/components/requestBodies/Login' } } } },
      components: {
        requestBodies: {
          Login: {
            content: {
              'application/json': {
                schema: { allOf: [{ $ref: '#/components/schemas/Base' }, { properties: { password: {} } }] },
              },
            },
          },
        },
        schemas: { Base: { properties: { email: {} } } },
      },
    };
    expect(declaredBody(doc, 'POST', '/api/auth/login', 'https://s.example.com')).toEqual({
      op: 'POST /auth/login',
      fields: ['email', 'password'],
      encodings: ['json'],
    });
    expect(declaredBody(doc, 'POST', '/api/auth/login/', 'https://s.example.com/api')).toBeUndefined();
    expect(declaredBody(doc, 'GET', '/api/auth/login', 'https://s.example.com')).toBeUndefined();
  });

  it('reads Swagger 2 body and formData parameters', () => {
    const body = {
      paths: { '/login': { post: { parameters: [{ in: 'body', name: 'b', schema: { $ref: '#/definitions/L' } }] } } },
      definitions: { L: { properties: { username: {}, password: {} } } },
    };
    expect(declaredBody(body, 'post', '/login', 'https://s.example.com')?.fields).toEqual(['username', 'password']);
    const form = {
      paths: {
        '/login': {
          post: {
            parameters: [
              { in: 'formData', name: 'username' },
              { in: 'formData', name: 'password' },
            ],
          },
        },
      },
    };
    expect(declaredBody(form, 'POST', '/login', 'https://s.example.com')).toEqual({
      op: 'POST /login',
      fields: ['username', 'password'],
      encodings: ['form'],
    });
  });

  it('says nothing when the document declares no body', () => {
    expect(
      declaredBody({ paths: { '/login': { post: { summary: 'Log in' } } } }, 'POST', '/login', 'https://s.example.com'),
    ).toBeUndefined();
  });

  it('names only the keys the document contradicts: a field it does not declare, an encoding it does not take', () => {
    const declared = { op: 'POST /login', fields: ['username', 'password'], encodings: ['form' as const] };
    expect(contradicted(declared, login)).toEqual([
      'smoke.login.encoding ("json"; POST /login in the OpenAPI document takes form)',
      'smoke.login.emailField ("email"; POST /login in the OpenAPI document takes username, password)',
    ]);
    expect(
      contradicted(
        { ...declared, fields: ['user', 'password'], encodings: ['json'] },
        { ...login, fields: { ...login.fields, 'smoke.login.emailField': 'user.email' } },
      ),
    ).toEqual([]);
    expect(contradicted({ op: 'POST /login', fields: ['email', 'password'], encodings: ['json'] }, login)).toEqual([]);
  });
});
